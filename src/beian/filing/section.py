"""Report sections from the filing register.

``filing`` concludes on 6.a from the register and the imported list. It runs before the
attestation section (order 85 < 90), so its conclusion wins when the register knows the
service's base model; otherwise it returns nothing and the provider's attestation decides as
before. The provider's attestation files for 6.a are kept as evidence.

``filing-display`` concludes on FIL-2 (display of the filed model name and number, in the
cn-genai-obligations set) from the newest ``beian filing check-display``. It runs before the
obligations section (order 4 < 5) and only when a check was made; FIL-2 has no applicability
question, so nothing is bypassed.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from beian.assess import attestations
from beian.assess.context import AssessContext
from beian.assess.evidence import ClauseEvidence, EvidenceRef
from beian.filing.evidence import (
    CLAUSE,
    DISPLAY_CLAUSE,
    base_model_evidence,
    display_evidence,
    display_note,
)
from beian.registry import registry
from beian.standard import Profile


class FilingSection:
    """6.a from the filing register; the display check as a note."""

    name = "filing"
    order = 85

    def clauses(self, profile: Profile) -> list[str]:
        return [c.id for c in profile.clauses if c.id == CLAUSE]

    def build(self, ctx: AssessContext) -> list[ClauseEvidence]:
        service = ctx.workspace.config.service
        note = display_note(ctx.store, service)
        if note:
            ctx.notes.append(note)
        if not self.clauses(ctx.profile):
            return []
        result = base_model_evidence(ctx.store, service)
        if result is None:
            return []
        return [_with_attestation(result, ctx)]


def _with_attestation(result: ClauseEvidence, ctx: AssessContext) -> ClauseEvidence:
    """Keep the provider's own 6.a evidence files (paths made workspace-relative)."""
    folder = ctx.workspace.path("attestations")
    att = attestations.load(folder)
    answer = att.clauses.get(CLAUSE) if att else None
    if answer is None:
        return result
    refs, _missing = attestations.evidence_refs(folder, answer.evidence)
    base = PurePosixPath(ctx.workspace.config.paths.attestations)
    moved = [EvidenceRef(kind="file", ref=str(base / r.ref), sha256=r.sha256) for r in refs]
    return result.model_copy(
        update={"evidence": [*result.evidence, *moved], "explanation": answer.explanation}
    )


@registry.register("report_section", "filing", version="1")
def _factory(_options: object) -> FilingSection:
    """6.a (base model filed) from the filing register and the imported CAC list."""
    return FilingSection()


class FilingDisplaySection:
    """FIL-2 from the register's display check."""

    name = "filing-display"
    order = 4

    def clauses(self, profile: Profile) -> list[str]:
        return [c.id for c in profile.clauses if c.id == DISPLAY_CLAUSE]

    def build(self, ctx: AssessContext) -> list[ClauseEvidence]:
        if not self.clauses(ctx.profile):
            return []
        result = display_evidence(ctx.store, ctx.workspace.config.service)
        return [] if result is None else [result]


@registry.register("report_section", "filing-display", version="1")
def _display_factory(_options: object) -> FilingDisplaySection:
    """FIL-2 (filed model name and number displayed) from beian filing check-display."""
    return FilingDisplaySection()
