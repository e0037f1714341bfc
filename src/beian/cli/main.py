"""The ``beian`` command: wires the command groups and turns user errors into one line."""

from __future__ import annotations

import atexit
import gc
import importlib
import inspect
import os
import sys
import types
import typing
from collections.abc import Callable, Iterable, Iterator
from typing import Annotated, Any

import typer

from beian import __version__
from beian.cli import examples
from beian.cli._common import say
from beian.errors import BeianError, UserError

_app = typer.Typer(
    name="beian",
    help="China generative-AI safety assessment: risks, corpus, model, labels, filing report.",
    epilog=examples.epilog(
        (
            ("beian assess", "演示工作区的自评估 / assess the bundled demo"),
            ("beian init -w my-service", "新建工作区 / a new workspace"),
            ("beian assess -w my-service", "逐条结论与报告 / conclusions and the report"),
            ("beian COMMAND --help", "每个命令的示例 / examples of each command"),
        )
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# Which module registers which top-level commands (each module owns one concern). ``run`` wires
# only the module of the command being run, so ``beian detect`` never imports the store, the
# renderers or the standard's loader; ``--help`` and unknown names wire them all.
# tests/cli/test_startup.py checks this table against what each module registers.
COMMANDS: dict[str, tuple[str, ...]] = {
    "beian.cli.standard": ("risks", "standard"),
    "beian.cli.workspace": ("init", "assess"),
    "beian.cli.plugins": ("plugins",),
    "beian.cli.detect": ("detect",),
    "beian.cli.library": ("library", "bank"),
    "beian.cli.classifier": ("classifier",),
    "beian.cli.judge": ("judge",),
    "beian.cli.label": ("label",),
    "beian.cli.corpus": ("corpus",),
    "beian.cli.eval": ("eval",),
    "beian.cli.report": ("report",),
    "beian.cli.gateway": ("gateway",),
    "beian.cli.filing": ("filing",),
    "beian.cli.web": ("web",),
    "beian.cli.registry_service": ("registry",),
}
_OWNER = {name: module for module, names in COMMANDS.items() for name in names}
_wired: set[str] = set()


def _print_version() -> None:
    typer.echo(f"beian {__version__}")


def _version(value: bool) -> None:
    if value:
        _print_version()
        raise typer.Exit()


@_app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
) -> None:
    """beian: turn China's generative-AI safety rules into checks you can run."""


def _wire(modules: Iterable[str] = COMMANDS) -> typer.Typer:
    """Register the commands of ``modules`` (each once) on the root app and return it."""
    todo = [m for m in modules if m not in _wired]
    for module in todo:
        importlib.import_module(module).register(_app)
        _wired.add(module)
    if todo:
        examples.attach(_app)
    return _app


def _modules_for(args: list[str]) -> tuple[str, ...]:
    """The modules ``args`` need: the owner of the command named, or all of them."""
    # The root's own options (--debug, --version, --help) take no value, so the first other
    # argument is the command's name.
    name = next((a for a in args if not a.startswith("-")), None)
    if name is None or name not in _OWNER:  # root help, or a name to report as unknown
        return tuple(COMMANDS)
    return (_OWNER[name],)


def __getattr__(name: str) -> typer.Typer:
    # ``from beian.cli.main import app`` (tests, embedding) gets the whole command tree.
    if name == "app":
        return _wire()
    raise AttributeError(name)


def _callbacks(typer_app: typer.Typer) -> Iterator[Callable[..., Any]]:
    """Every function Typer turns into a command or group callback, depth first."""
    infos: list[Any] = [typer_app.registered_callback, *typer_app.registered_commands]
    for info in infos:
        if info is not None and inspect.isfunction(info.callback):
            yield info.callback
    for group in typer_app.registered_groups:
        if inspect.isfunction(group.callback):
            yield group.callback
        if group.typer_instance is not None:
            yield from _callbacks(group.typer_instance)


def _resolve_annotations(typer_app: typer.Typer) -> None:
    """Evaluate the commands' postponed annotations once, in place.

    The modules use ``from __future__ import annotations``, so every annotation is a string that
    Typer evaluates several times per command while building the click tree; resolving them once
    halves that work on every invocation. Unresolvable ones are left as they are, so Typer
    reports them exactly as before.
    """
    for func in _callbacks(typer_app):
        try:
            func.__annotations__ = typing.get_type_hints(func, include_extras=True)
        except NameError:
            continue


_PYDANTIC_LOADER = "pydantic.plugin._loader"
_PLUGINS_OFF = ("__all__", "1", "true")  # the values pydantic reads as "no plugins"


class _PydanticPluginLoader(types.ModuleType):
    """Stands in for ``pydantic.plugin._loader`` while plugins are turned off.

    pydantic imports that module on its first model only to look for plugins, and the module
    imports ``importlib.metadata`` (0.01 CPU-s: ``email``, ``zipfile``, ``csv``, ``socket``)
    before it reads ``PYDANTIC_DISABLE_PLUGINS``. This stand-in answers ``get_plugins()`` as
    the module does when the variable turns plugins off (no plugins), and imports the real
    module for anything else (the variable changed, another attribute).
    """

    _plugins = None

    def get_plugins(self) -> Any:
        if os.environ.get("PYDANTIC_DISABLE_PLUGINS") in _PLUGINS_OFF:
            return ()
        return self._real().get_plugins()

    def _real(self) -> types.ModuleType:
        if sys.modules.get(_PYDANTIC_LOADER) is self:
            del sys.modules[_PYDANTIC_LOADER]
        return importlib.import_module(_PYDANTIC_LOADER)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system asks for __path__ and the like
            raise AttributeError(name)
        return getattr(self._real(), name)


def _defer_pydantic_plugin_loader() -> None:
    if _PYDANTIC_LOADER in sys.modules:
        return
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") in _PLUGINS_OFF:
        sys.modules[_PYDANTIC_LOADER] = _PydanticPluginLoader(_PYDANTIC_LOADER)


_BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")
"""What OpenBLAS reads, in this order, for its thread count when numpy loads it."""

CLI_GC_THRESHOLD = 100_000
"""Allocations between two young-generation collections in a CLI process (CPython: 700)."""


def _process_settings() -> None:
    """Settings for this CLI process, made before any heavy library is imported.

    - pydantic looks for plugins by reading the entry points of every installed distribution
      (0.02-0.04 CPU-s per process, pool workers too); beian's commands use none. Setting
      ``PYDANTIC_DISABLE_PLUGINS`` yourself (to "" to allow them) takes precedence.
    - numpy's OpenBLAS starts one thread per core when it loads, and the threads spin while
      they wait for work: 0.04-0.1 CPU-s per process (pool workers too) for nothing, since no
      command multiplies large matrices (the corpus commands run one process per core). A
      thread count you set (``OPENBLAS_NUM_THREADS``, ``GOTO_NUM_THREADS`` or
      ``OMP_NUM_THREADS``) takes precedence; the variable is inherited by pool workers.
    - Start-up builds ~10^5 objects that live as long as the process (modules, classes,
      detectors) and ~100 young-generation collections walked them for nothing (~3 % of the
      instructions of ``beian detect``). The CLI collects every 100,000 allocations instead of
      every 700: the collector still runs, cycles are still freed.
    """
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if not any(os.environ.get(name) for name in _BLAS_THREADS):
        os.environ["OPENBLAS_NUM_THREADS"] = "1"
    _, middle, old = gc.get_threshold()
    gc.set_threshold(CLI_GC_THRESHOLD, middle, old)


QUICK_EXIT_COMMANDS = (("detect",), ("corpus", "assess"), ("corpus", "filter"))
"""Commands that end their process with ``os._exit`` once their work is done (see
:func:`_quick_exit`): every file they write is closed before they return, which
tests/cli/test_startup.py checks at the moment of exit, and their outputs are compared with a
full exit's."""


def _quick_exit(args: list[str], code: int) -> None:
    """End the process with ``code`` now, if nothing is left for the interpreter's exit to do.

    The interpreter's own exit tears down every module and object one by one (~0.01 CPU-s
    for ``beian detect``, 3-4 % of it). What it would still do that matters is done here: the
    exit handlers run (``atexit``: coverage, ``weakref.finalize``, logging), and stdout and
    stderr are flushed. Any other case returns, and the interpreter exits as usual: a command
    not listed in :data:`QUICK_EXIT_COMMANDS`, another thread alive (a pool's manager thread),
    a child process of ``multiprocessing`` alive, SQLAlchemy imported (its pooled
    connections are closed at exit, which also folds a SQLite write-ahead log back into the
    database file; the store at head is written with ``sqlite3`` and closed), a flush that
    fails (the interpreter reports it), ``python -i``, development mode (``-X dev``: unclosed-file
    warnings come at exit), a tracer or profiler, or ``BEIAN_FULL_EXIT`` set to anything but ""
    or "0".
    """
    words = [a for a in args if not a.startswith("-")]
    if not any(tuple(words[: len(c)]) == c for c in QUICK_EXIT_COMMANDS):
        return
    if os.environ.get("BEIAN_FULL_EXIT", "") not in ("", "0"):
        return
    if sys.flags.inspect or sys.flags.dev_mode:
        return
    if sys.gettrace() is not None or sys.getprofile() is not None:
        return
    if "sqlalchemy" in sys.modules:
        return
    # A pool that ran is shut down by then (its processes joined, its manager thread ended);
    # multiprocessing's own exit handler runs below with the others.
    mp = sys.modules.get("multiprocessing")
    if mp is not None and mp.active_children():
        return
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return
    if not _flushed():
        return
    atexit._run_exitfuncs()  # what the interpreter runs first at exit (and then forgets)
    if not _flushed():  # a handler wrote and the stream broke: let the interpreter report it
        return
    os._exit(code)


def _flushed() -> bool:
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        return False
    return True


def run(argv: list[str] | None = None) -> None:
    """Run the CLI on ``argv`` (default: ``sys.argv[1:]``): user errors → one line and exit 2;
    --debug shows tracebacks. It always ends in ``SystemExit``, which the caller may catch.

    Typer's standalone mode already turns usage errors into exit code 2 and exits via
    ``SystemExit``; what reaches the handlers below are beian's own errors.
    """
    _run(sys.argv[1:] if argv is None else argv)


def main() -> None:
    """The ``beian`` console script and ``python -m beian``: :func:`run`, and then, for the
    commands of :data:`QUICK_EXIT_COMMANDS`, the end of the process (:func:`_quick_exit`)
    unless a tracer or profiler is active (coverage, a debugger, ``python -m cProfile``: they
    write their results after the program returns)."""
    args = sys.argv[1:]
    try:
        _run(args)
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            _quick_exit(args, int(exc.code or 0))
        raise
    _quick_exit(args, 0)


def _run(args: list[str]) -> None:
    _process_settings()
    _defer_pydantic_plugin_loader()
    if args == ["--version"]:
        # What the eager option prints, and its exit status, without building the command tree.
        _print_version()
        sys.exit(0)
    app = _wire(_modules_for(args))
    _resolve_annotations(app)
    debug = "--debug" in args
    try:
        app(args=args, prog_name="beian")
    except UserError as exc:
        if debug:
            raise
        say(f"error: {exc}")
        sys.exit(exc.exit_code)
    except BeianError as exc:
        if debug:
            raise
        say(f"error: {exc}")
        sys.exit(1)
