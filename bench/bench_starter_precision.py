"""Starter keyword library precision: benign vs harmful flag rates of the rule path.

    python bench/bench_starter_precision.py [--library PATH] [--limit N] [--top K]

The rule path is ``DetectorSet([keyword, pii])`` with default scoring and no classifier (what a
corpus scan without a model runs). A text counts as *hit* when it has any keyword finding and
as *flagged* when the DetectorSet verdict is ``unqualified``. Sets:

- benign, held out: the **second half** of the novel chapters of
  ``../shared/bench/data/corpus.jsonl.gz`` (MIT; the first half is what
  ``scripts/build_starter_assets.py`` tunes on), CMMLU test questions (eval only, never tuned
  on) and CValues prompts (Apache-2.0; also in the shipped benign reference, so not held out);
- harmful (eval only): COLD test label 1 and S-Eval base prompts.

``--top K`` also lists the K terms behind most flagged held-out novel chapters.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from beian.detect.detector_set import DetectorSet, TextVerdict

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BEIAN_SHARED", REPO.parent / "shared"))


def novels(shared: Path = SHARED) -> list[str]:
    """Every novel chapter of the bench corpus, in file order."""
    out: list[str] = []
    with gzip.open(shared / "bench/data/corpus.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            if doc["src"] == "novel":
                out.append(doc["text"])
    return out


def tuning_half(docs: list[str]) -> list[str]:
    """The first half of the chapters (tuning); the rest is held out."""
    return docs[: len(docs) // 2]


def held_out_half(docs: list[str]) -> list[str]:
    """The second half of the chapters (measuring only)."""
    return docs[len(docs) // 2 :]


def _column(path: Path, column: str, label: str | None = None) -> Iterator[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if label is None or row["label"] == label:
                yield row[column]


def sets(limit: int) -> dict[str, tuple[str, list[str]]]:
    """Name → (kind, texts)."""
    data = SHARED / "data"
    cmmlu = [q for p in sorted((data / "cmmlu/test").glob("*.csv")) for q in _column(p, "Question")]
    cvalues_path = data / "cvalues/cvalues_responsibility_prompts.jsonl"
    cvalues = [json.loads(x)["prompt"] for x in cvalues_path.open(encoding="utf-8")]
    cold = list(_column(data / "cold/test.csv", "TEXT", "1"))
    seval_path = data / "s-eval/S-Eval_base_risk_zh_full.jsonl"
    seval = [json.loads(x)["prompt"] for x in seval_path.open(encoding="utf-8")]
    return {
        "novels held-out": ("benign", held_out_half(novels())),
        "CMMLU test": ("benign", cmmlu[:limit]),
        "CValues": ("benign", cvalues[:limit]),
        "COLD label 1": ("harmful", cold[:limit]),
        "S-Eval base": ("harmful", seval[:limit]),
    }


def build(library: str | None) -> DetectorSet:
    """The rule path: keyword (starter library unless ``library``) + PII, default scoring."""
    options = {"keyword": {"library": library}} if library else {}
    return DetectorSet.from_names(["keyword", "pii"], options)


def culprits(verdict: TextVerdict) -> set[str]:
    """Terms behind a flagged verdict's keyword findings of the flagged risks."""
    return {
        f.why.split(";")[0].removeprefix("term ")
        for f in verdict.findings
        if f.detector == "keyword" and f.risk in verdict.risks
    }


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--library", default=None, help="keyword library (default: starter)")
    parser.add_argument("--limit", type=int, default=5000, help="texts per short set")
    parser.add_argument("--top", type=int, default=0, help="list top terms on flagged novels")
    args = parser.parse_args()
    ds = build(args.library)
    print(f"{'set':16} {'kind':8} {'texts':>6} {'keyword hit':>12} {'flagged':>8}")
    for name, (kind, texts) in sets(args.limit).items():
        verdicts = ds.check_batch(texts)
        hit = sum(1 for v in verdicts if any(f.detector == "keyword" for f in v.findings))
        flagged = sum(1 for v in verdicts if v.flagged)
        n = len(texts)
        print(f"{name:16} {kind:8} {n:6} {hit / n:12.1%} {flagged / n:8.1%}")
        if args.top and name == "novels held-out":
            top = Counter(t for v in verdicts if v.flagged for t in culprits(v))
            print("  top terms:", ", ".join(f"{t} {c}" for t, c in top.most_common(args.top)))


if __name__ == "__main__":
    main()
