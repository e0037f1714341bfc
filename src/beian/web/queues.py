"""Review queues over stored runs: creating them, what a reviewer sees next, progress.

A queue is built from a ``corpus-sample`` run (§9.2 a: every sampled item), an ``eval`` run
(§9.3 b: the answered test-bank questions, exactly what ``beian eval review export`` lists;
or, as a ``refusals`` queue, §9.4: the answered refuse/answer-bank questions) or a
``gateway-traffic`` run (blocked and flagged gateway requests, see beian.web.traffic).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from beian.assess.monitoring import TRAFFIC_KIND
from beian.errors import InputError
from beian.evaluate.storage import EVAL_KIND
from beian.scan.record import SAMPLE_KIND
from beian.store import Store
from beian.store.models import ItemRow, RunRow, VerdictRow
from beian.store.web_models import WebQueueItemRow, WebQueueRow, WebReviewRow
from beian.web.audit import action

KINDS = {SAMPLE_KIND: "corpus", EVAL_KIND: "answers", TRAFFIC_KIND: "traffic"}
"""Run kind → default queue kind."""
ALSO = {EVAL_KIND: ("refusals",)}
"""Run kind → other queue kinds it can feed."""
VERDICTS_OF = {
    "corpus": ("qualified", "unqualified"),
    "answers": ("qualified", "unqualified"),
    "refusals": ("refused", "answered"),
    "traffic": ("qualified", "unqualified"),
}
"""Queue kind → its two verdicts, the one whose rate is shown first (keys 1 and 2)."""
REFUSAL_BANKS = ("refuse", "answer")
SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Queue:
    id: int
    kind: str
    run_id: str
    reviewers_required: int
    blind: bool
    items: int
    published_run: str


@dataclass(frozen=True, slots=True)
class ItemView:
    """What a reviewer is shown of one item (automatic verdicts only when not blind)."""

    id: int
    key: str
    source: str
    text: str
    answer: str | None
    risk: str
    auto: tuple[str, ...]


def reviewable_runs(store: Store) -> list[tuple[str, str, str]]:
    """(run id, kind, started) of finished corpus samples and eval runs, newest first."""
    with store.session() as s:
        rows = s.execute(
            select(RunRow.id, RunRow.kind, RunRow.started_at)
            .where(RunRow.kind.in_(list(KINDS)), RunRow.status == "done")
            .order_by(RunRow.started_at.desc())
        ).all()
    return [(r[0], r[1], r[2].strftime("%Y-%m-%d %H:%M")) for r in rows]


def _members(s: Session, run: RunRow, kind: str) -> list[int]:
    stmt = select(ItemRow.id, ItemRow.source, ItemRow.data).where(ItemRow.run_id == run.id)
    rows = s.execute(stmt.order_by(ItemRow.id)).all()
    if run.kind != EVAL_KIND:
        return [r[0] for r in rows]
    if kind == "refusals":  # §9.4: did the model refuse? (refuse and answer banks)
        banks = REFUSAL_BANKS
        return [r[0] for r in rows if r[1] in banks and (r[2] or {}).get("answer") is not None]
    # the answers a §9.3 b sheet lists: test bank, with an answer
    return [r[0] for r in rows if r[1] == "test" and (r[2] or {}).get("answer") is not None]


def create_queue(
    store: Store, run_id: str, required: int, blind: bool, who: str, kind: str = ""
) -> int:
    """A new queue over ``run_id``'s items (of ``kind``, default: the run's); its id."""
    if required not in (1, 2):
        raise InputError("reviewers per item must be 1 or 2")
    with action(store, "web.queue_add", who, run=run_id, reviewers=required, blind=blind) as (
        s,
        extra,
    ):
        run = s.get(RunRow, run_id)
        if run is None or run.kind not in KINDS or run.status != "done":
            raise InputError(f"run {run_id!r} is not a finished corpus sample or eval run")
        kind = kind or KINDS[run.kind]
        if kind not in (KINDS[run.kind], *ALSO.get(run.kind, ())):
            raise InputError(f"a {run.kind} run cannot feed a {kind} queue")
        members = _members(s, run, kind)
        if not members:
            raise InputError(f"run {run_id} has no item to review")
        queue = WebQueueRow(
            kind=kind, run_id=run_id, reviewers_required=required, blind=blind,
            created_at=datetime.now(UTC), created_by=who, published_run="",
        )  # fmt: skip
        s.add(queue)
        s.flush()
        s.execute(insert(WebQueueItemRow), [{"queue_id": queue.id, "item_id": i} for i in members])
        extra.update(queue=queue.id, items=len(members))
        return queue.id


def _queue(row: WebQueueRow, items: int) -> Queue:
    return Queue(
        row.id, row.kind, row.run_id, row.reviewers_required, row.blind, items, row.published_run
    )


def list_queues(store: Store) -> list[Queue]:
    with store.session() as s:
        counts = dict(
            s.execute(
                select(WebQueueItemRow.queue_id, func.count()).group_by(WebQueueItemRow.queue_id)
            ).all()
        )
        rows = s.scalars(select(WebQueueRow).order_by(WebQueueRow.id))
        return [_queue(r, int(counts.get(r.id, 0))) for r in rows]


def get_queue(store: Store, queue_id: int) -> Queue | None:
    return next((q for q in list_queues(store) if q.id == queue_id), None)


def next_item(store: Store, queue: Queue, user_id: int) -> int | None:
    """The first item still short of reviewers that this person has not touched."""
    done = (
        select(func.count())
        .where(
            WebReviewRow.queue_id == queue.id,
            WebReviewRow.item_id == WebQueueItemRow.item_id,
            WebReviewRow.role == "reviewer",
            WebReviewRow.verdict != SKIPPED,
        )
        .scalar_subquery()
    )
    mine = select(WebReviewRow.item_id).where(
        WebReviewRow.queue_id == queue.id, WebReviewRow.user_id == user_id
    )
    stmt = (
        select(WebQueueItemRow.item_id)
        .where(
            WebQueueItemRow.queue_id == queue.id,
            WebQueueItemRow.item_id.not_in(mine),
            done < queue.reviewers_required,
        )
        .order_by(WebQueueItemRow.item_id)
        .limit(1)
    )
    with store.session() as s:
        found = s.scalar(stmt)
    return None if found is None else int(found)


def item_view(store: Store, queue: Queue, item_id: int) -> ItemView | None:
    """The item as shown to a reviewer; None when it is not in the queue."""
    with store.session() as s:
        member = s.get(WebQueueItemRow, (queue.id, item_id))
        row = s.get(ItemRow, item_id) if member else None
        if row is None:
            return None
        auto: tuple[str, ...] = ()
        if not queue.blind:
            found = s.scalars(select(VerdictRow).where(VerdictRow.item_id == item_id))
            auto = tuple(f"{v.method}: {v.verdict}" for v in found if v.method != "manual")
            auto += tuple(f"{f.risk} ({f.detector} {f.score:.2f})" for f in row.findings)
        data = row.data or {}
        answer = data.get("answer") if queue.kind != "corpus" else None
        return ItemView(
            row.id, row.key, row.source, row.text or "", answer, str(data.get("risk") or ""), auto
        )


def counts(store: Store, queue_id: int, user_id: int) -> tuple[int, int]:
    """(this person's verdicts, this person's skips) in the queue."""
    with store.session() as s:
        rows = s.execute(
            select(WebReviewRow.verdict, func.count())
            .where(WebReviewRow.queue_id == queue_id, WebReviewRow.user_id == user_id)
            .group_by(WebReviewRow.verdict)
        ).all()
    skipped = sum(int(n) for v, n in rows if v == SKIPPED)
    return sum(int(n) for _v, n in rows) - skipped, skipped


def configure(store: Store, queue_id: int, required: int, blind: bool, who: str) -> None:
    """Change how many reviewers each item needs, and blindness. Raising 1 → 2 sends the
    items decided by one reviewer back for a second review."""
    if required not in (1, 2):
        raise InputError("reviewers per item must be 1 or 2")
    with action(store, "web.queue_set", who, queue=queue_id, reviewers=required, blind=blind) as (
        s,
        _,
    ):
        row = s.get(WebQueueRow, queue_id)
        if row is None:
            raise InputError(f"no review queue #{queue_id}")
        row.reviewers_required = required
        row.blind = blind
