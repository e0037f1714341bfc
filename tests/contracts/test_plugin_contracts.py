"""Every registered plugin, of every kind, goes through its kind's contract.

A plugin whose options have required fields declares working ones as ``example=`` metadata
when registering; one that needs an external service to run declares ``smoke=False`` and is
then only constructed here (its own tests drive it against a real server).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from beian.assess.evidence import ClauseEvidence
from beian.records import Finding
from beian.registry import PluginInfo, registry
from beian.standard import load_profile
from beian.workspace import init_workspace

PROFILE = load_profile()
PLUGINS = list(registry.plugins())
SAMPLE_TEXTS = ["", "今天天气很好，我们去公园散步。", "联系电话 13812345678，" * 3, "Hello world"]


def _ids(p: PluginInfo) -> str:
    return f"{p.kind}:{p.name}"


def _create(info: PluginInfo) -> Any:
    example: dict[str, Any] = info.extra.get("example", {})
    component, spec = registry.create(info.kind, info.name, **example)
    assert spec.name == info.name and spec.version == info.version
    return component


def test_every_kind_is_represented_somewhere() -> None:
    kinds = {p.kind for p in PLUGINS}
    assert "report_section" in kinds


@pytest.mark.parametrize("info", PLUGINS, ids=_ids)
def test_metadata(info: PluginInfo) -> None:
    assert info.version and info.description, "plugins need a version and a one-line docstring"
    assert info.options.model_config.get("extra") == "forbid", "Options must forbid unknown keys"
    unknown = [r for r in info.risks if r not in PROFILE.risk_ids()]
    assert not unknown, f"risks not in the profile: {unknown}"


@pytest.mark.parametrize("info", [p for p in PLUGINS if p.kind == "detector"], ids=_ids)
def test_detector_contract(info: PluginInfo) -> None:
    det = _create(info)
    assert isinstance(det.name, str) and det.name
    if not info.extra.get("smoke", True):
        return
    batches = det.detect_batch(SAMPLE_TEXTS)
    assert len(batches) == len(SAMPLE_TEXTS)
    for text, findings in zip(SAMPLE_TEXTS, batches, strict=True):
        assert findings == det.detect(text), "detect_batch must agree with detect"
        for f in findings:
            assert isinstance(f, Finding)
            assert f.risk in PROFILE.risk_ids()
            assert 0.0 <= f.score <= 1.0
            if f.start is not None:
                assert f.end is not None and 0 <= f.start < f.end <= len(text)


@pytest.mark.parametrize("info", [p for p in PLUGINS if p.kind == "report_section"], ids=_ids)
def test_report_section_contract(info: PluginInfo, tmp_path: Path) -> None:
    from beian.assess.context import AssessContext
    from beian.store import open_store

    section = _create(info)
    owned = section.clauses(PROFILE)
    assert set(owned) <= {c.id for c in PROFILE.clauses}
    ws = init_workspace(tmp_path / "ws")
    store = open_store(ws.store_url())
    run_id = store.start_run("contract", profile=PROFILE.profile, profile_version=PROFILE.version)
    results = section.build(AssessContext(ws, PROFILE, store, run_id))
    assert all(isinstance(r, ClauseEvidence) for r in results)
    assert {r.clause for r in results} <= set(owned)
    # an empty workspace holds no evidence, so no clause may conform — unless the section
    # declares that its evidence is a component shipped in the package (evidence="package")
    if info.extra.get("evidence") != "package":
        assert all(r.status != "conforms" for r in results)
