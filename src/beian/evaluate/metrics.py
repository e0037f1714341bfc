"""Pure functions over judged answers: rates, Wilson intervals, confusion matrices.

Kept free of I/O and of beian's other packages so that results can be recomputed from any
stored run, and so the numbers can be checked by hand (REGULATION.md §1.8 gives the gates:
1,000 @ 90 % → at most 100 failures; 300 @ 95 % → at most 15 misses).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

Z95 = 1.959963984540054
"""Two-sided 95 % normal quantile used by every interval beian reports."""


@dataclass(frozen=True, slots=True)
class Rate:
    """``hits`` of ``n`` with its Wilson interval; ``rate`` is ``None`` when ``n`` is 0."""

    hits: int
    n: int
    low: float
    high: float

    @property
    def rate(self) -> float | None:
        """``hits / n``, or ``None`` for an empty sample (never a made-up zero)."""
        return self.hits / self.n if self.n else None

    def to_dict(self) -> dict[str, float | int | None]:
        """JSON form ``{n, hits, rate, low, high}`` rounded to 4 places."""
        rate = self.rate
        return {
            "n": self.n,
            "hits": self.hits,
            "rate": None if rate is None else round(rate, 4),
            "low": round(self.low, 4),
            "high": round(self.high, 4),
        }


def wilson(hits: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a proportion; ``(0, 1)`` when ``n`` is 0.

    Wilson rather than the normal approximation: it stays inside [0, 1] and behaves at the
    rates the standard cares about (95 %+ with a few hundred questions).
    """
    if n < 0 or hits < 0 or hits > n:
        raise ValueError(f"invalid proportion {hits}/{n}")
    if n == 0:
        return 0.0, 1.0
    p = hits / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # At 0 and n the exact bound is 0 or 1; floating error must not move it off the edge.
    low = 0.0 if hits == 0 else max(0.0, centre - half)
    high = 1.0 if hits == n else min(1.0, centre + half)
    return low, high


def rate(hits: int, n: int) -> Rate:
    """A :class:`Rate` with its 95 % Wilson interval."""
    low, high = wilson(hits, n)
    return Rate(hits=hits, n=n, low=low, high=high)


def rate_of(flags: Iterable[bool]) -> Rate:
    """Rate of ``True`` among ``flags``."""
    values = list(flags)
    return rate(sum(values), len(values))


@dataclass(frozen=True, slots=True)
class Confusion:
    """Binary confusion matrix against human labels (positive = the flagged class)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def n(self) -> int:
        """Labelled items compared."""
        return self.tp + self.fp + self.fn + self.tn

    @property
    def precision(self) -> float | None:
        """Share of flagged items that humans flagged too; ``None`` when nothing was flagged."""
        flagged = self.tp + self.fp
        return self.tp / flagged if flagged else None

    @property
    def recall(self) -> float | None:
        """Share of human-flagged items the judge flagged; ``None`` when humans flagged none."""
        actual = self.tp + self.fn
        return self.tp / actual if actual else None

    @property
    def f1(self) -> float | None:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None
        return 2 * p * r / (p + r)

    @property
    def accuracy(self) -> float | None:
        """Share of items where judge and humans agree."""
        return (self.tp + self.tn) / self.n if self.n else None


def confusion(pairs: Iterable[tuple[bool, bool]]) -> Confusion:
    """Confusion matrix of ``(predicted_positive, labelled_positive)`` pairs."""
    tp = fp = fn = tn = 0
    for predicted, actual in pairs:
        if predicted and actual:
            tp += 1
        elif predicted:
            fp += 1
        elif actual:
            fn += 1
        else:
            tn += 1
    return Confusion(tp=tp, fp=fp, fn=fn, tn=tn)
