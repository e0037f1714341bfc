"""Helpers shared by the CLI command modules: consoles, JSON output, progress."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress


class _LazyConsole:
    """A Rich ``Console`` made on first use: importing Rich costs ~0.015 CPU-s (42 modules),
    and a command whose output is JSON or a plain line (``corpus assess --json``) needs none of
    it. Every attribute read or set goes to the console."""

    def __init__(self, **options: Any) -> None:
        object.__setattr__(self, "_options", options)
        object.__setattr__(self, "_console", None)

    def _made(self) -> Console:
        made: Console | None = object.__getattribute__(self, "_console")
        if made is None:
            from rich.console import Console

            made = Console(**object.__getattribute__(self, "_options"))
            object.__setattr__(self, "_console", made)
        return made

    def __getattr__(self, name: str) -> Any:
        return getattr(self._made(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._made(), name, value)


def real_console(lazy: Console) -> Console:
    """The Rich console itself, for Rich objects that use it as a context manager (a progress
    bar's live display): special methods are looked up on the type, past the stand-in."""
    return lazy._made() if isinstance(lazy, _LazyConsole) else lazy


console = cast("Console", _LazyConsole())
err_console = cast("Console", _LazyConsole(stderr=True, soft_wrap=True))


def say(text: str) -> None:
    """Write ``text`` and a newline to stderr, as ``err_console.print(text, markup=False,
    highlight=False)`` does, without Rich when the text needs none of its processing.

    With markup and highlighting off and soft wrapping on, Rich writes such a line as it is,
    on a terminal too; it changes only ``:name:`` emoji codes (two colons), tabs (expanded)
    and control characters (some removed). A text with any of these, or any other character
    that is not printable, goes through Rich.
    """
    if not text.isprintable() or text.count(":") >= 2 or "rich.console" in sys.modules:
        err_console.print(text, markup=False, highlight=False)
        return
    if sys.stderr is not None:
        sys.stderr.write(text + "\n")
        sys.stderr.flush()


def stderr_is_terminal() -> bool:
    """``err_console.is_terminal``, without importing Rich when stderr is not a terminal.

    Rich's answer is the stream's ``isatty()`` unless ``TTY_COMPATIBLE`` or ``FORCE_COLOR`` is
    set (or the stream is IDLE's or Jupyter's, which it calls no terminal); with neither
    variable set and no tty, it is no terminal, and Rich is asked in every other case.
    """
    if "rich.console" in sys.modules or os.environ.get("TTY_COMPATIBLE"):
        return err_console.is_terminal
    if "FORCE_COLOR" in os.environ:
        return err_console.is_terminal
    isatty = getattr(sys.stderr, "isatty", None)
    try:
        tty = bool(isatty is not None and isatty())
    except ValueError:  # a closed stream: Rich says no terminal too
        return False
    return tty and err_console.is_terminal


def print_json(data: Any) -> None:
    """Write ``data`` as UTF-8 JSON to stdout (Chinese kept readable, no Rich markup)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


@contextmanager
def progress(description: str, total: float | None = None) -> Iterator[tuple[Progress, Any]]:
    """A Rich progress bar on stderr; yields (progress, task_id)."""
    # Imported here: only commands that stream files show a bar, --help never does.
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=real_console(err_console),
        transient=True,
    )
    with bar:
        task = bar.add_task(description, total=total)
        yield bar, task


WORKSPACE_HELP = "Workspace folder (the one holding beian.toml)."


def workspace_option(default_help: str = "") -> Any:
    """The one ``-w/--workspace DIR`` option every command that reads a workspace accepts."""
    import typer

    return typer.Option(
        "--workspace",
        "-w",
        metavar="DIR",
        help=f"{WORKSPACE_HELP} {default_help}".strip(),
        show_default=False,
    )


def legacy_workspace_argument() -> Any:
    """The positional workspace some commands took before ``-w``: hidden, still accepted."""
    import typer

    return typer.Argument(hidden=True, metavar="DIR", show_default=False)


def pick_workspace(option: Path | None, positional: Path | None) -> Path | None:
    """``-w DIR`` or the deprecated positional form; both at once must name the same folder."""
    from beian.errors import UserError

    if option is not None and positional is not None and option.resolve() != positional.resolve():
        raise UserError(f"two workspaces given ({positional} and -w {option}); give one, with -w")
    return option if option is not None else positional


def check_workspace_path(path: Path) -> Path:
    """``path`` if it can be a workspace; a typo or the config file itself gets the right hint."""
    from beian.errors import InputError

    if path.name == "beian.toml" and path.is_file():
        raise InputError(f"{path}: give the folder that holds beian.toml: -w {path.parent}")
    if not path.exists():
        raise InputError(f"{path}: no such folder (create a workspace with 'beian init -w {path}')")
    if not path.is_dir():
        raise InputError(f"{path}: not a folder")
    return path


def folding(table: Any) -> Any:
    """``table`` with every column folding long cells instead of cutting them with "…": a
    Chinese name has no spaces to wrap at, so Rich would otherwise elide it at 80 columns
    (ux.md F42, F43, F48)."""
    for column in table.columns:
        column.overflow = "fold"
    return table
