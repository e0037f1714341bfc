"""The gateway's audit log (hash-chained, see chain.py) and complaint register."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update

from beian.gateway import chain
from beian.gateway.chain import digest
from beian.gateway.config import AuditConfig
from beian.gateway.verify import Anchor, Report, verify
from beian.store import Store
from beian.store.gateway_models import ComplaintRow, GatewayRequestRow

_REQUESTS = cast(Table, GatewayRequestRow.__table__)
"""Written with Core statements: the ORM's unit of work costs more than the write itself."""
_ADD = insert(_REQUESTS)
_COMPLETE = update(_REQUESTS).where(_REQUESTS.c.id == bindparam("row_id"))
"""Built once, run on the session's connection (the SET columns come from the parameters)."""


def sha256(text: str) -> str:
    """Hex SHA-256 of ``text`` in UTF-8 ('' for no text; lone surrogates never fail)."""
    return digest(text) if text else ""


def _storable(text: str) -> str:
    """``text`` as a database accepts it (a lone surrogate becomes ``\\udXXX``)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


@dataclass(slots=True)
class Trace:
    """What one request did: begun in the chain when it starts, finished when it ends."""

    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    route: str = "chat"
    user_id: str = ""
    key_id: str = ""
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
    begun: bool = False
    finished: bool = False
    progress_at: float = 0.0
    progress_chars: int = 0


class AuditLog:
    """The hash-chained request log (begin, progress, finish), complaints, retention."""

    def __init__(self, store: Store, config: AuditConfig) -> None:
        self.store = store
        self.config = config

    def begin(self, trace: Trace) -> None:
        """Write the request's row (decision ``started``) and its ``begin`` link, before any
        text of the answer is released: a crash later still leaves the request on record."""
        values = self._values(trace, "started")
        with chain.locked(self.store) as s:
            s.connection().execute(_ADD, values)
            chain.append(s, "begin", trace.id, _commitment(values))
        trace.begun = True

    def progress(self, trace: Trace, released: str, *, force: bool = False) -> bool:
        """Add a ``progress`` link with the digest of the text released so far, at most every
        ``progress_seconds``; whether a link was written."""
        if not (force or self.progress_due(trace, len(released))):
            return False
        if not trace.begun or trace.finished or len(released) == trace.progress_chars:
            return False
        trace.progress_at, trace.progress_chars = time.monotonic(), len(released)
        payload = {"released_chars": len(released), "released_sha256": sha256(released)}
        with chain.locked(self.store) as s:
            chain.append(s, "progress", trace.id, payload)
        return True

    def progress_due(self, trace: Trace, released_chars: int) -> bool:
        """Whether :meth:`progress` would write a link now (cheap: checked on the event loop
        for every streamed chunk, so only a due link costs a thread hand-off)."""
        return (
            trace.begun
            and not trace.finished
            and released_chars != trace.progress_chars
            and time.monotonic() - trace.progress_at >= self.config.progress_seconds
        )

    def finish(self, trace: Trace) -> None:
        """Complete the row (insert it if it never began) and add its ``finish`` link."""
        values = self._values(trace, trace.decision)
        with chain.locked(self.store) as s:
            done = 0
            if trace.begun:
                params = {k: v for k, v in values.items() if k != "id"} | {"row_id": trace.id}
                done = int(getattr(s.connection().execute(_COMPLETE, params), "rowcount", 0) or 0)
            if not done:
                s.connection().execute(_ADD, values)
            chain.append(s, "finish", trace.id, _commitment(values))
        trace.finished = True

    write = finish  # the name callers used before the chain

    def _values(self, trace: Trace, decision: str) -> dict[str, Any]:
        """The request row as column values, exactly as the database will give them back."""
        keep = self.config.store_text
        return {
            "id": trace.id,
            "created_at": trace.started,
            "user_id": trace.user_id[:200],
            "key_id": trace.key_id,
            "route": trace.route,
            "model": trace.model[:200],
            "input_sha256": sha256(trace.input_text),
            "input_text": _storable(trace.input_text) if keep else None,
            "output_sha256": sha256(trace.output_text),
            "output_text": _storable(trace.output_text) if keep else None,
            "decision": decision,
            "input_risks": list(trace.input_risks),
            "output_risks": list(trace.output_risks),
            "sanction": trace.sanction,
            "latency_ms": round(trace.latency_ms, 3),
            "upstream_status": trace.upstream_status,
            # Through JSON once, so the digest is of what the database will give back.
            "data": json.loads(chain.canonical(trace.data)),
        }

    def adopt_unchained(self) -> int:
        """Put request rows written before the chain existed (stores from before migration
        0003) on it, oldest first: from then on they are proven unchanged. How many."""
        with chain.locked(self.store) as s:
            if chain.head(s)[0] != 0:
                return 0
            table = GatewayRequestRow.__table__
            rows = s.execute(select(table).order_by(table.c.created_at)).mappings().all()
            for row in rows:
                chain.append(s, "finish", row["id"], {**_commitment(row), "adopted": True})
            return len(rows)

    def prune(self, now: datetime | None = None) -> int:
        """Drop requests older than ``retention_days``, keeping the chain verifiable from a
        ``checkpoint`` link; how many request rows went."""
        if self.config.retention_days is None:
            return 0
        cutoff = (now or datetime.now(UTC)) - timedelta(days=self.config.retention_days)
        return chain.prune(self.store, cutoff)

    def verify(self, anchor: Anchor | None = None) -> Report:
        """Recompute the chain and compare every request row (``audit verify``)."""
        return verify(self.store, anchor)

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

    def complaint(self, ticket: str) -> ComplaintRow | None:
        """One complaint by its ticket id (a primary-key lookup, G-d3)."""
        with self.store.session() as s:
            return s.get(ComplaintRow, ticket[:40])

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


def _commitment(row: Mapping[Any, Any]) -> dict[str, Any]:
    """What a ``begin``/``finish`` link records: the row digest, plus readable essentials."""
    return {
        "row_sha256": chain.row_digest(row),
        "decision": row["decision"],
        "input_sha256": row["input_sha256"],
        "output_sha256": row["output_sha256"],
    }
