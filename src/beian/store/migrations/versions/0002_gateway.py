"""Gateway tables: audit log of requests and decisions, complaints.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gateway_requests",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.String(200), nullable=False),
        sa.Column("route", sa.String(40), nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("input_sha256", sa.String(64), nullable=False),
        sa.Column("input_text", sa.Text(), nullable=True),
        sa.Column("output_sha256", sa.String(64), nullable=False),
        sa.Column("output_text", sa.Text(), nullable=True),
        sa.Column("decision", sa.String(30), nullable=False),
        sa.Column("input_risks", sa.JSON(), nullable=False),
        sa.Column("output_risks", sa.JSON(), nullable=False),
        sa.Column("sanction", sa.String(20), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.Column("upstream_status", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
    )
    op.create_index("ix_gateway_requests_created_at", "gateway_requests", ["created_at"])
    op.create_index("ix_gateway_requests_user_id", "gateway_requests", ["user_id"])
    op.create_index("ix_gateway_requests_decision", "gateway_requests", ["decision"])
    op.create_table(
        "gateway_complaints",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("user_id", sa.String(200), nullable=False),
        sa.Column("contact", sa.String(300), nullable=False),
        sa.Column("category", sa.String(60), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("request_id", sa.String(36), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=False),
    )
    op.create_index("ix_gateway_complaints_created_at", "gateway_complaints", ["created_at"])
    op.create_index("ix_gateway_complaints_request_id", "gateway_complaints", ["request_id"])


def downgrade() -> None:
    op.drop_index("ix_gateway_complaints_request_id", "gateway_complaints")
    op.drop_index("ix_gateway_complaints_created_at", "gateway_complaints")
    op.drop_table("gateway_complaints")
    op.drop_index("ix_gateway_requests_decision", "gateway_requests")
    op.drop_index("ix_gateway_requests_user_id", "gateway_requests")
    op.drop_index("ix_gateway_requests_created_at", "gateway_requests")
    op.drop_table("gateway_requests")
