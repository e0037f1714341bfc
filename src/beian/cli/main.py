"""The ``beian`` command: wires the command groups and turns user errors into one line."""

from __future__ import annotations

import importlib
import inspect
import sys
import typing
from collections.abc import Callable, Iterator
from typing import Annotated, Any

import typer

from beian import __version__
from beian.cli import examples
from beian.cli._common import err_console
from beian.errors import BeianError, UserError

app = typer.Typer(
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

# (module, attribute, group name or "" for top-level commands). Each module owns one concern.
_GROUPS: tuple[tuple[str, str, str], ...] = (
    ("beian.cli.standard", "register", ""),
    ("beian.cli.workspace", "register", ""),
    ("beian.cli.plugins", "register", ""),
    ("beian.cli.detect", "register", ""),
    ("beian.cli.library", "register", ""),
    ("beian.cli.classifier", "register", ""),
    ("beian.cli.judge", "register", ""),
    ("beian.cli.label", "register", ""),
    ("beian.cli.corpus", "register", ""),
    ("beian.cli.eval", "register", ""),
    ("beian.cli.report", "register", ""),
    ("beian.cli.gateway", "register", ""),
    ("beian.cli.filing", "register", ""),
    ("beian.cli.web", "register", ""),
    ("beian.cli.registry_service", "register", ""),
)


def _print_version() -> None:
    typer.echo(f"beian {__version__}")


def _version(value: bool) -> None:
    if value:
        _print_version()
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
) -> None:
    """beian: turn China's generative-AI safety rules into checks you can run."""


def _wire() -> None:
    for module, attr, _name in _GROUPS:
        getattr(importlib.import_module(module), attr)(app)
    examples.attach(app)


_wire()


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


def run(argv: list[str] | None = None) -> None:
    """Console-script entry point: user errors → one line and exit 2; --debug shows tracebacks.

    Typer's standalone mode already turns usage errors into exit code 2 and exits via
    ``SystemExit``; what reaches the handlers below are beian's own errors.
    """
    args = sys.argv[1:] if argv is None else argv
    if args == ["--version"]:
        # What the eager option prints, and its exit status, without building the command tree.
        _print_version()
        sys.exit(0)
    _resolve_annotations(app)
    debug = "--debug" in args
    try:
        app(args=args, prog_name="beian")
    except UserError as exc:
        if debug:
            raise
        err_console.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(exc.exit_code)
    except BeianError as exc:
        if debug:
            raise
        err_console.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(1)
