"""Filing helper: the algorithm-filing fields and the LLM filing dossier checklist, pre-filled.

What the workspace and the assessment already say is filled in; everything else is marked for
people to complete (REGULATION.md §6.2 algorithm filing, §6.3 LLM dossier and test channel).
The draft is data (:class:`FilingDraft`, written as JSON) plus a Markdown rendering; it never
claims an item is ready when the assessment says otherwise.
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel

from beian.assess import Assessment, attestations
from beian.assess.dossier import TestChannel
from beian.assess.evidence import STATUS_LABELS, ClauseEvidence, Lang, Msg

FieldState = Literal["prefilled", "to_complete", "missing"]
ItemState = Literal["present", "draft", "missing", "to_prepare", "not_involved"]
ALGORITHM_TYPE = Msg(zh="生成合成类", en="generation and synthesis (生成合成类)")
_STATE_LABELS: dict[str, Msg] = {
    "prefilled": Msg(zh="已预填", en="pre-filled"),
    "to_complete": Msg(zh="待填写", en="to complete"),
    "missing": Msg(zh="缺失", en="missing"),
    "present": Msg(zh="已具备", en="present"),
    "draft": Msg(zh="草稿", en="draft"),
    "to_prepare": Msg(zh="待准备", en="to prepare"),
    "not_involved": Msg(zh="不涉及", en="not involved"),
}


class FilingField(BaseModel):
    """One field of a filing form."""

    key: str
    label: Msg
    state: FieldState
    value: str = ""
    hint: Msg = Msg(zh="", en="")


class DossierItem(BaseModel):
    """One document of the LLM filing dossier."""

    key: str
    label: Msg
    state: ItemState
    files: list[str] = []
    note: Msg = Msg(zh="", en="")


class FilingDraft(BaseModel):
    """The pre-filled filing material, for people to complete."""

    provider: str
    service: str
    algorithm_filing: list[FilingField]
    dossier: list[DossierItem]
    test_channel: list[FilingField]
    base_model: list[FilingField] = []
    """The filed base model the service uses, from the filing register (6.a); empty without."""


def _field(key: str, zh: str, en: str, value: str, hint: Msg | None = None) -> FilingField:
    state: FieldState = "prefilled" if value.strip() else "to_complete"
    return FilingField(key=key, label=Msg(zh=zh, en=en), state=state, value=value,
                       hint=hint or Msg(zh="", en=""))  # fmt: skip


def _report_state(outcome: Assessment, signed: int, required: int) -> tuple[ItemState, Msg]:
    pending = outcome.totals.get("pending", 0)
    non = outcome.totals.get("nonconforms", 0)
    note = Msg(
        zh=f"待确认 {pending} 条，不符合 {non} 条，已签字 {signed}/{required}",
        en=f"{pending} pending, {non} not conforming, signed {signed}/{required}",
    )
    return ("present" if not pending and signed >= required else "draft"), note


def _algorithm(outcome: Assessment, report: str, note: Msg) -> list[FilingField]:
    todo = Msg(zh="由提供者填写", en="to be completed by the provider")
    return [
        _field("provider_name", "主体名称", "Provider name", outcome.provider),
        _field("service_name", "服务/产品名称", "Service name", outcome.service),
        _field("service_form", "服务形式", "Service form", "",
               Msg(zh="如：网站、应用程序、小程序、API 接口", en="e.g. website, app, mini-program, API")),
        _field("application_domain", "应用领域", "Application domain", "", todo),
        FilingField(key="algorithm_type", label=Msg(zh="算法类型", en="Algorithm type"),
                    state="prefilled", value=ALGORITHM_TYPE.zh),
        FilingField(key="self_assessment_report", label=Msg(zh="算法安全自评估报告",
                    en="Algorithm self-assessment report"), state="prefilled" if report else "missing",
                    value=report, hint=note),
        _field("publicised_content", "拟公示内容（算法机制机理）", "Content to be publicised", "",
               Msg(zh="算法基本原理、运行机制、应用场景、目的意图", en="principle, mechanism, use scenarios, purpose")),
        _field("commitment", "算法备案承诺书", "Filing commitment letter", "", todo),
        _field("responsibility", "落实算法安全主体责任基本情况", "Algorithm-safety responsibility statement", "", todo),
    ]  # fmt: skip


def _files_of(clauses: dict[str, ClauseEvidence], ids: tuple[str, ...]) -> list[str]:
    return sorted(
        {e.ref for c in ids if c in clauses for e in clauses[c].evidence if e.kind == "file"}
    )


def _clause_note(clauses: dict[str, ClauseEvidence], prefixes: tuple[str, ...]) -> Msg:
    """How the clauses behind an attachment concluded, e.g. ``8.1.a 不符合；8.1.b 符合``."""
    picked = [c for cid, c in sorted(clauses.items()) if cid.startswith(prefixes)]
    return Msg(
        zh="；".join(f"{c.clause} {STATUS_LABELS[c.status]['zh']}" for c in picked),
        en="; ".join(f"{c.clause} {STATUS_LABELS[c.status]['en']}" for c in picked),
    )


def _item(key: str, zh: str, en: str, files: list[str], note: Msg | None = None) -> DossierItem:
    return DossierItem(key=key, label=Msg(zh=zh, en=en), state="present" if files else "missing",
                       files=files, note=note or Msg(zh="", en=""))  # fmt: skip


def _annotation_rules(clauses: dict[str, ClauseEvidence]) -> DossierItem:
    c = clauses.get("5.3.b")
    item = _item(
        "annex3", "附件3 语料标注规则", "Annex 3 annotation rules", _files_of(clauses, ("5.3.b",))
    )
    if c is not None and c.status == "not_applicable":
        reason = c.explanation or ""
        return item.model_copy(update={"state": "not_involved", "note": Msg(zh=reason, en=reason)})
    return item


def _dossier(
    outcome: Assessment, report_files: list[str], attachments: dict[str, str],
    report_state: tuple[ItemState, Msg], signers: str,
) -> list[DossierItem]:  # fmt: skip
    clauses = {c.clause: c for c in outcome.clauses}
    att_files = sorted({e.ref for c in outcome.clauses if c.section == "attestations"
                        for e in c.evidence if e.kind == "file"})  # fmt: skip
    found = outcome.inputs().agreement_files
    hint = Msg(zh="按文件名找到，请人工确认", en="found by file name; confirm by hand")
    return [
        DossierItem(key="form", label=Msg(zh="上线备案表", en="Online filing form"), state="to_prepare",
                    note=Msg(zh=f"封面与承诺页由法定代表人及安全评估负责人签字并加盖公章（当前：{signers}）",
                             en=f"cover and commitment pages signed by the legal representative and the "
                                f"assessment lead, with the company seal (now: {signers})")),
        DossierItem(key="annex1", label=Msg(zh="附件1 安全评估报告", en="Annex 1 safety assessment report"),
                    state=report_state[0] if report_files else "missing", files=report_files,
                    note=report_state[1]),
        _item("annex2", "附件2 模型服务协议及隐私保护政策", "Annex 2 service agreement and privacy policy",
              found, hint if found else None),
        _annotation_rules(clauses),
        _item("annex4", "附件4 拦截关键词列表", "Annex 4 interception keyword list",
              [attachments["keywords"]] if "keywords" in attachments else [],
              _clause_note(clauses, ("8.1.",))),
        _item("annex5", "附件5 评估测试题", "Annex 5 assessment test questions",
              [attachments["questions"]] if "questions" in attachments else [],
              _clause_note(clauses, ("8.2.", "8.3."))),
        DossierItem(key="annex6", label=Msg(zh="附件6 算力供应连续性说明", en="Annex 6 compute-continuity statement"),
                    state="to_prepare", files=_files_of(clauses, ("7.e",)),
                    note=Msg(zh="按属地模板编写", en="per the local authority's template")),
        _item("annex7", "附件7 其他佐证材料", "Annex 7 other supporting evidence", att_files,
              Msg(zh="合同、开源许可、数据来源及采集记录、授权、基础模型备案证明等",
                  en="contracts, licences, data-source records, authorisations, base-model filing proof")),
    ]  # fmt: skip


def _test_channel(target: TestChannel) -> list[FilingField]:
    key_hint = Msg(zh=f"密钥取自环境变量 {target.api_key_env}" if target.api_key_env else "",
                   en=f"key read from {target.api_key_env}" if target.api_key_env else "")  # fmt: skip
    return [
        _field("endpoint", "接口地址", "API endpoint", target.base_url, key_hint),
        _field("model", "被测模型", "Model under test", target.spec),
        _field("account_with_safety", "测试账号（开启安全策略）", "Test account with the safety strategy", ""),
        _field("account_without_safety", "测试账号（关闭安全策略）", "Test account without the safety strategy", ""),
        _field("api_spec", "接口说明（固定鉴权、JSON 格式、流式/非流式）",
               "API spec (fixed auth, JSON schema, stream / non-stream)", ""),
    ]  # fmt: skip


def _base_model(clauses: dict[str, ClauseEvidence]) -> list[FilingField]:
    """调用已备案模型情况: name and number from the register's 6.a conclusion, if any."""
    c = clauses.get("6.a")
    if c is None or c.section != "filing":
        return []
    found = Msg(
        zh=f"6.a {STATUS_LABELS[c.status]['zh']}：{c.summary.zh}",
        en=f"6.a {STATUS_LABELS[c.status]['en']}: {c.summary.en}",
    )
    refs = ", ".join(e.ref for e in c.evidence if e.ref.startswith("filing-"))
    return [
        _field(
            "base_model",
            "调用的已备案模型名称",
            "Filed base model used",
            str(c.figures.get("base_model", "")),
        ),
        _field(
            "base_model_number",
            "该模型备案号",
            "Its filing number",
            str(c.figures.get("base_model_number", "")),
            found,
        ),
        _field("base_model_listed", "名单/登记簿核对", "Checked against list / register", refs),
    ]


