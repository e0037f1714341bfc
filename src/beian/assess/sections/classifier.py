"""§8.4: the classification model covers every risk of the profile — as measured.

A risk is covered when the model's measured recall on labelled items of that risk reaches the
profile's floor (lower 95 % bound, with a minimum number of labelled items): see
``assess/measured.py`` for where measurements come from. Counting the model's outputs is not
evidence of coverage (regulatory.md §3.1 #3). Risks measured below the floor make the clause
不符合; risks not measured leave it 待确认; both are listed by id.
"""

from __future__ import annotations

from typing import Any

from beian.assess import measured
from beian.assess.context import AssessContext
from beian.assess.evidence import ClauseEvidence, EvidenceRef, Msg
from beian.detect.classifier.model import load_model
from beian.records import ClauseStatus
from beian.registry import registry
from beian.standard import Profile

CLAUSE_KEY = "classifier_risks_min"
RECALL_KEY = "risk_recall_min"
SUPPORT_KEY = "risk_support_min"
MOSTLY = 0.9


def _floor(profile: Profile, clause_id: str, key: str, default: float) -> float:
    clause = profile.clause(clause_id)
    return next((t.value for t in clause.thresholds if t.key == key), default)


def _split(
    wanted: list[str], found: measured.Measured, recall_min: float, support_min: float
) -> tuple[list[str], list[str], list[str]]:
    """Risks covered, measured below the floor, and not measured (too few labelled items)."""
    covered, weak, unmeasured = [], [], []
    for r in wanted:
        m = found.per_risk.get(r)
        if m is None or m.support < support_min:
            unmeasured.append(r)
        elif m.low >= recall_min:
            covered.append(r)
        else:
            weak.append(r)
    return covered, weak, unmeasured


def _missing(found: measured.Measured, weak: list[str], unmeasured: list[str]) -> list[Msg]:
    out = []
    for r in weak:
        m = found.per_risk[r]
        out.append(
            Msg(
                zh=f"{r}：实测检出率 {m.recall:.0%}（下限 {m.low:.0%}，n={m.support}）未达要求",
                en=f"{r}: measured recall {m.recall:.0%} (lower bound {m.low:.0%}, n={m.support}) "
                "below the floor",
            )
        )
    if unmeasured:
        ids = "、".join(unmeasured)
        out.append(
            Msg(
                zh=f"未实测或标注样本不足的风险（{len(unmeasured)} 种）：{ids}。请以 beian classifier "
                "eval --json 在标注数据上实测，并存入 measurements/",
                en=f"risks not measured or with too few labelled items ({len(unmeasured)}): "
                f"{', '.join(unmeasured)}. Measure with 'beian classifier eval --json' on labelled "
                "data and save it under measurements/",
            )
        )
    return out + found.notes


class ClassifierSection:
    """Concludes on the clause carrying ``classifier_risks_min`` from measured recall."""

    name = "classifier"
    order = 30

    def clauses(self, profile: Profile) -> list[str]:
        return [c.id for c in profile.clauses if any(t.key == CLAUSE_KEY for t in c.thresholds)]

    def build(self, ctx: AssessContext) -> list[ClauseEvidence]:
        meta = load_model().meta
        found = measured.load(ctx.workspace.path("measurements"), meta.weights_sha256)
        wanted = ctx.profile.risk_ids()
        model_ref = EvidenceRef(
            kind="file", ref=f"classifier model {meta.recipe or meta.version}",
            sha256=meta.weights_sha256,
        )  # fmt: skip
        synthetic = [
            r
            for r in wanted
            if r in meta.risks
            and meta.synthetic_counts.get(r, 0) >= MOSTLY * meta.train_counts.get(r, 0)
        ]
        out = []
        for clause_id in self.clauses(ctx.profile):
            recall_min = _floor(ctx.profile, clause_id, RECALL_KEY, 0.5)
            support_min = _floor(ctx.profile, clause_id, SUPPORT_KEY, 20)
            covered, weak, unmeasured = _split(wanted, found, recall_min, support_min)
            need = ctx.profile.quota(clause_id, CLAUSE_KEY)
            status: ClauseStatus = "conforms"
            if weak or [r for r in wanted if r not in meta.risks]:
                status = "nonconforms"
            elif unmeasured or not need.check(len(covered)):
                status = "pending"
            figures: dict[str, Any] = {
                "covered": len(covered),
                "required": need.value,
                "recall_min": recall_min,
                "support_min": support_min,
                "below_floor": weak,
                "unmeasured": unmeasured,
                "measured_recall": {
                    r: round(m.recall, 4) for r, m in sorted(found.per_risk.items())
                },
                "model_outputs": len(meta.risks),
                "mostly_authored_examples": synthetic,
            }
            out.append(
                ClauseEvidence(
                    clause=clause_id,
                    status=status,
                    section=self.name,
                    summary=Msg(
                        zh=f"分类模型经实测覆盖 {len(covered)}/{len(wanted)} 种风险",
                        en=f"the classifier is measured to cover {len(covered)}/{len(wanted)} risks",
                    ),
                    figures=figures,
                    evidence=[model_ref, *found.evidence],
                    missing=_missing(found, weak, unmeasured),
                    explanation="classifier-mostly-authored" if synthetic else "",
                )
            )
        return out


@registry.register("report_section", "classifier", version="2", evidence="package")
def _factory(_options: object) -> ClassifierSection:
    """Measured per-risk coverage of the profile's risks by the classifier (§8.4)."""
    return ClassifierSection()
