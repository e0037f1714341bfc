"""Gateway API keys: issued once, stored as SHA-256, each bound to the user it speaks for.

A key is ``bk_<id>_<secret>`` with 256 random bits of secret: a plain SHA-256 is enough to
store it (nothing to brute-force, unlike a password), and lets a request be checked with one
indexed lookup. Issuing and revoking a key add a link to the audit chain.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from beian.errors import ConfigError
from beian.gateway import chain
from beian.gateway.chain import digest
from beian.store import Store
from beian.store.gateway_models import GatewayKeyRow

PREFIX = "bk_"
_USER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@:+-]{0,99}")
"""A key's user id; no ``/``, which separates the key's user from an end user under it."""


@dataclass(frozen=True, slots=True)
class Caller:
    """Who an accepted key speaks for."""

    key_id: str
    user_id: str
    requests_per_minute: int | None


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A new key: ``secret`` is shown once and stored nowhere."""

    key_id: str
    user_id: str
    secret: str


class KeyStore:
    """Create, list, revoke and check gateway keys in the store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def create(
        self, user_id: str, name: str = "", requests_per_minute: int | None = None
    ) -> IssuedKey:
        """Issue a key for ``user_id``."""
        if not _USER_ID.fullmatch(user_id):
            raise ConfigError(f"user id {user_id!r}: use 1-100 of A-Z a-z 0-9 . _ @ : + - (no '/')")
        if requests_per_minute is not None and requests_per_minute < 1:
            raise ConfigError("--rpm must be at least 1")
        key_id = secrets.token_hex(6)
        secret = f"{PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
        row = GatewayKeyRow(
            id=key_id,
            key_sha256=digest(secret),
            user_id=user_id,
            name=name[:200],
            created_at=datetime.now(UTC),
            revoked_at=None,
            requests_per_minute=requests_per_minute,
        )
        with chain.locked(self.store) as s:
            s.add(row)
            s.flush()
            chain.append(s, "key", "", {"action": "create", **_public(row)})
        return IssuedKey(key_id, user_id, secret)

    def list(self) -> list[GatewayKeyRow]:
        """Every key (revoked ones too), oldest first."""
        with self.store.session() as s:
            return list(s.scalars(select(GatewayKeyRow).order_by(GatewayKeyRow.created_at)))

    def revoke(self, key_id: str) -> bool:
        """Revoke ``key_id``; False when there is no such active key."""
        with chain.locked(self.store) as s:
            row = s.get(GatewayKeyRow, key_id)
            if row is None or row.revoked_at is not None:
                return False
            row.revoked_at = datetime.now(UTC)
            chain.append(s, "key", "", {"action": "revoke", **_public(row)})
        return True

    def check(self, token: str) -> Caller | None:
        """The caller an active key speaks for; None for an unknown or revoked key."""
        if not token.startswith(PREFIX) or len(token) > 200:
            return None
        with self.store.session() as s:
            row = s.scalars(
                select(GatewayKeyRow).where(GatewayKeyRow.key_sha256 == digest(token))
            ).first()
        if row is None or row.revoked_at is not None:
            return None
        return Caller(row.id, row.user_id, row.requests_per_minute)


def _public(row: GatewayKeyRow) -> dict[str, object]:
    return {
        "key_id": row.id,
        "user_id": row.user_id,
        "name": row.name,
        "requests_per_minute": row.requests_per_minute,
    }
