"""``report/`` renders an Assessment: it never opens the store, scans or evaluates.

A static check of every module under ``src/beian/report``: what it imports. The only name it
may take from ``beian.store`` is the ``ReviewedItem`` value (samples the caller read)."""

from __future__ import annotations

import ast
from pathlib import Path

import beian.report

REPORT = Path(beian.report.__file__).parent
FORBIDDEN_MODULES = (
    "sqlalchemy",
    "beian.store.db",
    "beian.scan.jobs",
    "beian.scan.run",
    "beian.evaluate.run",
    "beian.evaluate.workspace_eval",
)
ALLOWED_FROM_STORE = {"ReviewedItem"}


def _imports(path: Path) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            out += [(a.name, None) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            out += [(node.module, a.name) for a in node.names]
    return out


def test_report_modules_neither_open_the_store_nor_run_work() -> None:
    modules = sorted(REPORT.rglob("*.py"))
    assert len(modules) > 5
    bad = []
    for path in modules:
        for module, name in _imports(path):
            if module.startswith(FORBIDDEN_MODULES):
                bad.append(f"{path.name}: {module}")
            elif module.startswith("beian.store") and name not in ALLOWED_FROM_STORE:
                bad.append(f"{path.name}: {module}.{name}")
    assert bad == []
