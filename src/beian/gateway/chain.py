"""The append-only, hash-chained audit log: linking, locking, pruning with checkpoints.

Link *n* stores ``hash = SHA-256(prev_hash, seq, time, kind, request, payload)`` with
``prev_hash`` = link *n-1*'s hash, so any edit, deletion or reordering of links breaks the chain.
``begin``/``finish`` links carry the digest of the request row they wrote, so an edited or
deleted request row no longer matches its link (see :mod:`beian.gateway.verify`).

Appends are serialized across threads and processes: a process lock, then ``BEGIN IMMEDIATE``
on SQLite or a transaction-scoped advisory lock on PostgreSQL (several workers share one chain).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, select, text
from sqlalchemy.orm import Session

from beian.store import Store
from beian.store.gateway_models import AuditEventRow, GatewayRequestRow

GENESIS = "0" * 64
"""``prev_hash`` of the very first link."""
ROW_KINDS = ("begin", "finish")
"""Links that commit to a request row."""
_PG_LOCK_KEY = 0x62656961  # "beia": one advisory lock for the gateway chain
_process_lock = threading.Lock()


def canonical(obj: Any) -> str:
    """The one JSON spelling that is hashed: sorted keys, ASCII only (lone surrogates are safe)."""
    return json.dumps(obj, sort_keys=True, ensure_ascii=True, separators=(",", ":"), default=str)


def digest(data: str) -> str:
    """Hex SHA-256 of ``data`` (UTF-8; lone surrogates kept, never an encoding error)."""
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()


def stamp(moment: datetime) -> str:
    """A timestamp as hashed: UTC, microseconds (what both SQLite and PostgreSQL give back)."""
    if moment.tzinfo is None:  # SQLite returns naive datetimes; beian stores UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def link_hash(prev: str, seq: int, created: datetime, kind: str, request: str, payload: str) -> str:
    """The hash link ``seq`` must carry."""
    return digest("\n".join([prev, str(seq), stamp(created), kind, request, payload]))


def row_payload(row: Mapping[Any, Any]) -> dict[str, Any]:
    """Everything of a request row the chain commits to (kept texts by their digest)."""
    payload = {name: row[name] for name in _ROW_FIELDS}
    payload["created_at"] = stamp(row["created_at"])
    for name in ("input_text", "output_text"):
        payload[name] = None if row[name] is None else digest(row[name])
    return payload


_ROW_FIELDS = tuple(c.key for c in GatewayRequestRow.__table__.columns)


def row_digest(row: Mapping[Any, Any]) -> str:
    """Digest of a request row (column name → value) as ``begin``/``finish`` links record it."""
    return digest(canonical(row_payload(row)))


@contextmanager
def locked(store: Store) -> Iterator[Session]:
    """A session holding the chain's append lock until it commits (or rolls back)."""
    with _process_lock, store.session() as s:
        dialect = store.engine.dialect.name
        if dialect == "sqlite":
            # Take the write lock now, not at the first write: two processes reading the same
            # head and both appending "head + 1" is exactly what must not happen.
            s.connection().exec_driver_sql("BEGIN IMMEDIATE")
        elif dialect == "postgresql":
            s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
        yield s


_LINKS = cast(Table, AuditEventRow.__table__)
# Built once: on every request, building and cache-keying a statement and the ORM's execute
# path cost more than the write itself (bench/gateway_load.py, profiled).
_HEAD = select(_LINKS.c.seq, _LINKS.c.hash).order_by(_LINKS.c.seq.desc()).limit(1)
_ADD_LINK = insert(_LINKS)


def head(s: Session) -> tuple[int, str]:
    """(seq, hash) of the newest link; (0, GENESIS) for an empty chain."""
    last = s.connection().execute(_HEAD).first()
    return (int(last[0]), str(last[1])) if last else (0, GENESIS)


def append(s: Session, kind: str, request_id: str, payload: dict[str, Any]) -> int:
    """Add one link after the head; ``s`` must come from :func:`locked`. The new seq."""
    seq, prev = head(s)
    now = datetime.now(UTC)
    body = canonical(payload)
    link = {
        "seq": seq + 1,
        "created_at": now,
        "kind": kind,
        "request_id": request_id,
        "payload": body,
        "prev_hash": prev,
        "hash": link_hash(prev, seq + 1, now, kind, request_id, body),
    }
    s.connection().execute(_ADD_LINK, link)
    return seq + 1


def prune(store: Store, cutoff: datetime) -> int:
    """Drop the oldest links, up to the first one to keep, with the requests whose row links
    all went; anchor the rest with a ``checkpoint`` link holding the last dropped hash.
    How many request rows went."""
    with locked(store) as s:
        through = _prune_through(s, cutoff)
        if through is None:
            return 0
        last_hash = s.scalar(select(AuditEventRow.hash).where(AuditEventRow.seq == through))
        kept = select(AuditEventRow.request_id).where(
            AuditEventRow.seq > through, AuditEventRow.kind.in_(ROW_KINDS)
        )
        gone = select(AuditEventRow.request_id).where(
            AuditEventRow.seq <= through,
            AuditEventRow.kind.in_(ROW_KINDS),
            AuditEventRow.request_id.not_in(kept),
        )
        result = s.execute(delete(GatewayRequestRow).where(GatewayRequestRow.id.in_(gone)))
        rows = int(getattr(result, "rowcount", 0) or 0)
        s.execute(delete(AuditEventRow).where(AuditEventRow.seq <= through))
        payload = {
            "pruned_through_seq": through,
            "pruned_last_hash": last_hash,
            "cutoff": stamp(cutoff),
            "requests_pruned": rows,
        }
        append(s, "checkpoint", "", payload)
        return rows


def _prune_through(s: Session, cutoff: datetime) -> int | None:
    """The last link to drop: just before the first one to keep, a key/checkpoint link written
    after ``cutoff`` or a link of a request started after it (only a prefix is ever cut)."""
    first = s.scalar(select(func.min(AuditEventRow.seq)))
    if first is None:
        return None
    # Request links count by when their request started; key and checkpoint links by their own.
    new_link = s.scalar(
        select(func.min(AuditEventRow.seq)).where(
            AuditEventRow.request_id == "", AuditEventRow.created_at >= cutoff
        )
    )
    new_request = s.scalar(
        select(func.min(AuditEventRow.seq))
        .join(GatewayRequestRow, GatewayRequestRow.id == AuditEventRow.request_id)
        .where(AuditEventRow.kind.in_(ROW_KINDS), GatewayRequestRow.created_at >= cutoff)
    )
    keep = [int(v) for v in (new_link, new_request) if v is not None]
    through = (min(keep) if keep else head(s)[0] + 1) - 1
    return through if through >= int(first) else None