def build_filing(
    outcome: Assessment, report_files: list[str], attachments: dict[str, str]
) -> FilingDraft:
    """The filing draft for ``outcome``; file names are relative to the report folder."""
    d = outcome.inputs()
    required = len(attestations.SIGNATORY_ROLES)
    state = _report_state(outcome, d.signed, required)
    names = []
    for role in ("legal_representative", "assessment_lead"):
        s = d.signatories.get(role)
        names.append(s.name if s and s.name else "____")
    signers = " / ".join(names)
    report = ", ".join(report_files)
    return FilingDraft(
        provider=outcome.provider,
        service=outcome.service,
        algorithm_filing=_algorithm(outcome, report, state[1]),
        dossier=_dossier(outcome, report_files, attachments, state, signers),
        test_channel=_test_channel(d.test_channel),
        base_model=_base_model({c.clause: c for c in outcome.clauses}),
    )


def filing_json(draft: FilingDraft) -> str:
    """The draft as stable JSON."""
    return (
        json.dumps(draft.model_dump(mode="json"), ensure_ascii=False, indent=2, sort_keys=True)
        + "\n"
    )


def _rows(fields: list[FilingField], lang: Lang) -> list[str]:
    out = ["| " + (" | ".join(["字段", "状态", "内容", "说明"] if lang == "zh" else
                                ["field", "state", "value", "note"])) + " |", "|---|---|---|---|"]  # fmt: skip
    for f in fields:
        cells = [
            f.label.get(lang),
            _STATE_LABELS[f.state].get(lang),
            f.value or "____",
            f.hint.get(lang),
        ]
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return [*out, ""]


