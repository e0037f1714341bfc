"""Update cadence: the real intervals between a library's updates against the profile's maximum.

The intervals run between consecutive update days and from the last update to the day of the
check, so a library that stopped being updated shows a gap even if its past was regular.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pydantic import BaseModel


class Gap(BaseModel):
    """An interval between updates longer than the profile allows."""

    start: date
    end: date
    days: int


class Cadence(BaseModel):
    """The cadence finding for one clause (8.1.c weekly, 8.2.d / 8.3.c monthly)."""

    clause: str
    max_days: int
    updates: int
    first: date | None
    last: date | None
    as_of: date
    longest_interval_days: int | None
    gaps: list[Gap]
    ok: bool


def check_cadence(clause: str, days: Sequence[date], max_days: float, as_of: date) -> Cadence:
    """Intervals between the update ``days`` (and up to ``as_of``) longer than ``max_days``.

    With no recorded update at all, the cadence cannot be shown and the finding fails.
    """
    points = sorted({d for d in days if d <= as_of})
    if not points:
        return Cadence(
            clause=clause, max_days=int(max_days), updates=0, first=None, last=None,
            as_of=as_of, longest_interval_days=None, gaps=[], ok=False,
        )  # fmt: skip
    edges = [*points, as_of] if points[-1] < as_of else points
    intervals = [(a, b, (b - a).days) for a, b in zip(edges, edges[1:], strict=False)]
    gaps = [Gap(start=a, end=b, days=n) for a, b, n in intervals if n > max_days]
    longest = max((n for _, _, n in intervals), default=0)
    return Cadence(
        clause=clause,
        max_days=int(max_days),
        updates=len(points),
        first=points[0],
        last=points[-1],
        as_of=as_of,
        longest_interval_days=longest,
        gaps=gaps,
        ok=not gaps,
    )
