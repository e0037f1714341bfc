"""Statutory obligations with structured evidence, applicability questions and the GB/T report.

Each test builds a small workspace (profile = GB/T 45654 + the clause sets), writes
``attestations/obligations.yaml`` and real evidence files, runs ``assess`` and renders the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from beian.assess import Assessment, assess
from beian.assess.evidence import ClauseEvidence
from beian.assess.obligations import ObligationAnswers, template
from beian.assess.sections.obligations import conclude
from beian.assess.structured import working_days
from beian.gateway.audit import AuditLog
from beian.gateway.config import AuditConfig
from beian.report.render import write_reports
from beian.standard import Profile, load_profile
from beian.store import open_store
from beian.workspace import Workspace, init_workspace, load_workspace

PROFILE = (
    "extends: gb-t-45654-2025\nprofile: mine\n"
    "includes: [gb-t-45652-2025, gb-t-45674-2025, cn-genai-obligations]\n"
)
AGREEMENT_OK = "# 服务协议\n双方权利义务。知识产权提示。生成内容添加标识。个人信息处理。输入用于训练及关闭方式。\n"


def _workspace(root: Path, scope: dict[str, Any], evidence: dict[str, Any]) -> Workspace:
    init_workspace(root)
    (root / "mine.yaml").write_text(PROFILE, encoding="utf-8")
    cfg = (root / "beian.toml").read_text(encoding="utf-8")
    (root / "beian.toml").write_text(
        cfg.replace('profile = "tc260-003-2024"', 'profile = "mine.yaml"'), encoding="utf-8"
    )
    att = root / "attestations"
    (att / "plan.pdf").write_bytes(b"%PDF-1.4 emergency plan")
    (att / "shot.png").write_bytes(b"\x89PNG status")
    (att / "agreement.md").write_text(AGREEMENT_OK, encoding="utf-8")
    (att / "agreement-old.md").write_text("# 协议\n双方权利义务。个人信息。\n", encoding="utf-8")
    (att / "incidents.csv").write_text(
        "incident_id,occurred_on,level,handled_on,reported_to\n1,2026-01-02,III,2026-01-03,网信办\n",
        encoding="utf-8",
    )
    body = {"scope": scope, "evidence": evidence}
    (att / "obligations.yaml").write_text(yaml.safe_dump(body, allow_unicode=True), "utf-8")
    return load_workspace(root)


@dataclass
class Run:
    ws: Workspace
    outcome: Assessment

    def clause(self, cid: str) -> ClauseEvidence:
        return next(c for c in self.outcome.clauses if c.clause == cid)


SCOPE = {
    "public_opinion": {"answer": True, "basis": "面向公众的问答服务"},
    "serves_minors": {"answer": False, "basis": "仅面向企业员工"},
    "trains_on_user_input": {"answer": True},
    # biometric_editing left unanswered on purpose
}
EVIDENCE = {
    "EMG-1": {"plan": "plan.pdf", "owner": "李四", "last_drill_on": "2026-06-01",
              "incidents": "incidents.csv"},
    "OPT-1": {"opt_out_path": "我的 > 设置 > 隐私 > 训练", "opt_out_clicks": 3,
              "status_shown": True, "status_screenshot": "shot.png"},
    "AGR-1": {"agreement": "agreement-old.md", "version_date": "2026-01-01"},
    "DL-1": {"launched_on": "2026-03-02", "filed_on": "2026-03-18", "filing_number": "网信算备1"},
    "DL-2": {"not_applicable": "备案信息未发生变更"},
    "IM15-1": {"entry": "App 内“投诉”按钮", "published_process": "plan.pdf", "feedback_days": 15},
    "SA2018-1": {"owner": "王五", "appointment": "missing.pdf", "appointed_on": "2026-01-05"},
    "SA2018-8": {"trigger": "上线前", "assessed_by": "自行", "assessed_on": "2026-02-01",
                 "report": "plan.pdf", "submitted_to": "省网信办、公安厅",
                 "submitted_on": "not-a-date"},
}  # fmt: skip


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    ws = _workspace(tmp_path_factory.mktemp("obligations") / "ws", SCOPE, EVIDENCE)
    store = open_store(ws.store_url())
    # A complaint past its published deadline, registered through the gateway's own audit log.
    AuditLog(store, AuditConfig()).add_complaint(
        content="生成内容有误", contact="a@example.com", category="content",
        request_id=None, user_id="u1", handling_days=-1,
    )  # fmt: skip
    return Run(ws, assess(ws, store))


def test_obligation_with_full_structured_evidence_conforms(run: Run) -> None:
    emg = run.clause("EMG-1")
    assert emg.status == "conforms", emg.missing
    assert {e.ref for e in emg.evidence} == {"plan.pdf", "incidents.csv"}
    assert all(len(e.sha256) == 64 for e in emg.evidence)
    assert emg.figures["incidents_rows"] == 1
    assert emg.figures["attested"]["owner"] == "李四"


def test_obligation_without_evidence_is_pending_never_conforms(run: Run) -> None:
    for cid in ("RN-1", "IM19-1", "DS-1", "IM11-1"):
        got = run.clause(cid)
        assert got.status == "pending", cid
        assert any("未填写" in m.zh for m in got.missing)


def test_missing_file_or_bad_date_leaves_pending(run: Run) -> None:
    sa1 = run.clause("SA2018-1")
    assert sa1.status == "pending"
    assert any("missing.pdf" in m.en for m in sa1.missing)
    sa8 = run.clause("SA2018-8")
    assert sa8.status == "pending"
    assert any("not a date" in m.en for m in sa8.missing)


def test_applicability_answers(run: Run) -> None:
    assert run.clause("MIN-1").status == "not_applicable"
    assert run.clause("MIN-1").explanation == "仅面向企业员工"
    assert run.clause("MIN-2").status == "pending"  # applies: evidence still needed
    ds4 = run.clause("DS-4")  # biometric question unanswered
    assert ds4.status == "pending" and "biometric" in ds4.summary.en
    assert run.clause("DL-2").status == "not_applicable"


def test_opt_out_within_the_example_conforms(run: Run) -> None:
    opt = run.clause("OPT-1")
    assert opt.status == "conforms", opt.missing
    assert opt.figures["opt_out_clicks"] == 3


def test_agreement_document_check_names_missing_sections(run: Run) -> None:
    agr = run.clause("AGR-1")
    assert agr.status == "nonconforms"
    missing = " ".join(m.zh for m in agr.missing)
    assert "标识方法与样式" in missing and "知识产权提示" in missing
    assert "个人信息" not in missing


def test_filing_deadline_in_working_days(run: Run) -> None:
    dl = run.clause("DL-1")
    # 2026-03-02 (Mon) → 2026-03-18 (Wed): 12 working days > 10
    assert dl.figures["filing_working_days_max_actual"] == 12
    assert dl.status == "nonconforms"
    assert working_days(date(2026, 3, 2), date(2026, 3, 16)) == 10
    # across the 2026 Spring Festival: holidays and 调休 count as the calendar says
    assert working_days(date(2026, 2, 12), date(2026, 3, 4)) == 10


def test_complaints_overdue_in_gateway_register_fail_art_15(run: Run) -> None:
    got = run.clause("IM15-1")
    assert got.figures["complaints"] == 1 and got.figures["complaints_overdue"] == 1
    assert got.status == "nonconforms"
    assert any("超过公布的处理时限" in m.zh for m in got.missing)


@pytest.mark.parametrize(
    ("entry", "status"),
    [
        ({}, "pending"),
        ({"opt_out_path": "a>b>c>d>e>f", "opt_out_clicks": 6, "status_shown": True,
          "status_screenshot": "shot.png"}, "pending"),  # 4 clicks is an example: explain
        ({"opt_out_path": "a>b", "opt_out_clicks": 2, "status_shown": False,
          "status_screenshot": "shot.png"}, "nonconforms"),  # status not shown
        ({"opt_out_path": "a>b", "opt_out_clicks": 2, "status_shown": True}, "pending"),
        ({"opt_out_path": "a>b", "opt_out_clicks": "two", "status_shown": True,
          "status_screenshot": "shot.png"}, "pending"),
        ({"nonconforms": "尚未提供关闭方式", "alternative": "默认不收集"}, "nonconforms"),
        ({"opt_out_path": "a>b", "opt_out_clicks": 2, "status_shown": True,
          "status_screenshot": "shot.png", "colour": "red"}, "pending"),  # unknown field
    ],
)  # fmt: skip
def test_opt_out_field_rules(run: Run, entry: dict[str, Any], status: str) -> None:
    clause = run.ws.profile().clause("OPT-1")
    got = conclude(clause, entry, run.ws.path("attestations"))
    assert got.status == status, [m.en for m in got.missing]


def test_gbt_report_cites_gbt_numbers_and_art17_section(run: Run, tmp_path: Path) -> None:
    paths = write_reports(
        run.outcome, run.ws.profile(), tmp_path / "zh", "zh", formats=("md", "html")
    )
    md = paths["md"].read_text(encoding="utf-8")
    assert "GB/T 45654-2025 B.1.3 [S]" in md
    assert "GB/T 45654-2025 附录B（具体条目未核实）" in md
    assert "## 具有舆论属性或社会动员能力的服务安全评估" in md  # a report section of its own
    assert "## 法定义务落实情况" in md
    assert "### 投诉举报的受理、处理与反馈（《暂行办法》第十五条）" in md
    assert "《生成式人工智能服务管理暂行办法》 第十五条 [V]" in md
    assert "- 应急负责人：李四" in md
    assert "### §5 训练数据安全要求" in md
    assert "草稿" in md  # the biometric question is unanswered
    html = paths["html"].read_text(encoding="utf-8")
    assert '<section id="ch-SA2018"><h2>' in html and 'id="obligations"' in html
    assert "B.1.3" in html


def test_english_report(run: Run, tmp_path: Path) -> None:
    md = write_reports(run.outcome, run.ws.profile(), tmp_path / "en", "en", formats=("md",))["md"]
    text = md.read_text(encoding="utf-8")
    assert "## Security assessment of services with public-opinion attributes" in text
    assert "GB/T 45654-2025 Annex B (item not verified)" in text
    assert "## Statutory obligations" in text and "- Emergency lead: 李四" in text
    assert "not answered (pending)" in text


def test_no_to_public_opinion_needs_a_basis(tmp_path: Path) -> None:
    bare = _workspace(tmp_path / "a", {"public_opinion": {"answer": False}}, {})
    got = {c.clause: c for c in assess(bare, open_store(bare.store_url())).clauses}
    assert got["SA2018-3"].status == "pending"
    with_basis = _workspace(
        tmp_path / "b", {"public_opinion": {"answer": False, "basis": "企业内部工具"}}, {}
    )
    got = {c.clause: c for c in assess(with_basis, open_store(with_basis.store_url())).clauses}
    assert all(got[f"SA2018-{i}"].status == "not_applicable" for i in range(1, 9))
    assert got["DL-1"].status == "not_applicable"


def test_tc260_profile_without_sets_is_unchanged() -> None:
    p = load_profile("tc260-003-2024")
    assert not p.questions and not p.includes
    assert all(c.id[0].isdigit() for c in p.clauses)


def _all_sets(tmp_path: Path) -> Profile:
    (tmp_path / "mine.yaml").write_text(PROFILE, encoding="utf-8")
    return load_profile("mine.yaml", base_dir=tmp_path)


def test_docs_example_matches_the_profile(tmp_path: Path) -> None:
    """The obligations.yaml snippet in docs/profiles.md names real clauses and fields."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "profiles.md").read_text("utf-8")
    block = doc.split("### Example: `attestations/obligations.yaml`")[1]
    snippet = block.split("```yaml\n")[1].split("```")[0]
    answers = ObligationAnswers.model_validate(yaml.safe_load(snippet))
    profile = _all_sets(tmp_path)
    for cid, entry in answers.evidence.items():
        clause = profile.clause(cid)
        allowed = {f.key for f in clause.fields} | {"not_applicable", "nonconforms", "alternative"}
        assert set(entry) <= allowed, cid
    assert set(answers.scope) <= {q.id for q in profile.questions}
    dl1 = conclude(profile.clause("DL-1"), answers.evidence["DL-1"], tmp_path)
    assert dl1.status == "conforms" and dl1.figures["filing_working_days_max_actual"] == 9


def test_obligations_template_is_a_valid_file(tmp_path: Path) -> None:
    profile = _all_sets(tmp_path)
    answers = ObligationAnswers.model_validate(yaml.safe_load(template(profile)))
    assert set(answers.scope) == {q.id for q in profile.questions}
    assert "DL-1" in answers.evidence
