"""Stored run summaries of the previous version load as typed models and conclude the same.

The ``data/stored_*.json`` files are the ``runs.summary`` of a demo workspace's corpus-assess,
corpus-filter and eval runs, written by the version before the typed summaries (dict results);
``stored_clauses_golden.json`` is the clause evidence that version concluded from them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from beian.assess.sections import corpus, model_eval
from beian.evaluate.result_model import EvalResult
from beian.evaluate.results import CLAUSES, clause_results
from beian.scan.summary_model import FilterSummary, ScanSummary
from beian.standard import load_profile
from beian.store import RunRow

DATA = Path(__file__).parent / "data"


def _stored(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / f"stored_{name}.json").read_text("utf-8"))
    return data


def test_an_old_scan_summary_loads_typed() -> None:
    s = ScanSummary.load(_stored("scan_assess"))
    assert (s.items, s.sampled, s.passed, s.qualified_rate) == (400, 400, False, 0.705)
    assert [(x.name, x.verdict, x.flagged) for x in s.sources] == [
        ("cold", "exclude", 112),
        ("novels", "usable", 2),
        ("poetry", "exclude", 4),
    ]
    assert s.sources[0].examples[0].findings[0].evidence == "偷井盖"
    assert s.detector_names() == {"keyword", "solicit", "harm"}
    # Written again, it is the same JSON ("pass" by its name, no key added or dropped).
    assert s.to_json() == _stored("scan_assess")
    assert ScanSummary.load(s.to_json()) == s


def test_a_scan_summary_older_still_loads_without_the_fields_added_since() -> None:
    old = _stored("scan_assess")
    for key in ("detection_setup", "files", "legacy_encodings", "summary_file"):
        old.pop(key)
    s = ScanSummary.load(old)
    assert s.files is None and s.detection_setup == "" and s.items == 400


def test_an_old_filter_summary_loads_typed() -> None:
    s = FilterSummary.load(_stored("scan_filter"))
    assert (s.input, s.clean, s.rejected, s.errors, s.accounted) == (400, 282, 118, 0, True)
    assert s.files is not None and s.files.listed == 3
    assert s.to_json() == _stored("scan_filter")


def test_an_old_eval_result_round_trips_to_the_same_json() -> None:
    stored = _stored("eval_results")
    r = EvalResult.load(stored)
    assert r.counts["refusal_on_refuse"].hits == 222 and r.passed["9.3.b"] is None
    assert r.clauses["9.4.b"].passed is False and r.clauses["9.3.b"].n is None
    assert r.run is not None and r.run.target is not None
    assert r.run.target.spec == "replay:banks/answers.jsonl"
    assert r.to_json() == stored  # not one key added, dropped or changed


def test_a_stored_result_missing_a_required_field_is_refused() -> None:
    broken = _stored("eval_results")
    del broken["run_id"]
    with pytest.raises(ValueError, match="run_id"):
        EvalResult.load(broken)


def test_assess_concludes_from_old_summaries_what_the_previous_version_did() -> None:
    profile = load_profile()
    scan = RunRow(id="scan-1", kind="corpus-assess", summary=_stored("scan_assess"))
    filt = RunRow(id="filter-1", kind="corpus-filter", summary=_stored("scan_filter"))
    result = EvalResult.load(_stored("eval_results"))
    refs = model_eval._evidence("eval-1", result)
    detail = clause_results(profile, model_eval._rates(result))
    got: dict[str, Any] = {
        "assess": [e.model_dump(mode="json") for e in corpus._assess_clauses(scan, profile)],
        "filter": corpus._filter_clause(filt, None).model_dump(mode="json"),
        "eval": {
            c: model_eval._conclude(c, detail[c], refs).model_dump(mode="json") for c in CLAUSES
        },
    }
    golden = json.loads((DATA / "stored_clauses_golden.json").read_text("utf-8"))
    assert json.loads(json.dumps(got, sort_keys=True)) == golden
    statuses = {e["clause"]: e["status"] for e in got["assess"]}
    assert statuses == {"5.1.a": "nonconforms", "9.2.b": "nonconforms"}
