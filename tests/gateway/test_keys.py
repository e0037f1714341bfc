"""Gateway keys, identity and small exposures: findings G-d1, G-d2, G-d3 (reliability.md §4)."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event, select

from beian.errors import ConfigError
from beian.gateway.config import GatewayConfig
from beian.gateway.keys import KeyStore
from beian.store import open_store
from beian.store.gateway_models import GatewayKeyRow, GatewayRequestRow
from tests.gateway.conftest import BENIGN_ANSWER, Running
from tests.gateway.upstream import StreamingOpenAIServer

HARMFUL = "法轮大法好"  # the finding's request
BENIGN = "你好"


def _chat(
    gw: Running, content: str, key: str | None = None, user: str | None = None
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    if user is not None:
        headers["X-Beian-User"] = user
    body: dict[str, Any] = {"model": "m", "messages": [{"role": "user", "content": content}]}
    return httpx.post(gw.url + "/v1/chat/completions", json=body, headers=headers, timeout=30)


def _keys(gw: Running) -> KeyStore:
    return KeyStore(gw.store)


def test_G_d2_unauthenticated_refused_and_provider_key_only_for_key_holders(
    serve: Callable[..., Running], upstream: StreamingOpenAIServer
) -> None:
    """G-d2: no Authorization used to be relayed with the provider key; now 401, no upstream."""
    upstream.add_rule(reply=BENIGN_ANSWER)
    gw = serve(
        auth={"mode": "keys"},
        upstream={"base_url": upstream.base_url, "api_key_env": "UPKEY"},
        env={"UPKEY": "sk-provider-secret"},
    )
    missing = _chat(gw, BENIGN)
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    assert missing.json()["error"]["code"] == "invalid_api_key"
    assert _chat(gw, BENIGN, key="bk_forged_0000").status_code == 401
    assert httpx.get(gw.url + "/v1/models").status_code == 401
    assert upstream.chat_requests() == []  # nothing reached the upstream
    key = _keys(gw).create("app-1").secret
    ok = _chat(gw, BENIGN, key=key)
    assert ok.status_code == 200
    (sent,) = upstream.chat_requests()
    assert sent.headers["authorization"] == "Bearer sk-provider-secret"
    assert key not in str(sent.headers)  # the gateway key never travels upstream


def test_G_d2_open_mode_cannot_lend_the_provider_key() -> None:
    with pytest.raises(ValueError, match="api_key_env"):
        GatewayConfig.model_validate(
            {"auth": {"mode": "open"}, "upstream": {"base_url": "http://x/v1", "api_key_env": "K"}}
        )


def test_keys_are_stored_hashed_and_revocable(serve: Callable[..., Running]) -> None:
    gw = serve(auth={"mode": "keys", "cache_seconds": 0})
    issued = _keys(gw).create("alice", "ci bot")
    with gw.store.session() as s:
        (row,) = s.scalars(select(GatewayKeyRow))
    assert issued.secret.startswith("bk_" + issued.key_id)
    assert row.user_id == "alice" and issued.secret not in (row.key_sha256, row.id, row.name)
    assert _chat(gw, BENIGN, key=issued.secret).status_code == 200
    assert _keys(gw).revoke(issued.key_id) and not _keys(gw).revoke(issued.key_id)
    assert _chat(gw, BENIGN, key=issued.secret).status_code == 401
    with pytest.raises(ConfigError, match="no '/'"):
        _keys(gw).create("a/b")


def test_G_d1_end_user_header_cannot_evade_or_frame(
    serve: Callable[..., Running], upstream: StreamingOpenAIServer
) -> None:
    """G-d1: three blocked requests naming 'victim-42' suspended the victim, and rotating the
    header evaded suspension. Now the header names an end user under the caller's key."""
    upstream.add_rule(reply=BENIGN_ANSWER)
    gw = serve(auth={"mode": "keys"}, sanctions={"mode": "enforce"})
    attacker = _keys(gw).create("mallory").secret
    victim = _keys(gw).create("victim-42").secret
    for i in range(3):  # rotating end users under one key
        assert _chat(gw, HARMFUL, key=attacker, user=f"attacker-{i}").status_code == 200
    fresh = _chat(gw, BENIGN, key=attacker, user="attacker-99")
    assert fresh.status_code == 403 and fresh.json()["error"]["code"] == "user_suspended"
    assert _chat(gw, BENIGN, key=attacker).status_code == 403  # no header: still the key user
    for _ in range(3):  # naming the victim from the attacker's key frames nobody
        _chat(gw, HARMFUL, key=attacker, user="victim-42")
    assert _chat(gw, BENIGN, key=victim, user="victim-42").status_code == 200
    assert _chat(gw, BENIGN, key=victim).status_code == 200
    with gw.store.session() as s:
        rows = list(s.scalars(select(GatewayRequestRow).order_by(GatewayRequestRow.created_at)))
    assert rows[0].user_id == "mallory/attacker-0" and rows[0].key_id
    assert {r.user_id.split("/")[0] for r in rows if r.key_id == rows[0].key_id} == {"mallory"}


