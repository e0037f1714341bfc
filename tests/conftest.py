"""Fixtures shared by the whole suite."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# Compiled libraries built from the tests' temporary files would pile up in the user's
# ~/.cache/beian: the suite (and the CLI subprocesses it starts) caches in a folder of its own.
if "BEIAN_CACHE_DIR" not in os.environ:
    _cache = tempfile.mkdtemp(prefix="beian-test-cache-")
    os.environ["BEIAN_CACHE_DIR"] = _cache
    atexit.register(shutil.rmtree, _cache, True)

SHARED_REASON = "needs ../shared/data (set BEIAN_SHARED); CI makes this mandatory"
"""Why a test that reads ../shared did not run; CI sets BEIAN_REQUIRE_SHARED=1 so it cannot skip."""


def shared_dir() -> Path:
    """The read-only ../shared folder (datasets, bench data) beside the repository; may be absent."""
    env = os.environ.get("BEIAN_SHARED")
    return Path(env) if env else (REPO.parent / "shared")


def require_shared(*parts: str) -> Path:
    """``shared_dir() / parts``, or skip the calling test when it is missing.

    The one gate for ../shared: a fresh clone has no ../shared and must still pass, while CI
    (``BEIAN_REQUIRE_SHARED=1``) must not lose these tests to a silent skip, so there it fails.
    """
    __tracebackhide__ = True  # report the skip at the test that asked, not at this line
    base = shared_dir()
    wanted = base.joinpath(*parts) if parts else base / "data"
    if not wanted.exists():
        message = f"{SHARED_REASON}: {wanted} not found"
        if os.environ.get("BEIAN_REQUIRE_SHARED") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return base.joinpath(*parts)


def pytest_report_header() -> str:
    """Say up front whether the ../shared tests will run, so a run of skips is not a surprise."""
    data = shared_dir() / "data"
    required = os.environ.get("BEIAN_REQUIRE_SHARED") == "1"
    state = (
        "present"
        if data.is_dir()
        else ("MISSING (tests fail)" if required else "absent (tests skip)")
    )
    return f"shared data: {data} {state}"


@pytest.fixture
def shared() -> Path:
    """Path of ../shared (with its data/ folder); skips, or fails under BEIAN_REQUIRE_SHARED=1."""
    return require_shared()


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


@contextmanager
def postgres_schema(base_url: str, prefix: str = "t") -> Iterator[str]:
    """A store URL on ``base_url`` whose tables live in a fresh schema, dropped afterwards."""
    from sqlalchemy import create_engine, text

    schema = prefix + uuid.uuid4().hex[:10]
    admin = create_engine(base_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in base_url else "?"
    try:
        yield f"{base_url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def sqlite_or_postgres_url(request: pytest.FixtureRequest, sqlite_file: Path) -> Iterator[str]:
    """For a fixture parametrized ``sqlite``/``postgres``: a fresh SQLite file, or a fresh schema
    on BEIAN_TEST_POSTGRES_URL (``yield from`` it)."""
    if request.param == "sqlite":
        yield f"sqlite:///{sqlite_file}"
        return
    with postgres_schema(request.getfixturevalue("postgres_url")) as url:
        yield url
