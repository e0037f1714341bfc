"""Recall, false-alarm rates and throughput of the ``solicit`` detector on the shared data.

Usage: ``python bench/bench_solicit.py [--show N] [--novel-docs N]``. Reads (never copies)
``../shared/data`` (or ``$BEIAN_SHARED/data``) and ``../shared/bench/data/corpus.jsonl.gz``:

- ``spam-sms-10k``: recall on label 1 (spam), flag rate on label 0 (normal SMS, which include
  bank and operator notices and opted-in marketing);
- benign sets, flag rate: TNEWS headlines (dev + test), waimai-10k reviews, lawyer-llama legal
  questions (zixun ``query`` + legal_advice ``instruction``), COLD comments with label 0, and
  novel paragraphs (lines of the novels in the bench corpus, first ``--novel-docs`` documents);
- throughput: texts per second of ``detect_batch`` on the spam SMS and TNEWS texts, one core,
  CPU time, best of three.

``--show N`` prints N missed spam texts and N flagged texts per benign set (for development).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import random
import time
from collections.abc import Iterator
from pathlib import Path

from beian.detect.solicit import SolicitDetector
from beian.registry import registry

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BEIAN_SHARED", REPO.parent / "shared"))
DATA = SHARED / "data"


def spam() -> tuple[list[str], list[str]]:
    """(spam, normal) texts of spam-sms-10k."""
    pos: list[str] = []
    neg: list[str] = []
    for line in (DATA / "spam-sms-10k" / "train.txt").read_text("utf-8").splitlines():
        label, _, text = line.partition("\t")
        (pos if label.strip() == "1" else neg).append(text)
    return pos, neg


def tnews() -> list[str]:
    out = []
    for name in ("dev.json", "test.json"):
        for line in (DATA / "tnews" / name).read_text("utf-8").splitlines():
            if line.strip():
                out.append(json.loads(line)["sentence"])
    return out


def waimai() -> list[str]:
    with (DATA / "waimai-10k" / "waimai_10k.csv").open(encoding="utf-8") as f:
        return [row["review"] for row in csv.DictReader(f)]


def legal() -> list[str]:
    base = DATA / "lawyer-llama-legal"
    out = [d["query"] for d in json.loads((base / "zixun_gpt4.json").read_text("utf-8"))]
    for turns in json.loads((base / "legal_advice.json").read_text("utf-8")):
        out.extend(t["instruction"] + t.get("input", "") for t in turns)
    return out


def cold() -> list[str]:
    out = []
    for name in ("train.csv", "dev.csv", "test.csv"):
        with (DATA / "cold" / name).open(encoding="utf-8-sig") as f:
            out.extend(r["TEXT"] for r in csv.DictReader(f) if r["label"] == "0")
    return out


def novels(max_docs: int) -> list[str]:
    out: list[str] = []
    docs = 0
    with gzip.open(SHARED / "bench" / "data" / "corpus.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if d["src"] != "novel":
                continue
            out.extend(p.strip() for p in d["text"].splitlines() if p.strip())
            docs += 1
            if docs >= max_docs:
                break
    return out


def _flagged(det: SolicitDetector, texts: list[str]) -> Iterator[tuple[str, str]]:
    for text, found in zip(texts, det.detect_batch(texts), strict=True):
        if found:
            yield text, found[0].why


def _rate(det: SolicitDetector, texts: list[str]) -> float:
    best = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        det.detect_batch(texts)
        best = min(best, time.process_time() - t0)
    return len(texts) / best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--novel-docs", type=int, default=400)
    args = ap.parse_args()
    det, _ = registry.create("detector", "solicit")
    assert isinstance(det, SolicitDetector)
    rng = random.Random(0)
    pos, neg = spam()
    hit = list(_flagged(det, pos))
    hits = {t for t, _ in hit}
    print(f"spam-sms-10k label 1: recall {len(hits) / len(pos):.1%} ({len(hits)}/{len(pos)})")
    if args.show:
        for t in rng.sample([t for t in pos if t not in hits], args.show):
            print("   miss:", t[:120])
    sets = {
        "spam-sms-10k label 0": neg,
        "tnews": tnews(),
        "waimai-10k": waimai(),
        "lawyer-llama questions": legal(),
        "cold label 0": cold(),
        f"novel paragraphs ({args.novel_docs} docs)": novels(args.novel_docs),
    }
    for name, texts in sets.items():
        flagged = list(_flagged(det, texts))
        print(f"{name}: flag rate {len(flagged) / len(texts):.2%} ({len(flagged)}/{len(texts)})")
        for t, why in rng.sample(flagged, min(args.show, len(flagged))):
            print("   flag:", t[:100].replace("\n", " "), "|", why)
    mix = pos + neg + sets["tnews"]
    avg = sum(map(len, mix)) / len(mix)
    print(f"throughput: {_rate(det, mix):,.0f} texts/s ({len(mix)} texts, {avg:.0f} chars avg)")


if __name__ == "__main__":
    main()
