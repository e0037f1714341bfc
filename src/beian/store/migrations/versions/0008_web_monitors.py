"""beian web: the monitoring-staff roster (监看人员名册, TC260-003 7 g).

Revision ID: 0008_monitors
Revises: 0007_console
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_monitors"
down_revision = "0007_console"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "web_monitors",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("role", sa.String(120), nullable=False),
        sa.Column("hours", sa.String(200), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("updated_at", _TZ, nullable=False),
        sa.Column("updated_by", sa.String(120), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("web_monitors")
