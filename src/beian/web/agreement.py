"""Agreement and pace: Cohen's kappa per reviewer pair (and per risk), items per hour, the
qualified rate with its Wilson interval, all from a queue's item states."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from beian.stats import wilson
from beian.web.states import ItemState, Review


@dataclass(frozen=True, slots=True)
class Kappa:
    pair: tuple[str, str]
    risk: str
    """'' for all items of the pair."""
    n: int
    observed: float
    kappa: float | None
    """None when it is undefined (both reviewers used one verdict only)."""


@dataclass(frozen=True, slots=True)
class Pace:
    reviewer: str
    reviews: int
    per_hour: float | None


@dataclass(frozen=True, slots=True)
class Overview:
    items: int
    decided: int
    disputed: int
    qualified: int
    rate: float | None
    ci: tuple[float, float]
    pace: tuple[Pace, ...]
    kappas: tuple[Kappa, ...]


def cohen_kappa(pairs: Sequence[tuple[bool, bool]]) -> tuple[float, float | None]:
    """(observed agreement, Cohen's kappa) of two raters' yes/no labels on the same items."""
    n = len(pairs)
    if n == 0:
        return 0.0, None
    observed = sum(a == b for a, b in pairs) / n
    pa = sum(a for a, _ in pairs) / n
    pb = sum(b for _, b in pairs) / n
    expected = pa * pb + (1 - pa) * (1 - pb)
    if expected >= 1.0:
        return observed, None
    return observed, (observed - expected) / (1 - expected)


def per_hour(times: Sequence[float], idle_cap: float) -> float | None:
    """Verdicts per hour of active work: gaps longer than ``idle_cap`` seconds count as
    ``idle_cap`` (a break is not slow reviewing)."""
    ts = sorted(times)
    if len(ts) < 2:
        return None
    active = sum(min(b - a, idle_cap) for a, b in zip(ts, ts[1:], strict=False))
    return (len(ts) - 1) / active * 3600 if active > 0 else None


def _kappas(states: Sequence[ItemState], min_items: int, positive: str) -> list[Kappa]:
    pairs: dict[tuple[str, str], list[tuple[str, bool, bool]]] = {}
    for st in states:
        by = {r.user: r.verdict == positive for r in st.reviews}
        for a, b in combinations(sorted(by), 2):
            pairs.setdefault((a, b), []).append((st.item_risk, by[a], by[b]))
    out: list[Kappa] = []
    for pair, rows in sorted(pairs.items()):
        obs, k = cohen_kappa([(a, b) for _, a, b in rows])
        out.append(Kappa(pair, "", len(rows), obs, k))
        for risk in sorted({r for r, _, _ in rows if r}):
            sub = [(a, b) for r, a, b in rows if r == risk]
            if len(sub) >= min_items:
                obs, k = cohen_kappa(sub)
                out.append(Kappa(pair, risk, len(sub), obs, k))
    return out


def _pace(states: Sequence[ItemState], idle_cap: float) -> list[Pace]:
    times: dict[str, list[float]] = {}
    for st in states:
        rows: list[Review] = [*st.reviews, *([st.ruling] if st.ruling else [])]
        for r in rows:
            times.setdefault(r.user, []).append(r.at)
    return [Pace(u, len(t), per_hour(t, idle_cap)) for u, t in sorted(times.items())]


def overview(
    states: Sequence[ItemState], *, min_items: int, idle_cap: float, positive: str = "qualified"
) -> Overview:
    """The dashboard's figures for one queue (``positive``: the verdict whose rate is shown)."""
    decided = [s for s in states if s.status == "decided"]
    qualified = sum(s.final == positive for s in decided)
    rate = qualified / len(decided) if decided else None
    return Overview(
        items=len(states),
        decided=len(decided),
        disputed=sum(s.status == "disputed" for s in states),
        qualified=qualified,
        rate=rate,
        ci=wilson(qualified, len(decided)),
        pace=tuple(_pace(states, idle_cap)),
        kappas=tuple(_kappas(states, min_items, positive)),
    )
