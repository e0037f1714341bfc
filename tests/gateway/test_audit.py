"""Audit rows, the migration, complaints, retention."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select

from beian.gateway.audit import AuditLog, Trace, sha256
from beian.gateway.config import AuditConfig
from beian.store import open_store
from beian.store.db import head_revision
from beian.store.gateway_models import ComplaintRow, GatewayRequestRow
from beian.store.models import Base
from tests.gateway.conftest import BENIGN_ANSWER, HARMFUL_INPUT, Running
from tests.gateway.upstream import StreamingOpenAIServer

PROMPT = "请介绍一下长城的历史"


def _rows(gw: Running) -> list[GatewayRequestRow]:
    with gw.store.session() as s:
        return list(s.scalars(select(GatewayRequestRow).order_by(GatewayRequestRow.created_at)))


def test_migration_0003_matches_models(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/m.db")
    assert store.revision() == head_revision()  # 0003 or a later migration on top of it
    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        tables = set(inspect(conn).get_table_names())
    assert {
        "gateway_requests",
        "gateway_complaints",
        "gateway_keys",
        "gateway_audit_chain",
    } <= tables


def test_every_decision_is_audited_hash_only_by_default(
    serve: Callable[..., Running], upstream: StreamingOpenAIServer
) -> None:
    upstream.add_rule(reply=BENIGN_ANSWER)
    gw = serve()
    client = gw.client()
    raw = client.chat.completions.with_raw_response.create(
        model="m", messages=[{"role": "user", "content": PROMPT}], user="u-1"
    )
    client.chat.completions.create(
        model="m",
        messages=[{"role": "user", "content": HARMFUL_INPUT}],
        extra_headers={"X-Beian-User": "u-2"},
    )
    allowed, blocked = _rows(gw)
    assert allowed.id == raw.headers["x-request-id"]
    assert (allowed.decision, allowed.user_id, allowed.upstream_status) == ("allowed", "u-1", 200)
    assert allowed.input_sha256 == sha256(PROMPT) and allowed.input_text is None
    assert allowed.output_sha256 == sha256(BENIGN_ANSWER) and allowed.output_text is None
    assert allowed.latency_ms > 0
    assert (blocked.decision, blocked.user_id, blocked.upstream_status) == (
        "blocked_input",
        "u-2",
        None,
    )
    assert blocked.input_risks and blocked.data["input_findings"]


def test_text_kept_when_configured_and_stream_audit(
    serve: Callable[..., Running], upstream: StreamingOpenAIServer
) -> None:
    harmful = "我们要打倒共产党，建立新政权。"
    upstream.add_rule(reply=BENIGN_ANSWER + harmful)
    gw = serve(audit={"store_text": True})
    stream = gw.client().chat.completions.create(
        model="m", messages=[{"role": "user", "content": PROMPT}], stream=True
    )
    for _ in stream:
        pass
    (row,) = _rows(gw)
    assert row.route == "chat.stream" and row.decision == "cut_stream"
    assert row.input_text == PROMPT
    assert row.output_text is not None and "打倒共产党" in row.output_text  # what upstream sent
    assert row.data["sent_chars"] <= len(BENIGN_ANSWER)  # held back: nothing harmful was sent
    assert row.data["sent_chars"] + row.data["withheld_chars"] == len(row.output_text)
    assert row.output_risks


def test_complaint_round_trip(
    serve: Callable[..., Running], upstream: StreamingOpenAIServer
) -> None:
    upstream.add_rule(reply=BENIGN_ANSWER)
    gw = serve(complaints={"handling_days": 7, "channels": {"email": "report@example.com"}})
    raw = gw.client().chat.completions.with_raw_response.create(
        model="m", messages=[{"role": "user", "content": PROMPT}]
    )
    request_id = raw.headers["x-request-id"]
    resp = httpx.post(
        gw.url + "/v1/complaints",
        json={"content": "回答有误导", "contact": "138xxxx", "request_id": request_id},
    )
    assert resp.status_code == 201
    ticket = resp.json()
    assert ticket["handling_time_limit_days"] == 7 and ticket["status"] == "open"
    assert ticket["channels"] == {"email": "report@example.com"}
    due = datetime.fromisoformat(ticket["due_at"]) - datetime.fromisoformat(ticket["created_at"])
    assert due == timedelta(days=7)
    with gw.store.session() as s:
        row = s.get(ComplaintRow, ticket["ticket_id"])
        assert row is not None and row.request_id == request_id and row.content == "回答有误导"
    status = httpx.get(f"{gw.url}/v1/complaints/{ticket['ticket_id']}").json()
    assert status["status"] == "open"
    unknown = httpx.post(gw.url + "/v1/complaints", json={"content": "x", "request_id": "nope"})
    assert unknown.status_code == 404 and "error" in unknown.json()
    empty = httpx.post(gw.url + "/v1/complaints", json={"content": ""})
    assert empty.status_code == 400


def test_prune_keeps_rows_within_retention(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/p.db")
    log = AuditLog(store, AuditConfig(retention_days=183))
    now = datetime.now(UTC)
    old, recent = Trace(started=now - timedelta(days=200)), Trace(started=now - timedelta(days=100))
    log.write(old)
    log.write(recent)
    assert log.prune(now) == 1
    assert [r.id for r in log.requests()] == [recent.id]
    assert AuditLog(store, AuditConfig(retention_days=None)).prune(now) == 0
