"""Confidence intervals shared by every figure beian reports (corpus, evaluation, classifier)."""

from __future__ import annotations

import math

Z95 = 1.959963984540054
"""Two-sided 95 % normal quantile used by every interval beian reports."""


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of ``successes`` out of ``n``; ``(0, 1)`` when ``n`` is 0.

    Wilson rather than the normal approximation: the rates the standard gates on sit near 0
    (flagged shares, refusals of answerable questions) or near 1 (qualified rates), where the
    normal interval leaves [0, 1] or collapses to a point.
    """
    if n < 0 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n, got {successes} of {n}")
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    z2 = z * z
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    # At 0 and n the exact bound is 0 or 1; floating error must not move it off the edge.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


def _binom_cdf(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p), summed in log space (exact enough for n in the 1e5s)."""
    if p <= 0.0:
        return 1.0
    if p >= 1.0:
        return 1.0 if k >= n else 0.0
    lp, lq = math.log(p), math.log1p(-p)
    terms = [
        math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * lp + (n - i) * lq
        for i in range(k + 1)
    ]
    top = max(terms)
    return min(1.0, math.exp(top) * sum(math.exp(t - top) for t in terms))


def clopper_pearson_upper(k: int, n: int, confidence: float) -> float:
    """One-sided exact (Clopper-Pearson) upper bound of a binomial share at ``confidence``.

    The p at which seeing ``k`` or fewer in ``n`` has probability ``1 - confidence``: 0/60 at
    0.95 gives 4.9 %, so "no finding in a small sample" is not read as "share below 5 %".
    """
    if n <= 0:
        return 1.0
    if k >= n:
        return 1.0
    lo, hi = k / n, 1.0
    for _ in range(60):  # bisection to ~1e-18: the CDF falls monotonically in p
        mid = (lo + hi) / 2
        if _binom_cdf(k, n, mid) > 1.0 - confidence:
            lo = mid
        else:
            hi = mid
    return hi
