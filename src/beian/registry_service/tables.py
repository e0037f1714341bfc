"""SQLAlchemy tables of the registry service: dossiers, their versions and files, review
events, issued numbers and published batches (migration 0006_registry)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from beian.store.models import Base


class RegDossierRow(Base):
    """One filing application: who files what, where it stands, the number once filed."""

    __tablename__ = "registry_dossiers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("web_users.id"))
    company: Mapped[str] = mapped_column(String(300))
    filing_type: Mapped[str] = mapped_column(String(20))
    model_name: Mapped[str] = mapped_column(String(300))
    number_name: Mapped[str] = mapped_column(String(80))
    province: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), index=True)
    number: Mapped[str] = mapped_column(String(120), default="")
    filed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RegVersionRow(Base):
    """One submission of a dossier (a resubmission after a return is a new version)."""

    __tablename__ = "registry_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("registry_dossiers.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    run_id: Mapped[str] = mapped_column(String(60), default="")
    checks: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class RegFileRow(Base):
    """A file of a version, kept with the digest the provider declared and the one computed."""

    __tablename__ = "registry_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("registry_versions.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    declared_sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class RegEventRow(Base):
    """A step of the review: submitted, comment, returned (with reason), filed, published."""

    __tablename__ = "registry_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("registry_dossiers.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    who: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    audit_seq: Mapped[int] = mapped_column(Integer, default=0)


class RegBatchRow(Base):
    """A published batch of the list (the CAC publishes new entries about every two months)."""

    __tablename__ = "registry_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    label: Mapped[str] = mapped_column(String(120))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_by: Mapped[str] = mapped_column(String(120))
    count: Mapped[int] = mapped_column(Integer)


class RegEntryRow(Base):
    """A row of the public list, frozen when its batch was published (six CAC columns)."""

    __tablename__ = "registry_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("registry_batches.id", ondelete="CASCADE"))
    dossier_id: Mapped[int] = mapped_column(ForeignKey("registry_dossiers.id"), unique=True)
    seq: Mapped[int] = mapped_column(Integer)
    province: Mapped[str] = mapped_column(String(40))
    model_name: Mapped[str] = mapped_column(String(300))
    company: Mapped[str] = mapped_column(String(300))
    number: Mapped[str] = mapped_column(String(120), unique=True)
    filed_on: Mapped[date] = mapped_column(Date)
    filing_type: Mapped[str] = mapped_column(String(20))
