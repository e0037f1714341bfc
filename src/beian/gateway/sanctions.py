"""Per-user sanctions after blocked inputs (Interim Measures Art 14; S-13, S-14).

Counters live in memory, per gateway process: a restart forgets them, and several workers
count separately (see design/gateway.md). Anonymous requests (no user id) are never counted,
since one shared counter would suspend every anonymous user at once.

With gateway keys the subject is ``KEYUSER`` or ``KEYUSER/ENDUSER`` (an end user named under
the key). Both scopes are counted: the end user can be suspended alone, and the key's user
is counted over all its end users, so rotating the end-user header evades nothing (G-d1).
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
        """Seconds of suspension left for ``user`` or the key user above it (0: none)."""
        if self.config.mode != "enforce" or not user:
            return 0.0
        now = self._clock()
        with self._lock:
            states = [self._users.get(scope) for scope, _ in _scopes(user)]
            left = max((st.suspended_until - now for st in states if st), default=0.0)
        return max(0.0, left)

    def record(self, user: str, blocked: bool) -> Sanction:
        """Count one screened input of ``user`` (and of its key user); the stronger sanction."""
        if self.config.mode == "off" or not user:
            return ""
        found: list[Sanction] = [
            self._record(scope, blocked, is_key) for scope, is_key in _scopes(user)
        ]
        return "suspend" if "suspend" in found else "warn" if "warn" in found else ""

    def _record(self, scope: str, blocked: bool, is_key: bool) -> Sanction:
        now = self._clock()
        day = self._day(now)
        with self._lock:
            state = self._users.setdefault(scope, _UserState())
            if state.day != day:
                state.day, state.daily = day, 0
            if not blocked:
                state.consecutive = 0
                return ""
            state.consecutive += 1
            state.daily += 1
            return self._sanction(state, now, is_key)

    def lift(self, user: str, at: float) -> None:
        """End suspensions that began before ``at`` (lifted in the console) for ``user`` and
        the key user above it: :meth:`suspended_for` would otherwise still hold them back."""
        with self._lock:
            for scope, _ in _scopes(user):
                state = self._users.get(scope)
                began = state.suspended_until - self.config.suspend_seconds if state else 0.0
                if state is not None and state.suspended_until and began <= at:
                    state.suspended_until, state.consecutive = 0.0, 0

    def counts(self, user: str) -> tuple[int, int]:
        """(blocked in a row, blocked today) for ``user``."""
        with self._lock:
            state = self._users.get(user)
            return (state.consecutive, state.daily) if state else (0, 0)

    def _sanction(self, state: _UserState, now: float, is_key: bool) -> Sanction:
        cfg = self.config
        row = (cfg.key_consecutive or cfg.consecutive) if is_key else cfg.consecutive
        daily = (cfg.key_daily or cfg.daily) if is_key else cfg.daily
        reached = state.consecutive >= row or state.daily >= daily
        if reached and cfg.mode == "enforce":
            state.suspended_until = now + cfg.suspend_seconds
            state.consecutive = 0
            return "suspend"
        near = state.consecutive >= row - 1 or state.daily >= daily - 1
        return "warn" if reached or near else ""

    def _day(self, now: float) -> str:
        tz = timedelta(hours=self.config.utc_offset_hours)
        return (datetime.fromtimestamp(now, UTC) + tz).date().isoformat()


def _scopes(user: str) -> list[tuple[str, bool]]:
    """(scope, is the key user's scope) pairs a subject is counted under."""
    key_user, sep, _ = user.partition("/")
    return [(key_user, True), (user, False)] if sep and key_user else [(user, False)]
