"""``report/`` renders an Assessment: it never opens the store, reads the workspace or runs work.

Two checks. A static one over every module under ``src/beian/report``: what it imports and
which file-reading calls it makes. A run-time one: a demo assessment, stored as JSON, renders
the same report after its workspace folder (store included) has been deleted.
"""

from __future__ import annotations

import ast
import json
import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest

import beian.assess._builtins  # registers the report sections
import beian.report
import beian.standard
from beian.assess import Assessment, assess, attestations, profile_of, write_assessment
from beian.assess.evidence import Lang
from beian.errors import InputError
from beian.report.render import write_reports
from beian.store import open_store
from beian.workspace import init_workspace

REPORT = Path(beian.report.__file__).parent
FORBIDDEN_MODULES = (
    "sqlalchemy",
    "beian.store",
    "beian.workspace",
    "beian.digest",
    "beian.scan.jobs",
    "beian.scan.run",
    "beian.evaluate.run",
    "beian.evaluate.workspace_eval",
)
# Names that read files or folders, called as ``x.name(...)`` or ``name(...)``.
READERS = {
    "open", "read_text", "read_bytes", "iterdir", "glob", "rglob", "exists", "is_file",
    "is_dir", "stat", "load", "scandir", "listdir", "walk", "read_keywords", "read_questions",
    "load_workspace", "load_profile", "sha256_file", "reviewed_items",
}  # fmt: skip
# The PDF checks that the font file of the font package it embeds is there.
ALLOWED_READS = {("pdf.py", "is_file")}


def _imports(tree: ast.AST) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, None) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            out += [(node.module, a.name) for a in node.names]
    return out


def _called(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            names.append(f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", ""))
    return names


def _modules() -> list[tuple[Path, ast.AST]]:
    modules = sorted(REPORT.rglob("*.py"))
    assert len(modules) > 5
    return [(p, ast.parse(p.read_text("utf-8"))) for p in modules]


def test_report_modules_neither_open_the_store_nor_run_work() -> None:
    bad = [
        f"{path.name}: {module}"
        for path, tree in _modules()
        for module, _name in _imports(tree)
        if module.startswith(FORBIDDEN_MODULES)
    ]
    assert bad == []


def test_report_modules_read_no_files() -> None:
    bad = [
        f"{path.name}: {name}()"
        for path, tree in _modules()
        for name in _called(tree)
        if name in READERS and (path.name, name) not in ALLOWED_READS
    ]
    assert bad == []


def _cells(path: Path) -> list[list[object]]:
    book = openpyxl.load_workbook(path, read_only=True)
    rows = [list(r) for sheet in book.worksheets for r in sheet.iter_rows(values_only=True)]
    book.close()
    return rows


def _render(outcome: Assessment, folder: Path, lang: Lang) -> dict[str, Path]:
    formats = ("json", "html", "md", "xlsx", "filing")
    day = date(2026, 1, 2)
    paths = write_reports(outcome, profile_of(outcome), folder, lang, formats=formats, today=day)
    return {k: p for k, p in paths.items() if k != "run"}  # run.json holds the render time


@pytest.mark.slow
def test_a_stored_assessment_renders_the_same_report_without_its_workspace(
    tmp_path: Path,
) -> None:
    ws = init_workspace(tmp_path / "ws", demo=True)
    attestations.write_template(ws.path("attestations"), ws.profile())
    # A document the filing checklist finds by name in attestations/.
    (ws.path("attestations") / "隐私政策.pdf").write_bytes(b"%PDF-1.4\n")
    outcome = assess(ws, open_store(ws.store_url()))
    stored = tmp_path / "assessment.json"
    write_assessment(outcome, stored)
    langs: tuple[Lang, ...] = ("zh", "en")
    before = {lang: _render(outcome, tmp_path / f"before-{lang}", lang) for lang in langs}
    shutil.rmtree(ws.root)  # the store (runs/beian.db) goes with it

    again = Assessment.model_validate_json(stored.read_text(encoding="utf-8"))
    for lang in langs:
        after = _render(again, tmp_path / f"after-{lang}", lang)
        assert after.keys() == before[lang].keys()
        for key, path in after.items():
            if path.suffix == ".xlsx":
                assert _cells(path) == _cells(before[lang][key]), key
            else:
                assert path.read_bytes() == before[lang][key].read_bytes(), key
    # The inputs are really in the report, not silently empty.
    keys = before["zh"].keys()
    assert {"xlsx_keywords", "xlsx_questions", "xlsx_samples"} <= keys
    manifest = json.loads(before["zh"]["json"].read_text(encoding="utf-8"))["manifest"]
    assert {"beian.toml", "attestations/attestations.yaml"} <= {m["ref"] for m in manifest}
    assert "隐私政策.pdf" in before["zh"]["filing_md"].read_text(encoding="utf-8")


def test_an_assessment_without_its_dossier_inputs_is_a_readable_error(tmp_path: Path) -> None:
    outcome = Assessment(run_id="r1", profile="tc260-003-2024", profile_version="1",
                         tool_version="0", workspace="", provider="", service="", clauses=[],
                         totals={}, sections=[])  # fmt: skip
    with pytest.raises(InputError, match="r1 was stored without its dossier inputs"):
        write_reports(outcome, beian.standard.load_profile(), tmp_path, "zh", formats=("json",))
