"""A fresh SQLite store per test (and PostgreSQL, in its own schema, when configured)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from beian.store import Store, open_store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A migrated SQLite store in the test's folder."""
    return open_store(f"sqlite:///{tmp_path}/register.db")


@pytest.fixture
def pg_store(postgres_url: str) -> Iterator[Store]:
    """A migrated PostgreSQL store in a throw-away schema."""
    schema = "f" + uuid.uuid4().hex[:10]
    admin = create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in postgres_url else "?"
    st = open_store(f"{postgres_url}{sep}options=-csearch_path%3D{schema}")
    try:
        yield st
    finally:
        st.engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
