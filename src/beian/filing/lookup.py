"""``beian filing lookup``: is this model filed, and under which number?

Searches the imported public list (rows that were imported) and the provider's own register
(records that are filed or changed). A query that looks like a number matches numbers exactly
(after normalisation); otherwise model names match exactly, then as a substring.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from beian.filing.kinds import ACTIVE
from beian.filing.numbers import looks_like_number, normalise, number_key
from beian.store import Store
from beian.store.filing_models import FilingListBatchRow, FilingListRow, FilingRecordRow


@dataclass(frozen=True)
class Hit:
    """A place where the model is recorded as filed."""

    source: str
    """list (imported public list) | register (own register)."""
    name: str
    number: str
    company: str
    province: str
    filed_on: date | None
    ref: str
    """``batch 3 row 12`` or ``record 5``."""
    exact: bool


def _key(text: str) -> str:
    return normalise(text).casefold()


def _list_hits(store: Store, query: str, by_number: bool) -> list[Hit]:
    stmt = (
        select(FilingListRow, FilingListBatchRow.source_name)
        .join(FilingListBatchRow, FilingListBatchRow.id == FilingListRow.batch_id)
        .where(FilingListRow.outcome == "imported")
        .order_by(FilingListRow.id)
    )
    if by_number:
        stmt = stmt.where(FilingListRow.number_key == number_key(query))
    with store.session() as s:
        rows = s.execute(stmt).all()
    key = _key(query)
    out = []
    for row, source in rows:
        exact = by_number or _key(row.model_name) == key
        if exact or key in _key(row.model_name):
            out.append(
                Hit(
                    "list",
                    row.model_name,
                    row.number,
                    row.company,
                    row.province,
                    row.filed_on,
                    f"batch {row.batch_id} row {row.row_no} ({source})",
                    exact,
                )
            )
    return out


def _register_hits(store: Store, query: str, by_number: bool) -> list[Hit]:
    with store.session() as s:
        rows = s.scalars(select(FilingRecordRow).where(FilingRecordRow.status.in_(ACTIVE))).all()
    key = _key(query)
    out = []
    for r in rows:
        exact = number_key(r.number) == number_key(query) if by_number else _key(r.name) == key
        if exact or (not by_number and key in _key(r.name)):
            out.append(
                Hit(
                    "register",
                    r.name,
                    r.number,
                    r.owner,
                    r.province,
                    r.filed_on,
                    f"record {r.id}",
                    exact,
                )
            )
    return out


def lookup(store: Store, query: str) -> list[Hit]:
    """Exact matches first, then partial name matches."""
    query = query.strip()
    if not query:
        return []
    by_number = looks_like_number(query)
    hits = _list_hits(store, query, by_number) + _register_hits(store, query, by_number)
    return sorted(hits, key=lambda h: not h.exact)
