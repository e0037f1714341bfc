"""The one command end to end on a tiny tree, with real detectors and judges."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bench.accuracy import provenance, run, systems

from tests.bench_accuracy.fixtures import write_tree


def test_split_systems_keeps_detector_lists_together() -> None:
    assert run.split_systems("det:default,det:keyword,pii,classifier,judge:keyword") == [
        "det:default",
        "det:keyword,pii,classifier",
        "judge:keyword",
    ]


def test_folder_of_training_entries() -> None:
    assert provenance.folder_of("cold/train.csv") == "cold"
    assert provenance.folder_of("bench/corpus.jsonl.gz (benign chunks)") == "bench"
    assert provenance.folder_of("first half of ../shared/bench/data/corpus.jsonl.gz") == "bench"
    assert provenance.folder_of("jade-v3-medium") == "jade-v3-medium"
    assert provenance.folder_of("beian-synthetic (seed/synthetic.yaml)") is None
    assert provenance.meta_entries({"train_sources": ["swsr"], "sources": [{"name": "x"}]}) == [
        "swsr"
    ]


def test_ranked_risks_by_score_then_id() -> None:
    assert systems.ranked({"A.2.e": 0.4, "A.1.f": 0.9, "A.1.a": 0.4}) == ("A.1.f", "A.1.a", "A.2.e")


def test_shipped_classifier_declares_cold_as_seen() -> None:
    system = systems.make("det:classifier")
    assert "cold" in system.train  # from model.json's sources: cold/train.csv, cold/dev.csv


def test_run_writes_report_and_json_and_survives_bad_systems(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "shared")
    out = tmp_path / "out" / "bench.md"
    specs = "det:keyword,pii,det:nope,judge:keyword,judge:nope,foo:bar"
    code = run.main(["--shared", str(root), "--limit", "5", "--systems", specs, "--out", str(out)])
    assert code == 0
    data = json.loads(out.with_suffix(".json").read_text("utf-8"))
    assert set(data["systems"]) == {
        "det:keyword,pii",
        "det:nope",
        "judge:keyword",
        "judge:nope",
        "foo:bar",
    }
    assert "error" in data["systems"]["det:nope"] and "error" in data["systems"]["foo:bar"]
    det = data["systems"]["det:keyword,pii"]
    assert det["timing"]["text"]["n"] == 9  # cold 3 + spam 3 + chisafetybench 3 (attribution)
    assert det["kinds"]["text"]["sources"]["cold"]["n"] == 3
    assert det["kinds"]["question"]["sources"]["cvalues"]["benign"] == 5
    assert "chisafetybench" in det["attribution"]["sources"]
    judge = data["systems"]["judge:keyword"]
    assert judge["kinds"]["answer"]["sources"]["jade-answers"]["n"] == 2
    assert set(judge["kinds"]) == {"answer"}
    md = out.read_text("utf-8")
    assert "| cold | unseen | 3 | 2 |" in md
    assert "**pooled, unseen sources**" in md
    assert "failed" in md and "det:nope" in md
    assert set(data["failed_sources"]) >= {"swsr", "zuanbot"}  # absent from the tiny tree


def test_missing_shared_folder_is_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run.main(["--shared", str(tmp_path / "none"), "--out", str(tmp_path / "x.md")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: no shared data folder") and "\n" not in err
    assert not (tmp_path / "x.md").exists()
