"""``beian plugins``: what is registered, with versions."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from pydantic import BaseModel
from rich.table import Table

from beian.cli._common import console, err_console, print_json
from beian.registry import registry


def option_rows(model: type[BaseModel]) -> list[dict[str, Any]]:
    """Each option of a plugin's Options model: name, type, default, description (F15)."""
    rows = []
    for name, field in model.model_fields.items():
        default = None if field.is_required() else field.get_default(call_default_factory=True)
        kind = field.annotation
        rows.append(
            {
                "name": name,
                "type": kind.__name__
                if isinstance(kind, type)
                else str(kind).replace("typing.", ""),
                "default": default,
                "required": field.is_required(),
                "description": " ".join((field.description or "").split()),
            }
        )
    return rows


def plugins(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    options: Annotated[
        bool, typer.Option("--options", help="Also list each plugin's options.")
    ] = False,
) -> None:
    """List registered plugins (detectors, readers, targets, judges, label writers, sections)."""
    rows: list[dict[str, Any]] = [
        {
            "kind": p.kind,
            "name": p.name,
            "version": p.version,
            "source": p.source,
            "description": p.description,
            **({"options": option_rows(p.options)} if options else {}),
        }
        for p in registry.plugins()
    ]
    if as_json:
        print_json(rows)
    else:
        table = Table("kind", "name", "version", "source", "description")
        for r in rows:
            table.add_row(r["kind"], r["name"], r["version"], r["source"], r["description"])
            for o in r.get("options", []):
                value = "required" if o["required"] else f"default {o['default']!r}"
                line = f"  {o['name']}: {o['type']}, {value}. {o['description']}"
                table.add_row("", "", "", "", line.rstrip())
        console.print(table)
    for msg in registry.load_errors:
        err_console.print(f"warning: {msg}", markup=False)


def register(app: typer.Typer) -> None:
    """Attach ``plugins`` to the root app."""
    app.command("plugins")(plugins)
