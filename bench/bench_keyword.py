"""Keyword detector benchmarks: throughput (MB/s) and flag rates on benign vs harmful text.

    python bench/bench_keyword.py throughput [--limit N] [--engine auto|hyperscan|aho-corasick]
    python bench/bench_keyword.py flag-rate [--limit N]

``throughput`` times, in the same run and on one core, on ../shared/bench/data/corpus.jsonl.gz
(decompressed to memory first) with the 10,000-term list kw_10k.txt:

- (a) ``json.loads`` only, and (b) raw ``ahocorasick_rs`` over the already-parsed texts: the
  reference points every other row is a ratio of;
- (c) beian one text at a time: ``json.loads`` + ``KeywordDetector.detect`` per line (the
  single-text API, e.g. ``beian detect TEXT``);
- (d) beian end to end, batched: ``json.loads`` per line + ``KeywordDetector.detect_batch`` per
  ``--batch`` lines (how the JSONL readers call it);
- (e) as (d) plus PII: ``DetectorSet([keyword, pii]).check_batch``, i.e. normalise + keyword +
  PII + verdicts, with JSON parsing.

Every row is MB of JSONL per CPU-second of this (single-threaded) process, best of ``--rounds``
interleaved rounds: CPU time rather than wall time, so that other work on the machine does not
skew the ratios. ``flag-rate`` reports the
share of texts the keyword detector hits and the share the DetectorSet flags, on benign and
harmful sets.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import ahocorasick_rs

from beian.detect.detector_set import DetectorSet
from beian.detect.keyword import KeywordDetector, KeywordOptions
from beian.detect.keyword.engine import Engine
from beian.library.records import KeywordEntry
from beian.registry import registry

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BEIAN_SHARED", REPO.parent / "shared"))


def _timed(fns: list[Callable[[], object]], rounds: int = 3) -> list[float]:
    """Best CPU time of each of ``fns`` over ``rounds`` interleaved runs.

    CPU time of this process rather than wall time, and rounds interleaved rather than one
    function after another, so that other load on the machine skews every row alike.
    """
    best = [float("inf")] * len(fns)
    for _ in range(rounds):
        for i, fn in enumerate(fns):
            t = time.process_time()
            fn()
            best[i] = min(best[i], time.process_time() - t)
    return best


def _chunks(lines: list[bytes], size: int) -> Iterator[list[bytes]]:
    for i in range(0, len(lines), size):
        yield lines[i : i + size]


def throughput(limit: int | None, engine: Engine, batch: int, rounds: int) -> None:
    """Print the throughput table."""
    data = SHARED / "bench" / "data"
    lines = gzip.decompress((data / "corpus.jsonl.gz").read_bytes()).splitlines()[:limit]
    size = sum(len(x) + 1 for x in lines) / 1e6
    terms = [t.strip() for t in (data / "kw_10k.txt").read_text("utf-8").splitlines() if t.strip()]
    texts = [json.loads(x)["text"] for x in lines]
    raw = ahocorasick_rs.AhoCorasick(terms, implementation=ahocorasick_rs.Implementation.DFA)
    t = time.perf_counter()
    detector = KeywordDetector([KeywordEntry(term=x, risk="A.1.h") for x in terms], engine=engine)
    build = time.perf_counter() - t
    pii, _ = registry.create("detector", "pii")
    rules = DetectorSet([detector, pii])
    rules.check("预热")  # build the normalisation tables outside the timing

    def parse_only() -> None:
        for x in lines:
            json.loads(x)

    def raw_ac() -> None:
        for x in texts:
            raw.find_matches_as_indexes(x, overlapping=True)

    def one_by_one() -> None:
        for x in lines:
            detector.detect(json.loads(x)["text"])

    def batched() -> None:
        for chunk in _chunks(lines, batch):
            detector.detect_batch([json.loads(x)["text"] for x in chunk])

    def with_pii() -> None:
        for chunk in _chunks(lines, batch):
            rules.check_batch([json.loads(x)["text"] for x in chunk])

    rows = [
        ("(a) json.loads only", parse_only),
        ("(b) raw ahocorasick_rs", raw_ac),
        ("(c) json + detect, one by one", one_by_one),
        (f"(d) json + detect_batch({batch})", batched),
        (f"(e) json + keyword+pii check_batch({batch})", with_pii),
    ]
    timed = list(zip([n for n, _ in rows], _timed([fn for _, fn in rows], rounds), strict=True))
    base_a, base_b = timed[0][1], timed[1][1]
    print(
        f"corpus {len(lines)} docs, {size:.1f} MB; {len(terms)} terms; compile {build:.2f}s; "
        f"engine {detector.engine}; MB per CPU-second, best of {rounds}"
    )
    print(f"{'what':44} {'MB/s':>8} {'vs (a)':>8} {'vs (b)':>8}")
    for name, secs in timed:
        print(f"{name:44} {size / secs:8.1f} {base_a / secs:8.2f} {base_b / secs:8.2f}")


def _csv_column(path: Path, column: str, where: Callable[[dict[str, str]], bool]) -> Iterator[str]:
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if where(row):
                yield row[column]


def benign_sets(limit: int) -> dict[str, list[str]]:
    """Benign texts: CMMLU test questions, CValues prompts, novel chapters."""
    cmmlu = [q for p in sorted((SHARED / "data/cmmlu/test").glob("*.csv")) for q in
             _csv_column(p, "Question", lambda r: True)]  # fmt: skip
    cvalues = [json.loads(x)["prompt"] for x in
               (SHARED / "data/cvalues/cvalues_responsibility_prompts.jsonl").open(encoding="utf-8")]  # fmt: skip
    novels: list[str] = []
    with gzip.open(SHARED / "bench/data/corpus.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            if doc["src"] == "novel":
                novels.append(doc["text"])
            if len(novels) >= min(limit, 1000):
                break
    return {"cmmlu test": cmmlu[:limit], "cvalues": cvalues[:limit], "novels": novels}


def harmful_sets(limit: int) -> dict[str, list[str]]:
    """Harmful texts: COLD test label 1, S-Eval base prompts."""
    cold = list(_csv_column(SHARED / "data/cold/test.csv", "TEXT", lambda r: r["label"] == "1"))
    seval_path = SHARED / "data/s-eval/S-Eval_base_risk_zh_full.jsonl"
    seval = [json.loads(x)["prompt"] for x in seval_path.open(encoding="utf-8")]
    return {"COLD label 1": cold[:limit], "S-Eval base": seval[:limit]}


def flag_rate(limit: int) -> None:
    """Print hit and flag rates of the starter library on benign and harmful sets."""
    detector = KeywordDetector.from_options(KeywordOptions())
    ds = DetectorSet([detector])
    print(f"{'set':14} {'kind':8} {'texts':>6} {'keyword hit':>12} {'flagged':>8}")
    for kind, sets in (("benign", benign_sets(limit)), ("harmful", harmful_sets(limit))):
        for name, texts in sets.items():
            verdicts = ds.check_batch(texts)
            hit = sum(1 for v in verdicts if v.findings) / len(texts)
            flagged = sum(1 for v in verdicts if v.flagged) / len(texts)
            print(f"{name:14} {kind:8} {len(texts):6} {hit:12.1%} {flagged:8.1%}")


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("mode", choices=["throughput", "flag-rate"])
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--engine", choices=["auto", "hyperscan", "aho-corasick"], default="auto")
    parser.add_argument("--batch", type=int, default=256, help="texts per detect_batch call")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.mode == "throughput":
        throughput(args.limit, args.engine, args.batch, args.rounds)
    else:
        flag_rate(args.limit or 5000)


if __name__ == "__main__":
    main()
