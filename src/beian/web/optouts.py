"""The training opt-out register (§7 c): per end user, the choice, when and how it was set.

Every change is a link of the hash-chained audit (``web.optout``); the register keeps the
current choice per user. The export lists every user with a choice, for the corpus pipeline
to leave opted-out users' conversations out of training data.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from beian.errors import InputError
from beian.store import Store
from beian.store.console_models import OptOutRow
from beian.web.audit import action

METHODS = ("page", "console")
"""``page``: the user on the public opt-out page; ``console``: an operator, on request."""


@dataclass(frozen=True, slots=True)
class OptOut:
    user: str
    opted_out: bool
    set_at: datetime
    method: str
    set_by: str


def _view(row: OptOutRow) -> OptOut:
    at = row.set_at if row.set_at.tzinfo else row.set_at.replace(tzinfo=UTC)  # SQLite: naive
    return OptOut(row.user_id, row.opted_out, at, row.method, row.set_by)


def check_user(user: str) -> str:
    """A gateway user id (``KEYUSER`` or ``KEYUSER/ENDUSER``), stripped; InputError if not."""
    user = user.strip()
    if not user or len(user) > 200 or any(c.isspace() for c in user):
        raise InputError("a user id of 1 to 200 characters without spaces is required")
    return user


def set_choice(store: Store, user: str, opted_out: bool, method: str, who: str) -> OptOut:
    """Record ``user``'s choice (audited) and return it."""
    user = check_user(user)
    if method not in METHODS:
        raise InputError(f"method {method!r}: use one of {', '.join(METHODS)}")
    now = datetime.now(UTC)
    payload = {"user": user, "opted_out": opted_out, "method": method}
    with action(store, "web.optout", who, **payload) as (s, _):
        row = s.get(OptOutRow, user)
        if row is None:
            row = OptOutRow(user_id=user)
            s.add(row)
        row.opted_out, row.set_at, row.method, row.set_by = opted_out, now, method, who
    return OptOut(user, opted_out, now, method, who)


def choice(store: Store, user: str) -> OptOut | None:
    with store.session() as s:
        row = s.get(OptOutRow, user)
        return _view(row) if row else None


def register(store: Store) -> list[OptOut]:
    """Every recorded choice, most recent first."""
    with store.session() as s:
        rows = s.scalars(select(OptOutRow).order_by(OptOutRow.set_at.desc(), OptOutRow.user_id))
        return [_view(r) for r in rows]


def export_lines(store: Store) -> Iterator[str]:
    """The register as JSON lines (one per user) for the corpus pipeline."""
    for o in register(store):
        record = {
            "user_id": o.user,
            "opted_out": o.opted_out,
            "set_at": o.set_at.isoformat(),
            "method": o.method,
        }
        yield json.dumps(record, ensure_ascii=False) + "\n"
