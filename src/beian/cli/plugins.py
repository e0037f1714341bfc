"""``beian plugins``: what is registered, with versions."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from beian.cli._common import console, err_console, print_json
from beian.registry import registry


def plugins(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List registered plugins (detectors, readers, targets, judges, label writers, sections)."""
    rows = [
        {
            "kind": p.kind,
            "name": p.name,
            "version": p.version,
            "source": p.source,
            "description": p.description,
        }
        for p in registry.plugins()
    ]
    if as_json:
        print_json(rows)
    else:
        table = Table("kind", "name", "version", "source", "description")
        for r in rows:
            table.add_row(r["kind"], r["name"], r["version"], r["source"], r["description"])
        console.print(table)
    for msg in registry.load_errors:
        err_console.print(f"warning: {msg}", markup=False)


def register(app: typer.Typer) -> None:
    """Attach ``plugins`` to the root app."""
    app.command("plugins")(plugins)
