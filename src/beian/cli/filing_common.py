"""Options and helpers shared by the ``beian filing`` commands."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer

from beian.cli._common import workspace_option
from beian.errors import UserError

if TYPE_CHECKING:
    from beian.assess.evidence import Lang
    from beian.store import Store

WorkspaceOpt = Annotated[
    Path | None, workspace_option("Its store holds the register (default: the current folder).")
]
StoreOpt = Annotated[str | None, typer.Option("--store", help="Store URL (overrides -w).")]
LangOpt = Annotated[str, typer.Option("--lang", help="zh (default) or en.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
ActorOpt = Annotated[str, typer.Option("--actor", help="Who makes the change.")]


def lang_of(value: str) -> Lang:
    """``--lang`` checked."""
    if value not in ("zh", "en"):
        raise UserError(f"--lang must be zh or en, not {value!r}")
    return cast("Lang", value)


def open_register(workspace: Path | None, store: str | None) -> Store:
    """The store holding the register: ``--store``, else the workspace's (default ``.``)."""
    from beian.store import open_store

    if store:
        return open_store(store)
    from beian.cli._common import check_workspace_path
    from beian.workspace import CONFIG_NAME, load_workspace

    root = check_workspace_path(workspace or Path("."))
    if not (root / CONFIG_NAME).is_file():
        raise UserError(f"{root}: no beian.toml here; give -w DIR (a workspace) or --store URL")
    return open_store(load_workspace(root, env=os.environ).store_url())


def day_of(value: str | None, option: str) -> date | None:
    """A YYYY-MM-DD option value, ``None`` when the option was not given."""
    return None if value is None else required_day(value, option)


def required_day(value: str, option: str) -> date:
    """A YYYY-MM-DD value of a required option."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UserError(f"{option}: {value!r} is not a date (use YYYY-MM-DD)") from None


def say(lang: Lang, zh: str, en: str) -> str:
    """The text in ``lang``."""
    return zh if lang == "zh" else en
