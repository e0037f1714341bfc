"""G-e1: a real ``beian gateway serve`` killed with SIGKILL under load keeps a verifiable chain,
and every stream that had started delivering text is on record."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from beian.cli import main
from beian.store import open_store
from beian.store.gateway_models import AuditEventRow, GatewayRequestRow
from beian.workspace import load_workspace
from tests.gateway.conftest import BENIGN_ANSWER
from tests.gateway.upstream import StreamingOpenAIServer

PROMPT = "请介绍一下长城的历史"


@dataclass
class _Client:
    stream: bool
    request_id: str = ""
    received: str = ""
    status: int = 0
    errors: list[str] = field(default_factory=list)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _call(url: str, key: str, client: _Client) -> None:
    body = {
        "model": "m",
        "messages": [{"role": "user", "content": PROMPT}],
        "stream": client.stream,
    }
    headers = {"Authorization": f"Bearer {key}"}
    try:
        with httpx.stream("POST", url, json=body, headers=headers, timeout=60) as resp:
            client.status = resp.status_code
            client.request_id = resp.headers.get("x-request-id", "")
            for piece in resp.iter_text():
                client.received += piece
    except httpx.HTTPError as exc:  # the gateway dies under it: expected for streams
        client.errors.append(type(exc).__name__)


def _wait_healthy(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        try:
            if httpx.get(url + "/healthz").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("gateway did not start")


@pytest.mark.slow
def test_G_e1_kill_9_under_load_keeps_in_flight_streams_on_record(
    tmp_path: Path, upstream: StreamingOpenAIServer
) -> None:
    """G-e1: 16 clients (8 streaming, 0.05 s/chunk), gateway SIGKILLed after ~3 s: the 8
    streams had received text but had no audit row. Now each has its started row and begin
    link (plus progress links), and ``audit verify`` passes."""
    runner = CliRunner()
    ws = tmp_path / "ws"
    assert runner.invoke(main.app, ["init", "-w", str(ws)]).exit_code == 0
    made = runner.invoke(
        main.app, ["gateway", "keys", "create", "-w", str(ws), "--user", "load", "--json"]
    )
    assert made.exit_code == 0, made.output
    key = json.loads(made.stdout)["key"]
    config = tmp_path / "gateway.yaml"
    config.write_text("audit:\n  progress_seconds: 0.2\n", encoding="utf-8")
    upstream.add_rule(reply=BENIGN_ANSWER * 40)
    upstream.chunk_delay = 0.05
    port = _port()
    cmd = [sys.executable, "-m", "beian", "gateway", "serve", "--upstream", upstream.base_url]
    cmd += ["--port", str(port), "-w", str(ws), "--config", str(config), "--log-level", "warning"]
    proc = subprocess.Popen(
        cmd, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        clients = [_Client(stream=i % 2 == 0) for i in range(16)]
        threads = [
            threading.Thread(target=_call, args=(url + "/v1/chat/completions", key, c))
            for c in clients
        ]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 30  # kill once every stream is delivering text
        while time.monotonic() < deadline and not all(
            "长城" in c.received for c in clients if c.stream
        ):
            time.sleep(0.1)
        time.sleep(1)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        if proc.stderr:
            proc.stderr.close()
    for t in threads:
        t.join(timeout=60)
    streams = [c for c in clients if c.stream]
    assert all(c.status == 200 and c.request_id for c in clients)
    assert all("长城" in c.received and c.errors for c in streams)  # killed mid-answer

    verify = runner.invoke(main.app, ["gateway", "audit", "verify", "-w", str(ws)])
    assert verify.exit_code == 0, verify.output
    store = open_store(load_workspace(ws).store_url())
    with store.session() as s:
        rows = {r.id: r for r in s.scalars(select(GatewayRequestRow))}
        links = list(s.scalars(select(AuditEventRow).order_by(AuditEventRow.seq)))
    for c in streams:
        assert rows[c.request_id].decision == "started"
        kinds = [link.kind for link in links if link.request_id == c.request_id]
        assert kinds[0] == "begin" and "progress" in kinds and "finish" not in kinds
    for c in clients:
        if not c.stream:
            assert rows[c.request_id].decision == "allowed"
    store.engine.dispose()
