"""The corpus report section concludes 5.1 a-c, 5.2 a, 9.2 a-b only from evidence."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from beian.assess.context import AssessContext
from beian.assess.evidence import ClauseEvidence
from beian.assess.sections.corpus import CorpusSection
from beian.scan.executors import InlineExecutor
from beian.scan.jobs import (
    Detection,
    JobOptions,
    assess_corpus,
    filter_corpus,
    import_manual_verdicts,
    sample_corpus,
)
from beian.scan.manifest import load_manifest
from beian.store import open_store
from beian.workspace import Workspace, init_workspace, load_workspace

CLAUSES = ["5.1.a", "5.1.b", "5.1.c", "5.2.a", "9.2.a", "9.2.b"]


def _build(ws: Workspace) -> dict[str, ClauseEvidence]:
    store = open_store(ws.store_url())
    profile = ws.profile()
    run_id = store.start_run("assess", profile=profile.profile, profile_version=profile.version)
    results = CorpusSection().build(AssessContext(ws, profile, store, run_id))
    assert [r.clause for r in results] == CLAUSES
    return {r.clause: r for r in results}


def test_no_manifest_leaves_every_clause_pending(tmp_path: Path) -> None:
    got = _build(init_workspace(tmp_path / "ws"))
    assert {r.status for r in got.values()} == {"pending"}


def test_demo_register_is_checked_and_small_corpus_scanned_by_assess(tmp_path: Path) -> None:
    got = _build(init_workspace(tmp_path / "ws", demo=True))
    assert got["5.1.b"].status == "conforms" and got["5.1.c"].status == "conforms"
    assert got["5.1.c"].evidence[0].ref.endswith("corpus-sources.json")
    # the demo corpus is small, so the assessment scans it itself: 5.1 a and 9.2 b conclude
    for clause in ("5.1.a", "9.2.b"):
        assert got[clause].status in {"conforms", "nonconforms"}
        assert got[clause].evidence[0].kind == "run"
    rate = got["9.2.b"].figures["qualified"]
    assert 0.0 <= rate["ci"][0] <= rate["rate"] <= rate["ci"][1] <= 1.0
    assert rate["key"] == "qualified_rate_min"
    assert len(got["5.1.a"].figures["rates"]) == len(got["5.1.a"].figures["sources"])
    # filtering and the manual sample are the provider's own work: never run on their behalf
    assert "beian corpus filter" in got["5.2.a"].summary.en
    assert got["9.2.a"].status == "pending"


def test_large_corpus_is_not_scanned_by_assess(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import beian.assess.sections.corpus as section

    monkeypatch.setattr(section, "AUTO_ASSESS_MAX_BYTES", 10)
    got = _build(init_workspace(tmp_path / "ws", demo=True))
    for clause in ("5.1.a", "9.2.b"):
        assert got[clause].status == "pending"
        assert "beian corpus assess" in got[clause].summary.en


def _small_profile(ws: Path) -> None:
    (ws / "small.yaml").write_text(
        "extends: tc260-003-2024\nprofile: small\nclauses_patch:\n"
        "  9.2.a:\n    thresholds:\n      - {key: sample_min, value: 30}\n"
        # small samples: 5.1 a's confidence level is profile data too (0/40 shows < 5 % at 50 %)
        "  5.1.a:\n    thresholds:\n      - {key: per_source_confidence, value: 0.5}\n",
        "utf-8",
    )
    cfg = (ws / "beian.toml").read_text("utf-8")
    (ws / "beian.toml").write_text(
        cfg.replace('profile = "tc260-003-2024"', 'profile = "small.yaml"'), "utf-8"
    )


def test_stored_runs_conclude_the_scan_clauses_and_go_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import beian.assess.sections.corpus as section

    # only the runs made here count: the assessment must not scan the small corpus itself
    monkeypatch.setattr(section, "AUTO_ASSESS_MAX_BYTES", 0)
    root = tmp_path / "ws"
    init_workspace(root, demo=True)
    _small_profile(root)
    ws = load_workspace(root)
    profile, store = ws.profile(), open_store(ws.store_url())
    manifest = load_manifest(ws.path("corpus"))
    job = JobOptions(InlineExecutor())
    pii = Detection(["pii"])
    assess_corpus(manifest, profile, root / "runs" / "a", pii, store, workspace=str(root), job=job)
    filter_corpus(manifest, profile, root / "runs" / "f", pii, store, workspace=str(root), job=job)
    sample_corpus(manifest, profile, root / "s.csv", 30, store, job=job)
    with (root / "s.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = [{**r, "verdict": "合格"} for r in csv.DictReader(fh)]
    with (root / "done.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    import_manual_verdicts(root / "done.csv", profile, store)
    got = _build(ws)
    assert got["5.1.a"].status == "conforms" and len(got["5.1.a"].figures["sources"]) == 3
    assert got["9.2.b"].status == "conforms" and got["9.2.b"].evidence[0].kind == "run"
    assert got["9.2.a"].status == "conforms" and got["9.2.a"].figures["reviewed"] == 30
    # filtered with pii alone: 5.2 a wants keywords and a classifier
    assert got["5.2.a"].status == "nonconforms"
    assert {m.en for m in got["5.2.a"].missing} == {
        "the filter did not use the keyword detector",
        "the filter did not use the classifier detector",
    }
    # the register changes: every run-based conclusion is stale
    path = ws.path("corpus")
    path.write_text(path.read_text("utf-8") + "\n# edited\n", "utf-8")
    got = _build(ws)
    for clause in ("5.1.a", "5.2.a", "9.2.a", "9.2.b"):
        assert got[clause].status == "pending" and "another version" in got[clause].summary.en
