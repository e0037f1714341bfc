"""The hash-chained audit log: tampering is detected (G-e2), pruning keeps it verifiable,
concurrent writers (threads, processes; SQLite and PostgreSQL) keep one unbroken chain."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from beian.cli import main
from beian.gateway.audit import AuditLog, Trace
from beian.gateway.config import AuditConfig
from beian.gateway.keys import KeyStore
from beian.gateway.verify import Anchor
from beian.store import Store, open_store
from beian.store.gateway_models import AuditEventRow, GatewayRequestRow
from tests.conftest import sqlite_or_postgres_url
from tests.gateway.conftest import BENIGN_ANSWER, HARMFUL_INPUT, Running
from tests.gateway.upstream import StreamingOpenAIServer

Tamper = Callable[[Store, list[Trace]], None]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh SQLite file, or a fresh schema on BEIAN_TEST_POSTGRES_URL."""
    yield from sqlite_or_postgres_url(request, tmp_path / "chain.db")


def _populate(store: Store) -> list[Trace]:
    """A key, three finished requests, a streamed one with progress, one still in flight."""
    log = AuditLog(store, AuditConfig(progress_seconds=0, store_text=True))
    KeyStore(store).create("alice")
    traces = []
    for i, decision in enumerate(["allowed", "blocked_input", "blocked_input"]):
        trace = Trace(user_id=f"u{i}", input_text=f"问题 {i}", decision=decision)
        trace.data["input_findings"] = [{"risk": "A.1.a", "span": [0, 2], "score": 0.91}]
        log.finish(trace)
        traces.append(trace)
    stream = Trace(route="chat.stream", user_id="alice/bob", input_text="请介绍长城")
    log.begin(stream)
    log.progress(stream, "长城是")
    stream.output_text = "长城是中国古代的工程。"
    log.finish(stream)
    in_flight = Trace(route="chat.stream", user_id="alice")
    log.begin(in_flight)
    log.progress(in_flight, "部分")
    return [*traces, stream, in_flight]


def _exec(store: Store, sql: str, **params: object) -> None:
    with store.engine.begin() as conn:
        conn.execute(text(sql), params)


def _edit_row(store: Store, traces: list[Trace]) -> None:
    _exec(
        store,
        "UPDATE gateway_requests SET decision='allowed', input_risks='[]', data='{}' WHERE id=:i",
        i=traces[1].id,
    )


def _edit_kept_text(store: Store, traces: list[Trace]) -> None:
    _exec(store, "UPDATE gateway_requests SET input_text='无害' WHERE id=:i", i=traces[2].id)


def _delete_rows(store: Store, traces: list[Trace]) -> None:
    _exec(store, "DELETE FROM gateway_requests WHERE decision='blocked_input'")


def _delete_link(store: Store, traces: list[Trace]) -> None:
    _exec(store, "DELETE FROM gateway_audit_chain WHERE seq=3")


def _reorder_links(store: Store, traces: list[Trace]) -> None:
    _exec(store, "UPDATE gateway_audit_chain SET seq=1000 WHERE seq=2")
    _exec(store, "UPDATE gateway_audit_chain SET seq=2 WHERE seq=3")
    _exec(store, "UPDATE gateway_audit_chain SET seq=3 WHERE seq=1000")


def _edit_link(store: Store, traces: list[Trace]) -> None:
    _exec(
        store,
        "UPDATE gateway_audit_chain SET payload=replace(payload, 'blocked_input', 'allowed') "
        "WHERE seq=3",
    )


def _insert_row(store: Store, traces: list[Trace]) -> None:
    with store.session() as s:
        s.add(
            GatewayRequestRow(
                id=str(uuid.uuid4()),
                created_at=datetime.now(UTC),
                user_id="forged",
                key_id="",
                route="chat",
                model="m",
                input_sha256="",
                output_sha256="",
                decision="allowed",
                input_risks=[],
                output_risks=[],
                sanction="",
                latency_ms=1.0,
                data={},
            )
        )


def _delete_first_link(store: Store, traces: list[Trace]) -> None:
    _exec(store, "DELETE FROM gateway_audit_chain WHERE seq=1")


