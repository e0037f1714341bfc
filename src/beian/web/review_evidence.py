"""What a published queue hands to ``beian assess`` as evidence: who reviewed, how far they
agreed (Cohen's kappa per reviewer pair, and per risk where a pair shares enough items) and,
for §9.4 queues, how far people agreed with the automatic refusal judge.

The ``agreement`` rows are the shape the report draws as a table (``beian.report.render
.figures.agreement``): ``{"pair", "risk", "n", "observed", "kappa"}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from beian.web.agreement import Kappa, overview
from beian.web.judge_agreement import JudgeAgreement
from beian.web.states import ItemState, people


def agreement_rows(kappas: Sequence[Kappa]) -> list[dict[str, Any]]:
    """The kappa table: per pair over all their items, then per risk."""
    return [
        {"pair": list(k.pair), "risk": k.risk, "n": k.n,
         "observed": round(k.observed, 4), "kappa": None if k.kappa is None else round(k.kappa, 4)}
        for k in kappas
    ]  # fmt: skip


def _kappa_text(kappas: Sequence[Kappa]) -> str:
    return "; ".join(
        f"{a}·{b} κ={'—' if k.kappa is None else f'{k.kappa:.3f}'} (n={k.n})"
        for k in kappas
        if not k.risk
        for a, b in [k.pair]
    )


def review_evidence(
    states: Sequence[ItemState], *, queue_id: int, required: int, positive: str,
    min_items: int, idle_cap: float, judge: JudgeAgreement | None = None,
) -> dict[str, Any]:  # fmt: skip
    """The evidence of one reviewed sample (a whole queue, or one bank of a §9.4 queue)."""
    ov = overview(states, min_items=min_items, idle_cap=idle_cap, positive=positive)
    names = sorted({n for st in states for n in people(st)})
    out: dict[str, Any] = {
        "reviewer_names": ", ".join(names),
        "agreement_kappa": _kappa_text(ov.kappas) or "—",
        "source": "beian web",
        "web_queue": queue_id,
        "reviewers_required": required,
        "reviewers": names,
        "decided": ov.decided,
        "disputed": ov.disputed,
        "agreement": agreement_rows(ov.kappas),
    }
    if judge is not None:
        kappa = None if judge.kappa is None else round(judge.kappa, 4)
        out["judge_agreement"] = {"n": judge.n, "agree": judge.agree, "kappa": kappa}
    return out
