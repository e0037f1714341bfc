"""The gateway's audit log and complaint register, on the shared store."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from beian.gateway.config import AuditConfig
from beian.store import Store
from beian.store.gateway_models import ComplaintRow, GatewayRequestRow


def sha256(text: str) -> str:
    """Hex SHA-256 of ``text`` in UTF-8 ('' for no text)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest() if text else ""


@dataclass(slots=True)
class Trace:
    """What one request did; filled in as the request goes and written once at its end."""

    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    route: str = "chat"
    user_id: str = ""
    model: str = ""
    input_text: str = ""
    output_text: str = ""
    decision: str = "allowed"
    input_risks: list[str] = field(default_factory=list)
    output_risks: list[str] = field(default_factory=list)
    sanction: str = ""
    latency_ms: float = 0.0
    upstream_status: int | None = None
    data: dict[str, Any] = field(default_factory=dict)


class AuditLog:
    """Writes traces and complaints; prunes rows past the retention period."""

    def __init__(self, store: Store, config: AuditConfig) -> None:
        self.store = store
        self.config = config

    def write(self, trace: Trace) -> None:
        """Insert one audit row (text kept only when ``store_text`` is on)."""
        keep = self.config.store_text
        row = GatewayRequestRow(
            id=trace.id,
            created_at=trace.started,
            user_id=trace.user_id[:200],
            route=trace.route,
            model=trace.model[:200],
            input_sha256=sha256(trace.input_text),
            input_text=trace.input_text if keep else None,
            output_sha256=sha256(trace.output_text),
            output_text=trace.output_text if keep else None,
            decision=trace.decision,
            input_risks=trace.input_risks,
            output_risks=trace.output_risks,
            sanction=trace.sanction,
            latency_ms=round(trace.latency_ms, 3),
            upstream_status=trace.upstream_status,
            data=trace.data,
        )
        with self.store.session() as s:
            s.add(row)

    def prune(self, now: datetime | None = None) -> int:
        """Delete audit rows older than ``retention_days``; how many went."""
        if self.config.retention_days is None:
            return 0
        cutoff = (now or datetime.now(UTC)) - timedelta(days=self.config.retention_days)
        with self.store.session() as s:
            result = s.execute(
                delete(GatewayRequestRow).where(GatewayRequestRow.created_at < cutoff)
            )
            return int(getattr(result, "rowcount", 0) or 0)

    def has_request(self, request_id: str) -> bool:
        """Whether ``request_id`` is an audited request."""
        with self.store.session() as s:
            return s.get(GatewayRequestRow, request_id) is not None

    def add_complaint(
        self,
        *,
        content: str,
        contact: str,
        category: str,
        request_id: str | None,
        user_id: str,
        handling_days: int,
    ) -> ComplaintRow:
        """Register a complaint; its deadline is ``handling_days`` after now."""
        now = datetime.now(UTC)
        row = ComplaintRow(
            id="C" + uuid.uuid4().hex[:16].upper(),
            created_at=now,
            due_at=now + timedelta(days=handling_days),
            status="open",
            user_id=user_id[:200],
            contact=contact[:300],
            category=category[:60],
            content=content,
            request_id=request_id,
            resolution="",
        )
        with self.store.session() as s:
            s.add(row)
        return row

    def complaints(self, status: str | None = None) -> list[ComplaintRow]:
        """Complaints, oldest first, optionally only those with ``status``."""
        stmt = select(ComplaintRow).order_by(ComplaintRow.created_at)
        if status is not None:
            stmt = stmt.where(ComplaintRow.status == status)
        with self.store.session() as s:
            return list(s.scalars(stmt).all())

    def requests(self, limit: int = 100) -> list[GatewayRequestRow]:
        """The newest audit rows."""
        stmt = select(GatewayRequestRow).order_by(GatewayRequestRow.created_at.desc()).limit(limit)
        with self.store.session() as s:
            return list(s.scalars(stmt).all())
