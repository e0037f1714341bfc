"""``beian gateway serve`` as a user runs it: a subprocess, a YAML config, the openai client."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import openai
from typer.testing import CliRunner

from beian.cli import main
from tests.gateway.conftest import BENIGN_ANSWER, HARMFUL_INPUT
from tests.gateway.upstream import StreamingOpenAIServer


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _beian(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "beian", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
        check=False,
    )


def test_serve_from_the_command_line(tmp_path: Path, upstream: StreamingOpenAIServer) -> None:
    upstream.add_rule(reply=BENIGN_ANSWER)
    store = f"sqlite:///{tmp_path}/audit.db"
    config = tmp_path / "gateway.yaml"
    config.write_text(
        f"store: {store}\nauth: {{mode: open}}\nlabel:\n  position: suffix\ncomplaints:\n  handling_days: 10\n",
        encoding="utf-8",
    )
    port = _port()
    cmd = [
        sys.executable,
        "-m",
        "beian",
        "gateway",
        "serve",
        "--upstream",
        upstream.base_url,
        "--port",
        str(port),
        "--config",
        str(config),
        "--log-level",
        "warning",
    ]
    proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(url + "/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        client = openai.OpenAI(base_url=url + "/v1", api_key="k", max_retries=0)
        out = client.chat.completions.create(
            model="m", messages=[{"role": "user", "content": "请介绍一下长城的历史"}]
        )
        assert out.choices[0].message.content == BENIGN_ANSWER + "（本回答由人工智能生成）"
        refused = client.chat.completions.create(
            model="m", messages=[{"role": "user", "content": HARMFUL_INPUT}]
        )
        assert refused.choices[0].finish_reason == "content_filter"
        ticket = httpx.post(url + "/v1/complaints", json={"content": "误拦截"}).json()
        assert ticket["handling_time_limit_days"] == 10
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert "answers as answers (harm-answer-v1 + harm-v1)" in err.decode()  # the start banner
    runner = CliRunner()  # the read-only commands in-process: a second interpreter costs seconds
    log = runner.invoke(main.app, ["gateway", "log", "--store", store, "--json"])
    assert [r["decision"] for r in json.loads(log.stdout)] == ["blocked_input", "allowed"]
    listed = runner.invoke(main.app, ["gateway", "complaints", "--store", store, "--json"])
    assert [c["ticket_id"] for c in json.loads(listed.stdout)] == [ticket["ticket_id"]]


def test_bad_config_is_one_line_error(tmp_path: Path) -> None:
    config = tmp_path / "gateway.yaml"
    config.write_text("labels: {}\n", encoding="utf-8")
    result = _beian(
        "gateway", "serve", "--upstream", "http://x/v1", "--config", str(config), cwd=tmp_path
    )
    assert result.returncode == 2
    assert "labels" in result.stderr and "Traceback" not in result.stderr
