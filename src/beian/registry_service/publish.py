"""The public list: batches of newly filed entries, search, JSON and CSV in the CAC's columns.

A batch freezes the entries it publishes (the CAC publishes new-entry lists about every two
months); an entry never moves to another batch, so the history of batches stays as published.
The CSV has the six columns of the CAC lists, so ``beian filing import-list`` reads it back.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import func, or_, select

from beian.errors import InputError
from beian.filing.listfile import FIELD_LABELS, FIELDS
from beian.filing.numbers import normalise
from beian.gateway import chain
from beian.registry_service.tables import RegBatchRow, RegDossierRow, RegEntryRow, RegEventRow
from beian.registry_service.workflow import now
from beian.store import Store
from beian.web.auth import User
from beian.web.reviews import Forbidden


@dataclass(frozen=True, slots=True)
class Entry:
    seq: int
    province: str
    model_name: str
    company: str
    number: str
    filed_on: date
    filing_type: str
    batch: int


@dataclass(frozen=True, slots=True)
class Batch:
    id: int
    label: str
    published_at: str
    published_by: str
    count: int


def publish_batch(store: Store, user: User, label: str) -> tuple[int, int]:
    """Publish every filed dossier not yet on the list as a new batch: (batch id, entries)."""
    if not user.has("registry_admin"):
        raise Forbidden("forbidden")
    label = label.strip()[:120] or now().date().isoformat()
    with chain.locked(store) as s:
        listed = select(RegEntryRow.dossier_id)
        todo = list(s.scalars(
            select(RegDossierRow).where(RegDossierRow.status == "filed",
                                        RegDossierRow.id.not_in(listed))
            .order_by(RegDossierRow.filed_on, RegDossierRow.id)
        ))  # fmt: skip
        if not todo:
            raise InputError("没有待公布的备案 / nothing new to publish")
        batch = RegBatchRow(
            label=label, published_at=now(), published_by=user.name, count=len(todo)
        )
        s.add(batch)
        s.flush()
        first = int(s.scalar(select(func.count()).select_from(RegEntryRow)) or 0)
        for i, row in enumerate(todo, start=first + 1):
            assert row.filed_on is not None
            s.add(RegEntryRow(batch_id=batch.id, dossier_id=row.id, seq=i, province=row.province,
                              model_name=row.model_name, company=row.company, number=row.number,
                              filed_on=row.filed_on, filing_type=row.filing_type))  # fmt: skip
        payload = {"who": user.name, "batch": batch.id, "label": label,
                   "numbers": [r.number for r in todo]}  # fmt: skip
        seq = chain.append(s, "registry.publish", "", payload)
        for row in todo:
            s.add(RegEventRow(dossier_id=row.id, at=now(), who=user.name, kind="publish",
                              text=label, audit_seq=seq))  # fmt: skip
        return batch.id, len(todo)


def entries(store: Store, query: str = "", batch: int | None = None) -> list[Entry]:
    """Published entries, oldest first; ``query`` matches name, company, number or province."""
    stmt = select(RegEntryRow).order_by(RegEntryRow.seq)
    if batch is not None:
        stmt = stmt.where(RegEntryRow.batch_id == batch)
    q = normalise(query)
    if q:
        like = f"%{q.replace('%', '').replace('_', '')}%"
        stmt = stmt.where(or_(RegEntryRow.model_name.ilike(like), RegEntryRow.company.ilike(like),
                              RegEntryRow.number.ilike(like), RegEntryRow.province.ilike(like)))  # fmt: skip
    with store.session() as s:
        return [Entry(r.seq, r.province, r.model_name, r.company, r.number, r.filed_on,
                      r.filing_type, r.batch_id) for r in s.scalars(stmt)]  # fmt: skip


def batches(store: Store) -> list[Batch]:
    with store.session() as s:
        rows = s.scalars(select(RegBatchRow).order_by(RegBatchRow.id))
        return [Batch(b.id, b.label, b.published_at.isoformat(timespec="seconds"),
                      b.published_by, b.count) for b in rows]  # fmt: skip


def as_json(found: list[Entry]) -> list[dict[str, object]]:
    return [{**asdict(e), "filed_on": e.filed_on.isoformat()} for e in found]


def as_csv(found: list[Entry]) -> str:
    """The six CAC columns with their Chinese headers (UTF-8 with BOM, as Excel expects)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([FIELD_LABELS[f] for f in FIELDS])
    for e in found:
        writer.writerow([e.seq, e.province, e.model_name, e.company, e.number,
                         e.filed_on.isoformat()])  # fmt: skip
    return "\ufeff" + out.getvalue()
