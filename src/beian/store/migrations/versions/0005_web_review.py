"""beian web: accounts, sessions, review queues, per-person reviews, complaint handling.

Revision ID: 0005_web
Revises: 0004_filing
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_web"
down_revision = "0004_filing"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "web_users",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(120), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "web_sessions",
        sa.Column("token_sha256", sa.String(64), primary_key=True),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("web_users.id", ondelete="CASCADE"),
            nullable=False,
        ),  # fmt: skip
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("expires_at", _TZ, nullable=False),
    )
    op.create_table(
        "web_queues",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column(
            "run_id", sa.String(36), sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("reviewers_required", sa.Integer(), nullable=False),
        sa.Column("blind", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("published_run", sa.String(36), nullable=False),
    )
    op.create_table(
        "web_queue_items",
        sa.Column(
            "queue_id",
            sa.Integer(),
            sa.ForeignKey("web_queues.id", ondelete="CASCADE"),
            primary_key=True,
        ),  # fmt: skip
        sa.Column(
            "item_id",
            sa.Integer(),
            sa.ForeignKey("items.id", ondelete="CASCADE"),
            primary_key=True,
        ),  # fmt: skip
    )
    op.create_table(
        "web_reviews",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "queue_id",
            sa.Integer(),
            sa.ForeignKey("web_queues.id", ondelete="CASCADE"),
            nullable=False,
        ),  # fmt: skip
        sa.Column(
            "item_id", sa.Integer(), sa.ForeignKey("items.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("web_users.id"), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("verdict", sa.String(20), nullable=False),
        sa.Column("risk", sa.String(20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
    )
    op.create_index("ix_web_reviews_queue_item", "web_reviews", ["queue_id", "item_id"])
    op.create_index("ix_web_reviews_queue_user", "web_reviews", ["queue_id", "user_id"])
    op.create_table(
        "web_complaint_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "complaint_id",
            sa.String(40),
            sa.ForeignKey("gateway_complaints.id", ondelete="CASCADE"),
            nullable=False,
        ),  # fmt: skip
        sa.Column("at", _TZ, nullable=False),
        sa.Column("who", sa.String(120), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
    )
    op.create_index(
        "ix_web_complaint_events_complaint_id", "web_complaint_events", ["complaint_id"]
    )


def downgrade() -> None:
    op.drop_table("web_complaint_events")
    op.drop_table("web_reviews")
    op.drop_table("web_queue_items")
    op.drop_table("web_queues")
    op.drop_table("web_sessions")
    op.drop_table("web_users")
