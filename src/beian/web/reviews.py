"""Recording verdicts, skips, undo and adjudication, with §5.3 separation of roles.

Separation is checked here, on the server, inside the transaction that writes the review: a
person who reviewed an item can neither review it again nor adjudicate it, and an
adjudicator's own items never reach their adjudication queue.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from beian.store import Store
from beian.store.models import ItemRow
from beian.store.web_models import WebQueueItemRow, WebReviewRow
from beian.web.audit import action
from beian.web.auth import User
from beian.web.queues import SKIPPED, VERDICTS_OF, Queue
from beian.web.states import disputed

VERDICTS = ("qualified", "unqualified")


class WebError(Exception):
    """A refused action; ``key`` names the message shown (see beian.web.i18n)."""

    status = 400

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class Forbidden(WebError):
    status = 403


class Conflict(WebError):
    status = 409


def _item_key(s: Session, queue: Queue, item_id: int) -> str:
    if s.get(WebQueueItemRow, (queue.id, item_id)) is None:
        raise WebError("not_found")
    item = s.get(ItemRow, item_id)
    return item.key if item else ""


def _reviews(s: Session, queue: Queue, item_id: int) -> list[WebReviewRow]:
    stmt = select(WebReviewRow).where(
        WebReviewRow.queue_id == queue.id, WebReviewRow.item_id == item_id
    )
    return list(s.scalars(stmt.order_by(WebReviewRow.id)))


def _check_review(rows: list[WebReviewRow], queue: Queue, user: User) -> None:
    if not user.has("reviewer"):
        raise Forbidden("forbidden")
    if any(r.user_id == user.id and r.verdict != SKIPPED for r in rows):
        raise Forbidden("separation")
    if any(r.role == "adjudicator" for r in rows):
        raise Conflict("separation")
    done = sum(r.role == "reviewer" and r.verdict != SKIPPED for r in rows)
    if done >= queue.reviewers_required:
        raise Conflict("already_decided")


def _check_adjudication(rows: list[WebReviewRow], user: User) -> None:
    if not user.has("adjudicator"):
        raise Forbidden("forbidden")
    if not disputed([(r.role, r.verdict) for r in rows]):
        raise Conflict("already_decided")
    if any(r.user_id == user.id and r.verdict != SKIPPED for r in rows):
        raise Forbidden("separation")


def record(
    store: Store, queue: Queue, user: User, item_id: int, verdict: str, risk: str, note: str,
    *, role: str = "reviewer",
) -> None:  # fmt: skip
    """Store one verdict (reviewer or adjudicator), replacing this person's skip of the item."""
    if verdict not in VERDICTS_OF.get(queue.kind, VERDICTS) or role not in (
        "reviewer",
        "adjudicator",
    ):
        raise WebError("bad_input")
    kind = "web.verdict" if role == "reviewer" else "web.adjudicate"
    with action(store, kind, user.name, queue=queue.id, verdict=verdict, risk=risk, note=note) as (
        s,
        extra,
    ):
        extra["item"] = _item_key(s, queue, item_id)
        rows = _reviews(s, queue, item_id)
        if role == "reviewer":
            _check_review(rows, queue, user)
        else:
            _check_adjudication(rows, user)
        for r in rows:
            if r.user_id == user.id and r.verdict == SKIPPED:
                s.delete(r)
        s.add(_row(queue, item_id, user, role, verdict, risk, note))


def _row(
    queue: Queue, item_id: int, user: User, role: str, verdict: str, risk: str, note: str
) -> WebReviewRow:
    return WebReviewRow(
        queue_id=queue.id, item_id=item_id, user_id=user.id, role=role, verdict=verdict,
        risk=risk, note=note, created_at=datetime.now(UTC),
    )  # fmt: skip


def skip(store: Store, queue: Queue, user: User, item_id: int) -> None:
    """Put an item aside for this person (it comes back with :func:`revisit`)."""
    if not user.has("reviewer"):
        raise Forbidden("forbidden")
    with action(store, "web.skip", user.name, queue=queue.id) as (s, extra):
        extra["item"] = _item_key(s, queue, item_id)
        if any(r.user_id == user.id for r in _reviews(s, queue, item_id)):
            raise Conflict("already_decided")
        s.add(_row(queue, item_id, user, "reviewer", SKIPPED, "", ""))


def undo(store: Store, queue: Queue, user: User) -> int | None:
    """Withdraw this person's latest verdict or skip in the queue; the item it was on.

    A reviewer's verdict that an adjudicator has already ruled on stays: the ruling rests on it.
    """
    with action(store, "web.undo", user.name, queue=queue.id) as (s, extra):
        last = s.scalars(
            select(WebReviewRow)
            .where(WebReviewRow.queue_id == queue.id, WebReviewRow.user_id == user.id)
            .order_by(WebReviewRow.id.desc())
            .limit(1)
        ).first()
        if last is None:
            raise Conflict("nothing_to_undo")
        later = [r for r in _reviews(s, queue, last.item_id) if r.role == "adjudicator"]
        if last.role == "reviewer" and later:
            raise Conflict("already_decided")
        extra.update(item=_item_key(s, queue, last.item_id), verdict=last.verdict)
        item_id = last.item_id
        s.delete(last)
        return item_id


def revisit(store: Store, queue: Queue, user: User) -> None:
    """Bring back every item this person skipped in the queue."""
    with action(store, "web.revisit", user.name, queue=queue.id) as (s, _):
        s.execute(
            delete(WebReviewRow).where(
                WebReviewRow.queue_id == queue.id,
                WebReviewRow.user_id == user.id,
                WebReviewRow.verdict == SKIPPED,
            )
        )
