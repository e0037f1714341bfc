"""SQLAlchemy tables of the ``beian web`` service console: the training opt-out register,
minors-mode settings and lifted suspensions, read by the gateway on each request; the
incident register and the monitoring roster (7 g), read by `beian assess`.

Users are the gateway's subjects: ``KEYUSER`` or ``KEYUSER/ENDUSER`` (see gateway/sanctions.py).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from beian.store.models import Base


class OptOutRow(Base):
    """A user's current choice about their data being used for training (§7 c)."""

    __tablename__ = "web_optouts"

    user_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    opted_out: Mapped[bool] = mapped_column(Boolean)
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    method: Mapped[str] = mapped_column(String(20))
    """How it was set: ``page`` (the user, on the public page) or ``console`` (an operator)."""
    set_by: Mapped[str] = mapped_column(String(120), default="")


class ConsoleSecretRow(Base):
    """A random secret shared through the store by the gateway and the web console (the key
    that signs opt-out links)."""

    __tablename__ = "web_secrets"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class MinorRow(Base):
    """Minors mode of one user (Interim Measures Art 10, §7 a): what is restricted and when."""

    __tablename__ = "web_minors"

    user_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    start_hour: Mapped[int] = mapped_column(Integer, default=8)
    end_hour: Mapped[int] = mapped_column(Integer, default=22)
    """Allowed local hours: ``start_hour`` ≤ hour < ``end_hour``."""
    utc_offset_hours: Mapped[int] = mapped_column(Integer, default=8)
    daily_requests: Mapped[int | None] = mapped_column(Integer, nullable=True)
    restrict_flagged: Mapped[bool] = mapped_column(Boolean, default=True)
    """Inputs the policy only flags are refused for a minor."""
    guardian_contact: Mapped[str] = mapped_column(String(300), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(120), default="")


class SanctionLiftRow(Base):
    """A suspension lifted by an operator, with the reason (the gateway honours it)."""

    __tablename__ = "web_sanction_lifts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(200), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    who: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(Text)


class IncidentRow(Base):
    """An entry of the emergency-response incident register."""

    __tablename__ = "web_incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    opened_by: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(String(20))
    """``manual`` or ``audit-burst`` (a burst of blocked output in the audit log)."""
    title: Mapped[str] = mapped_column(String(300))
    level: Mapped[str] = mapped_column(String(20), default="")
    status: Mapped[str] = mapped_column(String(20), default="open")
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    """When it was handled (the register's ``handled_on``)."""
    reported_to: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    request_ids: Mapped[list[str]] = mapped_column(JSON, default=list)


class MonitorRow(Base):
    """One person on the monitoring roster (监看人员, TC260-003 7 g): who, in what role, on
    which shift or hours, since when (and until when, once they left it)."""

    __tablename__ = "web_monitors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(120))
    hours: Mapped[str] = mapped_column(String(200))
    """The shift or hours on duty, e.g. "早班 08:00–16:00" or "7×24 轮值"."""
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(120))
