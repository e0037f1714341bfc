"""Latency the gateway adds per request, against calling the upstream directly (loopback only).

Usage: ``python bench/bench_gateway.py [N]`` (default N=300 non-streaming and N/3 streaming
requests per setup). The upstream is the test OpenAI server (stdlib, in this process); the
gateway runs as ``beian gateway serve`` in a subprocess, so the two do not share a GIL.
Prompts are the first questions of the demo non-refusal bank (benign, varied lengths); every
answer is the same 120-character benign text. Requests are sequential over one keep-alive
connection; "added" is the gateway's percentile minus the direct percentile.
"""

from __future__ import annotations

import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the test upstream server lives in tests/

from tests.gateway.upstream import StreamingOpenAIServer  # noqa: E402

ANSWER = ("长城是中国古代的军事防御工程，始建于春秋战国时期，秦朝统一后连接成万里长城。" * 4)[:120]


def _prompts(n: int) -> list[str]:
    bank = resources.files("beian").joinpath("demo", "banks", "answer.jsonl")
    rows = [json.loads(line) for line in bank.read_text(encoding="utf-8").splitlines() if line]
    texts = [str(r["text"]) for r in rows[:50]]
    return [texts[i % len(texts)] for i in range(n)]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def _run(base: str, prompts: list[str], stream: bool) -> list[float]:
    """Milliseconds per request (to the last byte), sequential, one connection."""
    out: list[float] = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for i, prompt in enumerate(prompts):
            body = {
                "model": "m",
                "messages": [{"role": "user", "content": prompt}],
                "stream": stream,
            }
            t0 = time.perf_counter()
            resp = client.post(
                "/chat/completions", json=body, headers={"X-Beian-User": f"u{i % 7}"}
            )
            resp.read()
            dt = (time.perf_counter() - t0) * 1000
            assert resp.status_code == 200, resp.text
            if i >= 20:  # warm-up
                out.append(dt)
    return out


def _start_gateway(
    upstream: str, detectors: list[str], tmp: Path
) -> tuple[subprocess.Popen[bytes], str]:
    port = _port()
    cfg = tmp / f"g-{'-'.join(detectors)}.yaml"
    cfg.write_text(
        # Open mode: this measures the screening path, not key checks (cached per key anyway).
        json.dumps(
            {
                "detectors": detectors,
                "store": f"sqlite:///{tmp}/{port}.db",
                "auth": {"mode": "open"},
            }
        ),
        encoding="utf-8",
    )
    cmd = [sys.executable, "-m", "beian", "gateway", "serve", "--upstream", upstream,
           "--port", str(port), "--config", str(cfg), "--log-level", "warning"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/healthz").status_code == 200:
                return proc, url + "/v1"
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"gateway did not start: {proc.communicate()[1].decode()[-500:]}")


def _row(name: str, values: list[float], base: list[float] | None) -> str:
    p50, p95 = statistics.median(values), _pct(values, 95)
    added = (
        f"{p50 - statistics.median(base):7.2f} {p95 - _pct(base, 95):7.2f}" if base else " " * 15
    )
    return f"{name:<34} {len(values):5d} {p50:7.2f} {p95:7.2f}   {added}"


def main() -> None:
    """Print p50/p95 per setup and the gateway's added p50/p95 (ms)."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    n = min(max(n, 40), 2000)  # bounded: loopback benchmark, not a load test
    prompts, sprompts = _prompts(n + 20), _prompts(n // 3 + 20)
    print(f"{'setup':<34} {'n':>5} {'p50':>7} {'p95':>7}   {'+p50':>7} {'+p95':>7}  (ms)")
    with (
        StreamingOpenAIServer(default_reply=ANSWER) as upstream,
        tempfile.TemporaryDirectory() as d,
    ):
        direct = _run(upstream.base_url, prompts, stream=False)
        direct_s = _run(upstream.base_url, sprompts, stream=True)
        print(_row("direct (non-streaming)", direct, None))
        print(_row("direct (streaming)", direct_s, None))
        for detectors in (["keyword", "pii"], ["keyword", "pii", "classifier"]):
            proc, url = _start_gateway(upstream.base_url, detectors, Path(d))
            try:
                name = "+".join(detectors)
                print(_row(f"gateway {name}", _run(url, prompts, stream=False), direct))
                print(_row(f"gateway {name} (stream)", _run(url, sprompts, stream=True), direct_s))
            finally:
                proc.terminate()
                proc.wait(timeout=30)


if __name__ == "__main__":
    main()
