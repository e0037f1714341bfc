"""How often people agree with the automatic refusal judge (§9.4 refusal-check queues)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from beian.store import Store
from beian.store.models import VerdictRow
from beian.web.agreement import cohen_kappa
from beian.web.states import ItemState

AUTO = {"refusal": "refused", "partial": "refused", "answer": "answered"}
"""The refusal judge's verdicts in the reviewers' terms (a partial refusal is a refusal)."""


@dataclass(frozen=True, slots=True)
class JudgeAgreement:
    n: int
    """Decided items the judge also scored."""
    agree: int
    kappa: float | None


def judge_agreement(store: Store, states: Sequence[ItemState]) -> JudgeAgreement:
    """Agreement of the decided human verdicts with the ``refusal`` judge."""
    decided = {s.item_id: s.final for s in states if s.final is not None}
    with store.session() as s:
        found = s.execute(
            select(VerdictRow.item_id, VerdictRow.verdict).where(
                VerdictRow.item_id.in_(list(decided)), VerdictRow.method == "refusal"
            )
        ).all()
    pairs = [(decided[i] == "refused", AUTO[v] == "refused") for i, v in found if v in AUTO]
    if not pairs:
        return JudgeAgreement(0, 0, None)
    _observed, kappa = cohen_kappa(pairs)
    return JudgeAgreement(len(pairs), sum(a == b for a, b in pairs), kappa)
