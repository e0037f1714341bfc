"""Alembic environment: runs migrations on the connection beian hands in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from beian.store.models import Base

config = context.config
target_metadata = Base.metadata

connection = config.attributes.get("connection")
if connection is None:  # command-line use: alembic -x url=…
    url = config.get_main_option("sqlalchemy.url") or "sqlite://"
    with create_engine(url).begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
