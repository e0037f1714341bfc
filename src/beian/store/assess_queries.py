"""The store reads the assessment makes beyond runs: the monitoring roster, the gateway's
recent volume, the newest run carrying a given piece of evidence, the complaint register.

They live here so that ``beian.assess`` states what it needs and never writes SQL itself.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import distinct, func, select
from sqlalchemy.exc import SQLAlchemyError

from beian.store.console_models import MonitorRow
from beian.store.db import Store
from beian.store.gateway_models import ComplaintRow, GatewayRequestRow
from beian.store.models import RunRow


def roster(store: Store) -> list[MonitorRow]:
    """Everyone ever on the monitoring roster, oldest first."""
    with store.session() as s:
        return list(s.scalars(select(MonitorRow).order_by(MonitorRow.started_on, MonitorRow.id)))


def gateway_volume(store: Store, since: datetime) -> tuple[int, int]:
    """Requests the gateway logged since ``since``, and how many distinct users sent them."""
    with store.session() as s:
        n, users = s.execute(
            select(func.count(), func.count(distinct(GatewayRequestRow.user_id))).where(
                GatewayRequestRow.created_at >= since
            )
        ).one()
    return int(n or 0), int(users or 0)


def newest_run_config(store: Store, kind: str, key: str) -> tuple[str, dict[str, Any]] | None:
    """The newest run of ``kind`` whose config holds ``key``: its id and that value."""
    with store.session() as s:
        runs = s.scalars(
            select(RunRow).where(RunRow.kind == kind).order_by(RunRow.started_at.desc())
        )
        for run in runs:
            value = (run.config or {}).get(key)
            if value:
                return run.id, dict(value)
    return None


def complaints(store: Store) -> list[ComplaintRow] | None:
    """Every complaint in the gateway's register; ``None`` when the register cannot be read."""
    try:
        with store.session() as s:
            return list(s.scalars(select(ComplaintRow)))
    except SQLAlchemyError:
        return None
