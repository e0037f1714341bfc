"""Throughput of the ``pii`` detector on the shared novel corpus, against a json.loads baseline.

Usage: ``python bench/bench_pii.py [corpus.jsonl.gz]`` (default: ../shared/bench/data/corpus.jsonl.gz).
Both passes read the same decompressed lines from memory, so the numbers compare parsing alone
with parsing plus detection; MB are MB of UTF-8 JSON lines.
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
    t0 = time.perf_counter()
    found = sum(len(detector.detect(t)) for t in texts)
    return mb / (time.perf_counter() - t0), found


def main() -> None:
    """Print MB/s of json.loads alone and json.loads + pii detection, best of three rounds."""
    with gzip.open(_corpus(), "rb") as fh:
        lines = fh.readlines()
    mb = sum(len(line) for line in lines) / 1e6
    detector, spec = registry.create("detector", "pii")
    best_base = best_pii = float("inf")
    findings = 0
    for _ in range(3):
        t0 = time.perf_counter()
        for line in lines:
            json.loads(line)["text"]
        best_base = min(best_base, time.perf_counter() - t0)
        t0 = time.perf_counter()
        findings = 0
        for line in lines:
            findings += len(detector.detect(json.loads(line)["text"]))
        best_pii = min(best_pii, time.perf_counter() - t0)
    print(f"{spec.label()} on {len(lines)} docs, {mb:.1f} MB, {findings} findings")
    print(f"json.loads only : {mb / best_base:8.1f} MB/s")
    print(f"json.loads + pii: {mb / best_pii:8.1f} MB/s  ({best_base / best_pii:.2f}x of baseline)")
    texts = [json.loads(line)["text"] for line in lines[:1000]]
    plain, _ = _rate(detector, texts)
    dense, found = _rate(detector, _dense(texts))
    print(f"pii alone, first 1000 docs: {plain:8.1f} MB/s of text")
    print(
        f"pii alone, same docs + 1 PII sentence per 400 chars: {dense:8.1f} MB/s ({found} findings)"
    )


if __name__ == "__main__":
    main()