TAMPERS: dict[str, tuple[Tamper, str]] = {
    "edit_row": (_edit_row, "link 3: request {1} was changed"),
    "edit_kept_text": (_edit_kept_text, "link 4: request {2} was changed"),
    "delete_rows": (_delete_rows, "link 3: request {1} is missing"),
    "delete_link": (_delete_link, "link 3: missing"),
    "reorder_links": (_reorder_links, "link 2: does not follow link 1"),
    "edit_link": (_edit_link, "link 3: contents do not match"),
    "insert_row": (_insert_row, "no chain link commits to it"),
    "delete_first_link": (_delete_first_link, "link 1: missing"),
}


@pytest.mark.parametrize("name", sorted(TAMPERS))
def test_G_e2_any_tampering_is_detected(store_url: str, name: str) -> None:
    """G-e2: rows could be edited or deleted undetected. Each tamper now fails verification,
    naming the first bad row."""
    store = open_store(store_url)
    traces = _populate(store)
    log = AuditLog(store, AuditConfig())
    before = log.verify()
    assert before.ok, before.problems
    assert (before.links, before.requests) == (9, 5)
    tamper, expected = TAMPERS[name]
    tamper(store, traces)
    report = log.verify()
    assert not report.ok
    assert expected.format(*[t.id for t in traces]) in report.problems[0], report.problems
    store.engine.dispose()


def test_truncated_tail_is_caught_by_an_anchor(store_url: str) -> None:
    store = open_store(store_url)
    traces = _populate(store)
    log = AuditLog(store, AuditConfig())
    head = log.verify()
    anchor = Anchor(head.head_seq, head.head_hash)
    _exec(store, "DELETE FROM gateway_audit_chain WHERE seq >= 8")
    _exec(store, "DELETE FROM gateway_requests WHERE id = :i", i=traces[-1].id)
    assert log.verify().ok  # a clean cut at the newest end is invisible from inside ...
    cut = log.verify(anchor)  # ... but not against a head written down earlier
    assert not cut.ok and "newest links were removed" in cut.problems[0]
    store.engine.dispose()


def test_G_e2_cli_verify_after_the_findings_sql(
    serve: Callable[..., Running], upstream: StreamingOpenAIServer, tmp_path: Path
) -> None:
    """G-e2 reproduction: the finding's sqlite3 UPDATE/DELETE on a served gateway's store."""
    upstream.add_rule(reply=BENIGN_ANSWER)
    gw = serve()
    client = gw.client()
    for content in ["请介绍一下长城的历史", HARMFUL_INPUT, HARMFUL_INPUT]:
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": content}])
    url = str(gw.store.engine.url)
    runner = CliRunner()
    ok = runner.invoke(main.app, ["gateway", "audit", "verify", "--store", url])
    assert ok.exit_code == 0, ok.output
    assert "Audit chain intact: 4 links" in ok.stderr
    with gw.store.session() as s:
        blocked = s.scalars(
            select(GatewayRequestRow.id).where(GatewayRequestRow.decision == "blocked_input")
        ).first()
    _exec(
        gw.store,
        "update gateway_requests set decision='allowed', input_risks='[]', data='{}' where id=:i",
        i=blocked,
    )
    _exec(
        gw.store,
        "delete from gateway_requests where id in (select id from gateway_requests "
        "where decision='blocked_input' limit 5)",
    )
    bad = runner.invoke(main.app, ["gateway", "audit", "verify", "--store", url])
    assert bad.exit_code == 1
    assert f"request {blocked} was changed after it was written" in bad.stderr
    assert "Traceback" not in bad.output


def test_prune_keeps_the_chain_verifiable(store_url: str) -> None:
    store = open_store(store_url)
    log = AuditLog(store, AuditConfig(retention_days=183))
    now = datetime.now(UTC)
    old = [Trace(started=now - timedelta(days=200 + i)) for i in range(3)]
    recent = Trace(started=now - timedelta(days=10))
    for trace in [*old, recent]:
        log.finish(trace)
    assert log.prune(now) == 3
    assert [r.id for r in log.requests()] == [recent.id]
    report = log.verify()
    assert report.ok, report.problems
    assert report.first_seq == 4 and report.links == 2  # the recent link and the checkpoint
    with store.session() as s:
        checkpoint = s.scalars(
            select(AuditEventRow).where(AuditEventRow.kind == "checkpoint")
        ).one()
    assert '"pruned_through_seq":3' in checkpoint.payload
    assert log.prune(now) == 0  # nothing older left: no new checkpoint
    _exec(store, "DELETE FROM gateway_audit_chain WHERE seq=4")
    _exec(store, f"DELETE FROM gateway_requests WHERE id='{recent.id}'")
    broken = log.verify()  # dropping more than the checkpoint says is tampering
    assert not broken.ok and broken.problems[0].startswith("link 4: missing")
    store.engine.dispose()


