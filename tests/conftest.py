"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """The read-only ../shared folder (datasets, bench data) beside the repository."""
    env = os.environ.get("BEIAN_SHARED")
    return Path(env) if env else (REPO.parent / "shared")


@pytest.fixture
def shared() -> Path:
    """Path of ../shared; fails (not skips) when it is missing, since CI always has it."""
    path = shared_dir()
    assert path.is_dir(), f"shared data folder not found at {path} (set BEIAN_SHARED)"
    return path


@pytest.fixture
def user_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the user's data directory (where the demo workspace lives) at a temp folder."""
    home = tmp_path / "xdg-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    yield home / "beian"


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """URL of a PostgreSQL server for store tests.

    CI starts Debian's postgresql on loopback and sets BEIAN_TEST_POSTGRES_URL; there the tests
    must run, so a missing URL under CI is a failure, elsewhere a skip.
    """
    url = os.environ.get("BEIAN_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI=true but BEIAN_TEST_POSTGRES_URL is not set")
        pytest.skip("no PostgreSQL server (set BEIAN_TEST_POSTGRES_URL)")
    return url
