"""Reviewed items of stored runs: what the dossier's sample attachment lists.

A query of the store, kept here so that the report renderers never open the database: the
caller (``beian assess``, ``beian report render``) reads the samples and hands them over.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from beian.errors import InputError
from beian.store.db import open_store
from beian.store.models import ItemRow, RunRow


@dataclass(frozen=True, slots=True)
class ReviewedItem:
    """One stored item with its newest verdict."""

    run_kind: str
    key: str
    source: str
    text: str
    answer: str
    method: str
    verdict: str
    reviewer: str
    risks: str
    note: str


def _reviewed(item: ItemRow, run_kind: str) -> ReviewedItem | None:
    if not item.verdicts:
        return None
    v = max(item.verdicts, key=lambda x: (x.created_at, x.id))
    data: dict[str, Any] = item.data or {}
    return ReviewedItem(
        run_kind=run_kind,
        key=item.key,
        source=item.source,
        text=item.text or "",
        answer=str(data.get("answer", "")),
        method=v.method,
        verdict=v.verdict,
        reviewer=v.reviewer,
        risks=", ".join(sorted({f.risk for f in item.findings})),
        note=v.note,
    )


def reviewed_items(store_url: str, run_ids: Sequence[str]) -> list[ReviewedItem]:
    """Items with verdicts from the runs ``run_ids``, in run and key order."""
    if not run_ids:
        return []
    try:
        store = open_store(store_url, migrate=False)
        with store.session() as s:
            runs = s.scalars(select(RunRow).where(RunRow.id.in_(list(run_ids))))
            kinds = {r.id: r.kind for r in runs}
            stmt = select(ItemRow).where(ItemRow.run_id.in_(list(run_ids)))
            items = sorted(s.scalars(stmt), key=lambda i: (i.run_id, i.key))
            found = [_reviewed(i, kinds.get(i.run_id, "")) for i in items]
    except SQLAlchemyError as exc:
        raise InputError(f"store {store_url}: {exc.__class__.__name__}") from None
    return [x for x in found if x is not None]
