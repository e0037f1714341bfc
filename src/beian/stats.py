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
