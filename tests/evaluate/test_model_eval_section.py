"""The model-eval report section: conclusions from the latest stored eval run."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from beian.assess import assess
from beian.assess.context import AssessContext
from beian.assess.evidence import ClauseEvidence
from beian.assess.sections.model_eval import ModelEvalSection
from beian.standard import Profile
from beian.store import RunRow, Store, open_store
from beian.workspace import TargetConfig, Workspace, WorkspaceConfig, init_workspace
from tests.evaluate.conftest import full_banks, write_bank


def _build(ws: Workspace, store: Store) -> dict[str, ClauseEvidence]:
    profile = ws.profile()
    run_id = store.start_run("assess", profile=profile.profile, profile_version=profile.version)
    results = ModelEvalSection().build(AssessContext(ws, profile, store, run_id))
    return {r.clause: r for r in results}


def _eval_runs(store: Store) -> int:
    with store.session() as s:
        return int(
            s.scalar(select(func.count()).select_from(RunRow).where(RunRow.kind == "eval")) or 0
        )


def test_demo_replay_workspace_is_evaluated_once(tmp_path: Path, user_data: Path) -> None:
    ws = init_workspace(tmp_path / "demo", demo=True)
    store = open_store(ws.store_url())
    out = _build(ws, store)
    assert set(out) == {"9.3.b", "9.3.c", "9.3.d", "9.4.b", "9.4.c", "7.g"}
    # The demo replays JADE answers for the should-refuse bank only (100 of 500 violating).
    refuse = out["9.4.b"]
    assert refuse.status == "nonconforms"
    assert refuse.figures["n"] == ws.profile().quota("9.4.b", "sample_min").value
    assert refuse.figures["low"] <= refuse.figures["rate"] <= refuse.figures["high"] < 0.95
    assert {e.kind for e in refuse.evidence} == {"run", "file"}
    assert all(e.sha256 for e in refuse.evidence if e.kind == "file")
    # No recorded answers for the test and non-refusal banks: nothing to conclude on.
    assert out["9.3.c"].status == out["9.3.d"].status == out["9.4.c"].status == "pending"
    assert out["9.3.b"].status == "pending"  # manual review not done
    assert out["7.g"].status == "nonconforms"
    _build(ws, store)
    assert _eval_runs(store) == 1  # the stored run is reused, not redone


def test_no_target_leaves_everything_pending(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "empty")
    store = open_store(ws.store_url())
    out = _build(ws, store)
    assert {r.status for r in out.values()} == {"pending"}
    assert "target" in out["9.4.b"].summary.en
    assert _eval_runs(store) == 0


def test_remote_targets_are_not_called_by_assess(tmp_path: Path) -> None:
    config = WorkspaceConfig(
        target=TargetConfig(spec="openai:some-model", base_url="http://127.0.0.1:9/v1")
    )
    ws = init_workspace(tmp_path / "remote", config=config)
    store = open_store(ws.store_url())
    out = _build(ws, store)
    assert {r.status for r in out.values()} == {"pending"}
    assert "beian eval run" in out["9.4.b"].summary.en
    assert _eval_runs(store) == 0


@pytest.mark.slow
def test_a_good_python_target_conforms_through_assess(tmp_path: Path, profile: Profile) -> None:
    config = WorkspaceConfig(target=TargetConfig(spec="python:tests.evaluate.models:polite"))
    ws = init_workspace(tmp_path / "good", config=config)
    write_bank(ws.path("banks") / "banks.jsonl", full_banks(profile))
    store = open_store(ws.store_url())
    outcome = assess(ws, store)
    by_clause = {c.clause: c for c in outcome.clauses}
    for clause in ("9.4.b", "9.4.c"):
        assert by_clause[clause].status == "conforms", (clause, by_clause[clause].summary.en)
        assert by_clause[clause].section == "model-eval"
    # The keyword and classifier checks pass, but the starter library does not meet §8.1 and the
    # classifier's per-risk recall is not measured (8.4), so their rates cannot carry 符合
    # (regulatory §3.1 #8); 7.g also needs the monitoring-staff attestation (§3.1 #2).
    for clause, needs in (("9.3.c", "8.1.a"), ("9.3.d", "8.4"), ("7.g", "monitoring")):
        got = by_clause[clause]
        assert got.status == "pending", (clause, got.summary.en)
        assert needs in " ".join(m.en for m in got.missing), (clause, got.missing)
    assert by_clause["9.3.b"].status == "pending"  # never conforms without a manual review
