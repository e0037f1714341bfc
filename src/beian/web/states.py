"""Where each item of a queue stands: pending, decided (with its verdict) or disputed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC

from sqlalchemy import select

from beian.store import Store
from beian.store.models import ItemRow
from beian.store.web_models import WebQueueItemRow, WebReviewRow, WebUserRow

SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Review:
    user: str
    role: str
    verdict: str
    risk: str
    note: str
    at: float
    """Seconds since the epoch (for throughput)."""


@dataclass(frozen=True, slots=True)
class ItemState:
    item_id: int
    key: str
    item_risk: str
    reviews: tuple[Review, ...]
    """Reviewers' verdicts, skips left out, oldest first."""
    ruling: Review | None
    final: str | None
    """``qualified`` / ``unqualified`` once decided."""
    status: str
    """``pending``, ``decided`` or ``disputed``."""


def disputed(rows: Sequence[tuple[str, str]]) -> bool:
    """Whether reviewers' (role, verdict) pairs disagree with no ruling yet."""
    verdicts = {v for role, v in rows if role == "reviewer" and v != SKIPPED}
    return len(verdicts) > 1 and not any(role == "adjudicator" for role, _ in rows)


def _state(item_id: int, key: str, risk: str, rows: list[Review], required: int) -> ItemState:
    reviews = tuple(r for r in rows if r.role == "reviewer")
    ruling = next((r for r in reversed(rows) if r.role == "adjudicator"), None)
    if ruling is not None:
        return ItemState(item_id, key, risk, reviews, ruling, ruling.verdict, "decided")
    verdicts = {r.verdict for r in reviews}
    if len(verdicts) > 1:
        return ItemState(item_id, key, risk, reviews, None, None, "disputed")
    if len(reviews) >= required:
        return ItemState(item_id, key, risk, reviews, None, reviews[0].verdict, "decided")
    return ItemState(item_id, key, risk, reviews, None, None, "pending")


def item_states(store: Store, queue_id: int, required: int) -> list[ItemState]:
    """Every item of the queue in item order."""
    with store.session() as s:
        items = s.execute(
            select(ItemRow.id, ItemRow.key, ItemRow.data)
            .join(WebQueueItemRow, WebQueueItemRow.item_id == ItemRow.id)
            .where(WebQueueItemRow.queue_id == queue_id)
            .order_by(ItemRow.id)
        ).all()
        found = s.execute(
            select(WebReviewRow, WebUserRow.name)
            .join(WebUserRow, WebUserRow.id == WebReviewRow.user_id)
            .where(WebReviewRow.queue_id == queue_id, WebReviewRow.verdict != SKIPPED)
            .order_by(WebReviewRow.id)
        ).all()
    by_item: dict[int, list[Review]] = {}
    for row, name in found:
        made = row.created_at
        at = (made if made.tzinfo else made.replace(tzinfo=UTC)).timestamp()  # SQLite: naive UTC
        by_item.setdefault(row.item_id, []).append(
            Review(name, row.role, row.verdict, row.risk, row.note, at)
        )
    return [
        _state(i, key, str((data or {}).get("risk") or ""), by_item.get(i, []), required)
        for i, key, data in items
    ]


def final_risk(state: ItemState) -> str:
    """The risk tagged with the deciding verdict (the ruling's, else the first reviewer's)."""
    if state.ruling is not None:
        return state.ruling.risk
    return next((r.risk for r in state.reviews if r.risk), "")


def people(state: ItemState) -> list[str]:
    """Everyone whose verdict counts for the item, reviewers first."""
    names = [r.user for r in state.reviews]
    if state.ruling is not None:
        names.append(state.ruling.user)
    return names
