"""Evidence from the register and the imported list for the assessment.

- 6.a (a third-party base model must be filed): the workspace's service record names its base
  model (``--base-model`` / ``--base-model-number``); the model is looked up in the imported
  public list and the own register. Found → conforms with the list batch (file digest) or the
  register record as evidence; number malformed or listed for another model → does not
  conform; not found → pending (the imported list may be older than the filing).
- Display duty (name + number shown, clause FIL-2 of the cn-genai-obligations set): the newest
  display check of the service's record; also a bilingual note for profiles without FIL-2.
"""

from __future__ import annotations

from beian.assess.evidence import ClauseEvidence, EvidenceRef, Msg
from beian.filing.lookup import Hit, lookup
from beian.filing.numbers import check_number, normalise
from beian.filing.register import list_records
from beian.filing.views import RecordView
from beian.records import ClauseStatus
from beian.store import Store
from beian.store.filing_models import FilingListBatchRow

CLAUSE = "6.a"
DISPLAY_CLAUSE = "FIL-2"
"""Display of the filed model name and number (companion set cn-genai-obligations)."""
SECTION = "filing"


def service_record(store: Store, service: str) -> RecordView | None:
    """The register record of the workspace's service (same name, not cancelled), newest first."""
    key = normalise(service).casefold()
    found = [r for r in list_records(store) if normalise(r.name).casefold() == key and key]
    live = [r for r in found if r.status != "cancelled"]
    return live[-1] if live else None


def _ref(store: Store, hit: Hit) -> EvidenceRef:
    if hit.source == "register":
        return EvidenceRef(kind="run", ref=f"filing-register:{hit.ref}", note=hit.number)
    batch_id = int(hit.ref.split()[1])
    with store.session() as s:
        batch = s.get(FilingListBatchRow, batch_id)
    digest = batch.source_sha256 if batch else ""
    return EvidenceRef(kind="run", ref=f"filing-list:{hit.ref}", sha256=digest, note=hit.number)


def _result(
    status: ClauseStatus,
    summary: Msg,
    rec: RecordView,
    evidence: list[EvidenceRef] | None = None,
    missing: list[Msg] | None = None,
) -> ClauseEvidence:
    figures = {
        "base_model": rec.base_model,
        "base_model_number": rec.base_model_number,
        "register_record": rec.id,
    }
    return ClauseEvidence(
        clause=CLAUSE,
        status=status,
        section=SECTION,
        summary=summary,
        figures=figures,
        evidence=evidence or [],
        missing=missing or [],
    )


def _number_problem(rec: RecordView) -> Msg | None:
    if not rec.base_model_number:
        return None
    check = check_number(rec.base_model_number)
    if check.ok or check.format == "unknown" and not check.number:
        return None
    why = "; ".join(check.problems)
    return Msg(
        zh=f"基础模型备案号 {check.number} 格式有误：{why}",
        en=f"base-model number {check.number} is malformed: {why}",
    )


def _mismatch(rec: RecordView, hits: list[Hit]) -> Hit | None:
    """A hit for the declared number that names another model."""
    if not (rec.base_model and rec.base_model_number):
        return None
    want = normalise(rec.base_model).casefold()
    return next((h for h in hits if normalise(h.name).casefold() != want), None)


def base_model_evidence(store: Store, service: str) -> ClauseEvidence | None:
    """The 6.a conclusion from the register, or None when the register says nothing about the
    service's base model (then the attestation alone decides)."""
    rec = service_record(store, service)
    if rec is None or not (rec.base_model or rec.base_model_number):
        return None
    problem = _number_problem(rec)
    if problem:
        return _result("nonconforms", problem, rec, missing=[problem])
    query = rec.base_model_number or rec.base_model
    hits = [h for h in lookup(store, query) if h.exact]
    other = _mismatch(rec, hits)
    if other:
        why = Msg(
            zh=f"备案号 {other.number} 在名单中属于“{other.name}”，而非“{rec.base_model}”",
            en=f"number {other.number} is listed for {other.name!r}, not {rec.base_model!r}",
        )
        return _result("nonconforms", why, rec, missing=[why], evidence=[_ref(store, other)])
    if hits:
        hit = hits[0]
        summary = Msg(
            zh=f"基础模型“{hit.name}”已备案，备案号 {hit.number}（{hit.ref}）",
            en=f"base model {hit.name!r} is filed under {hit.number} ({hit.ref})",
        )
        return _result("conforms", summary, rec, evidence=[_ref(store, h) for h in hits])
    label = " ".join(x for x in (rec.base_model, rec.base_model_number) if x)
    why = Msg(
        zh=f"基础模型“{label}”未在已导入的备案名单或登记簿中找到：请导入最新名单"
        "（beian filing import-list）或核实其备案情况；未备案则不符合",
        en=f"base model {label!r} is not in the imported list or the register: import the "
        "newest list (beian filing import-list) or check its filing; unfiled = not conforming",
    )
    return _result("pending", why, rec, missing=[why])


def display_note(store: Store, service: str) -> str | None:
    """One bilingual line on the display duty of the service, or None without a record."""
    rec = service_record(store, service)
    if rec is None:
        return None
    check = rec.data.get("display_check")
    if not check:
        return (
            "备案信息展示：尚未核查（beian filing check-display） / display of the filed model "
            "name and number: not checked yet (beian filing check-display)"
        )
    state = ("通过", "shown") if check.get("ok") else ("未通过", "NOT shown")
    return (
        f"备案信息展示核查{state[0]}（{check.get('source')}，{check.get('checked_at')}） / "
        f"filed model name and number {state[1]} on {check.get('source')} "
        f"({check.get('checked_at')})"
    )


def display_evidence(store: Store, service: str) -> ClauseEvidence | None:
    """FIL-2 from the newest display check of the service, or None when it was never checked
    (then the structured obligation answer decides)."""
    rec = service_record(store, service)
    check = rec.data.get("display_check") if rec else None
    if not check:
        return None
    where = f"{check.get('source')} ({check.get('checked_at')})"
    ref = EvidenceRef(
        kind="run",
        ref=f"filing-display:{check.get('source')}",
        sha256=str(check.get("sha256", "")),
        note=str(check.get("checked_at", "")),
    )
    figures = {
        k: check.get(k)
        for k in (
            "expected_name",
            "expected_number",
            "name_found",
            "number_found",
            "source",
            "checked_at",
        )
    }
    if check.get("ok"):
        summary = Msg(
            zh=f"页面展示了模型名称与备案号：{where}",
            en=f"the page shows the model name and number: {where}",
        )
        return ClauseEvidence(
            clause=DISPLAY_CLAUSE,
            status="conforms",
            section=SECTION,
            summary=summary,
            figures=figures,
            evidence=[ref],
        )
    lacking = [
        x
        for x, k in (("模型名称 model name", "name_found"), ("备案号 number", "number_found"))
        if not check.get(k)
    ]
    why = Msg(
        zh=f"页面未展示{'、'.join(x.split()[0] for x in lacking)}：{where}",
        en=f"the page does not show the {' and '.join(x.split()[1] for x in lacking)}: {where}",
    )
    return ClauseEvidence(
        clause=DISPLAY_CLAUSE,
        status="nonconforms",
        section=SECTION,
        summary=why,
        figures=figures,
        evidence=[ref],
        missing=[why],
    )
