"""Gateway API keys, the hash-chained audit log, the key on each audited request.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gateway_keys",
        sa.Column("id", sa.String(24), primary_key=True),
        sa.Column("key_sha256", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(100), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("requests_per_minute", sa.Integer(), nullable=True),
    )
    op.create_index("ix_gateway_keys_key_sha256", "gateway_keys", ["key_sha256"], unique=True)
    op.create_table(
        "gateway_audit_chain",
        sa.Column("seq", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("request_id", sa.String(36), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_gateway_audit_chain_request_id", "gateway_audit_chain", ["request_id"])
    with op.batch_alter_table("gateway_requests") as batch:
        batch.add_column(sa.Column("key_id", sa.String(24), nullable=False, server_default=""))
    op.create_index("ix_gateway_requests_key_id", "gateway_requests", ["key_id"])


def downgrade() -> None:
    op.drop_index("ix_gateway_requests_key_id", "gateway_requests")
    with op.batch_alter_table("gateway_requests") as batch:
        batch.drop_column("key_id")
    op.drop_index("ix_gateway_audit_chain_request_id", "gateway_audit_chain")
    op.drop_table("gateway_audit_chain")
    op.drop_index("ix_gateway_keys_key_sha256", "gateway_keys")
    op.drop_table("gateway_keys")
