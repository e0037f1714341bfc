from __future__ import annotations

import json
from pathlib import Path

import pytest

import beian.assess._builtins  # noqa: F401
from beian.assess import Assessment, assess, attestations, with_dossier
from beian.assess.attestations import Answer, Attestations, Signatory
from beian.report.filing import build_filing, filing_json, filing_markdown
from beian.store import open_store
from beian.workspace import Workspace, init_workspace


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, Assessment]:
    ws = init_workspace(tmp_path_factory.mktemp("filing-ws"), demo=True)
    folder = ws.path("attestations")
    (folder / "用户服务协议.pdf").write_bytes(b"%PDF-1.4 agreement")
    (folder / "rules.pdf").write_bytes(b"%PDF-1.4 rules")
    att = Attestations(
        signatories={"legal_representative": Signatory(name="张三")},
        clauses={
            "5.3.b": Answer(status="not_applicable", explanation="未开展语料标注"),
            "6.a": Answer(status="conforms", evidence=["rules.pdf"], explanation="基座已备案"),
        },
    )
    attestations.save(folder, att)
    return ws, assess(ws, open_store(ws.store_url()))


def test_algorithm_fields_are_prefilled_from_the_workspace(
    demo: tuple[Workspace, Assessment],
) -> None:
    ws, outcome = demo
    draft = build_filing(outcome, ["report.pdf"], {"keywords": "attachments/k.xlsx"})
    fields = {f.key: f for f in draft.algorithm_filing}
    assert fields["provider_name"].value == ws.config.provider
    assert fields["provider_name"].state == "prefilled"
    assert fields["algorithm_type"].value == "生成合成类"
    assert fields["service_form"].state == "to_complete"
    assert fields["self_assessment_report"].value == "report.pdf"
    assert "待确认" in fields["self_assessment_report"].hint.zh


def test_dossier_checklist_says_what_is_present_and_missing(
    demo: tuple[Workspace, Assessment],
) -> None:
    ws, outcome = demo
    draft = build_filing(outcome, ["report.pdf"], {"keywords": "attachments/k.xlsx"})
    items = {i.key: i for i in draft.dossier}
    assert list(items) == ["form", "annex1", "annex2", "annex3", "annex4", "annex5", "annex6",
                           "annex7"]  # fmt: skip
    # The demo has pending clauses and no signatures: the report is a draft, not ready.
    assert items["annex1"].state == "draft"
    assert items["annex2"].state == "present" and items["annex2"].files == ["用户服务协议.pdf"]
    assert items["annex3"].state == "not_involved" and "未开展" in items["annex3"].note.zh
    assert items["annex4"].state == "present" and "8.1.a" in items["annex4"].note.zh
    assert items["annex5"].state == "missing"
    assert items["annex7"].files == ["rules.pdf"]
    assert "张三" in items["form"].note.zh
    empty = build_filing(outcome, [], {})
    assert {i.key: i.state for i in empty.dossier}["annex1"] == "missing"


def test_drafts_render_in_both_languages(demo: tuple[Workspace, Assessment]) -> None:
    ws, outcome = demo
    draft = build_filing(outcome, ["report.pdf"], {})
    zh, en = filing_markdown(draft, "zh"), filing_markdown(draft, "en")
    assert "算法类型" in zh and "生成合成类" in zh and "测试通道" in zh
    assert "Algorithm type" in en and "LLM filing dossier checklist" in en
    assert "- [ ] **附件1 安全评估报告**" in zh
    data = json.loads(filing_json(draft))
    assert data["provider"] == ws.config.provider
    assert filing_json(draft) == filing_json(build_filing(outcome, ["report.pdf"], {}))


def test_test_channel_never_holds_a_secret(tmp_path: Path) -> None:
    from beian.workspace import TargetConfig, WorkspaceConfig

    cfg = WorkspaceConfig(target=TargetConfig(spec="openai:qwen", base_url="http://127.0.0.1:1/v1",
                                              api_key_env="QWEN_KEY"))  # fmt: skip
    ws = init_workspace(tmp_path, config=cfg)
    outcome = Assessment(run_id="r", profile="p", profile_version="1", tool_version="0", workspace="",
                         provider="", service="", clauses=[], totals={}, sections=[])  # fmt: skip
    outcome = with_dossier(outcome, ws)
    fields = {f.key: f for f in build_filing(outcome, [], {}).test_channel}
    assert fields["endpoint"].value == "http://127.0.0.1:1/v1"
    assert "QWEN_KEY" in fields["endpoint"].hint.en
    assert fields["model"].value == "openai:qwen"
