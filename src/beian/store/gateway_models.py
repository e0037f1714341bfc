"""SQLAlchemy tables of the safety gateway: audit log and its hash chain, API keys, complaints.

The audit log records every request and decision (logs duty; Labeling Measures Art 9 keeps
them at least six months). Text is optional: by default only SHA-256 digests are kept
(Interim Measures Art 11: no unnecessary retention of identifying input).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from beian.store.models import Base


class GatewayRequestRow(Base):
    """One request through the gateway and what the gateway decided."""

    __tablename__ = "gateway_requests"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    user_id: Mapped[str] = mapped_column(String(200), default="", index=True)
    key_id: Mapped[str] = mapped_column(String(24), default="", index=True)
    """The gateway API key the request came with ('' in open mode)."""
    route: Mapped[str] = mapped_column(String(40))
    model: Mapped[str] = mapped_column(String(200), default="")
    input_sha256: Mapped[str] = mapped_column(String(64), default="")
    input_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    output_sha256: Mapped[str] = mapped_column(String(64), default="")
    output_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    decision: Mapped[str] = mapped_column(String(30), index=True)
    input_risks: Mapped[list[str]] = mapped_column(JSON, default=list)
    output_risks: Mapped[list[str]] = mapped_column(JSON, default=list)
    sanction: Mapped[str] = mapped_column(String(20), default="")
    latency_ms: Mapped[float] = mapped_column(Float, default=0.0)
    upstream_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Findings (risk, detector, score, span), streamed/withheld character counts, errors."""


class ComplaintRow(Base):
    """A complaint or report (投诉举报) with its published handling deadline."""

    __tablename__ = "gateway_complaints"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20), default="open")
    user_id: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(300), default="")
    category: Mapped[str] = mapped_column(String(60), default="")
    content: Mapped[str] = mapped_column(Text)
    request_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    resolution: Mapped[str] = mapped_column(Text, default="")


class GatewayKeyRow(Base):
    """A gateway API key: only its SHA-256 is stored, with the user it speaks for."""

    __tablename__ = "gateway_keys"

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    """Public key id (shown by ``keys list``, used by ``keys revoke``; also the key's prefix)."""
    key_sha256: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    user_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    requests_per_minute: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """Per-key override of ``auth.requests_per_minute``."""


class AuditEventRow(Base):
    """One link of the append-only audit chain (see beian.gateway.chain).

    ``hash`` = SHA-256 over the previous link's hash and this link's fields, so editing,
    deleting or reordering a link (or the request row a link commits to) is detected by
    ``beian gateway audit verify``.
    """

    __tablename__ = "gateway_audit_chain"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(20))
    request_id: Mapped[str] = mapped_column(String(36), default="", index=True)
    payload: Mapped[str] = mapped_column(Text)
    """Canonical JSON (sorted keys, ASCII) exactly as hashed."""
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
