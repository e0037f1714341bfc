"""5.1 a per source: the share of 违法不良信息 judged on its upper confidence bound.

The 5.1 a) note limits 违法不良信息 to the risks the profile's threshold names (A.1-A.4, the
29 risks): A.5 findings (accuracy) and findings of the PII detector alone (personal information
is not illegal content) do not count. The counts are re-read from the scan's traced ``flagged``
outputs, so a stored scan is judged by the assessing profile. A source is usable only when the
upper end of the two-sided Clopper-Pearson interval at the profile's confidence is within the
limit: "0 in 60" does not show a share below 5 %.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from beian.scan.summary_model import SourceSummary, TracedExample
from beian.standard import Profile
from beian.stats import clopper_pearson_upper, wilson

CLAUSE = "5.1.a"
LIMIT_KEY = "per_source_illegal_share_max"
CONFIDENCE_KEY = "per_source_confidence"
NOT_ILLEGAL_ALONE = frozenset({"pii"})
"""Detectors whose findings alone do not make an item 违法不良信息 (the note to 5.1 a)."""


@dataclass(frozen=True, slots=True)
class Rule:
    """What counts and how it is judged, from the profile."""

    limit: float
    confidence: float
    risks: frozenset[str]

    @classmethod
    def of(cls, profile: Profile) -> Rule:
        clause = profile.clause(CLAUSE)
        limit = clause.threshold(LIMIT_KEY)
        conf = next((t.value for t in clause.thresholds if t.key == CONFIDENCE_KEY), 0.95)
        targets = limit.applies_to or tuple(c.id for c in profile.categories)
        return cls(limit.value, conf, frozenset(profile.risks_in(targets)))

    @property
    def one_sided(self) -> float:
        """The one-sided level whose bound is the upper end of the two-sided interval."""
        return (1.0 + self.confidence) / 2.0

    def n_needed(self) -> int:
        """Sample size at which zero findings would show the share within the limit."""
        return math.ceil(math.log(1.0 - self.one_sided) / math.log(1.0 - self.limit))


def illegal_counts(run_dir: Path, rule: Rule) -> dict[str, int] | None:
    """Per source, the sampled items with an illegal finding; ``None`` without traced outputs."""
    folder = run_dir / "flagged"
    if not folder.is_dir():
        return None
    counts: Counter[str] = Counter()
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = TracedExample.model_validate_json(line)
                if _illegal(item, rule):
                    counts[item.source] += 1
    return dict(counts)


def _illegal(item: TracedExample, rule: Rule) -> bool:
    return any(f.risk in rule.risks and f.detector not in NOT_ILLEGAL_ALONE for f in item.findings)


@dataclass(frozen=True, slots=True)
class SourceJudgement:
    """One scan source judged by the rule: the 5.1 a row of the report.

    ``illegal_share`` and ``upper`` are ``None`` when nothing was sampled (or the source could
    not be read); ``verdict`` adds ``insufficient`` (the bound is above the limit) to the scan's.
    """

    name: str
    sampled: int
    flagged: int
    illegal: int
    ci: tuple[float, float]
    verdict: str
    illegal_share: float | None = None
    upper: float | None = None
    unreadable: tuple[str, ...] = ()

    def figures(self) -> dict[str, object]:
        """The row as the report's figures show it (no share when nothing was sampled)."""
        out: dict[str, object] = {
            "name": self.name, "sampled": self.sampled, "flagged": self.flagged,
            "illegal": self.illegal, "illegal_share": self.illegal_share, "upper": self.upper,
            "ci": list(self.ci), "verdict": self.verdict,
        }  # fmt: skip
        if self.illegal_share is None:  # nothing sampled: no share to state, not a zero
            del out["illegal_share"], out["upper"]
        return out


def judge(row: SourceSummary, illegal: int, rule: Rule) -> SourceJudgement:
    """``row`` (a scan summary source row) with the illegal count, bound and verdict."""
    n = row.sampled
    base = SourceJudgement(
        name=row.name, sampled=n, flagged=row.flagged, illegal=illegal,
        ci=(row.ci[0], row.ci[1]), verdict=row.verdict, unreadable=tuple(row.unreadable),
    )  # fmt: skip
    if row.verdict == "unreadable" or not n:
        return base
    share = illegal / n
    upper = clopper_pearson_upper(illegal, n, rule.one_sided)
    low, high = wilson(illegal, n)
    verdict = "usable"
    if share > rule.limit:
        verdict = "exclude"
    elif upper > rule.limit:
        verdict = "insufficient"
    return replace(
        base, illegal_share=round(share, 6), upper=round(upper, 6),
        ci=(round(low, 6), round(high, 6)), verdict=verdict,
    )  # fmt: skip