def filing_markdown(draft: FilingDraft, lang: Lang) -> str:
    """The draft as Markdown for people to complete."""
    zh = lang == "zh"
    out = [f"# {'备案材料草稿' if zh else 'Filing draft'}: {draft.service or draft.provider}", ""]
    out += ["> " + ("本草稿由 beian 根据工作区与评估结果预填，须由提供者核对并补全后方可提交。" if zh else
                    "Pre-filled by beian from the workspace and the assessment; people must check and "
                    "complete it before filing."), ""]  # fmt: skip
    out += [f"## {'一、算法备案信息' if zh else '1. Algorithm filing'}", ""] + _rows(
        draft.algorithm_filing, lang
    )
    out += [f"## {'二、大模型上线备案材料清单' if zh else '2. LLM filing dossier checklist'}", ""]
    for item in draft.dossier:
        box = "x" if item.state in {"present", "not_involved"} else " "
        files = ", ".join(f"`{f}`" for f in item.files)
        extra = "；".join(p for p in (files, item.note.get(lang)) if p)
        out.append(f"- [{box}] **{item.label.get(lang)}** — {_STATE_LABELS[item.state].get(lang)}"
                   + (f": {extra}" if extra else ""))  # fmt: skip
    out += ["", f"## {'三、测试通道' if zh else '3. Test channel'}", ""] + _rows(
        draft.test_channel, lang
    )
    if draft.base_model:
        title = "四、调用已备案模型情况" if zh else "4. Filed base model used"
        out += [f"## {title}", ""] + _rows(draft.base_model, lang)
    return "\n".join(out)
