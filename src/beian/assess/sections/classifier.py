"""§8.4: the classification model covers every risk of the profile.

Coverage is read from the model's own metadata (the risk ids it scores), so a user's retrained
model is judged the same way as the shipped one. Risks the model learned mostly from beian's
authored example sentences are listed: they are covered, but weakly (docs/accuracy.md).
"""

from __future__ import annotations

from beian.assess.context import AssessContext
from beian.assess.evidence import ClauseEvidence, EvidenceRef, Msg
from beian.detect.classifier.model import load_model
from beian.registry import registry
from beian.standard import Profile

CLAUSE_KEY = "classifier_risks_min"
MOSTLY = 0.9


class ClassifierSection:
    """Concludes on the clause carrying ``classifier_risks_min`` from the model metadata."""

    name = "classifier"
    order = 30

    def clauses(self, profile: Profile) -> list[str]:
        return [c.id for c in profile.clauses if any(t.key == CLAUSE_KEY for t in c.thresholds)]

    def build(self, ctx: AssessContext) -> list[ClauseEvidence]:
        model = load_model()
        meta = model.meta
        wanted = ctx.profile.risk_ids()
        covered = [r for r in wanted if r in meta.risks]
        # The metadata counts authored examples before the dev split and all examples after
        # it, so "mostly" (>= 90 %) is what can be said exactly, not "only".
        synthetic = [
            r
            for r in covered
            if meta.synthetic_counts.get(r, 0) >= MOSTLY * meta.train_counts.get(r, 0)
        ]
        out = []
        for clause_id in self.clauses(ctx.profile):
            need = ctx.profile.quota(clause_id, CLAUSE_KEY)
            uncovered = [r for r in wanted if r not in meta.risks]
            ok = need.check(len(covered)) and not uncovered
            out.append(
                ClauseEvidence(
                    clause=clause_id,
                    status="conforms" if ok else "nonconforms",
                    section=self.name,
                    summary=Msg(
                        zh=f"分类模型覆盖 {len(covered)}/{len(wanted)} 种风险",
                        en=f"the classifier covers {len(covered)}/{len(wanted)} risks",
                    ),
                    figures={
                        "covered": len(covered),
                        "required": need.value,
                        "mostly_authored_examples": synthetic,
                    },
                    evidence=[
                        EvidenceRef(
                            kind="file",
                            ref=f"classifier model {meta.recipe or meta.version}",
                            sha256=meta.weights_sha256,
                        )
                    ],
                    missing=[
                        Msg(zh=f"未覆盖风险：{r}", en=f"risk not covered: {r}") for r in uncovered
                    ],
                    # A key the renderers put in the report's language; the risks are listed
                    # in the figure ``mostly_authored_examples`` next to it.
                    explanation="classifier-mostly-authored" if synthetic else "",
                )
            )
        return out


@registry.register("report_section", "classifier", version="1", evidence="package")
def _factory(_options: object) -> ClassifierSection:
    """Classifier coverage of the profile's risks (§8.4)."""
    return ClassifierSection()