def test_end_user_under_a_key_is_suspended_alone(serve: Callable[..., Running]) -> None:
    gw = serve(
        auth={"mode": "keys"},
        sanctions={"mode": "enforce", "consecutive": 2, "key_consecutive": 10, "key_daily": 10},
    )
    platform = _keys(gw).create("platform").secret
    _chat(gw, HARMFUL, key=platform, user="u1")
    _chat(gw, HARMFUL, key=platform, user="u1")
    assert _chat(gw, BENIGN, key=platform, user="u1").status_code == 403
    assert _chat(gw, BENIGN, key=platform, user="u2").status_code == 200


def test_rate_limit_per_key(serve: Callable[..., Running], upstream: StreamingOpenAIServer) -> None:
    upstream.add_rule(reply=BENIGN_ANSWER)
    gw = serve(auth={"mode": "keys", "requests_per_minute": 100})
    slow = _keys(gw).create("slow", requests_per_minute=2).secret
    other = _keys(gw).create("other").secret
    assert [_chat(gw, BENIGN, key=slow).status_code for _ in range(2)] == [200, 200]
    limited = _chat(gw, BENIGN, key=slow)
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert limited.json()["error"]["type"] == "rate_limit_error"
    assert _chat(gw, BENIGN, key=other).status_code == 200


def test_G_d3_healthz_reveals_nothing(
    serve: Callable[..., Running], upstream: StreamingOpenAIServer
) -> None:
    """G-d3: /healthz returned the upstream base URL."""
    gw = serve(auth={"mode": "keys"})
    health = httpx.get(gw.url + "/healthz")
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    assert "127.0.0.1" not in health.text and upstream.base_url not in health.text


def test_G_d3_sqlite_store_is_private(tmp_path: Path) -> None:
    """G-d3: the SQLite audit store was created 0644 (world-readable)."""
    store = open_store(f"sqlite:///{tmp_path}/new/gw.db")
    store.engine.dispose()
    mode = stat.S_IMODE(os.stat(tmp_path / "new" / "gw.db").st_mode)
    assert mode == 0o600


def test_G_d3_complaint_lookup_by_key_and_intake_limited(serve: Callable[..., Running]) -> None:
    """G-d3: ticket lookup loaded every complaint row; intake was unlimited."""
    gw = serve(auth={"mode": "keys"}, complaints={"per_minute": 3})
    tickets = [
        httpx.post(gw.url + "/v1/complaints", json={"content": f"投诉 {i}"}) for i in range(4)
    ]
    assert [t.status_code for t in tickets] == [201, 201, 201, 429]  # no key needed, but limited
    assert "retry-after" in tickets[3].headers
    statements: list[str] = []

    def seen(_c: Any, _cur: Any, sql: str, *_a: Any) -> None:
        statements.append(sql)

    event.listen(gw.store.engine, "before_cursor_execute", seen)
    try:
        ticket = tickets[1].json()["ticket_id"]
        status = httpx.get(f"{gw.url}/v1/complaints/{ticket}")
    finally:
        event.remove(gw.store.engine, "before_cursor_execute", seen)
    assert status.status_code == 200 and status.json()["ticket_id"] == ticket
    (query,) = [q for q in statements if "gateway_complaints" in q]
    assert "WHERE gateway_complaints.id = " in query  # a primary-key lookup, not a scan
    assert httpx.get(f"{gw.url}/v1/complaints/CNOPE").status_code == 404
