"""SQLAlchemy tables: runs, items, findings, verdicts.

A run keeps everything needed to reproduce and trust its numbers: the resolved configuration,
the component specs, the tool and profile versions, and its summary.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """Declarative base of the store's tables."""


class RunRow(Base):
    """One execution of a beian job (assess, corpus scan, eval, label verify …)."""

    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(20), default="running")
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    workspace: Mapped[str] = mapped_column(Text, default="")
    profile: Mapped[str] = mapped_column(String(80))
    profile_version: Mapped[str] = mapped_column(String(40))
    tool_version: Mapped[str] = mapped_column(String(40))
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    specs: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    items: Mapped[list[ItemRow]] = relationship(back_populates="run", cascade="all, delete-orphan")


class ItemRow(Base):
    """One input item a run looked at (a corpus record, a question, an answer, a file)."""

    __tablename__ = "items"
    __table_args__ = (Index("ix_items_run_key", "run_id", "key", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(200), default="")
    sha256: Mapped[str] = mapped_column(String(64), default="")
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    run: Mapped[RunRow] = relationship(back_populates="items")
    findings: Mapped[list[FindingRow]] = relationship(
        back_populates="item", cascade="all, delete-orphan"
    )
    verdicts: Mapped[list[VerdictRow]] = relationship(
        back_populates="item", cascade="all, delete-orphan"
    )


class FindingRow(Base):
    """A risk a detector found in an item, with its evidence."""

    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    risk: Mapped[str] = mapped_column(String(20), index=True)
    detector: Mapped[str] = mapped_column(String(80))
    score: Mapped[float] = mapped_column(Float)
    start: Mapped[int | None] = mapped_column(Integer, nullable=True)
    end: Mapped[int | None] = mapped_column(Integer, nullable=True)
    evidence: Mapped[str] = mapped_column(Text, default="")

    item: Mapped[ItemRow] = relationship(back_populates="findings")


class VerdictRow(Base):
    """A judgement on an item: by a person (manual review) or by an automatic method."""

    __tablename__ = "verdicts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    method: Mapped[str] = mapped_column(String(40))
    verdict: Mapped[str] = mapped_column(String(20))
    reviewer: Mapped[str] = mapped_column(String(120), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    item: Mapped[ItemRow] = relationship(back_populates="verdicts")
