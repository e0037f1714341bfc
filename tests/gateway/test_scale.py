"""What the load test (bench/gateway_load.py) led to: the start row written during the upstream
call, and a bounded, reused upstream connection pool (reliability G-f)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from beian.gateway.audit import AuditLog, Trace
from beian.gateway.config import AuditConfig
from beian.store import open_store
from beian.store.gateway_models import AuditEventRow, GatewayRequestRow
from tests.gateway.conftest import Running
from tests.gateway.helpers import ask, gateway_on, post, row
from tests.gateway.raw_upstream import Answer, Body, RawUpstream, completion, stream_of

ANSWER = "长城是中国古代的军事防御工程。它始建于春秋战国时期，全长两万多公里。"


def _decisions(gw: Running) -> list[str]:
    with gw.store.session() as s:
        return list(s.scalars(select(GatewayRequestRow.decision)))


def test_start_row_is_written_while_the_upstream_answers(
    serve: Callable[..., Running], raw: RawUpstream
) -> None:
    """The `started` row exists during the upstream call (a crash then leaves it on record)."""
    seen: list[list[str]] = []

    def answer(body: Body) -> Answer:
        time.sleep(0.5)  # the begin write (in its thread) lands meanwhile
        seen.append(_decisions(gw))
        return completion({"content": ANSWER})

    raw.answer = answer
    gw = gateway_on(serve, raw)
    resp = post(gw, ask("请介绍长城"))
    assert resp.status_code == 200
    assert seen == [["started"]]
    assert row(gw, resp.headers["x-request-id"]).decision == "allowed"


def test_begin_link_precedes_finish_for_concurrent_requests(
    serve: Callable[..., Running], raw: RawUpstream
) -> None:
    """Begin and the upstream call overlap, yet every request's `begin` is chained before its
    `finish` and the chain verifies, for plain and streamed answers."""

    def answer(body: Body) -> Answer:
        return stream_of(ANSWER) if body.get("stream") else completion({"content": ANSWER})

    raw.answer = answer
    gw = gateway_on(serve, raw)
    bodies = [ask("请介绍长城", stream=i % 2 == 1) for i in range(24)]
    with ThreadPoolExecutor(max_workers=12) as pool:
        responses = list(pool.map(lambda b: post(gw, b), bodies))
    ids = {r.headers["x-request-id"] for r in responses}
    assert all(r.status_code == 200 for r in responses)
    with gw.store.session() as s:
        links = s.execute(select(AuditEventRow.kind, AuditEventRow.request_id)).all()
    order = [(kind, rid) for kind, rid in links if rid in ids]
    for rid in ids:
        kinds = [kind for kind, r in order if r == rid]
        assert kinds[0] == "begin" and kinds[-1] == "finish", kinds
    assert gw.gateway.audit.verify().ok
    assert sorted(_decisions(gw)) == ["allowed"] * 24


@pytest.mark.parametrize("stream", [False, True])
def test_failed_start_row_fails_closed(
    serve: Callable[..., Running],
    raw: RawUpstream,
    monkeypatch: pytest.MonkeyPatch,
    stream: bool,
) -> None:
    """If the start row cannot be written, no answer text is relayed: a 500, audited."""
    raw.answer = lambda body: stream_of(ANSWER) if stream else completion({"content": ANSWER})
    gw = gateway_on(serve, raw)

    def broken(self: AuditLog, trace: Trace) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(AuditLog, "begin", broken)
    resp = post(gw, ask("请介绍长城", stream=stream))
    assert resp.status_code == 500
    assert "长城" not in resp.text
    assert row(gw, resp.headers["x-request-id"]).decision == "error"


def _counting(raw: RawUpstream, delay: float) -> tuple[set[str], list[int]]:
    """Make ``raw`` record its connection threads (one per TCP connection) and the most calls
    it had in flight at once."""
    threads: set[str] = set()
    busy = [0, 0]  # now, most
    lock = threading.Lock()

    def answer(body: Body) -> Answer:
        with lock:
            threads.add(threading.current_thread().name)
            busy[0] += 1
            busy[1] = max(busy)
        time.sleep(delay)
        with lock:
            busy[0] -= 1
        return completion({"content": ANSWER})

    raw.answer = answer
    return threads, busy


def test_upstream_connections_are_bounded(serve: Callable[..., Running], raw: RawUpstream) -> None:
    """Beyond `max_connections` calls wait for a free connection instead of opening more."""
    _, busy = _counting(raw, 0.2)
    gw = serve(upstream={"base_url": raw.base_url, "max_connections": 2})
    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(lambda _: post(gw, ask("请介绍长城")), range(8)))
    assert [r.status_code for r in responses] == [200] * 8
    assert busy[1] == 2


@pytest.mark.parametrize(("keepalive", "connections"), [(None, 1), (0, 5)])
def test_upstream_connections_are_reused(
    serve: Callable[..., Running], raw: RawUpstream, keepalive: int | None, connections: int
) -> None:
    """Sequential calls share one kept-alive connection; with keep-alive off, one each."""
    threads, _ = _counting(raw, 0.0)
    upstream: dict[str, object] = {"base_url": raw.base_url}
    if keepalive is not None:
        upstream["keepalive_connections"] = keepalive
    gw = serve(upstream=upstream)
    with httpx.Client(timeout=30) as client:
        for _ in range(5):
            resp = client.post(gw.url + "/v1/chat/completions", json=ask("请介绍长城"))
            assert resp.status_code == 200
    assert len(threads) == connections


def test_progress_is_due_only_when_a_link_would_be_written(tmp_path: Path) -> None:
    """The relay asks on the event loop for every streamed chunk; only a due link costs a
    thread hand-off and a chained write (the load test found one per chunk before)."""
    log = AuditLog(open_store(f"sqlite:///{tmp_path}/a.db"), AuditConfig(progress_seconds=60))
    trace = Trace()
    assert not log.progress_due(trace, 5)  # not begun: nothing to attach a link to
    log.begin(trace)
    assert not log.progress_due(trace, 0)  # nothing released yet
    assert log.progress_due(trace, 5)
    assert log.progress(trace, "长城是中国")
    assert not log.progress_due(trace, 9)  # within progress_seconds
    assert not log.progress(trace, "长城是中国古代的军")
    assert log.progress(trace, "长城是中国古代的军", force=True)
    log.finish(trace)
    assert not log.progress_due(trace, 20)
    with log.store.session() as s:
        kinds = list(s.scalars(select(AuditEventRow.kind).order_by(AuditEventRow.seq)))
    assert kinds == ["begin", "progress", "progress", "finish"]
