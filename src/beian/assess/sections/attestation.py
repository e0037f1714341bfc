"""Attestation and review clauses, concluded from the workspace's attestation file."""

from __future__ import annotations

from beian.assess import attestations
from beian.assess.context import AssessContext
from beian.assess.evidence import ClauseEvidence, Msg
from beian.registry import registry
from beian.standard import Profile

SIGNATURE_CLAUSE_KEY = "signatories_min"


class AttestationSection:
    """Clauses of kind attestation/review; the signature clause also counts signatories."""

    name = "attestations"
    order = 90

    def clauses(self, profile: Profile) -> list[str]:
        # clauses with structured fields are concluded by the obligations section
        return [c.id for c in profile.clauses if c.kind != "automatic" and not c.fields]

    def build(self, ctx: AssessContext) -> list[ClauseEvidence]:
        folder = ctx.workspace.path("attestations")
        att = attestations.load(folder)
        out: list[ClauseEvidence] = []
        for clause_id in self.clauses(ctx.profile):
            answer = att.clauses.get(clause_id) if att else None
            result = attestations.conclude(clause_id, answer, folder)
            clause = ctx.profile.clause(clause_id)
            if att is not None and any(t.key == SIGNATURE_CLAUSE_KEY for t in clause.thresholds):
                result = _with_signatures(result, att, clause.threshold(SIGNATURE_CLAUSE_KEY).value)
            out.append(result)
        return out


def _with_signatures(
    result: ClauseEvidence, att: attestations.Attestations, required: float
) -> ClauseEvidence:
    signed = attestations.signed_count(att)
    result.figures["signatories"] = signed
    result.figures["signatories_required"] = required
    if signed < required and result.status == "conforms":
        result.status = "pending"
    if signed < required:
        result.missing.append(
            Msg(
                zh=f"签字人 {signed}/{required:g}：须填写姓名及签字日期",
                en=f"signatories {signed}/{required:g}: name and signing date required",
            )
        )
    return result


@registry.register("report_section", "attestations", version="1")
def _factory(_options: object) -> AttestationSection:
    """Attestation and review clauses from attestations/attestations.yaml."""
    return AttestationSection()
