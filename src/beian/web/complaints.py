"""The complaints console (7 f, Interim Measures Art 15): a complaint from the gateway's
intake through handling to an answer and closure, against its published deadline.

The gateway's ``gateway_complaints`` row keeps the current status and the reply (what the
complainant's ticket shows); each step is also an event row and an audit link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from beian.store import Store
from beian.store.gateway_models import ComplaintRow
from beian.store.web_models import WebComplaintEventRow
from beian.web.audit import action
from beian.web.auth import User
from beian.web.reviews import Conflict, Forbidden, WebError

RECEIVED = "open"
"""The gateway's word for a complaint just received."""
STEPS: dict[str, tuple[str, ...]] = {
    RECEIVED: ("handling", "closed"),
    "handling": ("answered", "closed"),
    "answered": ("closed",),
    "closed": (),
}
"""Which status may follow which."""
NEEDS_TEXT = ("answered", "closed")
"""Steps that need a text: the reply to the complainant, the reason for closing."""
DONE = ("answered", "closed")


@dataclass(frozen=True, slots=True)
class Complaint:
    id: str
    created_at: datetime
    due_at: datetime
    status: str
    category: str
    contact: str
    content: str
    request_id: str
    reply: str
    days_left: float
    """Days until the deadline (negative once past it)."""
    overdue: bool
    """Past the deadline and not answered or closed."""


@dataclass(frozen=True, slots=True)
class Event:
    at: datetime
    who: str
    status: str
    text: str


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite: naive UTC


def _view(row: ComplaintRow, now: datetime) -> Complaint:
    due = _utc(row.due_at)
    left = (due - now).total_seconds() / 86_400
    return Complaint(
        row.id, _utc(row.created_at), due, row.status, row.category, row.contact, row.content,
        row.request_id or "", row.resolution, left, left < 0 and row.status not in DONE,
    )  # fmt: skip


def list_complaints(store: Store) -> list[Complaint]:
    """Every complaint: open ones first (nearest deadline first), then the handled ones."""
    now = datetime.now(UTC)
    with store.session() as s:
        rows = [_view(r, now) for r in s.scalars(select(ComplaintRow))]
    return sorted(rows, key=lambda c: (c.status in DONE, c.due_at))


def complaint(store: Store, ticket: str) -> tuple[Complaint, list[Event]] | None:
    with store.session() as s:
        row = s.get(ComplaintRow, ticket[:40])
        if row is None:
            return None
        events = s.scalars(
            select(WebComplaintEventRow)
            .where(WebComplaintEventRow.complaint_id == row.id)
            .order_by(WebComplaintEventRow.id)
        )
        history = [Event(_utc(e.at), e.who, e.status, e.text) for e in events]
        return _view(row, datetime.now(UTC)), history


def advance(store: Store, user: User, ticket: str, to: str, text: str) -> None:
    """Move a complaint one step on (operator only); the reply becomes what the ticket shows."""
    if not user.has("operator"):
        raise Forbidden("forbidden")
    text = text.strip()
    if to in NEEDS_TEXT and not text:
        raise WebError("reply_needed")
    with action(store, "web.complaint", user.name, ticket=ticket[:40], to=to) as (s, extra):
        row = s.get(ComplaintRow, ticket[:40])
        if row is None:
            raise WebError("not_found")
        if to not in STEPS.get(row.status, ()):
            raise Conflict("bad_step")
        now = datetime.now(UTC)
        extra.update(was=row.status, overdue=now > _utc(row.due_at))
        row.status = to
        if to == "answered":
            row.resolution = text
        s.add(
            WebComplaintEventRow(complaint_id=row.id, at=now, who=user.name, status=to, text=text)
        )
