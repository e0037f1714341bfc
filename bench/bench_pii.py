"""Throughput of the ``pii`` detector on the shared novel corpus, against a json.loads baseline.

Usage: ``python bench/bench_pii.py [corpus.jsonl.gz]`` (default: ../shared/bench/data/corpus.jsonl.gz).
All passes read the same decompressed lines from memory, so the numbers compare parsing alone
with parsing plus detection, one text at a time (``detect``) and 256 at a time (``detect_batch``,
how ``DetectorSet.check_batch`` calls it); MB are MB of UTF-8 JSON lines. Times are CPU times,
best of three interleaved rounds, so other load on the machine skews every row alike.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from beian.registry import registry

REPO = Path(__file__).resolve().parents[1]


def _corpus() -> Path:
    if len(sys.argv) > 1:
        return Path(sys.argv[1])
    shared = Path(os.environ.get("BEIAN_SHARED", REPO.parent / "shared"))
    return shared / "bench" / "data" / "corpus.jsonl.gz"


_PII = "手机13812345678，身份证11010519491231002X，邮箱zhang.san@example.com，车牌京A12345。"


def _dense(texts: list[str], every: int = 400) -> list[str]:
    """The same texts with a PII sentence spliced in every ``every`` characters (worst case)."""
    return [_PII.join(t[i : i + every] for i in range(0, len(t), every)) for t in texts]


def _rate(detector: Any, texts: list[str]) -> tuple[float, int]:
    mb = sum(len(t.encode()) for t in texts) / 1e6
    t0 = time.process_time()
    found = sum(len(detector.detect(t)) for t in texts)
    return mb / (time.process_time() - t0), found


_BATCH = 256


def main() -> None:
    """Print MB/s of json.loads alone and json.loads + pii detection, best of three rounds."""
    with gzip.open(_corpus(), "rb") as fh:
        lines = fh.readlines()
    mb = sum(len(line) for line in lines) / 1e6
    detector, spec = registry.create("detector", "pii")
    best_base = best_pii = best_batch = float("inf")
    findings = batched = 0
    for _ in range(3):
        t0 = time.process_time()
        for line in lines:
            json.loads(line)["text"]
        best_base = min(best_base, time.process_time() - t0)
        t0 = time.process_time()
        findings = 0
        for line in lines:
            findings += len(detector.detect(json.loads(line)["text"]))
        best_pii = min(best_pii, time.process_time() - t0)
        t0 = time.process_time()
        batched = 0
        for i in range(0, len(lines), _BATCH):
            found = detector.detect_batch([json.loads(x)["text"] for x in lines[i : i + _BATCH]])
            batched += sum(map(len, found))
        best_batch = min(best_batch, time.process_time() - t0)
    assert batched == findings, (batched, findings)
    print(f"{spec.label()} on {len(lines)} docs, {mb:.1f} MB, {findings} findings")
    print(f"json.loads only        : {mb / best_base:8.1f} MB/s")
    print(f"json.loads + pii       : {mb / best_pii:8.1f} MB/s  ({best_base / best_pii:.2f}x)")
    print(f"json.loads + pii batch : {mb / best_batch:8.1f} MB/s  ({best_base / best_batch:.2f}x)")
    print(
        f"pii CPU-seconds per GB of JSONL: detect {1e3 * (best_pii - best_base) / mb:.2f}, "
        f"detect_batch {1e3 * (best_batch - best_base) / mb:.2f}"
    )
    texts = [json.loads(line)["text"] for line in lines[:1000]]
    plain, _ = _rate(detector, texts)
    dense, found = _rate(detector, _dense(texts))
    print(f"pii alone, first 1000 docs: {plain:8.1f} MB/s of text")
    print(
        f"pii alone, same docs + 1 PII sentence per 400 chars: {dense:8.1f} MB/s ({found} findings)"
    )


if __name__ == "__main__":
    main()