_WORKER = textwrap.dedent(
    """
    import sys
    from beian.gateway.audit import AuditLog, Trace
    from beian.gateway.config import AuditConfig
    from beian.store import open_store
    log = AuditLog(open_store(sys.argv[1], migrate=False), AuditConfig(progress_seconds=0))
    for i in range(int(sys.argv[2])):
        t = Trace(user_id=f"w{sys.argv[3]}-{i}")
        log.begin(t)
        log.progress(t, "x" * (i + 1))
        log.finish(t)
    """
)


def test_concurrent_workers_keep_one_chain(store_url: str) -> None:
    """Several worker processes (and threads in each) appending at once: no fork, no gap."""
    store = open_store(store_url)
    log = AuditLog(store, AuditConfig(progress_seconds=0))
    procs = [
        subprocess.Popen([sys.executable, "-c", _WORKER, store_url, "25", str(n)]) for n in range(3)
    ]

    def local(n: int) -> None:
        for i in range(25):
            log.finish(Trace(user_id=f"t{n}-{i}"))

    threads = [threading.Thread(target=local, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    report = log.verify()
    assert report.ok, report.problems[:3]
    assert (report.links, report.requests) == (3 * 25 * 3 + 3 * 25, 3 * 25 + 3 * 25)
    assert report.head_seq == report.links
    store.engine.dispose()


def test_stream_progress_and_error_rows_are_chained(
    serve: Callable[..., Running], upstream: StreamingOpenAIServer
) -> None:
    upstream.add_rule(reply=BENIGN_ANSWER * 3)
    gw = serve(audit={"progress_seconds": 0})
    stream = gw.client().chat.completions.create(
        model="m", messages=[{"role": "user", "content": "请介绍一下长城的历史"}], stream=True
    )
    got = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
    assert BENIGN_ANSWER in got
    with gw.store.session() as s:
        kinds = list(s.scalars(select(AuditEventRow.kind).order_by(AuditEventRow.seq)))
    assert kinds[0] == "begin" and kinds[-1] == "finish" and "progress" in kinds
    bad = httpx.post(gw.url + "/v1/chat/completions", content=b"[1]")
    assert bad.status_code == 400 and bad.headers["x-request-id"]
    assert AuditLog(gw.store, AuditConfig()).verify().ok


def test_G_a2_a_failing_request_still_gets_an_id_and_a_chained_row(
    serve: Callable[..., Running],
) -> None:
    """G-a2: a lone surrogate made the detectors raise: 500, no x-request-id, no audit row.
    Whatever the screening does with it now, the answer carries an id that is on the chain."""
    gw = serve()
    body = b'{"model":"m","messages":[{"role":"user","content":"\\u6cd5\\u8f6e\\u5927\\u6cd5\\u597d\\ud800"}]}'
    resp = httpx.post(
        gw.url + "/v1/chat/completions", content=body, headers={"content-type": "application/json"}
    )
    request_id = resp.headers["x-request-id"]
    with gw.store.session() as s:
        row = s.get(GatewayRequestRow, request_id)
    assert row is not None
    if resp.status_code == 500:
        assert row.decision == "error" and row.data["error"]
        assert "unscreened" not in resp.text and "法轮" not in resp.text
    assert AuditLog(gw.store, AuditConfig()).verify().ok


def test_rows_from_before_the_chain_are_adopted(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/old.db")
    legacy = Trace(user_id="old")
    with store.session() as s:  # a row as beian wrote it before migration 0003
        s.add(GatewayRequestRow(id=legacy.id, created_at=legacy.started, user_id="old",
                                key_id="", route="chat", model="m", input_sha256="",
                                output_sha256="", decision="allowed", input_risks=[],
                                output_risks=[], sanction="", latency_ms=1.0, data={}))  # fmt: skip
    log = AuditLog(store, AuditConfig())
    assert not log.verify().ok
    assert log.adopt_unchained() == 1 and log.adopt_unchained() == 0
    assert log.verify().ok
