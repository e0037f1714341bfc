"""Per-name request budgets (token buckets): per key for calls, per client for complaints.

Buckets live in the process: with several workers each enforces the limit on its own share.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

_MAX_BUCKETS = 50_000
"""Above this many names, full buckets are forgotten (they carry no information)."""


class RateLimiter:
    """``per_minute`` requests per name, refilled continuously, bursts up to ``per_minute``."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, name: str, per_minute: int) -> float:
        """Spend one request of ``name``: 0.0 when allowed, else seconds until one is."""
        rate = per_minute / 60.0
        now = self._clock()
        with self._lock:
            tokens, at = self._buckets.get(name, (float(per_minute), now))
            tokens = min(float(per_minute), tokens + (now - at) * rate)
            if tokens < 1.0:
                self._buckets[name] = (tokens, now)
                return (1.0 - tokens) / rate
            self._buckets[name] = (tokens - 1.0, now)
            if len(self._buckets) > _MAX_BUCKETS:
                self._forget_full(now, rate, per_minute)
            return 0.0

    def _forget_full(self, now: float, rate: float, per_minute: int) -> None:
        for key, (tokens, at) in list(self._buckets.items()):
            if tokens + (now - at) * rate >= per_minute:
                del self._buckets[key]
