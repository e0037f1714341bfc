"""Helpers shared by the CLI command modules: consoles, JSON output, progress."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

if TYPE_CHECKING:
    from rich.progress import Progress

console = Console()
err_console = Console(stderr=True, soft_wrap=True)


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
        console=err_console,
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
