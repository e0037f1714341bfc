"""The monitoring-staff roster (监看人员名册, TC260-003 7 g): who watches the service, in what
role, on which shift, since when. Kept by an admin in the console; ``beian assess`` counts the
people on duty today as the headcount of 7.g's staff half (beian.assess.monitoring).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select

from beian.errors import InputError
from beian.store import Store
from beian.store.console_models import MonitorRow
from beian.web.audit import action


class Monitor(BaseModel):
    """One person on the roster, as an admin enters them."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=120)
    role: str = Field(min_length=1, max_length=120)
    hours: str = Field(min_length=1, max_length=200)
    """Shift or hours on duty, e.g. "早班 08:00–16:00"."""
    started_on: date


def parse(form: dict[str, str]) -> Monitor:
    """A roster entry from a posted form; InputError with the first problem."""
    data = {k: v for k, v in form.items() if k in Monitor.model_fields}
    try:
        return Monitor.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InputError(f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from None


def add(store: Store, monitor: Monitor, who: str) -> int:
    """Put ``monitor`` on the roster (audited as ``web.monitor_add``); the entry's id."""
    values = monitor.model_dump()
    with action(store, "web.monitor_add", who, **{**values, "started_on": str(monitor.started_on)}
                ) as (s, extra):  # fmt: skip
        row = MonitorRow(**values, ended_on=None, updated_at=datetime.now(UTC), updated_by=who)
        s.add(row)
        s.flush()
        extra["monitor"] = row.id
        return row.id


def end(store: Store, monitor_id: int, ended_on: date, who: str) -> None:
    """Take someone off the roster from ``ended_on`` (audited as ``web.monitor_end``); the
    entry stays, so the roster shows who was on duty when."""
    with action(store, "web.monitor_end", who, monitor=monitor_id, ended_on=str(ended_on)) as (
        s,
        _,
    ):
        row = s.get(MonitorRow, monitor_id)
        if row is None:
            raise InputError(f"no roster entry #{monitor_id}")
        if ended_on < row.started_on:
            raise InputError("the end date is before the start date")
        row.ended_on, row.updated_at, row.updated_by = ended_on, datetime.now(UTC), who


def roster(store: Store) -> list[MonitorRow]:
    """Every entry, current ones first, then by start date."""
    with store.session() as s:
        rows = list(s.scalars(select(MonitorRow).order_by(MonitorRow.started_on, MonitorRow.id)))
    return sorted(rows, key=lambda r: r.ended_on is not None)


def on_duty(rows: list[MonitorRow], day: date) -> list[MonitorRow]:
    """Entries whose period covers ``day``."""
    return [r for r in rows if r.started_on <= day and (r.ended_on is None or r.ended_on >= day)]
