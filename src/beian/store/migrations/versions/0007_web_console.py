"""beian web service console: training opt-outs, minors mode, lifted suspensions, incidents.

Revision ID: 0007_console
Revises: 0006_registry (chained on 0005_web until the registry's migration is merged)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_console"
down_revision = "0006_registry"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "web_optouts",
        sa.Column("user_id", sa.String(200), primary_key=True),
        sa.Column("opted_out", sa.Boolean(), nullable=False),
        sa.Column("set_at", _TZ, nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("set_by", sa.String(120), nullable=False),
    )
    op.create_table(
        "web_secrets",
        sa.Column("name", sa.String(60), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
    )
    op.create_table(
        "web_minors",
        sa.Column("user_id", sa.String(200), primary_key=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("start_hour", sa.Integer(), nullable=False),
        sa.Column("end_hour", sa.Integer(), nullable=False),
        sa.Column("utc_offset_hours", sa.Integer(), nullable=False),
        sa.Column("daily_requests", sa.Integer(), nullable=True),
        sa.Column("restrict_flagged", sa.Boolean(), nullable=False),
        sa.Column("guardian_contact", sa.String(300), nullable=False),
        sa.Column("updated_at", _TZ, nullable=False),
        sa.Column("updated_by", sa.String(120), nullable=False),
    )
    op.create_table(
        "web_sanction_lifts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.String(200), nullable=False),
        sa.Column("at", _TZ, nullable=False),
        sa.Column("who", sa.String(120), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
    )
    op.create_index("ix_web_sanction_lifts_user_id", "web_sanction_lifts", ["user_id"])
    op.create_table(
        "web_incidents",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("opened_at", _TZ, nullable=False),
        sa.Column("opened_by", sa.String(120), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("closed_at", _TZ, nullable=True),
        sa.Column("reported_to", sa.String(300), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("request_ids", sa.JSON(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("web_incidents")
    op.drop_index("ix_web_sanction_lifts_user_id", "web_sanction_lifts")
    op.drop_table("web_sanction_lifts")
    op.drop_table("web_minors")
    op.drop_table("web_secrets")
    op.drop_table("web_optouts")
