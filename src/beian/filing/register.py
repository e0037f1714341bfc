"""The provider's filing register: records, status changes, dated events, dossier files.

Every change is one transaction that writes the record, a ``filing_events`` row and a link of
the gateway's audit chain (see :mod:`beian.filing.audit`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from beian.errors import UserError
from beian.filing import audit
from beian.filing.dossier import collect, run_id_of
from beian.filing.kinds import ACTIVE, FilingType, Status, check_transition, subject_of
from beian.filing.numbers import check_number
from beian.filing.views import DossierFileView, EventView, RecordView
from beian.store import Store
from beian.store.filing_models import FilingDossierRow, FilingEventRow, FilingRecordRow

EVENT_KINDS = ("launched", "changed", "terminated")


@dataclass(frozen=True)
class NewRecord:
    """What ``beian filing add`` is given."""

    filing_type: FilingType
    name: str
    owner: str = ""
    number: str = ""
    province: str = ""
    base_model: str = ""
    base_model_number: str = ""
    display_url: str = ""
    launched_on: date | None = None
    filed_on: date | None = None
    data: dict[str, Any] = field(default_factory=dict)


def number_warnings(number: str, filing_type: str) -> list[str]:
    """Why ``number`` is malformed for ``filing_type`` (a user error), as bilingual lines.

    Registration numbers of an unknown shape are accepted: their format is not confirmed.
    """
    if not number:
        return []
    check = check_number(number, datetime.now(UTC).date())
    if check.format == "unknown" and filing_type == "registration":
        return []
    if filing_type == "algorithm_filing" and check.format not in ("algorithm", "unknown"):
        return [
            f"{number}: 算法备案号应为“网信算备…”格式 / an algorithm filing number starts 网信算备"
        ]
    return check.problems


def _now() -> datetime:
    return datetime.now(UTC)


def _get(s: Session, record_id: int) -> FilingRecordRow:
    row = s.get(FilingRecordRow, record_id)
    if row is None:
        raise UserError(f"登记簿中没有记录 {record_id} / no register record {record_id}")
    return row


def _log(s: Session, row: FilingRecordRow, kind: str, **fields: Any) -> None:
    event = FilingEventRow(record_id=row.id, at=_now(), kind=kind, **fields)
    payload = {
        "record": row.id,
        "name": row.name,
        "status": row.status,
        "number": row.number,
        "event": kind,
        "on": str(fields.get("on") or ""),
        "data": fields.get("data", {}),
        "from": fields.get("from_status", ""),
        "note": fields.get("note", ""),
    }
    event.chain_seq = audit.link(s, "status" if kind == "status" else kind, payload)
    s.add(event)


def add_record(store: Store, new: NewRecord, actor: str = "") -> RecordView:
    """Add a record: ``draft``, or ``filed`` when the number is already known."""
    problems = number_warnings(new.number, new.filing_type)
    if problems:
        raise UserError("; ".join(problems))
    status: Status = "filed" if new.number else "draft"
    now = _now()
    with audit.write_session(store) as s:
        row = FilingRecordRow(
            owner=new.owner,
            subject=subject_of(new.filing_type),
            filing_type=new.filing_type,
            name=new.name,
            status=status,
            number=new.number,
            province=new.province,
            base_model=new.base_model,
            base_model_number=new.base_model_number,
            display_url=new.display_url,
            launched_on=new.launched_on,
            filed_on=new.filed_on,
            created_at=now,
            updated_at=now,
            data=new.data,
        )
        s.add(row)
        s.flush()
        _log(s, row, "status", to_status=status, actor=actor, note="added", data={})
        return RecordView.model_validate(row)


def get_record(store: Store, record_id: int) -> RecordView:
    """One record."""
    with store.session() as s:
        return RecordView.model_validate(_get(s, record_id))


def list_records(
    store: Store, status: str | None = None, filing_type: str | None = None
) -> list[RecordView]:
    """Records, optionally of one status or type, oldest first."""
    stmt = select(FilingRecordRow).order_by(FilingRecordRow.id)
    if status:
        stmt = stmt.where(FilingRecordRow.status == status)
    if filing_type:
        stmt = stmt.where(FilingRecordRow.filing_type == filing_type)
    with store.session() as s:
        return [RecordView.model_validate(r) for r in s.scalars(stmt)]


def _apply_status(row: FilingRecordRow, target: Status, on: date, number: str) -> None:
    if target == "filed":
        row.number = number or row.number
        row.filed_on = on
    if target == "changed":
        row.change_event_on = None  # the change filing closes the change clock
        row.number = number or row.number
    row.status = target


def set_status(
    store: Store,
    record_id: int,
    target: Status,
    *,
    on: date | None = None,
    number: str = "",
    reason: str = "",
    actor: str = "",
) -> RecordView:
    """Move a record to ``target``; invalid moves, a return without a reason or a filing
    without a number are user errors."""
    day = on or _now().date()
    with audit.write_session(store) as s:
        row = _get(s, record_id)
        check_transition(row.status, target)
        if target == "returned" and not reason.strip():
            raise UserError("退回须填写原因 / a return needs --reason")
        if target == "filed" and not (number or row.number):
            raise UserError("备案须填写备案号 / filing needs --number")
        problems = number_warnings(number, row.filing_type)
        if problems:
            raise UserError("; ".join(problems))
        previous = row.status
        _apply_status(row, target, day, number)
        row.updated_at = _now()
        _log(
            s,
            row,
            "status",
            on=day,
            from_status=previous,
            to_status=target,
            actor=actor,
            note=reason,
            data={"number": number} if number else {},
        )
        return RecordView.model_validate(row)


def record_event(
    store: Store, record_id: int, kind: str, on: date, note: str = "", actor: str = ""
) -> RecordView:
    """A dated fact that starts a clock: launched, changed (change filing and §7 h
    re-assessment due), terminated (cancellation due)."""
    if kind not in EVENT_KINDS:
        raise UserError(f"event must be one of {', '.join(EVENT_KINDS)}, not {kind!r}")
    with audit.write_session(store) as s:
        row = _get(s, record_id)
        if kind in ("changed", "terminated") and row.status not in ACTIVE:
            raise UserError(
                f"记录 {record_id} 尚未备案（{row.status}），无需变更或注销 / record "
                f"{record_id} is {row.status}: only a filed record is changed or cancelled"
            )
        setattr(
            row,
            {
                "launched": "launched_on",
                "changed": "change_event_on",
                "terminated": "terminated_on",
            }[kind],
            on,
        )
        row.updated_at = _now()
        _log(s, row, kind, on=on, actor=actor, note=note, data={})
        return RecordView.model_validate(row)


def attach(
    store: Store, record_id: int, paths: list[Path], actor: str = ""
) -> list[DossierFileView]:
    """Attach dossier files by SHA-256; returns what was attached."""
    files = collect(paths)
    run_id = run_id_of([f.path for f in files])
    now = _now()
    with audit.write_session(store) as s:
        row = _get(s, record_id)
        added = [
            FilingDossierRow(
                record_id=row.id,
                attached_at=now,
                run_id=run_id,
                role=f.role,
                path=str(f.path),
                sha256=f.sha256,
                size=f.size,
            )
            for f in files
        ]
        s.add_all(added)
        digests = {f.path.name: f.sha256 for f in files}
        _log(s, row, "attach", actor=actor, note=run_id, data={"run_id": run_id, "files": digests})
        return [DossierFileView.model_validate(a) for a in added]


def save_display_check(store: Store, record_id: int, result: dict[str, Any]) -> None:
    """Keep the newest display check on the record and in its history."""
    with audit.write_session(store) as s:
        row = _get(s, record_id)
        row.data = {**row.data, "display_check": result}
        _log(s, row, "display", data=result, note=str(result.get("source", "")))


def history(store: Store, record_id: int) -> tuple[list[EventView], list[DossierFileView]]:
    """A record's events and dossier files, oldest first."""
    with store.session() as s:
        _get(s, record_id)
        events = s.scalars(
            select(FilingEventRow)
            .where(FilingEventRow.record_id == record_id)
            .order_by(FilingEventRow.id)
        )
        files = s.scalars(
            select(FilingDossierRow)
            .where(FilingDossierRow.record_id == record_id)
            .order_by(FilingDossierRow.id)
        )
        return (
            [EventView.model_validate(e) for e in events],
            [DossierFileView.model_validate(f) for f in files],
        )
