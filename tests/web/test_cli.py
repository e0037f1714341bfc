"""``beian web`` as a user runs it: subprocesses on a demo workspace, the server on loopback,
and the published verdicts read back by ``beian assess``."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.web.conftest import PASSWORD, sign_in


def _beian(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "beian", *args],
        capture_output=True, text=True, cwd=cwd, timeout=300, check=False,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1", **env},
    )  # fmt: skip


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    assert _beian("init", "-w", str(ws), cwd=tmp_path).returncode == 0
    return ws


@pytest.mark.slow
def test_users_add_and_its_errors(workspace: Path, tmp_path: Path) -> None:
    ok = _beian("web", "users", "add", "-w", str(workspace), "--name", "alice", "-r", "reviewer",
                "-r", "adjudicator", "--password-env", "PW", cwd=tmp_path, PW=PASSWORD)  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    listed = _beian("web", "users", "list", "-w", str(workspace), "--json", cwd=tmp_path)
    assert json.loads(listed.stdout) == [{"name": "alice", "roles": ["adjudicator", "reviewer"]}]
    cases = [
        (["--name", "bob", "-r", "king", "--password-env", "PW"], "role 'king'"),
        (["--name", "alice", "-r", "reviewer", "--password-env", "PW"], "exists already"),
        (["--name", "bob", "-r", "reviewer", "--password-env", "NOPE"], "NOPE is not set"),
        (["--name", "bob", "-r", "reviewer"], "--password-env"),  # no terminal to ask on
    ]
    for extra, message in cases:
        r = _beian("web", "users", "add", "-w", str(workspace), *extra, cwd=tmp_path, PW=PASSWORD)
        assert r.returncode == 2, r.stderr
        assert message in r.stderr and "Traceback" not in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
    bad = _beian("web", "queue", "add", "-w", str(workspace), "--run", "nope", cwd=tmp_path)
    assert bad.returncode != 0 and "not a finished corpus sample" in bad.stderr
    assert "Traceback" not in bad.stderr


@pytest.mark.slow
def test_sample_reviewed_in_the_browser_reaches_assess(tmp_path: Path) -> None:
    ws = tmp_path / "demo"
    assert _beian("init", "-w", str(ws), "--demo", cwd=tmp_path).returncode == 0
    sample = _beian("corpus", "sample", "-w", str(ws), "--n", "5", "-j", "1", "--json",
                    "-o", str(tmp_path / "sample.xlsx"), cwd=tmp_path)  # fmt: skip
    assert sample.returncode == 0, sample.stderr
    run_id = json.loads(sample.stdout)["run_id"]
    add = _beian("web", "users", "add", "-w", str(ws), "--name", "alice", "-r", "reviewer",
                 "--password-env", "PW", cwd=tmp_path, PW=PASSWORD)  # fmt: skip
    assert add.returncode == 0, add.stderr
    queue = _beian("web", "queue", "add", "-w", str(ws), "--run", run_id, cwd=tmp_path)
    assert queue.returncode == 0 and queue.stdout.strip() == "1", queue.stderr
    port = _port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "beian", "web", "serve", "-w", str(ws), "--port", str(port)],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(url + "/login", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and proc.poll() is None, "server did not start"
                time.sleep(0.2)
        with httpx.Client(base_url=url, timeout=20) as c:
            alice = sign_in(c, "alice")
            for verdict in ["qualified"] * 4 + ["unqualified"]:
                alice.review(1, verdict, risk="A.2.d" if verdict == "unqualified" else "")
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    pub = _beian("web", "publish", "-w", str(ws), "--queue", "1", "--json", cwd=tmp_path)
    assert pub.returncode == 0, pub.stderr
    verdict_run = json.loads(pub.stdout)["run"]
    assessed = _beian("assess", "-w", str(ws), "--json", "--no-report", cwd=tmp_path)
    clause = next(c for c in json.loads(assessed.stdout)["clauses"] if c["clause"] == "9.2.a")
    assert clause["evidence"][0]["ref"] == verdict_run
    figures = clause["figures"]
    assert (figures["reviewed"], figures["qualified"]) == (5, 4)
    assert figures["reviewer_names"] == "alice"
