"""Sign-in throttling: after too many wrong passwords for one name, that name is refused for
a while (guessing passwords online becomes slow; Argon2 already makes each guess costly)."""

from __future__ import annotations

import threading
import time
from collections import deque


class Throttle:
    """Failed sign-ins per user name within a sliding window (one server process)."""

    def __init__(self, max_failures: int, window_seconds: float) -> None:
        self.max_failures = max_failures
        self.window = window_seconds
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, name: str, now: float) -> deque[float]:
        times = self._failures.setdefault(name, deque())
        while times and now - times[0] > self.window:
            times.popleft()
        return times

    def blocked(self, name: str) -> bool:
        with self._lock:
            return len(self._recent(name, time.monotonic())) >= self.max_failures

    def failed(self, name: str) -> None:
        with self._lock:
            now = time.monotonic()
            self._recent(name, now).append(now)

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name, None)
