"""Load test of ``beian gateway serve`` on loopback (a bench, not a timed test).

Usage::

    python bench/gateway_load.py [--requests 2000] [--levels 1,16,64,256] [--workers 1]
        [--store sqlite|postgres] [--detectors keyword,pii|default] [--modes plain,stream]

Starts the fast fake upstream (``fast_upstream.py``, its own process), issues a gateway key
(``beian gateway keys create``), starts WORKERS ``beian gateway serve`` processes on their own
ports sharing one store, then for every concurrency level and mode sends the same number of
requests straight to the upstream and through the gateway (clients spread over the workers,
httpx async, keep-alive). Per level it prints errors (count and kinds), throughput, latency
percentiles and the latency the gateway adds (gateway percentile minus direct percentile,
same run), plus the CPU the upstream and the workers spent per request. Afterwards the
workers are stopped, ``beian gateway audit verify`` must pass on the store, and every
``x-request-id`` the clients saw must have exactly one finished audit row.

``--store postgres`` starts a throw-away PostgreSQL on loopback (scripts/start-postgres.sh)
and uses a fresh database in it. ``--detectors default`` uses the gateway's default set (the
accurate tier); ``keyword,pii`` is the rule path.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
PY = sys.executable


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _prompts() -> list[str]:
    bank = resources.files("beian").joinpath("demo", "banks", "answer.jsonl")
    rows = [json.loads(line) for line in bank.read_text(encoding="utf-8").splitlines() if line]
    return [str(r["text"]) for r in rows[:50]]


def _wait_http(url: str, proc: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{what} exited: {proc.communicate()[1].decode()[-800:]}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"{what} did not start")


# -- the parts -----------------------------------------------------------------------------


def start_upstream(chars: int) -> tuple[subprocess.Popen[bytes], str]:
    port = _port()
    cmd = [PY, str(REPO / "bench" / "fast_upstream.py"), str(port), str(chars)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.readline()  # "ready"
    return proc, f"http://127.0.0.1:{port}/v1"


def start_postgres(tmp: Path) -> str:
    """A fresh database in the throw-away loopback PostgreSQL (scripts/start-postgres.sh)."""
    url = subprocess.run(
        ["bash", str(REPO / "scripts" / "start-postgres.sh")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    name = f"beian_load_{uuid.uuid4().hex[:8]}"
    server, _ = url.rsplit("/", 1)
    import sqlalchemy as sa

    engine = sa.create_engine(f"{server.replace('postgresql:', 'postgresql+psycopg:')}/postgres")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.exec_driver_sql(f"CREATE DATABASE {name}")
    engine.dispose()
    return f"{server}/{name}"


def write_config(tmp: Path, store: str, detectors: str) -> Path:
    cfg: dict[str, Any] = {
        "store": store,
        # The key's own rate is raised at creation; limits are not what is measured here.
        "auth": {"mode": "keys", "requests_per_minute": 10_000_000},
        "sanctions": {"mode": "off"},
    }
    if detectors != "default":
        cfg["detectors"] = detectors.split(",")
    path = tmp / "gateway.yaml"
    path.write_text(json.dumps(cfg), encoding="utf-8")
    return path


def issue_key(config: Path) -> str:
    out = subprocess.run(
        [PY, "-m", "beian", "gateway", "keys", "create", "--config", str(config),
         "--user", "load", "--rpm", "100000000", "--json"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return str(json.loads(out)["key"])


def start_workers(
    config: Path, upstream: str, count: int
) -> list[tuple[subprocess.Popen[bytes], str]]:
    workers = []
    for _ in range(count):
        port = _port()
        cmd = [PY, "-m", "beian", "gateway", "serve", "--upstream", upstream, "--port",
               str(port), "--config", str(config), "--log-level", "warning"]  # fmt: skip
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        workers.append((proc, f"http://127.0.0.1:{port}"))
    for proc, url in workers:
        _wait_http(url + "/healthz", proc, "gateway worker")
    return [(p, u + "/v1") for p, u in workers]


# -- the clients ---------------------------------------------------------------------------


@dataclass
class Result:
    """What one batch of requests gave."""

    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    request_ids: list[str] = field(default_factory=list)
    seconds: float = 0.0


async def _one(
    client: httpx.AsyncClient, body: dict[str, Any], headers: dict[str, str], out: Result
) -> None:
    t0 = time.perf_counter()
    try:
        resp = await client.post("/chat/completions", json=body, headers=headers)
    except httpx.HTTPError as exc:
        out.errors[f"client {type(exc).__name__}"] += 1
        return
    dt = (time.perf_counter() - t0) * 1000
    if rid := resp.headers.get("x-request-id"):
        out.request_ids.append(rid)
    if resp.status_code != 200:
        out.errors[f"HTTP {resp.status_code}"] += 1
        return
    if body["stream"]:
        text = resp.text
        if "content_filter" in text or not text.rstrip().endswith("[DONE]"):
            out.errors["stream not clean"] += 1
            return
    elif resp.headers.get("x-beian-decision", "allowed") != "allowed":
        out.errors[f"decision {resp.headers['x-beian-decision']}"] += 1
        return
    out.latencies.append(dt)


async def batch(
    urls: list[str], key: str, conc: int, total: int, stream: bool, prompts: list[str]
) -> Result:
    """``total`` requests from ``conc`` concurrent clients spread over ``urls``."""
    out = Result()
    # One client (one keep-alive connection) per simulated user: httpx scans its whole pool
    # (a poll() per idle connection) on every request, so one shared pool of 256 connections
    # makes the load generator itself the bottleneck.
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    auth = {"Authorization": f"Bearer {key}"}
    clients = [
        httpx.AsyncClient(base_url=urls[w % len(urls)], timeout=120, limits=limits, headers=auth)
        for w in range(conc)
    ]
    counter = iter(range(total))

    async def worker(w: int) -> None:
        client = clients[w]
        for i in counter:
            body = {
                "model": "m",
                "stream": stream,
                "messages": [{"role": "user", "content": prompts[i % len(prompts)]}],
            }
            await _one(client, body, {"X-Beian-User": f"u{i % 97}"}, out)

    t0 = time.perf_counter()
    await asyncio.gather(*(worker(w) for w in range(conc)))
    out.seconds = time.perf_counter() - t0
    for c in clients:
        await c.aclose()
    return out


def _pct(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def _errors(r: Result) -> str:
    return ", ".join(f"{n}× {k}" for k, n in r.errors.most_common()) or "0"


# -- the run -------------------------------------------------------------------------------


@dataclass
class Setup:
    upstream: subprocess.Popen[bytes]
    upstream_url: str
    workers: list[tuple[subprocess.Popen[bytes], str]]
    key: str
    prompts: list[str]


def _level(s: Setup, conc: int, total: int, stream: bool) -> tuple[str, list[str]]:
    up_cpu = _cpu_seconds(s.upstream.pid)
    direct = asyncio.run(batch([s.upstream_url], s.key, conc, total, stream, s.prompts))
    up_direct = (_cpu_seconds(s.upstream.pid) - up_cpu) / total * 1e6
    w_cpu = sum(_cpu_seconds(p.pid) for p, _ in s.workers)
    urls = [u for _, u in s.workers]
    gw = asyncio.run(batch(urls, s.key, conc, total, stream, s.prompts))
    gw_cpu = (sum(_cpu_seconds(p.pid) for p, _ in s.workers) - w_cpu) / total * 1e3
    add = [_pct(gw.latencies, q) - _pct(direct.latencies, q) for q in (50, 95, 99)]
    row = (
        f"| {'stream' if stream else 'plain'} | {conc} | {total} | {_errors(direct)} | "
        f"{_errors(gw)} | {total / direct.seconds:.0f} | {total / gw.seconds:.0f} | "
        f"{_pct(direct.latencies, 50):.1f} / {_pct(direct.latencies, 99):.1f} | "
        f"{_pct(gw.latencies, 50):.1f} / {_pct(gw.latencies, 95):.1f} / "
        f"{_pct(gw.latencies, 99):.1f} | "
        f"{add[0]:.1f} / {add[1]:.1f} / {add[2]:.1f} | {up_direct:.0f} µs | {gw_cpu:.2f} ms |"
    )
    return row, gw.request_ids


HEADER = (
    "| mode | conc | requests | direct errors | gateway errors | direct rps | gateway rps | "
    "direct p50 / p99 | gateway p50 / p95 / p99 | added p50 / p95 / p99 | upstream CPU/req | "
    "workers CPU/req |\n|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def check_audit(config: Path, store: str, request_ids: list[str]) -> str:
    """``audit verify`` must pass; every request id exactly one finished row."""
    verify = subprocess.run(
        [PY, "-m", "beian", "gateway", "audit", "verify", "--config", str(config)],
        capture_output=True, text=True,
    )  # fmt: skip
    from beian.store import open_store

    st = open_store(store)
    with st.engine.connect() as c:
        rows = dict(c.exec_driver_sql("SELECT id, decision FROM gateway_requests").all())
    ids = Counter(request_ids)
    missing = sum(1 for r in ids if r not in rows)
    dupes = sum(1 for n in ids.values() if n > 1)
    unfinished = sum(1 for d in rows.values() if d == "started")
    extra = len(set(rows) - set(ids))
    verdict = "ok" if verify.returncode == 0 else f"FAILED (exit {verify.returncode})"
    return (
        f"audit verify: {verdict}: {verify.stdout.strip().splitlines()[-2:]}\n"
        f"request ids seen {len(ids)}, rows {len(rows)}, missing {missing}, "
        f"ids seen twice {dupes}, rows still 'started' {unfinished}, rows nobody saw {extra}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--levels", default="1,16,64,256")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--detectors", default="keyword,pii")
    ap.add_argument("--modes", default="plain,stream")
    ap.add_argument("--chars", type=int, default=500)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        store = start_postgres(tmp) if args.store == "postgres" else f"sqlite:///{tmp}/gw.db"
        config = write_config(tmp, store, args.detectors)
        key = issue_key(config)
        upstream, up_url = start_upstream(args.chars)
        workers = start_workers(config, up_url, args.workers)
        setup = Setup(upstream, up_url, workers, key, _prompts())
        print(f"load average before: {os.getloadavg()}; cores {os.cpu_count()}")
        print(f"store {args.store}, workers {args.workers}, detectors {args.detectors}, "
              f"answer {args.chars} chars\n")  # fmt: skip
        print(HEADER)
        seen: list[str] = []
        try:
            for mode in args.modes.split(","):
                for conc in (int(c) for c in args.levels.split(",")):
                    row, ids = _level(setup, conc, args.requests, mode == "stream")
                    seen += ids
                    print(row, flush=True)
        finally:
            for proc, _ in workers:
                proc.send_signal(signal.SIGTERM)
            for proc, _ in workers:
                proc.wait(timeout=60)
            upstream.kill()
        print(f"\nload average after: {os.getloadavg()}")
        print(check_audit(config, store, seen))


if __name__ == "__main__":
    main()
