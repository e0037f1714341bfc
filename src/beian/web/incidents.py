"""The incident register for emergency response (Interim Measures Art 14; EMG-1's register).

An incident is opened by an operator, or from a burst of blocked output in the gateway's
audit log (``burst_blocked`` blocked or cut answers, each within ``burst_minutes`` of the one
before). Its export has the columns EMG-1's ``incidents`` register field asks for, so
``attestations/obligations.yaml`` can point at it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from beian.errors import InputError
from beian.store import Store
from beian.store.console_models import IncidentRow
from beian.store.gateway_models import GatewayRequestRow
from beian.web.audit import action

LEVELS = ("I", "II", "III", "IV")
"""特别重大, 重大, 较大, 一般 ('' until an operator rates a burst)."""
BLOCKED_OUTPUT = ("blocked_output", "cut_stream")
COLUMNS = ("incident_id", "occurred_on", "level", "handled_on", "reported_to")
"""The columns of EMG-1's ``incidents`` register (profiles/sets/cn-genai-obligations.yaml)."""


@dataclass(frozen=True, slots=True)
class Burst:
    start: datetime
    end: datetime
    request_ids: tuple[str, ...]


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)  # SQLite gives naive UTC back


def open_incident(
    store: Store, title: str, level: str, who: str, *, source: str = "manual",
    request_ids: tuple[str, ...] = (), occurred: datetime | None = None,
) -> int:  # fmt: skip
    """Open an incident (audited); its id."""
    title = title.strip()
    if not title or len(title) > 300 or level not in ("", *LEVELS):
        raise InputError("an incident needs a title (1–300 characters) and a level I–IV")
    at = occurred or datetime.now(UTC)
    with action(store, "web.incident_open", who, title=title, level=level, source=source) as (
        s,
        extra,
    ):
        row = IncidentRow(
            opened_at=at, opened_by=who, source=source, title=title, level=level, status="open",
            notes="", reported_to="", request_ids=list(request_ids),
        )  # fmt: skip
        s.add(row)
        s.flush()
        extra.update(incident=row.id, requests=len(request_ids))
        return row.id


def handle(store: Store, incident: int, level: str, reported_to: str, notes: str, who: str) -> None:
    """Record an incident as handled: its level, whom it was reported to, the notes."""
    if level not in LEVELS or not notes.strip():
        raise InputError("handling needs a level I–IV and a note of what was done")
    payload = {"incident": incident, "level": level, "reported_to": reported_to.strip()}
    with action(store, "web.incident_handle", who, **payload) as (s, _):
        row = s.get(IncidentRow, incident)
        if row is None or row.status != "open":
            raise InputError(f"no open incident #{incident}")
        row.level, row.reported_to = level, reported_to.strip()[:300]
        row.notes, row.status, row.closed_at = notes.strip(), "handled", datetime.now(UTC)


def incidents(store: Store) -> list[IncidentRow]:
    with store.session() as s:
        return list(s.scalars(select(IncidentRow).order_by(IncidentRow.id.desc())))


def find_bursts(store: Store, threshold: int, minutes: float) -> list[Burst]:
    """Runs of blocked output not yet in an incident: ``threshold`` or more, each within
    ``minutes`` of the one before."""
    with store.session() as s:
        rows = s.execute(
            select(GatewayRequestRow.id, GatewayRequestRow.created_at)
            .where(GatewayRequestRow.decision.in_(BLOCKED_OUTPUT))
            .order_by(GatewayRequestRow.created_at)
        ).all()
        taken = {r for ids in s.scalars(select(IncidentRow.request_ids)) for r in ids}
    gap = timedelta(minutes=minutes)
    runs: list[list[tuple[str, datetime]]] = []
    for rid, at in rows:
        if rid in taken:
            continue
        at = _utc(at)
        if runs and at - runs[-1][-1][1] <= gap:
            runs[-1].append((rid, at))
        else:
            runs.append([(rid, at)])
    return [
        Burst(run[0][1], run[-1][1], tuple(r for r, _ in run)) for run in runs
        if len(run) >= threshold
    ]  # fmt: skip


def open_bursts(store: Store, threshold: int, minutes: float, who: str) -> list[int]:
    """An incident per new burst of blocked output; their ids."""
    out = []
    for b in find_bursts(store, threshold, minutes):
        title = (
            f"审计日志中 {len(b.request_ids)} 次输出拦截集中出现 / "
            f"{len(b.request_ids)} blocked answers in a burst"
        )
        out.append(open_incident(store, title, "", who, source="audit-burst",
                                 request_ids=b.request_ids, occurred=b.start))  # fmt: skip
    return out


def register_csv(store: Store) -> str:
    """The register as CSV with EMG-1's columns (then title, source, status, notes)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([*COLUMNS, "title", "source", "status", "notes"])
    for r in sorted(incidents(store), key=lambda r: r.id):
        handled = _utc(r.closed_at).date().isoformat() if r.closed_at else ""
        writer.writerow([
            f"INC-{r.id:04d}", _utc(r.opened_at).date().isoformat(), r.level, handled,
            r.reported_to, r.title, r.source, r.status, r.notes,
        ])  # fmt: skip
    return buf.getvalue()
