"""What the gateway's audit writes cost per request: ``begin`` + ``finish`` on the hash chain.

Usage: ``python bench/bench_gateway_audit.py [N] [STORE_URL]`` (default 500 requests on a fresh
SQLite file; pass the URL printed by scripts/start-postgres.sh for PostgreSQL, on a database
you can throw away). Prints wall and CPU milliseconds per write, sequential, one thread: the
floor under what the load test sees.
"""

from __future__ import annotations

import sys
import tempfile
import time

from beian.gateway.audit import AuditLog, Trace
from beian.gateway.config import AuditConfig
from beian.store import open_store

ANSWER = "长城是中国古代的军事防御工程，始建于春秋战国时期。" * 20


def _trace() -> Trace:
    trace = Trace(user_id="load/u1", key_id="k1", model="m")
    trace.input_text = "请介绍一下长城的历史"
    return trace


def _measure(log: AuditLog, n: int) -> tuple[float, float, float, float]:
    """(begin wall, begin CPU, finish wall, finish CPU) in ms per write."""
    totals = [0.0, 0.0, 0.0, 0.0]
    for _ in range(n):
        trace = _trace()
        w0, c0 = time.perf_counter(), time.process_time()
        log.begin(trace)
        w1, c1 = time.perf_counter(), time.process_time()
        trace.output_text, trace.data["upstream_ms"] = ANSWER[:500], 1.0
        log.finish(trace)
        w2, c2 = time.perf_counter(), time.process_time()
        for i, v in enumerate((w1 - w0, c1 - c0, w2 - w1, c2 - c1)):
            totals[i] += v
    b, bc, f, fc = (t / n * 1000 for t in totals)
    return b, bc, f, fc


def main() -> None:
    """Print the per-write cost."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    with tempfile.TemporaryDirectory() as d:
        url = sys.argv[2] if len(sys.argv) > 2 else f"sqlite:///{d}/audit.db"
        log = AuditLog(open_store(url), AuditConfig())
        _measure(log, 50)  # warm-up: connections, compiled statements
        b, bc, f, fc = _measure(log, n)
        print(f"{url.split(':')[0]}: begin {b:.2f} ms (CPU {bc:.2f}), "
              f"finish {f:.2f} ms (CPU {fc:.2f}), per request {b + f:.2f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
