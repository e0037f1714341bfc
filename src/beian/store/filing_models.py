"""SQLAlchemy tables of the filing register and of the imported public list.

Provider side (备案/登记 register): one row per algorithm, model or service, its history of
status changes and events, and the dossier files attached by SHA-256. Public side: the CAC list
of filed services as imported batches, where every input row is kept with its outcome
(imported / duplicate / rejected) and reason, so a batch can always be accounted for.

The tables carry an ``owner`` (the filing organisation) so that a registry service with
accounts can keep several providers' registers in one database.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from beian.store.models import Base


class FilingRecordRow(Base):
    """One algorithm, model or service and where it stands in filing (备案) or registration (登记)."""

    __tablename__ = "filing_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    owner: Mapped[str] = mapped_column(String(300), default="", index=True)
    subject: Mapped[str] = mapped_column(String(20))
    """algorithm | model | service."""
    filing_type: Mapped[str] = mapped_column(String(20))
    """algorithm_filing | model_filing | registration."""
    name: Mapped[str] = mapped_column(String(300), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    number: Mapped[str] = mapped_column(String(120), default="", index=True)
    province: Mapped[str] = mapped_column(String(40), default="")
    base_model: Mapped[str] = mapped_column(String(300), default="")
    """The (third-party) base model the service is built on or calls."""
    base_model_number: Mapped[str] = mapped_column(String(120), default="")
    display_url: Mapped[str] = mapped_column(Text, default="")
    launched_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    filed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    change_event_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    """The model or service changed on this day and the change filing is still open."""
    terminated_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    """Service ended on this day: cancellation (注销) is due."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Last display check and other details that need no column."""


class FilingEventRow(Base):
    """A status change or a dated event of a record (launched, changed, terminated, display)."""

    __tablename__ = "filing_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("filing_records.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(20))
    """status | launched | changed | terminated | display | attach."""
    on: Mapped[date | None] = mapped_column(Date, nullable=True)
    from_status: Mapped[str] = mapped_column(String(20), default="")
    to_status: Mapped[str] = mapped_column(String(20), default="")
    actor: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    chain_seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    """Seq of the audit-chain link written in the same transaction."""


class FilingDossierRow(Base):
    """One dossier file attached to a record, fixed by its SHA-256."""

    __tablename__ = "filing_dossier"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("filing_records.id", ondelete="CASCADE"), index=True
    )
    attached_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    run_id: Mapped[str] = mapped_column(String(80), default="")
    role: Mapped[str] = mapped_column(String(30))
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger, default=0)


class FilingListBatchRow(Base):
    """One import of the public list (a transcribed CAC announcement)."""

    __tablename__ = "filing_list_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    source_name: Mapped[str] = mapped_column(Text)
    source_sha256: Mapped[str] = mapped_column(String(64))
    list_kind: Mapped[str] = mapped_column(String(20))
    """filed (备案) | registered (登记)."""
    label: Mapped[str] = mapped_column(String(200), default="")
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    columns: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Detected column → field mapping and notes on header disagreements."""


class FilingListRow(Base):
    """One input row of a batch with its outcome; ``imported`` rows are the list."""

    __tablename__ = "filing_list_rows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("filing_list_batches.id", ondelete="CASCADE"), index=True
    )
    row_no: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(20), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    seq: Mapped[str] = mapped_column(String(40), default="")
    province: Mapped[str] = mapped_column(String(60), default="")
    model_name: Mapped[str] = mapped_column(String(300), default="", index=True)
    company: Mapped[str] = mapped_column(String(300), default="")
    number: Mapped[str] = mapped_column(String(160), default="")
    number_key: Mapped[str] = mapped_column(String(160), default="", index=True)
    """Normalised number used for de-duplication and lookup."""
    number_format: Mapped[str] = mapped_column(String(30), default="")
    confidence: Mapped[str] = mapped_column(String(2), default="")
    filed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    duplicate_of: Mapped[int | None] = mapped_column(Integer, nullable=True)
    notes: Mapped[list[str]] = mapped_column(JSON, default=list)
    raw: Mapped[list[str]] = mapped_column(JSON, default=list)
