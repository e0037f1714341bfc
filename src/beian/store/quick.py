"""Recording a run into a SQLite store already at the newest migration, with ``sqlite3`` alone.

Importing SQLAlchemy, the table mappings and Alembic to check and write one run row and a few
hundred example rows costs a corpus command about half a CPU-second, more than scanning tens
of megabytes. When the store is a SQLite file whose ``alembic_version`` already names the
newest migration shipped with beian, :class:`QuickStore` writes the same rows (``runs``,
``items``, ``findings``) the ORM would, in the same representation (UTC timestamps as
SQLAlchemy writes them on SQLite, JSON through ``json.dumps``), with the same connection
pragmas. Any other store (an older file, PostgreSQL) takes the full path:
:func:`beian.store.open_store`, which migrates; a new file too, unless it is created from the
template below. tests/store/test_quick.py records one summary both ways and reads both back
through the ORM.

The newest migration is read from the ``revision``/``down_revision`` lines of the shipped
migration files (the revision no other file revises), so it cannot go stale; a test checks it
against Alembic's own answer.

A corpus command whose store does not exist yet (a new ``--out``) copies :data:`TEMPLATE`, the
empty store at head as the migrations create it (``scripts/build_store_template.py``), instead
of paying ~0.4 CPU-s for SQLAlchemy and the migrations; tests/store/test_quick.py checks that
its schema is the migrations' and that it names the newest migration.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from beian import __version__

TEMPLATE = "head.sqlite"
"""The empty store at head, shipped in this package (see the module docstring)."""

_REVISION = re.compile(r"^(down_revision|revision)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|None)", re.M)
BUSY_TIMEOUT_S = 30.0
"""How long a write waits for another process's transaction on the same file."""


@cache
def head_revision() -> str | None:
    """The newest migration shipped with beian, from the migration files' own lines."""
    folder = resources.files("beian.store").joinpath("migrations", "versions")
    revisions: set[str] = set()
    revised: set[str] = set()
    for entry in folder.iterdir():
        if not entry.name.endswith(".py") or entry.name.startswith("__"):
            continue
        for key, double, single in _REVISION.findall(entry.read_text(encoding="utf-8")):
            value = double or single
            if value:
                (revisions if key == "revision" else revised).add(value)
    heads = revisions - revised
    return heads.pop() if len(heads) == 1 else None  # several heads: let Alembic decide


def sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite:///…`` URL (``None`` for other databases and in-memory ones)."""
    scheme, sep, rest = url.partition(":///")
    if not sep or scheme not in ("sqlite", "sqlite+pysqlite") or not rest or "?" in rest:
        return None
    return None if rest == ":memory:" else Path(rest)


def stored_revision(path: Path) -> str | None:
    """The migration a SQLite file is at, or ``None`` (no file, no version table, unreadable)."""
    if not path.is_file():
        return None
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as conn:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return None
    return str(row[0]) if row else None


def _create_from_template(path: Path) -> None:
    """Create ``path`` as a copy of :data:`TEMPLATE`, readable by its owner only (as the full
    path creates it, G-d3), unless another process creates it first: the copy is written aside
    and linked into place, which never replaces a file. Where that cannot be done (no template,
    a file system without hard links) nothing is created and the full path creates the store."""
    template = resources.files("beian.store").joinpath(TEMPLATE)
    if not template.is_file():
        return
    data = template.read_bytes()
    aside = path.with_name(f".{path.name}.{os.getpid()}.new")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with os.fdopen(os.open(aside, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600), "wb") as fh:
            fh.write(data)
        with suppress(FileExistsError):  # a concurrent first use created it: theirs is kept
            os.link(aside, path)
    except OSError:
        return
    finally:
        with suppress(OSError):
            aside.unlink()


def _now() -> str:
    # SQLAlchemy's DateTime on SQLite: the UTC wall clock, microseconds, no zone suffix
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


@dataclass(frozen=True)
class ItemRecord:
    """One item of a run with its findings (the fields of ``items`` and ``findings``)."""

    key: str
    source: str
    data: dict[str, Any]
    findings: Sequence[dict[str, Any]] = field(default_factory=tuple)
    """Each with ``risk``, ``detector``, ``score``, ``start``, ``end``, ``evidence``."""


class QuickStore:
    """A SQLite store at head, written with ``sqlite3``; see the module docstring."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def open(cls, url: str, *, create: bool = False) -> QuickStore | None:
        """The quick store of ``url``, or ``None`` when it needs the full path. ``create``: a
        SQLite file that does not exist yet is first created from :data:`TEMPLATE`."""
        path = sqlite_path(url)
        head = head_revision()
        if path is None or head is None:
            return None
        if create and not path.exists():
            _create_from_template(path)
        if stored_revision(path) != head:
            return None
        return cls(path)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)) as conn:
            # the pragmas beian.store.db sets on every SQLAlchemy connection
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            with conn:  # commit on success, roll back on error
                yield conn

    def record_run(
        self,
        kind: str,
        *,
        profile: str,
        profile_version: str,
        workspace: str,
        config: dict[str, Any],
        specs: list[dict[str, Any]],
        items: Iterable[ItemRecord],
        summary: dict[str, Any],
    ) -> str:
        """Insert a finished run with its items and findings in one transaction; its id."""
        run_id = str(uuid.uuid4())
        started = _now()
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO runs (id, kind, status, started_at, finished_at, workspace, profile,"
                " profile_version, tool_version, config, specs, summary)"
                " VALUES (?, ?, 'done', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run_id, kind, started, _now(), workspace, profile, profile_version,
                 __version__, json.dumps(config), json.dumps(specs), json.dumps(summary)),
            )  # fmt: skip
            for item in items:
                cur = conn.execute(
                    'INSERT INTO items (run_id, "key", source, sha256, text, data)'
                    " VALUES (?, ?, ?, '', NULL, ?)",
                    (run_id, item.key, item.source, json.dumps(item.data)),
                )
                conn.executemany(
                    'INSERT INTO findings (item_id, risk, detector, score, start, "end", evidence)'
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(cur.lastrowid, f["risk"], f["detector"], f["score"], f["start"], f["end"],
                      f["evidence"]) for f in item.findings],
                )  # fmt: skip
        return run_id
