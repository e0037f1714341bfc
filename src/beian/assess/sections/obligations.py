"""Applicability questions and statutory obligations with structured evidence.

Runs before the other sections so that its conclusions win: a clause whose applicability
question is answered "no" (with a basis) is 不适用; a clause with structured ``fields`` is
concluded from ``attestations/obligations.yaml`` only, field by field. Clauses that merely
carry ``applies_if`` and do apply are left to the section that owns them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from beian.assess import obligations
from beian.assess.context import AssessContext
from beian.assess.evidence import ClauseEvidence, Msg, pending
from beian.assess.structured import check_field, check_interval
from beian.records import ClauseStatus
from beian.registry import registry
from beian.standard import Clause, Profile

SECTION = "obligations"


class ObligationSection:
    """Clauses with ``applies_if`` or structured ``fields``."""

    name = SECTION
    order = 5

    def clauses(self, profile: Profile) -> list[str]:
        return [c.id for c in profile.clauses if c.applies_if or c.fields]

    def build(self, ctx: AssessContext) -> list[ClauseEvidence]:
        folder = ctx.workspace.path("attestations")
        answers = obligations.load(folder)
        out: list[ClauseEvidence] = []
        for clause_id in self.clauses(ctx.profile):
            clause = ctx.profile.clause(clause_id)
            gated = _gate(clause, ctx.profile, answers)
            if gated is not None:
                out.append(gated)
            elif clause.fields:
                entry = answers.evidence.get(clause.id, {})
                out.append(conclude(clause, entry, folder, ctx))
        return out


def _gate(
    clause: Clause, profile: Profile, answers: obligations.ObligationAnswers
) -> ClauseEvidence | None:
    """不适用 / 待确认 from the applicability answer; ``None`` when the clause applies."""
    if not clause.applies_if:
        return None
    qid = clause.applies_if.removeprefix("not:")
    wanted = not clause.applies_if.startswith("not:")
    question = profile.question(qid)
    got = answers.scope.get(qid, obligations.ScopeAnswer())
    if got.answer is None:
        why = Msg(zh=f"适用性问题未回答：{question.text_zh}", en=f"unanswered: {question.text_en}")
        return pending(clause.id, SECTION, why)
    if got.answer == wanted:
        return None
    if not got.basis.strip():
        why = Msg(zh=f"“{question.text_zh}”的回答须说明依据",
                  en=f"the answer to '{question.text_en}' needs a basis")  # fmt: skip
        return pending(clause.id, SECTION, why)
    said = ("是", "yes") if got.answer else ("否", "no")
    return ClauseEvidence(
        clause=clause.id,
        status="not_applicable",
        section=SECTION,
        summary=Msg(zh=f"{question.text_zh} {said[0]}", en=f"{question.text_en} {said[1]}"),
        explanation=got.basis.strip(),
    )


def conclude(
    clause: Clause, entry: dict[str, Any], folder: Path, ctx: AssessContext | None = None
) -> ClauseEvidence:
    """The conclusion on one obligation from its structured evidence entry."""
    alternative = str(entry.get("alternative") or "")
    declared: tuple[ClauseStatus, ...] = ("not_applicable", "nonconforms")
    for status in declared:
        reason = str(entry.get(status) or "").strip()
        if reason:
            return ClauseEvidence(clause=clause.id, status=status, section=SECTION,
                                  summary=Msg(zh=reason, en=reason), explanation=reason,
                                  alternative=alternative)  # fmt: skip
    result = ClauseEvidence(clause=clause.id, status="pending", section=SECTION,
                            summary=Msg(zh="", en=""), alternative=alternative)  # fmt: skip
    shown: dict[str, str] = {}
    short: list[Msg] = []
    for f in clause.fields:
        check = check_field(f, entry.get(f.key), clause, folder)
        shown[f.key] = check.shown
        result.evidence += check.refs
        result.figures.update(check.figures)
        result.missing += check.missing
        short += check.short
    known = {f.key for f in clause.fields} | set(obligations.RESERVED)
    for key in sorted(set(entry) - known):
        result.missing.append(Msg(zh=f"未知字段：{key}", en=f"unknown field: {key}"))
    for interval in clause.intervals:
        figures, late = check_interval(interval, entry, clause)
        result.figures.update(figures)
        short += late
    if clause.record == "gateway_complaints" and ctx is not None:
        short += _complaints(ctx, result)
    result.figures["attested"] = shown
    result.status = _status(short, result.missing)
    result.missing = short + result.missing
    result.summary = _summary(result.status, len(clause.fields))
    return result


def _status(short: list[Msg], missing: list[Msg]) -> ClauseStatus:
    if short:
        return "nonconforms"
    return "pending" if missing else "conforms"


def _summary(status: ClauseStatus, n: int) -> Msg:
    if status == "conforms":
        return Msg(
            zh=f"{n} 项结构化证据均已提供且有效", en=f"all {n} evidence fields given and valid"
        )
    if status == "nonconforms":
        return Msg(zh="证据显示未满足要求", en="the evidence shows the requirement is not met")
    return Msg(zh="结构化证据不完整，待补充", en="structured evidence incomplete")


def _complaints(ctx: AssessContext, result: ClauseEvidence) -> list[Msg]:
    """Overdue and unanswered complaints in the gateway's register (Art 15 feedback)."""
    from beian.store.assess_queries import complaints

    rows = complaints(ctx.store)
    if rows is None:
        result.missing.append(
            Msg(zh="无法读取网关投诉登记", en="gateway complaint register unreadable")
        )
        return []
    now = datetime.now(UTC)
    open_ = [r for r in rows if r.status == "open"]
    overdue = sum(1 for r in open_ if _aware(r.due_at) < now)
    unanswered = sum(1 for r in rows if r.status != "open" and not r.resolution.strip())
    result.figures.update(
        {"complaints": len(rows), "complaints_open": len(open_),
         "complaints_overdue": overdue, "complaints_unanswered": unanswered}
    )  # fmt: skip
    out = []
    if overdue:
        out.append(Msg(zh=f"{overdue} 件投诉已超过公布的处理时限仍未处理",
                       en=f"{overdue} complaints are past the published limit and still open"))  # fmt: skip
    if unanswered:
        out.append(Msg(zh=f"{unanswered} 件已处理投诉未记录反馈结果",
                       en=f"{unanswered} closed complaints have no recorded feedback"))  # fmt: skip
    return out


def _aware(when: datetime) -> datetime:
    # SQLite hands back naive datetimes; the gateway writes UTC.
    return when if when.tzinfo else when.replace(tzinfo=UTC)


@registry.register("report_section", SECTION, version="1")
def _factory(_options: object) -> ObligationSection:
    """Applicability answers and structured obligation evidence (attestations/obligations.yaml)."""
    return ObligationSection()
