"""beian registry serve: dossiers, versions, files, review events, published batches.

Revision ID: 0006_registry
Revises: 0005_web
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_registry"
down_revision = "0005_web"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True)


def _fk(name: str, target: str, cascade: bool = True) -> sa.Column[int]:
    ondelete = "CASCADE" if cascade else None
    return sa.Column(name, sa.Integer(), sa.ForeignKey(target, ondelete=ondelete), nullable=False)


def upgrade() -> None:
    op.create_table(
        "registry_dossiers", _id(), _fk("owner_id", "web_users.id", cascade=False),
        sa.Column("company", sa.String(300), nullable=False),
        sa.Column("filing_type", sa.String(20), nullable=False),
        sa.Column("model_name", sa.String(300), nullable=False),
        sa.Column("number_name", sa.String(80), nullable=False),
        sa.Column("province", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("number", sa.String(120), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=True),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("updated_at", _TZ, nullable=False),
    )  # fmt: skip
    op.create_index("ix_registry_dossiers_status", "registry_dossiers", ["status"])
    op.create_table(
        "registry_versions", _id(), _fk("dossier_id", "registry_dossiers.id"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("submitted_at", _TZ, nullable=False),
        sa.Column("run_id", sa.String(60), nullable=False),
        sa.Column("checks", sa.JSON(), nullable=False),
    )  # fmt: skip
    op.create_table(
        "registry_files", _id(), _fk("version_id", "registry_versions.id"),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("declared_sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
    )  # fmt: skip
    op.create_table(
        "registry_events", _id(), _fk("dossier_id", "registry_dossiers.id"),
        sa.Column("at", _TZ, nullable=False),
        sa.Column("who", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("audit_seq", sa.Integer(), nullable=False),
    )  # fmt: skip
    op.create_table(
        "registry_batches", _id(),
        sa.Column("label", sa.String(120), nullable=False),
        sa.Column("published_at", _TZ, nullable=False),
        sa.Column("published_by", sa.String(120), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
    )  # fmt: skip
    op.create_table(
        "registry_entries", _id(), _fk("batch_id", "registry_batches.id"),
        sa.Column("dossier_id", sa.Integer(), sa.ForeignKey("registry_dossiers.id"),
                  nullable=False, unique=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("province", sa.String(40), nullable=False),
        sa.Column("model_name", sa.String(300), nullable=False),
        sa.Column("company", sa.String(300), nullable=False),
        sa.Column("number", sa.String(120), nullable=False, unique=True),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("filing_type", sa.String(20), nullable=False),
    )  # fmt: skip


def downgrade() -> None:
    for table in ("registry_entries", "registry_batches", "registry_events", "registry_files",
                  "registry_versions", "registry_dossiers"):  # fmt: skip
        op.drop_table(table)
