"""The quick store: a corpus run written with sqlite3 reads back through the ORM exactly as one
written through SQLAlchemy, and only a SQLite store already at head takes that path."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.conftest import sqlite_or_postgres_url

from beian.records import ComponentSpec
from beian.scan.summary_model import ScanSummary
from beian.standard import load_profile
from beian.store import FindingRow, ItemRow, RunRow, Store, open_store
from beian.store.db import head_revision as alembic_head
from beian.store.quick import QuickStore, head_revision, sqlite_path, stored_revision


def _summary() -> ScanSummary:
    finding = {"risk": "A.1.f", "detector": "keyword", "score": 0.9, "start": 3, "end": 5,
               "evidence": "赌博", "why": "term"}  # fmt: skip
    examples = [
        {"source": "网页", "id": "d1", "file": "a.jsonl", "position": 7, "risks": ["A.1.f"],
         "findings": [finding, {**finding, "start": None, "end": None, "detector": "harm"}]},
        {"source": "网页", "id": "d1", "file": "b.jsonl", "position": 1, "risks": ["A.2.a"],
         "findings": []},
    ]  # fmt: skip
    return ScanSummary.load(
        {"profile": "tc260", "items": 2, "pass": True, "ratio": 0.5,
         "sources": [{"name": "网页", "examples": examples}]}
    )  # fmt: skip


def _rows(store: Store, run_id: str) -> tuple[dict[str, Any], list[Any]]:
    with store.session() as s:
        run = s.get(RunRow, run_id)
        assert run is not None
        head = {k: getattr(run, k) for k in ("kind", "status", "workspace", "profile",
                "profile_version", "tool_version", "config", "specs", "summary")}  # fmt: skip
        assert run.finished_at is not None and run.started_at <= run.finished_at
        items = s.scalars(select(ItemRow).where(ItemRow.run_id == run_id).order_by(ItemRow.id))
        body = [
            (i.key, i.source, i.sha256, i.text, i.data,
             [(f.risk, f.detector, f.score, f.start, f.end, f.evidence) for f in i.findings])
            for i in items
        ]  # fmt: skip
    return head, body


def test_head_from_the_migration_files_is_alembics() -> None:
    assert head_revision() is not None
    assert head_revision() == alembic_head()


def test_a_run_written_quickly_reads_back_like_one_written_by_the_orm(tmp_path: Path) -> None:
    from beian.scan.record import ASSESS_KIND, record_scan

    url = f"sqlite:///{tmp_path / 'beian.db'}"
    store = open_store(url)  # creates and migrates: the full path
    quick = QuickStore.open(url)
    assert quick is not None
    profile = load_profile()
    kwargs: dict[str, Any] = {
        "workspace": "/ws",
        "config": {"out": "出"},
        "specs": [ComponentSpec(kind="detector", name="keyword", version="1")],
    }
    slow_id = record_scan(store, ASSESS_KIND, _summary(), profile, **kwargs)
    quick_id = record_scan(quick, ASSESS_KIND, _summary(), profile, **kwargs)
    slow, quick_rows = _rows(store, slow_id), _rows(store, quick_id)
    assert quick_rows == slow
    assert len(slow[1]) == 2 and len(slow[1][0][5]) == 2  # both examples, both findings
    assert store.latest_run(ASSESS_KIND) is not None
    with store.session() as s:  # the foreign keys hold: deleting the run cascades
        s.delete(s.get(RunRow, quick_id))
    with store.session() as s:
        left = s.scalars(select(FindingRow)).all()
        assert len(left) == 2  # only the ORM-written run's findings remain


def test_only_a_sqlite_file_at_head_is_quick(tmp_path: Path) -> None:
    db = tmp_path / "beian.db"
    url = f"sqlite:///{db}"
    assert QuickStore.open(url) is None  # no file yet: it must be created and migrated
    open_store(url)
    assert stored_revision(db) == head_revision()
    assert QuickStore.open(url) is not None
    with sqlite3.connect(db) as conn:  # an older store must be migrated first
        conn.execute("UPDATE alembic_version SET version_num = '0006_registry'")
    assert QuickStore.open(url) is None
    assert QuickStore.open("sqlite://") is None
    assert QuickStore.open("postgresql://u@localhost/db") is None
    assert sqlite_path(f"sqlite:///{db}?mode=ro") is None


def _python(code: str) -> list[str]:
    r = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=False
    )
    assert r.returncode == 0, r.stderr
    return list(json.loads(r.stdout.strip().splitlines()[-1]))


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from sqlite_or_postgres_url(request, tmp_path / "beian.db")


def test_opening_a_store_at_head_imports_no_alembic(store_url: str) -> None:
    url = store_url
    assert open_store(url).revision() == head_revision()  # created and migrated
    assert open_store(url).revision() == head_revision()  # found at head
    code = f"""
        import json, sys
        from beian.store import open_store
        open_store({url!r})
        print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako'))))
    """
    assert _python(code) == []


@pytest.mark.parametrize("command", ["assess", "filter"])
def test_a_corpus_run_into_a_new_store_or_one_at_head_imports_no_sqlalchemy(
    tmp_path: Path, command: str
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.jsonl").write_text('{"text": "你好"}\n{"text": "加我薇信 xx123 日结兼职"}\n')
    (corpus / "manifest.yaml").write_text(
        "sources:\n  - {name: s, type: open-source, languages: [zh], modality: text,\n"
        "     origin: domestic, licence: 'https://opensource.org/license/mit', files: [a.jsonl]}\n"
    )
    out = tmp_path / "out"
    args = ["corpus", command, str(corpus / "manifest.yaml"), "--out", str(out), "-j", "1",
            "-d", "keyword,solicit", "--restart", "--json"]  # fmt: skip
    code = f"""
        import contextlib, io, json, sys
        from beian.cli.main import run
        with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
            run({args!r})
        print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules
                                  if m.split('.')[0] in ('sqlalchemy', 'alembic')}})))
    """
    assert _python(code) == []  # first run: the store is created from the shipped template
    assert _python(code) == []  # then at head: written with sqlite3
    store = open_store(f"sqlite:///{out / 'beian.db'}")
    with store.session() as s:
        runs = s.scalars(select(RunRow).order_by(RunRow.started_at)).all()
        assert [r.status for r in runs] == ["done", "done"]
        key = "items" if command == "assess" else "input"
        assert runs[0].summary[key] == runs[1].summary[key] == 2
        assert runs[0].specs == runs[1].specs and runs[0].kind == runs[1].kind


def _schema(db: Path) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]], list[str]]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        schema = conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
        version = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        filled = [t for t in tables if t != "alembic_version" and conn.execute(
            f'SELECT count(*) FROM "{t}"').fetchone()[0]]  # fmt: skip
    return schema, version, filled


def test_the_shipped_empty_store_is_what_the_migrations_create(tmp_path: Path) -> None:
    # After a new migration: python scripts/build_store_template.py
    from importlib import resources

    from beian.store.quick import TEMPLATE

    migrated = tmp_path / "migrated.db"
    open_store(f"sqlite:///{migrated}").engine.dispose()
    template = tmp_path / "template.db"
    template.write_bytes(resources.files("beian.store").joinpath(TEMPLATE).read_bytes())
    schema, version, filled = _schema(template)
    assert version == [(head_revision(),)], "regenerate: python scripts/build_store_template.py"
    assert (schema, version) == _schema(migrated)[:2]
    assert filled == []


def test_a_new_store_is_created_from_the_template_and_reads_back_through_the_orm(
    tmp_path: Path,
) -> None:
    from beian.scan.record import ASSESS_KIND, record_scan

    db = tmp_path / "new" / "beian.db"
    url = f"sqlite:///{db}"
    assert QuickStore.open(url) is None and not db.exists()  # not asked to create
    quick = QuickStore.open(url, create=True)
    assert quick is not None and stored_revision(db) == head_revision()
    assert db.stat().st_mode & 0o777 == 0o600  # as the full path creates it (G-d3)
    assert not list(db.parent.glob(".*"))  # the copy written aside is gone
    kwargs: dict[str, Any] = {"workspace": "/ws", "config": {}, "specs": []}
    run_id = record_scan(quick, ASSESS_KIND, _summary(), load_profile(), **kwargs)
    store = open_store(url)  # at head: no migration
    assert len(_rows(store, run_id)[1]) == 2
    before = db.read_bytes()
    assert QuickStore.open(url, create=True) is not None  # an existing file is never replaced
    assert db.read_bytes() == before
