"""What the stream hold-back costs, and the non-streaming overhead, for a ~500-character answer.

Usage: ``python bench/bench_gateway_stream.py [N [LOOKAHEAD]]`` (N non-streaming requests,
N/10 streams; LOOKAHEAD sets ``stream.lookahead_chars``, default: derived from the detectors).
The upstream (tests/gateway/raw_upstream.py, in this process) streams a 500-character benign
answer in 3-character deltas every 5 ms (≈ 600 characters/s, a fast model); the gateway runs
as ``beian gateway serve`` in a subprocess with the default detectors (the detection setup +
pii) and the default look-ahead. Reported: time to the first answer character and to the last
byte, direct and through the gateway, and the added p50/p95 of non-streamed requests.
"""

from __future__ import annotations

import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the test upstream lives in tests/

from tests.gateway.raw_upstream import RawUpstream, completion, stream_of  # noqa: E402

ANSWER = (
    "长城是中国古代的军事防御工程，始建于春秋战国时期，秦朝统一后连接成万里长城。"
    "明朝又大规模重修，今天我们看到的砖石长城大多是明长城。"
    "它东起山海关，西至嘉峪关，穿越高山、草原和沙漠。"
) * 6
ANSWER = ANSWER[:500]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def _stream_once(client: httpx.Client) -> tuple[float, float]:
    """(ms to the first answer character, ms to the last byte) of one streamed request."""
    body: dict[str, Any] = {"model": "m", "stream": True,
                            "messages": [{"role": "user", "content": "介绍长城"}]}  # fmt: skip
    t0 = time.perf_counter()
    first = 0.0
    with client.stream("POST", "/chat/completions", json=body) as resp:
        for line in resp.iter_lines():
            if (
                not first
                and line.startswith("data:")
                and '"content": "' in line.replace('"content":"', '"content": "')
            ):
                payload = json.loads(line[5:])
                if any((c.get("delta") or {}).get("content") for c in payload["choices"]):
                    first = time.perf_counter()
    return (first - t0) * 1000, (time.perf_counter() - t0) * 1000


def _complete(client: httpx.Client, n: int) -> list[float]:
    out = []
    body = {"model": "m", "messages": [{"role": "user", "content": "介绍长城"}]}
    for i in range(n + 20):
        t0 = time.perf_counter()
        resp = client.post("/chat/completions", json=body)
        assert resp.status_code == 200, resp.text
        if i >= 20:  # warm-up
            out.append((time.perf_counter() - t0) * 1000)
    return out


def _gateway(
    upstream: str, tmp: Path, lookahead: int | None
) -> tuple[subprocess.Popen[bytes], str]:
    port = _port()
    cfg = tmp / "g.yaml"
    config: dict[str, Any] = {"store": f"sqlite:///{tmp}/g.db"}
    if lookahead is not None:
        config["stream"] = {"lookahead_chars": lookahead}
    cfg.write_text(json.dumps(config), encoding="utf-8")
    cmd = [sys.executable, "-m", "beian", "gateway", "serve", "--upstream", upstream,
           "--port", str(port), "--config", str(cfg), "--log-level", "warning"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(url + "/healthz").status_code == 200:
                return proc, url + "/v1"
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"gateway did not start: {proc.communicate()[1].decode()[-500:]}")


def _measure(base: str, n: int, raw: RawUpstream) -> tuple[list[float], list[float], list[float]]:
    with httpx.Client(base_url=base, timeout=60) as client:
        raw.answer = lambda body: (
            stream_of(ANSWER)
            if body.get("stream")
            else completion({"role": "assistant", "content": ANSWER})
        )
        streams = [_stream_once(client) for _ in range(max(5, n // 10))]
        done = _complete(client, n)
    return [s[0] for s in streams], [s[1] for s in streams], done


def main() -> None:
    n = min(max(int(sys.argv[1]) if len(sys.argv) > 1 else 200, 40), 2000)
    lookahead = int(sys.argv[2]) if len(sys.argv) > 2 else None
    raw = RawUpstream(chunk_delay=0.005).start()
    try:
        with tempfile.TemporaryDirectory() as d:
            direct = _measure(raw.base_url, n, raw)
            proc, url = _gateway(raw.base_url, Path(d), lookahead)
            try:
                gated = _measure(url, n, raw)
            finally:
                proc.terminate()
                proc.wait(timeout=30)
    finally:
        raw.stop()
    med = statistics.median
    print(f"answer: {len(ANSWER)} characters, streamed in 3-character deltas every 5 ms;"
          f" look-ahead {lookahead or 'default'}")  # fmt: skip
    print(f"{'':32} {'direct':>9} {'gateway':>9} {'added':>9}  (ms, median)")
    for name, i in (("stream: first answer character", 0), ("stream: last byte", 1)):
        a, b = med(direct[i]), med(gated[i])
        print(f"{name:32} {a:9.1f} {b:9.1f} {b - a:9.1f}")
    for q in (50, 95):
        a, b = _pct(direct[2], q), _pct(gated[2], q)
        print(f"{'non-streaming p' + str(q):32} {a:9.2f} {b:9.2f} {b - a:9.2f}")


if __name__ == "__main__":
    main()
