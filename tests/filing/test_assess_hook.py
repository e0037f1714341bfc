"""6.a and the display duty in ``beian assess``, from the register and the imported list."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml

from beian.assess.context import AssessContext
from beian.assess.engine import assess
from beian.assess.evidence import ClauseEvidence
from beian.filing.listimport import import_list
from beian.filing.register import NewRecord, add_record, save_display_check
from beian.filing.section import FilingSection
from beian.store import Store, open_store
from beian.workspace import Workspace, WorkspaceConfig, init_workspace
from tests.filing.lists import SAMPLE_CSV

SERVICE = "某对话服务"


def _workspace(tmp_path: Path) -> tuple[Workspace, Store]:
    ws = init_workspace(tmp_path / "ws", config=WorkspaceConfig(provider="某公司", service=SERVICE))
    return ws, open_store(ws.store_url())


def _six_a(ws: Workspace, store: Store) -> tuple[list[ClauseEvidence], list[str]]:
    profile = ws.profile()
    run_id = store.start_run("test", profile=profile.profile, profile_version=profile.version)
    ctx = AssessContext(ws, profile, store, run_id)
    return FilingSection().build(ctx), ctx.notes


def _service(store: Store, name: str, number: str) -> None:
    add_record(store, NewRecord("registration", SERVICE, base_model=name, base_model_number=number))


def test_without_a_register_record_the_attestation_decides(tmp_path: Path) -> None:
    ws, store = _workspace(tmp_path)
    assert _six_a(ws, store) == ([], [])


def test_filed_base_model_conforms_with_the_list_as_evidence(tmp_path: Path) -> None:
    ws, store = _workspace(tmp_path)
    batch = import_list(store, SAMPLE_CSV, today=date(2026, 12, 3))
    _service(store, "星河对话大模型", "Beijing-XingHeDuiHua-202405100007")
    (result,), notes = _six_a(ws, store)
    assert result.status == "conforms" and result.section == "filing"
    ref = result.evidence[0]
    assert ref.ref.startswith(f"filing-list:batch {batch.batch_id} row 2")
    assert len(ref.sha256) == 64 and ref.note == "Beijing-XingHeDuiHua-202405100007"
    assert "not checked yet" in notes[0]


def test_unlisted_malformed_and_mismatched_base_models(tmp_path: Path) -> None:
    ws, store = _workspace(tmp_path)
    import_list(store, SAMPLE_CSV, today=date(2026, 12, 3))
    _service(store, "无名模型", "")
    (result,), _ = _six_a(ws, store)
    assert result.status == "pending" and "import-list" in result.missing[0].en
    add_record(store, NewRecord("registration", SERVICE, base_model="星河对话大模型",
                                base_model_number="Beijing-XingHeDuiHua-202413100007"))  # fmt: skip
    (result,), _ = _six_a(ws, store)  # the newest record of the service counts
    assert result.status == "nonconforms" and "20241310" in result.summary.en
    add_record(store, NewRecord("registration", SERVICE, base_model="星河对话大模型",
                                base_model_number="Beijing-MoChiFanYi-202411280019"))  # fmt: skip
    (result,), _ = _six_a(ws, store)
    assert result.status == "nonconforms" and "墨池翻译" in result.summary.zh


def test_assess_uses_the_register_and_keeps_attestation_evidence(tmp_path: Path) -> None:
    ws, store = _workspace(tmp_path)
    proof = ws.path("attestations") / "base-model-proof.pdf"
    proof.write_bytes(b"%PDF fictional filing proof")
    att = {"clauses": {"6.a": {"status": "conforms", "explanation": "调用星河对话大模型",
                               "evidence": ["base-model-proof.pdf"]}}}  # fmt: skip
    (ws.path("attestations") / "attestations.yaml").write_text(
        yaml.safe_dump(att, allow_unicode=True), encoding="utf-8"
    )
    import_list(store, SAMPLE_CSV, today=date(2026, 12, 3))
    _service(store, "星河对话大模型", "Beijing-XingHeDuiHua-202405100007")
    record_id = 1
    save_display_check(store, record_id, {"ok": False, "source": "about.html",
                                          "checked_at": "2026-12-03T00:00:00+00:00"})  # fmt: skip
    outcome = assess(ws, store)
    six_a = next(c for c in outcome.clauses if c.clause == "6.a")
    assert six_a.status == "conforms" and six_a.section == "filing"
    assert [e.ref for e in six_a.evidence][1] == "attestations/base-model-proof.pdf"
    assert six_a.explanation == "调用星河对话大模型"
    assert any("NOT shown" in n for n in outcome.notes)


def test_report_and_filing_draft_show_the_base_model(tmp_path: Path) -> None:
    import json

    from beian.report.render import write_reports

    ws, store = _workspace(tmp_path)
    import_list(store, SAMPLE_CSV, today=date(2026, 12, 3))
    _service(store, "星河对话大模型", "Beijing-XingHeDuiHua-202405100007")
    outcome = assess(ws, store)
    paths = write_reports(
        outcome, ws.profile(), tmp_path / "out", "zh", formats=("json", "md", "filing")
    )
    draft = json.loads(paths["filing_json"].read_text(encoding="utf-8"))
    fields = {f["key"]: f["value"] for f in draft["base_model"]}
    assert fields["base_model_number"] == "Beijing-XingHeDuiHua-202405100007"
    assert "四、调用已备案模型情况" in paths["filing_md"].read_text(encoding="utf-8")
    report = paths["json"].read_text(encoding="utf-8")
    assert "备案登记簿与备案名单" in report or "filing" in report


def test_display_check_concludes_fil_2_when_the_obligations_set_is_included(
    tmp_path: Path,
) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "my-profile.yaml").write_text(
        "extends: tc260-003-2024\nprofile: mine\nversion: '1'\nincludes: [cn-genai-obligations]\n",
        encoding="utf-8",
    )
    cfg = WorkspaceConfig(provider="某公司", service=SERVICE, profile="my-profile.yaml")
    ws = init_workspace(root, config=cfg, force=True)
    store = open_store(ws.store_url())
    _service(store, "星河对话大模型", "Beijing-XingHeDuiHua-202405100007")

    def fil_2() -> ClauseEvidence:
        return next(c for c in assess(ws, store).clauses if c.clause == "FIL-2")

    assert fil_2().section == "obligations"  # never checked: the structured answer decides
    check = {"ok": False, "name_found": True, "number_found": False, "source": "about.html",
             "checked_at": "2026-12-03T00:00:00+00:00", "sha256": "0" * 64}  # fmt: skip
    save_display_check(store, 1, check)
    result = fil_2()
    assert (result.status, result.section) == ("nonconforms", "filing")
    assert (
        result.summary.en
        == "the page does not show the number: about.html (2026-12-03T00:00:00+00:00)"
    )
    save_display_check(store, 1, check | {"ok": True, "number_found": True})
    assert fil_2().status == "conforms"
