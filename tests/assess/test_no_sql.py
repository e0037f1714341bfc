"""``assess/`` builds the assessment from what the store answers; the queries live in store/."""

from __future__ import annotations

import ast
from pathlib import Path

import beian.assess

ASSESS = Path(beian.assess.__file__).parent


def _offences(path: Path) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names if a.name.startswith("sqlalchemy")]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            out.append(str(node.module))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "session"
        ):
            out.append(".session()")
    return out


def test_assess_modules_write_no_sql() -> None:
    modules = sorted(ASSESS.rglob("*.py"))
    assert len(modules) > 10
    bad = [f"{p.relative_to(ASSESS)}: {what}" for p in modules for what in _offences(p)]
    assert bad == []
