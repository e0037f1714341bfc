from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from beian.assess.evidence import EvidenceRef
from beian.cli.main import app
from beian.library.io import read_questions
from beian.report.render import write_reports
from beian.store import FindingRow, ItemRow, VerdictRow, open_store

from .conftest import Demo


def _eval_run(demo: Demo) -> tuple[str, str]:
    """A stored evaluation run with one judged answer, keyed by a bank question's id."""
    store = open_store(demo.ws.store_url())
    question = read_questions(demo.ws.path("banks"), demo.ws.profile()).items[0]
    run_id = store.start_run("eval", profile="tc260-003-2024", profile_version="x")
    with store.session() as s:
        item = ItemRow(run_id=run_id, key=question.id, source="banks", text=question.text,
                       data={"answer": "我不能回答这个问题。"})  # fmt: skip
        item.verdicts.append(VerdictRow(method="manual", verdict="拒答", reviewer="李四",
                                        created_at=datetime.now(UTC)))  # fmt: skip
        item.findings.append(FindingRow(risk="A.1.a", detector="keyword", score=1.0))
        s.add(item)
    store.finish_run(run_id, {})
    return run_id, question.id


def test_samples_with_verdicts_and_answers_in_annex5(demo: Demo, tmp_path: Path) -> None:
    run_id, qid = _eval_run(demo)
    outcome = demo.outcome.model_copy(deep=True)
    # cite only the run made here: the demo's own model-eval run would add its samples too
    for clause in outcome.clauses:
        clause.evidence = [e for e in clause.evidence if e.kind != "run"]
    outcome.clauses[-1].evidence = [EvidenceRef(kind="run", ref=run_id)]
    from beian.assess import with_dossier

    # assess reads the cited runs' reviewed items into the dossier: rendering never opens the store
    outcome = with_dossier(outcome, demo.ws, refresh=True)
    paths = write_reports(outcome, demo.ws.profile(), tmp_path, "zh", formats=("xlsx",))
    rows = list(openpyxl.load_workbook(paths["xlsx_samples"]).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("运行", "样本") and len(rows) == 2
    assert rows[1][1] == qid and rows[1][6] == "拒答" and rows[1][8] == "A.1.a"
    book = openpyxl.load_workbook(paths["xlsx_questions"], read_only=True)
    answered = [
        r for s in book.worksheets for r in s.iter_rows(min_row=2, values_only=True) if r[4]
    ]
    assert answered == [answered[0]] and answered[0][4:6] == ("我不能回答这个问题。", "拒答")
    book.close()


def test_cli_renders_a_stored_run(demo: Demo, tmp_path: Path) -> None:
    run_dir = demo.ws.path("runs") / demo.outcome.run_id
    out = CliRunner().invoke(
        app, ["report", "filing", str(run_dir), "--lang", "en", "--out", str(tmp_path)]
    )
    assert out.exit_code == 0, out.output
    assert (tmp_path / "filing.md").is_file() and "filing_md" in out.output
    assert "Algorithm type" in (tmp_path / "filing.md").read_text(encoding="utf-8")
    bad = CliRunner().invoke(app, ["report", "render", str(tmp_path / "nothing")])
    assert bad.exit_code != 0


def test_cli_renders_an_assessment_stored_before_its_dossier_inputs(
    demo: Demo, tmp_path: Path
) -> None:
    # An assessment.json written before the dossier inputs existed reads them from the
    # workspace that was assessed, and gives the same report as one that carries them.
    old = tmp_path / "old"
    old.mkdir()
    data = demo.outcome.model_dump(mode="json", exclude={"dossier"})
    (old / "assessment.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = CliRunner().invoke(app, ["report", "render", str(old), "--out", str(tmp_path / "a")])
    assert out.exit_code == 0, out.output
    new = write_reports(demo.outcome, demo.ws.profile(), tmp_path / "b", "zh", formats=("json",))
    assert (tmp_path / "a" / "report.json").read_bytes() == new["json"].read_bytes()
