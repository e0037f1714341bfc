"""Throughput of the classifier on short texts (≤ 200 chars), one core, against a trivial baseline.

    OMP_NUM_THREADS=1 python bench/bench_classifier.py [--n 20000] [--shared ../shared]

Texts are slices of the bench novels corpus (MIT) when the shared folder is there, otherwise
built from the classifier's own seed sentences. The baseline is the cheapest possible pass over
the same texts: NFKC + lower-case (the normalisation the classifier itself starts with).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from beian.detect.classifier import load_model
from beian.detect.classifier.features import normalise
from beian.detect.classifier.synth import synthetic_examples
from beian.registry import registry


def _texts(n: int, shared: Path | None, length: int | None) -> list[str]:
    corpus = (shared or Path.cwd().parent / "shared") / "bench" / "data" / "corpus.jsonl.gz"
    pool: list[str] = []
    if corpus.is_file():
        with gzip.open(corpus, "rt", encoding="utf-8") as fh:
            for line in fh:
                text = json.loads(line)["text"]
                pool.extend(
                    text[i : i + (length or 20 + i % 181)] for i in range(0, len(text) - 200, 997)
                )
                if len(pool) >= n:
                    break
    else:
        pool = [t for t, _ in synthetic_examples(0)]
    return [pool[i % len(pool)][:200] for i in range(n)]


def _rate(fn: Callable[[Sequence[str]], object], texts: Sequence[str], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn(texts)
        best = min(best, time.perf_counter() - start)
    return len(texts) / best


def main() -> None:
    """Print texts/s for the baseline, ``scores``, ``detect_batch`` and per-text ``detect``."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--shared", type=Path, default=None)
    parser.add_argument(
        "--length", type=int, default=None, help="fixed text length (default 20–200)"
    )
    args = parser.parse_args()
    texts = _texts(args.n, args.shared, args.length)
    mean_len = sum(map(len, texts)) / len(texts)
    model = load_model()
    det, _ = registry.create("detector", "classifier")
    few = texts[: min(len(texts), 2000)]
    rows = [
        ("baseline: NFKC + lower only", _rate(lambda ts: [normalise(t) for t in ts], texts)),
        ("model.scores (batch)", _rate(model.scores, texts)),
        ("detector.detect_batch", _rate(det.detect_batch, texts)),
        ("detector.detect (one text per call)", _rate(lambda ts: [det.detect(t) for t in ts], few)),
    ]
    print(
        f"{len(texts)} texts, mean {mean_len:.0f} chars, OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}"
    )
    for name, rate in rows:
        print(f"{name:40s} {rate:12,.0f} texts/s")


if __name__ == "__main__":
    main()
