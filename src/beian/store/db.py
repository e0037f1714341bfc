"""Opening a store: connect, migrate with Alembic to head, hand out sessions."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext, suppress
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, select, text
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from beian import __version__
from beian.errors import ConfigError, MissingExtraError
from beian.store import register_tables
from beian.store.models import RunRow
from beian.store.quick import head_revision as shipped_head

if TYPE_CHECKING:
    from alembic.config import Config

register_tables()  # a Store maps every table of the schema, whoever imports this module first


def _alembic_config(url: str) -> Config:
    # Alembic (and Mako, Pygments) load only to migrate or inspect: a store already at head is
    # recognised by its version row (see _at_head).
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("beian.store") / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        # With WAL, NORMAL still survives a killed process (kill -9 mid-run keeps every
        # committed row); only an OS crash can lose the last transactions. It makes the
        # per-answer commits of durable runs several times cheaper.
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()


def _engine(url: str) -> Engine:
    if url.startswith("postgresql") and "+" not in url.split("://", 1)[0]:
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        engine = create_engine(url, future=True)
    except ArgumentError:
        raise ConfigError(f"store URL {url!r} is not a valid database URL") from None
    except ModuleNotFoundError as exc:
        raise MissingExtraError(exc.name or "psycopg", "postgres") from None
    if engine.dialect.name == "sqlite":
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            _create_private(Path(path))
        _sqlite_pragmas(engine)
    return engine


def _create_private(path: Path) -> None:
    """Create a new SQLite file readable by its owner only (0600): it holds audit data and
    key digests (G-d3). SQLite gives its -wal/-shm files the same mode. Existing files keep
    their mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


class Store:
    """A migrated database with helpers to record runs."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed on success and rolled back on error."""
        with self._sessions() as s, s.begin():
            yield s

    def revision(self) -> str | None:
        """The Alembic revision the database is at."""
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def start_run(
        self,
        kind: str,
        *,
        profile: str,
        profile_version: str,
        workspace: str = "",
        config: dict[str, Any] | None = None,
        specs: list[dict[str, Any]] | None = None,
        run_id: str | None = None,
    ) -> str:
        """Insert a run in state ``running`` and return its id (``run_id``, else a UUID); an
        id already taken raises ``sqlalchemy.exc.IntegrityError``."""
        run_id = run_id or str(uuid.uuid4())
        with self.session() as s:
            s.add(
                RunRow(
                    id=run_id,
                    kind=kind,
                    status="running",
                    started_at=datetime.now(UTC),
                    workspace=workspace,
                    profile=profile,
                    profile_version=profile_version,
                    tool_version=__version__,
                    config=config or {},
                    specs=specs or [],
                    summary={},
                )
            )
        return run_id

    def finish_run(self, run_id: str, summary: dict[str, Any], status: str = "done") -> None:
        """Record a run's summary and final status."""
        with self.session() as s:
            run = s.get(RunRow, run_id)
            if run is None:
                raise KeyError(run_id)
            run.summary = summary
            run.status = status
            run.finished_at = datetime.now(UTC)

    def latest_run(
        self, kind: str, status: str = "done", *, manifest_sha256: str | None = None
    ) -> RunRow | None:
        """The most recent finished run of ``kind``, if any; with ``manifest_sha256``, the most
        recent one made on that version of the sources register (a corpus run is evidence for
        the register it read, not for a later edit of it)."""
        with self.session() as s:
            stmt = select(RunRow).where(RunRow.kind == kind, RunRow.status == status)
            if manifest_sha256 is not None:
                on = RunRow.summary["manifest_sha256"].as_string() == manifest_sha256
                stmt = stmt.where(on)
            return s.scalars(stmt.order_by(RunRow.started_at.desc()).limit(1)).first()

    def get_run(self, run_id: str) -> RunRow | None:
        """The run ``run_id``, if the store holds it."""
        with self.session() as s:
            return s.get(RunRow, run_id)


def head_revision() -> str | None:
    """The newest migration shipped with this version of beian."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config("sqlite://")).get_current_head()


MIGRATION_LOCK_KEY = 0x6265_6961_6E00
"""PostgreSQL advisory lock key held while migrating ("beian" in hex)."""


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive ``flock`` on ``path`` (created if needed), released on exit or death."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        yield


def _sqlite_file(engine: Engine) -> Path | None:
    name = engine.url.database
    return Path(name) if engine.dialect.name == "sqlite" and name and name != ":memory:" else None


def _migrate(engine: Engine, url: str) -> None:
    """Bring the schema to head, one process at a time (S1).

    Concurrent first uses of a store all saw no version table and all created it ("table
    alembic_version already exists"). PostgreSQL serialises them with an advisory lock taken
    in the migration's transaction; SQLite (one file, one machine) with a lock file beside
    the database. The second process then finds the schema at head and does nothing.
    """
    from alembic import command

    cfg = _alembic_config(url)
    db_file = _sqlite_file(engine)
    lock = _file_lock(db_file.with_name(db_file.name + ".migrate-lock")) if db_file else None
    with lock if lock is not None else nullcontext(), engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def _at_head(engine: Engine) -> bool:
    """Whether the schema is already at the newest shipped migration (no Alembic import).

    Read in its own connection: on PostgreSQL a missing version table aborts the transaction
    it is queried in. Migrations only move forward, so a store found at head stays there.
    """
    head = shipped_head()
    if head is None:
        return False
    try:
        with engine.connect() as conn:
            found = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError:  # no version table yet, or not readable: let Alembic decide
        return False
    return found == head


def open_store(url: str, *, migrate: bool = True) -> Store:
    """Connect to ``url`` and bring the schema to the newest migration."""
    engine = _engine(url)
    if migrate and not _at_head(engine):
        try:
            _migrate(engine, url)
        except OperationalError as exc:
            raise ConfigError(f"cannot open store {url!r}: {exc.orig}") from None
    return Store(engine)
