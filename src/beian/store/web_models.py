"""SQLAlchemy tables of ``beian web``: accounts, sessions, review queues and reviews.

Reviews are kept one row per person and item (never overwritten) so that who said what, and
whether two reviewers agreed, can be shown later; the verdict a queue settles on is written
to the ``verdicts`` table by the existing import paths when an admin publishes the queue.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from beian.store.models import Base


class WebUserRow(Base):
    """A person who signs in to ``beian web``; only an Argon2 hash of the password is kept."""

    __tablename__ = "web_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class WebSessionRow(Base):
    """A signed-in browser: the cookie holds a random token, the store only its SHA-256."""

    __tablename__ = "web_sessions"

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id", ondelete="CASCADE"))
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WebQueueRow(Base):
    """A review queue over the items of one stored run (a corpus sample or an eval run)."""

    __tablename__ = "web_queues"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    reviewers_required: Mapped[int] = mapped_column(Integer, default=1)
    blind: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(120), default="")
    published_run: Mapped[str] = mapped_column(String(36), default="")


class WebQueueItemRow(Base):
    """An item a queue asks people to review (answers without text are left out)."""

    __tablename__ = "web_queue_items"

    queue_id: Mapped[int] = mapped_column(
        ForeignKey("web_queues.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )


class WebReviewRow(Base):
    """One person's verdict (or skip) on one item of a queue, as reviewer or adjudicator."""

    __tablename__ = "web_reviews"
    __table_args__ = (
        Index("ix_web_reviews_queue_item", "queue_id", "item_id"),
        Index("ix_web_reviews_queue_user", "queue_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("web_queues.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id"))
    role: Mapped[str] = mapped_column(String(20))
    verdict: Mapped[str] = mapped_column(String(20))
    risk: Mapped[str] = mapped_column(String(20), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WebComplaintEventRow(Base):
    """One step of a complaint's handling (the gateway's ``gateway_complaints`` row holds the
    current status and the reply the complainant sees)."""

    __tablename__ = "web_complaint_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    complaint_id: Mapped[str] = mapped_column(
        ForeignKey("gateway_complaints.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    who: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
