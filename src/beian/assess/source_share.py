"""5.1 a per source: the share of 违法不良信息 judged on its upper confidence bound.

The 5.1 a) note limits 违法不良信息 to the risks the profile's threshold names (A.1-A.4, the
29 risks): A.5 findings (accuracy) and findings of the PII detector alone (personal information
is not illegal content) do not count. The counts are re-read from the scan's traced ``flagged``
outputs, so a stored scan is judged by the assessing profile. A source is usable only when the
upper end of the two-sided Clopper-Pearson interval at the profile's confidence is within the
limit: "0 in 60" does not show a share below 5 %.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
            item = json.loads(line) if line.strip() else {}
            if _illegal(item, rule):
                counts[str(item.get("source"))] += 1
    return dict(counts)


def _illegal(item: dict[str, Any], rule: Rule) -> bool:
    return any(
        f.get("risk") in rule.risks and f.get("detector") not in NOT_ILLEGAL_ALONE
        for f in item.get("findings", [])
    )


def judge(row: dict[str, Any], illegal: int, rule: Rule) -> dict[str, Any]:
    """``row`` (a scan summary source row) with the illegal count, bound and verdict."""
    n = int(row.get("sampled") or 0)
    out = {**row, "illegal": illegal}
    if row.get("verdict") == "unreadable" or not n:
        return out
    share = illegal / n
    upper = clopper_pearson_upper(illegal, n, rule.one_sided)
    low, high = wilson(illegal, n)
    out.update(illegal_share=round(share, 6), upper=round(upper, 6))
    out["ci"] = [round(low, 6), round(high, 6)]
    if share > rule.limit:
        out["verdict"] = "exclude"
    elif upper > rule.limit:
        out["verdict"] = "insufficient"
    else:
        out["verdict"] = "usable"
    return out
