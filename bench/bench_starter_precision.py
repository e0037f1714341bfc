"""Starter keyword library precision: benign vs harmful flag rates of the rule path, per set.

    python bench/bench_starter_precision.py [--library PATH] [--limit N] [--top K] [--all]

The rule path is ``DetectorSet([keyword, pii])`` with default scoring and no classifier (what a
corpus scan without a model runs). A text counts as *hit* when it has any keyword finding and
as *flagged* when the DetectorSet verdict is ``unqualified``; for harmful sets the column
``A.4.c`` is the share flagged for insult (the profanity section's recall).

Every set is split once, by a hash of the text (:func:`held_out`): ``scripts/
build_starter_assets.py`` measures and curates entries on the tuning half only, and this bench
reports the **held-out** half (``--all``: both halves). Novels keep their historical split (first
half of the chapters tunes, second half is held out). CMMLU and CValues are never tuned on.
All sets are read from ``../shared`` (dev-only sets are only measured; nothing is copied).

``--top K`` lists, per benign set, the K terms behind most flagged texts.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import os
from collections import Counter
from collections.abc import Callable, Iterator
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


def held_out(text: str) -> bool:
    """Whether a (non-novel) text belongs to the held-out half: odd first byte of its SHA-256."""
    return hashlib.sha256(text.encode("utf-8")).digest()[0] % 2 == 1


def _column(path: Path, column: str, label: str | None = None) -> Iterator[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if label is None or row["label"] == label:
                yield row[column]


def _jsonl(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def _tnews(data: Path) -> list[str]:
    return [r["sentence"] for n in ("dev", "test") for r in _jsonl(data / f"tnews/{n}.json")]


def _legal_questions(data: Path) -> list[str]:
    law = data / "lawyer-llama-legal"
    out = [r["query"] for r in json.loads((law / "zixun_gpt4.json").read_text("utf-8"))]
    out += [r["input"] for r in json.loads((law / "fakao_gpt4.json").read_text("utf-8"))]
    for turns in json.loads((law / "legal_advice.json").read_text("utf-8")):
        out += [f"{t['instruction']}\n{t['input']}".strip() for t in turns]
    return out


def _legal_answers(data: Path) -> list[str]:
    law = data / "lawyer-llama-legal"
    out = [r["response"] for r in json.loads((law / "zixun_gpt4.json").read_text("utf-8"))]
    out += [r["output"] for r in json.loads((law / "fakao_gpt4.json").read_text("utf-8"))]
    for turns in json.loads((law / "legal_advice.json").read_text("utf-8")):
        out += [t["output"] for t in turns]
    return out


def _alpaca(data: Path) -> list[str]:
    names = ("alpaca_zh_translated.jsonl", "alpaca_zh_supplement.jsonl")
    return [r["output"] for n in names for r in _jsonl(data / "alpaca-zh" / n) if r["output"]]


def _cold(data: Path, label: str) -> list[str]:
    return [
        t for s in ("train", "dev", "test") for t in _column(data / f"cold/{s}.csv", "TEXT", label)
    ]


def _swsr(data: Path, label: str) -> list[str]:
    return list(_column(data / "swsr/SexComment.csv", "comment_text", label))


def _spam(data: Path) -> list[str]:
    lines = (data / "spam-sms-10k/train.txt").read_text("utf-8").splitlines()
    return [t for label, _, t in (x.partition("\t") for x in lines) if label == "1" and t]


def _seval(data: Path) -> list[str]:
    return [r["prompt"] for r in _jsonl(data / "s-eval/S-Eval_base_risk_zh_full.jsonl")]


def _jade(data: Path) -> list[str]:
    raw = (data / "jade-v3-medium/jade_alignment_medium_zh.csv").read_bytes().decode("gb18030")
    return [r["违规回答"] for r in csv.DictReader(raw.splitlines())]


def _zuanbot(data: Path) -> list[str]:
    return [r["text"] for r in _jsonl(data / "zuanbot/zuanbot.jsonl")]


def _waimai(data: Path) -> list[str]:
    return list(_column(data / "waimai-10k/waimai_10k.csv", "review"))


Loader = Callable[[Path], list[str]]
BENIGN: dict[str, Loader] = {
    "tnews": _tnews,
    "legal questions": _legal_questions,
    "legal answers": _legal_answers,
    "alpaca answers": _alpaca,
    "COLD label 0": lambda d: _cold(d, "0"),
    "SWSR label 0": lambda d: _swsr(d, "0"),
    "waimai": _waimai,
}
"""Benign short-text sets (name → loader over ``../shared/data``), split by :func:`held_out`."""
HARMFUL: dict[str, Loader] = {
    "COLD label 1": lambda d: _cold(d, "1"),
    "zuanbot": _zuanbot,
    "SWSR label 1": lambda d: _swsr(d, "1"),
    "spam SMS 1": _spam,
    "S-Eval base": _seval,
    "JADE violating": _jade,
}
"""Harmful sets (name → loader), split by :func:`held_out`."""


def corpora(
    *, tuning: bool, shared: Path = SHARED, limit: int | None = None
) -> dict[str, tuple[str, list[str]]]:
    """Name → (``benign`` | ``harmful``, texts) of one half of every set (novels included)."""
    data = shared / "data"
    chapters = novels(shared)
    out = {"novels": ("benign", tuning_half(chapters) if tuning else held_out_half(chapters))}
    for kind, loaders in (("benign", BENIGN), ("harmful", HARMFUL)):
        for name, load in loaders.items():
            texts = [t for t in load(data) if t.strip() and held_out(t) != tuning]
            out[name] = (kind, texts[:limit] if limit else texts)
    return out


def sets(limit: int | None, both: bool = False) -> dict[str, tuple[str, list[str]]]:
    """Name → (kind, texts) as measured: held-out halves, then CMMLU and CValues."""
    data = SHARED / "data"
    out = corpora(tuning=False, limit=limit)
    if both:
        tuned = corpora(tuning=True, limit=limit)
        out = {f"{k} ({h})": v for h, part in (("held-out", out), ("tuning", tuned))
               for k, v in part.items()}  # fmt: skip
    cmmlu = [q for p in sorted((data / "cmmlu/test").glob("*.csv")) for q in _column(p, "Question")]
    cvalues_path = data / "cvalues/cvalues_responsibility_prompts.jsonl"
    cvalues = [json.loads(x)["prompt"] for x in cvalues_path.open(encoding="utf-8")]
    out["CMMLU test"] = ("benign", cmmlu[:limit])
    out["CValues"] = ("benign", cvalues[:limit])
    return out


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
    parser.add_argument("--limit", type=int, default=5000, help="texts per set (0: all)")
    parser.add_argument("--top", type=int, default=0, help="list top terms on flagged benign texts")
    parser.add_argument("--all", action="store_true", help="also report the tuning halves")
    args = parser.parse_args()
    ds = build(args.library)
    print(f"{'set':28} {'kind':8} {'texts':>6} {'keyword hit':>12} {'flagged':>8} {'A.4.c':>6}")
    for name, (kind, texts) in sets(args.limit or None, args.all).items():
        verdicts = ds.check_batch(texts)
        hit = sum(1 for v in verdicts if any(f.detector == "keyword" for f in v.findings))
        flagged = sum(1 for v in verdicts if v.flagged)
        insult = sum(1 for v in verdicts if "A.4.c" in v.risks)
        n = max(len(texts), 1)
        print(
            f"{name:28} {kind:8} {len(texts):6} {hit / n:12.1%} {flagged / n:8.1%}"
            f" {insult / n:6.1%}"
        )
        if args.top and kind == "benign":
            top = Counter(t for v in verdicts if v.flagged for t in culprits(v))
            print("  top terms:", ", ".join(f"{t} {c}" for t, c in top.most_common(args.top)))


if __name__ == "__main__":
    main()
