"""Users and sanctions as the gateway's audit log shows them, and lifting a suspension.

The gateway counts strikes in memory (gateway/sanctions.py); the audit row of every request
records its decision and any sanction it drew, so the console reads strikes from there. A
lift is stored with its reason and audited; the gateway ends the suspension on the user's next
request (within ``auth.cache_seconds``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import case, func, select

from beian.errors import InputError
from beian.store import Store
from beian.store.console_models import SanctionLiftRow
from beian.store.gateway_models import GatewayRequestRow
from beian.web.audit import action
from beian.web.optouts import check_user


@dataclass(frozen=True, slots=True)
class Lift:
    at: datetime
    who: str
    reason: str


@dataclass(frozen=True, slots=True)
class UserRecord:
    user: str
    requests: int
    strikes: int
    """Blocked inputs (what the gateway's sanctions count)."""
    warnings: int
    suspensions: int
    last_suspended: datetime | None
    lift: Lift | None

    @property
    def suspended(self) -> bool:
        """Suspended at last sight and not lifted since (the gateway's timer may have run out)."""
        if self.last_suspended is None:
            return False
        return self.lift is None or self.lift.at < self.last_suspended


def _utc(at: datetime | None) -> datetime | None:
    return None if at is None else at if at.tzinfo else at.replace(tzinfo=UTC)


def _lifts(store: Store) -> dict[str, Lift]:
    with store.session() as s:
        rows = s.scalars(select(SanctionLiftRow).order_by(SanctionLiftRow.at))
        return {r.user_id: Lift(_utc(r.at) or r.at, r.who, r.reason) for r in rows}


def user_records(store: Store, limit: int = 500) -> list[UserRecord]:
    """Users of the gateway with the most strikes first."""
    r = GatewayRequestRow
    strikes = func.sum(case((r.decision == "blocked_input", 1), else_=0))
    stmt = (
        select(
            r.user_id, func.count(), strikes,
            func.sum(case((r.sanction == "warn", 1), else_=0)),
            func.sum(case((r.sanction == "suspend", 1), else_=0)),
            func.max(case((r.sanction == "suspend", r.created_at), else_=None)),
        )
        .where(r.user_id != "")
        .group_by(r.user_id)
        .order_by(strikes.desc(), r.user_id)
        .limit(limit)
    )  # fmt: skip
    with store.session() as s:
        rows = s.execute(stmt).all()
    lifts = _lifts(store)
    return [
        UserRecord(u, int(n), int(b or 0), int(w or 0), int(k or 0), _utc(last), lifts.get(u))
        for u, n, b, w, k, last in rows
    ]


def lift(store: Store, user: str, reason: str, who: str) -> None:
    """Lift ``user``'s suspension, with the reason (required), audited."""
    user, reason = check_user(user), reason.strip()
    if not reason:
        raise InputError("a reason is required to lift a suspension")
    with action(store, "web.sanction_lift", who, user=user, reason=reason) as (s, _):
        s.add(SanctionLiftRow(user_id=user, at=datetime.now(UTC), who=who, reason=reason[:2000]))
