"""Per-user sanctions after blocked inputs (Interim Measures Art 14; S-13, S-14).

Counters live in memory, per gateway process: a restart forgets them, and several workers
count separately (see design/gateway.md). Anonymous requests (no user id) are never counted,
since one shared counter would suspend every anonymous user at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from beian.gateway.config import SanctionsConfig

Sanction = Literal["", "warn", "suspend"]


@dataclass(slots=True)
class _UserState:
    consecutive: int = 0
    day: str = ""
    daily: int = 0
    suspended_until: float = 0.0


class Sanctions:
    """Counts blocked inputs per user and says when to warn or suspend."""

    def __init__(self, config: SanctionsConfig, clock: Callable[[], float] = time.time) -> None:
        self.config = config
        self._clock = clock
        self._users: dict[str, _UserState] = {}
        self._lock = threading.Lock()

    def suspended_for(self, user: str) -> float:
        """Seconds of suspension left for ``user`` (0 when not suspended)."""
        if self.config.mode != "enforce" or not user:
            return 0.0
        with self._lock:
            state = self._users.get(user)
            left = state.suspended_until - self._clock() if state else 0.0
        return max(0.0, left)

    def record(self, user: str, blocked: bool) -> Sanction:
        """Count one screened input of ``user``; the sanction it triggers, if any."""
        if self.config.mode == "off" or not user:
            return ""
        now = self._clock()
        day = self._day(now)
        with self._lock:
            state = self._users.setdefault(user, _UserState())
            if state.day != day:
                state.day, state.daily = day, 0
            if not blocked:
                state.consecutive = 0
                return ""
            state.consecutive += 1
            state.daily += 1
            return self._sanction(state, now)

    def counts(self, user: str) -> tuple[int, int]:
        """(blocked in a row, blocked today) for ``user``."""
        with self._lock:
            state = self._users.get(user)
            return (state.consecutive, state.daily) if state else (0, 0)

    def _sanction(self, state: _UserState, now: float) -> Sanction:
        cfg = self.config
        reached = state.consecutive >= cfg.consecutive or state.daily >= cfg.daily
        if reached and cfg.mode == "enforce":
            state.suspended_until = now + cfg.suspend_seconds
            state.consecutive = 0
            return "suspend"
        near = state.consecutive >= cfg.consecutive - 1 or state.daily >= cfg.daily - 1
        return "warn" if reached or near else ""

    def _day(self, now: float) -> str:
        tz = timedelta(hours=self.config.utc_offset_hours)
        return (datetime.fromtimestamp(now, UTC) + tz).date().isoformat()
