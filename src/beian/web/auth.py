"""Accounts, passwords (Argon2), sessions and CSRF tokens of ``beian web``.

The session cookie carries a random token; the store keeps only its SHA-256, so a copy of the
database does not let anyone sign in, and signing out really ends the session.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select

from beian.errors import InputError
from beian.store import Store
from beian.store.web_models import WebSessionRow, WebUserRow
from beian.web.audit import action

ROLES = ("admin", "annotator", "reviewer", "adjudicator", "operator")
_hasher = PasswordHasher()


@dataclass(frozen=True, slots=True)
class User:
    """A signed-in person."""

    id: int
    name: str
    roles: tuple[str, ...]

    def has(self, role: str) -> bool:
        return role in self.roles


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A live session: its user and the CSRF token every POST must echo."""

    user: User
    csrf: str


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(
    store: Store, name: str, roles: list[str], password: str, allowed: tuple[str, ...] = ROLES
) -> int:
    """Create an account with roles among ``allowed``; the password is kept as an Argon2id
    hash only."""
    name = name.strip()
    if not name or len(name) > 120:
        raise InputError("a user name of 1 to 120 characters is required")
    bad = [r for r in roles if r not in allowed]
    if bad or not roles:
        raise InputError(f"role {bad[0] if bad else '(none)'!r}: use one of {', '.join(allowed)}")
    if len(password) < 8:
        raise InputError("the password needs at least 8 characters")
    with action(store, "web.user_add", "cli", name=name, roles=sorted(set(roles))) as (s, _):
        if s.scalar(select(WebUserRow.id).where(WebUserRow.name == name)) is not None:
            raise InputError(f"user {name!r} exists already")
        row = WebUserRow(
            name=name,
            password_hash=_hasher.hash(password),
            roles=sorted(set(roles)),
            created_at=datetime.now(UTC),
            active=True,
        )
        s.add(row)
        s.flush()
        return row.id


def list_users(store: Store) -> list[User]:
    with store.session() as s:
        rows = s.scalars(select(WebUserRow).order_by(WebUserRow.name))
        return [User(r.id, r.name, tuple(r.roles)) for r in rows]


def _check(row: WebUserRow | None, password: str) -> bool:
    if row is None or not row.active:
        _hasher.hash(password)  # same cost either way: timing does not reveal who exists
        return False
    try:
        return _hasher.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def login(store: Store, name: str, password: str, hours: float) -> str | None:
    """A new session token for a right name and password, else None (both audited)."""
    with store.session() as s:
        row = s.scalars(select(WebUserRow).where(WebUserRow.name == name)).first()
    ok = _check(row, password)
    kind = "web.login" if ok else "web.login_fail"
    with action(store, kind, name) as (s, _):
        if not ok or row is None:
            return None
        token = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        s.add(
            WebSessionRow(
                token_sha256=_sha(token),
                user_id=row.id,
                csrf=secrets.token_urlsafe(32),
                created_at=now,
                expires_at=now + timedelta(hours=hours),
            )
        )
        return token


def session_of(store: Store, token: str | None) -> SignedIn | None:
    """The live session of a cookie token, if any."""
    if not token:
        return None
    with store.session() as s:
        found = s.execute(
            select(WebSessionRow, WebUserRow)
            .join(WebUserRow, WebUserRow.id == WebSessionRow.user_id)
            .where(WebSessionRow.token_sha256 == _sha(token))
        ).first()
    if found is None:
        return None
    sess, user = found
    expires = sess.expires_at if sess.expires_at.tzinfo else sess.expires_at.replace(tzinfo=UTC)
    if expires < datetime.now(UTC) or not user.active:
        return None
    return SignedIn(User(user.id, user.name, tuple(user.roles)), sess.csrf)


def logout(store: Store, token: str, who: str) -> None:
    with action(store, "web.logout", who) as (s, _):
        s.execute(delete(WebSessionRow).where(WebSessionRow.token_sha256 == _sha(token)))


def same_token(expected: str, given: str | None) -> bool:
    """Constant-time comparison of a CSRF token."""
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())
