"""What the service console set for a user, as the gateway applies it on each request.

The web console (``beian web``) writes the training opt-out register, minors-mode settings and
lifted suspensions to the shared store; the gateway reads them here (cached for
``auth.cache_seconds``), records the opt-out state on every audit row, refuses a minor's
request outside the allowed hours or over the daily limit, and ends a lifted suspension.

A user is the gateway's subject, ``KEYUSER`` or ``KEYUSER/ENDUSER``: a setting made for the
key's user covers every end user under it (an opt-out, minors mode) unless the end user has
their own.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from beian.store import Store
from beian.store.console_models import ConsoleSecretRow, MinorRow, OptOutRow, SanctionLiftRow
from beian.store.gateway_models import GatewayRequestRow

LINK_SECRET = "optout_link"
_SIG_CHARS = 32


def link_secret(store: Store) -> bytes:
    """The store's opt-out link key, created on first use (shared by gateway and console)."""
    with store.session() as s:
        row = s.get(ConsoleSecretRow, LINK_SECRET)
        if row is not None:
            return row.value.encode()
    try:
        with store.session() as s:
            s.add(ConsoleSecretRow(name=LINK_SECRET, value=secrets.token_urlsafe(48)))
    except IntegrityError:  # another process created it first: use theirs
        pass
    return link_secret(store)


def _sig(key: bytes, user: str) -> str:
    return hmac.new(key, b"optout:" + user.encode(), hashlib.sha256).hexdigest()[:_SIG_CHARS]


def optout_token(key: bytes, user: str) -> str:
    """The token of ``user``'s opt-out link: the user id and its HMAC, URL-safe."""
    uid = base64.urlsafe_b64encode(user.encode()).decode().rstrip("=")
    return f"{uid}.{_sig(key, user)}"


def token_user(key: bytes, token: str) -> str | None:
    """The user a token was issued for, or None when it is malformed or its HMAC is wrong."""
    uid, _, sig = token.partition(".")
    try:
        user = base64.urlsafe_b64decode(uid + "=" * (-len(uid) % 4)).decode()
    except ValueError:
        return None
    if not user or len(user) > 200 or not hmac.compare_digest(sig, _sig(key, user)):
        return None
    return user


@dataclass(frozen=True, slots=True)
class Minor:
    """Minors mode as the gateway applies it."""

    start_hour: int
    end_hour: int
    utc_offset_hours: int
    daily_requests: int | None
    restrict_flagged: bool

    def local(self, now: datetime) -> datetime:
        return now.astimezone(UTC) + timedelta(hours=self.utc_offset_hours)

    def in_hours(self, now: datetime) -> bool:
        hour = self.local(now).hour
        if self.start_hour <= self.end_hour:
            return self.start_hour <= hour < self.end_hour
        return hour >= self.start_hour or hour < self.end_hour  # e.g. 20 → 2 over midnight

    def day_start(self, now: datetime) -> datetime:
        """Start of the user's local day, in UTC."""
        local = self.local(now).replace(hour=0, minute=0, second=0, microsecond=0)
        return (local - timedelta(hours=self.utc_offset_hours)).replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Prefs:
    """One user's settings: opted out of training, minors mode, latest lifts per scope."""

    opted_out: bool
    minor: Minor | None
    lifts: tuple[tuple[str, float], ...]


def _scopes(user: str) -> list[str]:
    key_user, sep, _ = user.partition("/")
    return [user, key_user] if sep and key_user else [user]


def load_prefs(store: Store, user: str) -> Prefs:
    """``user``'s settings from the store (the end user's own first, then the key user's)."""
    scopes = _scopes(user)
    with store.session() as s:
        opts = {r.user_id: r.opted_out for r in s.scalars(
            select(OptOutRow).where(OptOutRow.user_id.in_(scopes)))}  # fmt: skip
        minors = {r.user_id: r for r in s.scalars(
            select(MinorRow).where(MinorRow.user_id.in_(scopes)))}  # fmt: skip
        lifts = s.execute(
            select(SanctionLiftRow.user_id, func.max(SanctionLiftRow.at))
            .where(SanctionLiftRow.user_id.in_(scopes))
            .group_by(SanctionLiftRow.user_id)
        ).all()
    opted = next((opts[u] for u in scopes if u in opts), False)
    row = next((minors[u] for u in scopes if u in minors), None)
    minor = None
    if row is not None and row.enabled:
        minor = Minor(row.start_hour, row.end_hour, row.utc_offset_hours, row.daily_requests,
                      row.restrict_flagged)  # fmt: skip
    return Prefs(opted, minor, tuple((u, _epoch(at)) for u, at in lifts))


def _epoch(at: datetime) -> float:
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp()  # SQLite: naive UTC


def requests_since(store: Store, user: str, since: datetime) -> int:
    """Requests ``user`` made through the gateway since ``since`` (refused ones included)."""
    with store.session() as s:
        found = s.scalar(
            select(func.count())
            .select_from(GatewayRequestRow)
            .where(GatewayRequestRow.user_id == user, GatewayRequestRow.created_at >= since)
        )
    return int(found or 0)


class UserPrefs:
    """Settings per user, read from the store at most every ``seconds`` per user."""

    def __init__(self, store: Store, seconds: float) -> None:
        self.store = store
        self.seconds = seconds
        self._seen: dict[str, tuple[Prefs, float]] = {}
        self._lock = threading.Lock()
        self._key: bytes | None = None

    def get(self, user: str) -> Prefs:
        now = time.monotonic()
        with self._lock:
            hit = self._seen.get(user)
        if hit is not None and hit[1] > now:
            return hit[0]
        prefs = load_prefs(self.store, user)
        if self.seconds > 0:
            with self._lock:
                if len(self._seen) > 10_000:
                    self._seen.clear()
                self._seen[user] = (prefs, now + self.seconds)
        return prefs

    def token(self, user: str) -> str:
        """The opt-out link token the gateway hands out for ``user``."""
        if self._key is None:
            self._key = link_secret(self.store)
        return optout_token(self._key, user)

    def minor_refusal(self, minor: Minor, user: str, flagged: bool) -> str:
        """Why a minor's request is refused ('' when it may go on)."""
        now = datetime.now(UTC)
        if not minor.in_hours(now):
            return "hours"
        if flagged and minor.restrict_flagged:
            return "content"
        limit = minor.daily_requests
        if limit is not None and requests_since(self.store, user, minor.day_start(now)) >= limit:
            return "daily"
        return ""
