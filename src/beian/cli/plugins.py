"""``beian plugins``: what is registered, with versions."""

from __future__ import annotations

import ast
import inspect
import textwrap
from typing import Annotated, Any

import typer
from pydantic import BaseModel
from rich.table import Table

from beian.cli._common import console, err_console, print_json
from beian.registry import registry


def attribute_docstrings(model: type[BaseModel]) -> dict[str, str]:
    """The docstring under each field of ``model`` and its bases (a base's is overridden by a
    subclass's), read from their source: what pydantic's ``use_attribute_docstrings`` reads, but
    only when the options are listed, not on every import of the model."""
    found: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        if not (isinstance(cls, type) and issubclass(cls, BaseModel)) or cls is BaseModel:
            continue
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
        except (OSError, TypeError, SyntaxError):
            continue  # no source (a frozen build, a class made at run time): no descriptions
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
        for node, after in zip(body, body[1:], strict=False):
            if (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            ):
                found[node.target.id] = inspect.cleandoc(after.value.value)
    return found


def option_rows(model: type[BaseModel]) -> list[dict[str, Any]]:
    """Each option of a plugin's Options model: name, type, default, description (F15)."""
    rows = []
    docs = attribute_docstrings(model)
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
                "description": " ".join((field.description or docs.get(name, "")).split()),
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
    rows.append({**_kernel_row(), **({"options": []} if options else {})})
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


def _kernel_row() -> dict[str, Any]:
    """Whether the compiled text kernel folds texts here (``BEIAN_NO_KERNEL=1``, no compiler
    at install time or a stale build: the numpy code, same results, slower)."""
    from beian import __version__
    from beian.detect.classifier.features import column_kernel_available
    from beian.text.batch import kernel_available, kernel_status

    status = kernel_status()
    if kernel_available() and not column_kernel_available():  # built before harm_sums
        status += "; harm n-grams: numpy (rebuild the kernel)"
    return {
        "kind": "kernel",
        "name": "text",
        "version": __version__,
        "source": "compiled" if kernel_available() else "numpy",
        "description": "text fold, evasion readings, keyword fillers, PII pre-check, harm "
        f"n-gram scoring: {status}",
    }


def register(app: typer.Typer) -> None:
    """Attach ``plugins`` to the root app."""
    app.command("plugins")(plugins)
