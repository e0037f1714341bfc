"""Filing register (records, events, dossier files) and the imported public list (batches, rows).

Revision ID: 0004_filing
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_filing"
down_revision = "0003"
branch_labels = None
depends_on = None


def _index(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(f"ix_{table}_{column}", table, [column])


def upgrade() -> None:
    op.create_table(
        "filing_records",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("owner", sa.String(300), nullable=False),
        sa.Column("subject", sa.String(20), nullable=False),
        sa.Column("filing_type", sa.String(20), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("number", sa.String(120), nullable=False),
        sa.Column("province", sa.String(40), nullable=False),
        sa.Column("base_model", sa.String(300), nullable=False),
        sa.Column("base_model_number", sa.String(120), nullable=False),
        sa.Column("display_url", sa.Text(), nullable=False),
        sa.Column("launched_on", sa.Date(), nullable=True),
        sa.Column("filed_on", sa.Date(), nullable=True),
        sa.Column("change_event_on", sa.Date(), nullable=True),
        sa.Column("terminated_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
    )
    _index("filing_records", "owner", "name", "status", "number")
    op.create_table(
        "filing_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "record_id",
            sa.Integer(),
            sa.ForeignKey("filing_records.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("on", sa.Date(), nullable=True),
        sa.Column("from_status", sa.String(20), nullable=False),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("chain_seq", sa.BigInteger(), nullable=True),
    )
    _index("filing_events", "record_id")
    op.create_table(
        "filing_dossier",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "record_id",
            sa.Integer(),
            sa.ForeignKey("filing_records.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("attached_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("run_id", sa.String(80), nullable=False),
        sa.Column("role", sa.String(30), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
    )
    _index("filing_dossier", "record_id")
    op.create_table(
        "filing_list_batches",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_name", sa.Text(), nullable=False),
        sa.Column("source_sha256", sa.String(64), nullable=False),
        sa.Column("list_kind", sa.String(20), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
    )
    op.create_table(
        "filing_list_rows",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "batch_id",
            sa.Integer(),
            sa.ForeignKey("filing_list_batches.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("row_no", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("seq", sa.String(40), nullable=False),
        sa.Column("province", sa.String(60), nullable=False),
        sa.Column("model_name", sa.String(300), nullable=False),
        sa.Column("company", sa.String(300), nullable=False),
        sa.Column("number", sa.String(160), nullable=False),
        sa.Column("number_key", sa.String(160), nullable=False),
        sa.Column("number_format", sa.String(30), nullable=False),
        sa.Column("confidence", sa.String(2), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=True),
        sa.Column("duplicate_of", sa.Integer(), nullable=True),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("raw", sa.JSON(), nullable=False),
    )
    _index("filing_list_rows", "batch_id", "outcome", "model_name", "number_key")


def downgrade() -> None:
    for table in (
        "filing_list_rows",
        "filing_list_batches",
        "filing_dossier",
        "filing_events",
        "filing_records",
    ):
        op.drop_table(table)
