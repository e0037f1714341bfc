"""results.json: the contract, pass/fail per clause from the profile, methods not run absent,
manual review round trip, python target."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from beian.errors import InputError
from beian.evaluate import EvalConfig, RunnerOptions, rebuild_results, run_eval
from beian.evaluate.review import export_sheet, import_sheet
from beian.library.tabular import INSTRUCTIONS_SHEET
from beian.standard import Profile
from beian.store import Store, open_store
from tests.evaluate.conftest import full_banks, make_bank

CLAUSES = {"9.3.b", "9.3.c", "9.3.d", "9.4.b", "9.4.c"}


def _run(
    tmp_path: Path, profile: Profile, model: str, questions: Any, **config: Any
) -> tuple[Store, dict[str, Any]]:
    store = open_store(f"sqlite:///{tmp_path / 'eval.db'}")
    cfg = EvalConfig(
        target=f"python:tests.evaluate.models:{model}",
        runner=RunnerOptions(concurrency=1),
        **config,
    )
    outcome = run_eval(cfg, questions, profile, store, tmp_path / "out")
    on_disk = json.loads(outcome.path.read_text(encoding="utf-8"))
    assert on_disk == outcome.results.to_json()
    return store, on_disk


@pytest.fixture(scope="module")
def passing(
    tmp_path_factory: pytest.TempPathFactory, profile: Profile
) -> tuple[Path, Store, dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("passing")
    store, results = _run(tmp, profile, "polite", full_banks(profile, extra=50))
    return tmp, store, results


def test_results_contract(passing: tuple[Path, Store, dict[str, Any]], profile: Profile) -> None:
    _tmp, _store, r = passing
    assert {"profile", "target", "samples", "rates", "ci", "pass", "per_risk"} <= set(r)
    assert r["profile"]["name"] == profile.profile
    assert r["target"] == "python:tests.evaluate.models:polite"
    assert r["samples"] == {
        "test": profile.quota("9.3.b", "sample_min").value,
        "refuse": profile.quota("9.4.b", "sample_min").value,
        "answer": profile.quota("9.4.c", "sample_min").value,
    }
    assert set(r["pass"]) == CLAUSES
    # Methods not run are absent, never zero: no manual review yet, no LLM judge configured.
    assert set(r["rates"]) == {"keyword", "classifier", "refusal_on_refuse", "refusal_on_answer"}
    assert set(r["ci"]) == set(r["rates"])
    assert r["pass"]["9.3.b"] is None and r["clauses"]["9.3.b"]["reason"] == "method not run"
    assert r["pass"] == {"9.3.b": None, "9.3.c": True, "9.3.d": True, "9.4.b": True, "9.4.c": True}
    assert set(r["per_risk"]) == set(profile.risk_ids())
    row = r["per_risk"]["A.1.a"]
    assert row["test"]["keyword"]["n"] == row["test"]["n"] > 0
    assert row["refuse"]["refusal"]["rate"] == 1.0
    assert set(r["per_topic"]) == {t.id for t in profile.topics}


def test_every_answer_keeps_each_judges_verdict_and_evidence(
    passing: tuple[Path, Store, dict[str, Any]],
) -> None:
    tmp, _store, _r = passing
    rows = [json.loads(x) for x in (tmp / "out" / "answers.jsonl").read_text("utf-8").splitlines()]
    test_rows = [x for x in rows if x["bank"] == "test"]
    assert all(set(x["verdicts"]) == {"keyword", "classifier"} for x in test_rows)
    assert all("findings" in x["verdicts"]["classifier"] for x in test_rows)
    refuse = [x for x in rows if x["bank"] == "refuse"]
    assert all(x["verdicts"]["refusal"]["verdict"] == "refusal" for x in refuse)
    assert all(x["verdicts"]["refusal"]["evidence"] for x in refuse)  # the cues that fired


def test_failing_model_fails_the_right_clauses(tmp_path: Path, profile: Profile) -> None:
    banks = [q for q in full_banks(profile) if q.bank != "test"]
    _store, over = _run(
        tmp_path / "over", profile, "refuses_everything", banks, judges=("refusal",)
    )
    assert over["pass"]["9.4.b"] is True and over["pass"]["9.4.c"] is False
    assert over["rates"]["refusal_on_answer"] == 1.0
    _store, under = _run(
        tmp_path / "under", profile, "answers_everything", banks, judges=("refusal",)
    )
    assert under["pass"]["9.4.b"] is False and under["pass"]["9.4.c"] is True


def test_failed_questions_are_left_out_and_can_sink_the_sample(
    tmp_path: Path, profile: Profile
) -> None:
    need = int(profile.quota("9.4.b", "sample_min").value)
    questions = make_bank("refuse", need, profile, fail=range(3))
    _store, r = _run(tmp_path, profile, "polite", questions, judges=("refusal",))
    assert r["errors"]["counts"] == {"refuse": 3}
    assert "RuntimeError" in r["errors"]["first"][0]["error"]
    assert r["counts"]["refusal_on_refuse"]["n"] == need - 3
    assert r["rates"]["refusal_on_refuse"] == 1.0
    assert r["pass"]["9.4.b"] is False  # a perfect rate on too few answers cannot pass
    assert set(r["rates"]) == {"refusal_on_refuse"}  # the other banks had no questions at all
    assert r["pass"]["9.3.c"] is None


def test_manual_review_round_trip(tmp_path: Path, profile: Profile) -> None:
    need = int(profile.quota("9.3.b", "sample_min").value)
    store, first = _run(
        tmp_path, profile, "polite", make_bank("test", need, profile), judges=("keyword",)
    )
    run_id = first["run_id"]
    sheet = tmp_path / "review.csv"
    n = export_sheet(store, run_id, sheet)
    assert n == first["samples"]["test"]
    with sheet.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["keyword"] == "qualified" and rows[0]["verdict"] == ""
    fails = round(n * (1 - profile.quota("9.3.b", "qualified_rate_min").value)) + 1
    for i, row in enumerate(rows):
        row["verdict"] = "不合格" if i < fails else "合格"
        row["reviewer"] = "张三"
    with sheet.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    counts = import_sheet(store, run_id, sheet)
    assert (counts.reviewed, counts.blank) == (n, 0)
    r = rebuild_results(store, run_id, profile).results.to_json()
    assert r["counts"]["manual"] == {"n": n, "hits": n - fails}
    assert r["pass"]["9.3.b"] is False  # one failure too many for the profile's rate
    assert r["pass"]["9.3.c"] is True
    # Re-importing with one verdict fixed replaces, never duplicates, the manual verdicts.
    rows[0]["verdict"] = "合格"
    with sheet.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    import_sheet(store, run_id, sheet)
    r = rebuild_results(store, run_id, profile).results.to_json()
    assert r["counts"]["manual"] == {"n": n, "hits": n - fails + 1}
    assert r["pass"]["9.3.b"] is True
    assert (
        json.loads((tmp_path / "out" / "results.json").read_text("utf-8"))["rates"]["manual"]
        == r["rates"]["manual"]
    )


def test_review_sheet_rejects_unknown_verdicts_and_foreign_keys(
    tmp_path: Path, profile: Profile
) -> None:
    store, r = _run(tmp_path, profile, "polite", make_bank("test", 5, profile), judges=("keyword",))
    bad = tmp_path / "bad.csv"
    bad.write_text("key,verdict\ntest-0,maybe\n", encoding="utf-8")
    with pytest.raises(InputError, match="maybe"):
        import_sheet(store, r["run_id"], bad)
    foreign = tmp_path / "foreign.csv"
    foreign.write_text("key,verdict\ntest:other-run,合格\n", encoding="utf-8")
    with pytest.raises(InputError, match="not in run"):
        import_sheet(store, r["run_id"], foreign)


def test_review_xlsx_guides_the_reviewer_and_reads_back(tmp_path: Path, profile: Profile) -> None:
    """F17: bilingual headers, a verdict dropdown, an instructions sheet; filled in, it imports."""
    import openpyxl

    store, r = _run(tmp_path, profile, "polite", make_bank("test", 4, profile), judges=("keyword",))
    sheet = tmp_path / "review.xlsx"
    n = export_sheet(store, r["run_id"], sheet)
    book = openpyxl.load_workbook(sheet)
    ws = book["review"]
    header = [c.value for c in ws[1]]
    assert "结论 / verdict" in header and "模型回答 / answer" in header
    lists = [v.formula1 for v in ws.data_validations.dataValidation]
    assert any("合格" in f and "不合格" in f for f in lists)
    assert any("A.1.a" in f for f in lists)
    assert "9.3 b" in str(book[INSTRUCTIONS_SHEET]["A1"].value)
    col = header.index("结论 / verdict") + 1
    who = header.index("审核人 / reviewer") + 1
    for row in range(2, n + 2):
        ws.cell(row=row, column=col, value="合格")
        ws.cell(row=row, column=who, value="李四")
    book.save(sheet)
    counts = import_sheet(store, r["run_id"], sheet)
    assert (counts.reviewed, counts.blank) == (n, 0)
