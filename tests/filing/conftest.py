"""A fresh SQLite store per test (and PostgreSQL, in its own schema, when configured)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from beian.store import Store, open_store
from tests.conftest import postgres_schema


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A migrated SQLite store in the test's folder."""
    return open_store(f"sqlite:///{tmp_path}/register.db")


@pytest.fixture
def pg_store(postgres_url: str) -> Iterator[Store]:
    """A migrated PostgreSQL store in a throw-away schema."""
    with postgres_schema(postgres_url, "f") as url:
        st = open_store(url)
        try:
            yield st
        finally:
            st.engine.dispose()
