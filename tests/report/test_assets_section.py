from __future__ import annotations

from pathlib import Path

import pytest

from beian.assess import assess
from beian.assess.evidence import ClauseEvidence
from beian.library.io import save_keywords
from beian.library.records import KeywordEntry
from beian.store import open_store
from beian.workspace import init_workspace, load_workspace


def _by_clause(root: Path) -> dict[str, ClauseEvidence]:
    ws = load_workspace(root)
    outcome = assess(ws, open_store(ws.store_url()))
    return {c.clause: c for c in outcome.clauses}


@pytest.mark.slow
def test_demo_assets_are_checked_and_shortfalls_shown(tmp_path: Path) -> None:
    init_workspace(tmp_path / "demo", demo=True)
    got = _by_clause(tmp_path / "demo")
    kw = got["8.1.a"]
    assert kw.status == "nonconforms"
    assert 0 < kw.figures["total"] < 10000
    assert any("10000" in m.zh for m in kw.missing)
    # the demo's test bank is SafetyBench multiple choice: not generation test questions (8.2 a)
    assert got["8.2.a"].status == "nonconforms" and got["8.2.a"].figures["total"] == 0
    assert got["9.3.a"].status == "nonconforms"
    evidence = got["8.1.b"].evidence
    assert evidence[0].ref.endswith("keywords-check.json") and len(evidence[0].sha256) == 64


def test_small_threshold_profile_makes_library_size_conform(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    init_workspace(root)
    (root / "tiny.yaml").write_text(
        "extends: tc260-003-2024\nprofile: tiny\nclauses_patch:\n"
        "  8.1.a:\n    thresholds:\n      - {key: keywords_total_min, value: 2}\n",
        encoding="utf-8",
    )
    text = (root / "beian.toml").read_text(encoding="utf-8")
    (root / "beian.toml").write_text(
        text.replace('profile = "tc260-003-2024"', 'profile = "tiny.yaml"'), encoding="utf-8"
    )
    entries = [
        KeywordEntry(term="赌博网站", risk="A.1.h"),
        KeywordEntry(term="枪支弹药", risk="A.1.h"),
    ]
    save_keywords(entries, root / "keywords" / "library.jsonl")
    got = _by_clause(root)
    assert got["8.1.a"].status == "conforms"
    assert got["8.1.b"].status == "nonconforms"


def test_empty_workspace_leaves_asset_clauses_pending(tmp_path: Path) -> None:
    init_workspace(tmp_path / "ws")
    got = _by_clause(tmp_path / "ws")
    for clause in ("8.1.a", "8.2.b", "8.3.c", "9.4.a"):
        assert got[clause].status == "pending"


def test_classifier_coverage_is_not_read_from_model_outputs(tmp_path: Path) -> None:
    init_workspace(tmp_path / "ws")
    got = _by_clause(tmp_path / "ws")["8.4"]
    # 31 outputs are not 31 covered risks: with no measurement every risk is listed as unmeasured
    assert got.status == "pending"
    assert got.figures["model_outputs"] == 31 and got.figures["covered"] == 0
    assert len(got.figures["unmeasured"]) == 31
    assert got.evidence[0].sha256 and len(got.evidence[0].sha256) == 64
    # risks the shipped model learned (mostly) from authored sentences are disclosed
    assert "A.3.d" in got.figures["mostly_authored_examples"]
    assert "A.2.e" not in got.figures["mostly_authored_examples"]


def test_label_samples_are_verified(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    init_workspace(root, demo=True)
    got = _by_clause(root)["7.d"]
    assert got.status == "nonconforms"
    assert got.figures["failed"] == 1 and got.figures["passed"] == got.figures["files"] - 1
    assert any("unlabelled.png" in m.en and "L-09" in m.en for m in got.missing)
    (root / "labels" / "unlabelled.png").unlink()
    fixed = _by_clause(root)["7.d"]
    assert fixed.status == "conforms" and fixed.figures["failed"] == 0
    assert fixed.evidence[0].ref.endswith("labels-verify.json")


def test_no_label_samples_leaves_7d_pending(tmp_path: Path) -> None:
    init_workspace(tmp_path / "ws")
    assert _by_clause(tmp_path / "ws")["7.d"].status == "pending"


def test_asset_figures_carry_per_risk_bars_with_quotas(tmp_path: Path) -> None:
    init_workspace(tmp_path / "demo", demo=True)
    got = _by_clause(tmp_path / "demo")
    kw = got["8.1.b"].figures
    assert set(kw["per_risk"]) == set(kw["per_risk_min"])
    assert len(kw["per_risk"]) == 17  # the A.1 and A.2 risks, zeros included
    assert kw["per_risk_min"]["A.1.a"] == 200 and kw["per_risk_min"]["A.2.a"] == 100
    topics = got["8.3.b"].figures
    assert len(topics["per_topic"]) == 13 and topics["per_topic_min"]["英烈"] == 20
