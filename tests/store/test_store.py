from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select
from tests.conftest import postgres_schema

from beian.errors import ConfigError
from beian.store import FindingRow, ItemRow, RunRow, Store, VerdictRow, open_store
from beian.store.db import head_revision
from beian.store.models import Base


def _exercise(store: Store) -> None:
    run_id = store.start_run(
        "corpus", profile="tc260-003-2024", profile_version="x", config={"a": "语料"}
    )
    with store.session() as s:
        item = ItemRow(
            run_id=run_id, key="doc-1", source="src", sha256="0" * 64, text="你好", data={}
        )
        s.add(item)
        s.flush()
        s.add(
            FindingRow(
                item_id=item.id,
                risk="A.1.f",
                detector="keyword",
                score=0.9,
                start=0,
                end=2,
                evidence="x",
            )
        )
        s.add(
            VerdictRow(
                item_id=item.id,
                method="manual",
                verdict="unqualified",
                reviewer="张三",
                note="",
                created_at=datetime.now(UTC),
                data={},
            )
        )
    store.finish_run(run_id, {"items": 1})
    latest = store.latest_run("corpus")
    assert latest is not None and latest.id == run_id and latest.summary == {"items": 1}
    assert latest.config == {"a": "语料"}
    with store.session() as s:
        found = s.scalars(select(FindingRow).where(FindingRow.risk == "A.1.f")).all()
        assert [f.evidence for f in found] == ["x"]
        item = s.scalars(select(ItemRow).where(ItemRow.run_id == run_id)).one()
        assert item.verdicts[0].reviewer == "张三"
        s.delete(s.get(RunRow, run_id))
    with store.session() as s:  # cascades remove the items, findings and verdicts
        assert s.scalars(select(FindingRow)).all() == []
        assert s.scalars(select(VerdictRow)).all() == []


def test_sqlite_store_roundtrip(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/sub/beian.db")
    assert store.revision() == head_revision()
    _exercise(store)


def test_reopen_is_idempotent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/b.db"
    open_store(url).start_run("assess", profile="p", profile_version="1")
    store = open_store(url)
    with store.session() as s:
        assert len(s.scalars(select(RunRow)).all()) == 1


def test_migrations_match_models(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/m.db")
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_unknown_run_cannot_finish(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/c.db")
    with pytest.raises(KeyError):
        store.finish_run("nope", {})


def test_bad_url_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="not a valid database URL"):
        open_store("this is not a url")


def test_unreachable_postgres_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="cannot open store"):
        open_store("postgresql://nobody@127.0.0.1:1/none")


@pytest.mark.postgres
def test_postgres_store_roundtrip(postgres_url: str) -> None:
    with postgres_schema(postgres_url) as url:
        store = open_store(url)
        assert store.revision() == head_revision()
        _exercise(store)
        with store.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == []
        store.engine.dispose()


def _scan_runs(store: Store) -> dict[str, str]:
    ids = {}
    for name, sha in (("old", "a" * 64), ("other", "b" * 64), ("new", "a" * 64)):
        ids[name] = store.start_run("corpus-assess", profile="p", profile_version="1")
        store.finish_run(ids[name], {"manifest_sha256": sha, "items": 1})
    broken = store.start_run("corpus-assess", profile="p", profile_version="1")
    store.finish_run(broken, {"manifest_sha256": "a" * 64}, status="failed")
    store.finish_run(store.start_run("corpus-assess", profile="p", profile_version="1"), {})
    return ids


def _check_latest_on_register(store: Store) -> None:
    ids = _scan_runs(store)
    run = store.latest_run("corpus-assess", manifest_sha256="a" * 64)
    assert run is not None and run.id == ids["new"]  # newest finished on that register
    run = store.latest_run("corpus-assess", manifest_sha256="b" * 64)
    assert run is not None and run.id == ids["other"]
    assert store.latest_run("corpus-assess", manifest_sha256="c" * 64) is None
    found = store.get_run(ids["old"])
    assert found is not None and found.summary["items"] == 1
    assert store.get_run("no-such-run") is None


def test_latest_run_on_a_register_version_sqlite(tmp_path: Path) -> None:
    _check_latest_on_register(open_store(f"sqlite:///{tmp_path / 'runs.db'}"))


@pytest.mark.postgres
def test_latest_run_on_a_register_version_postgres(postgres_url: str) -> None:
    with postgres_schema(postgres_url) as url:
        _check_latest_on_register(open_store(url))
