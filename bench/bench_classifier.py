"""Throughput of the classifier on short texts (≤ 200 chars) and on long texts, and its flag rate
on benign short texts.

    OMP_NUM_THREADS=1 python bench/bench_classifier.py [--n 20000] [--shared ../shared]
    OMP_NUM_THREADS=1 python bench/bench_classifier.py --long [--docs 600] [--shared ../shared]
    python bench/bench_classifier.py --short-fp [--model DIR] [--shared ../shared] [--write DIR]

Throughput: texts are slices of the bench novels corpus (MIT) when the shared folder is there,
otherwise built from the classifier's own seed sentences. The baseline is the cheapest possible
pass over the same texts: NFKC + lower-case (the normalisation the classifier itself starts with).
Times are CPU seconds of this process (``time.process_time``), best of three: the development VM
is shared, and wall time there measures the neighbours as much as the code.

``--long``: MB/s (UTF-8) on the first ``--docs`` whole chapters of the bench novels corpus (mean
about 3,500 characters, up to 48,000), the workload of a corpus scan.

``--short-fp``: the share of benign short texts that get any finding at the model's thresholds,
on three seeded samples of 1,000 built from the shared folder at run time (CMMLU answer options,
CMMLU questions cut to 2–10 characters, short sentences of the novels corpus that are not inside
a training chunk). CMMLU is CC BY-NC-SA development data: it is read here for measurement only
and never enters training or the package; ``--write`` puts the samples outside the repository.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import random
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from beian.detect.classifier import load_model
from beian.detect.classifier.features import normalise
from beian.detect.classifier.recipe import novel_rows, shared_dir
from beian.detect.classifier.synth import synthetic_examples
from beian.registry import registry
from beian.stats import wilson

SHORT_SAMPLE = 1000
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_QUOTES = "“”‘’「」『』\"' 　"


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


def _seconds(fn: Callable[[Sequence[str]], object], texts: Sequence[str], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn(texts)
        best = min(best, time.process_time() - start)
    return best


def _rate(fn: Callable[[Sequence[str]], object], texts: Sequence[str], repeat: int = 3) -> float:
    return len(texts) / _seconds(fn, texts, repeat)


def _chapters(shared: Path | None, docs: int) -> list[str]:
    corpus = shared_dir(shared).parent / "bench" / "data" / "corpus.jsonl.gz"
    out: list[str] = []
    with gzip.open(corpus, "rt", encoding="utf-8") as fh:
        for line in fh:
            out.append(json.loads(line)["text"])
            if len(out) >= docs:
                break
    return out


def long_texts(shared: Path | None, docs: int) -> None:
    """Print MB/s of the baseline, ``scores`` and ``detect_batch`` on whole novel chapters."""
    texts = _chapters(shared, docs)
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    model = load_model()
    det, _ = registry.create("detector", "classifier")
    model.scores(texts[:20])  # build the normalisation table outside the timing
    rows = [
        ("baseline: NFKC + lower only", _seconds(lambda ts: [normalise(t) for t in ts], texts)),
        ("model.scores (batch)", _seconds(model.scores, texts)),
        ("detector.detect_batch", _seconds(det.detect_batch, texts)),
    ]
    mean = sum(map(len, texts)) / len(texts)
    print(f"{len(texts)} chapters, {mb:.1f} MB, mean {mean:,.0f} chars, OMP_NUM_THREADS=1")
    for name, sec in rows:
        print(f"{name:40s} {mb / sec:10.1f} MB/s")


def _sample(pool: Sequence[str], seed: int) -> list[str]:
    unique = sorted(set(pool))
    random.Random(seed).shuffle(unique)
    return unique[:SHORT_SAMPLE]


def short_benign_sets(shared: Path | None) -> dict[str, list[str]]:
    """Seeded samples of benign short texts (see the module docstring)."""
    data = shared_dir(shared)
    options: list[str] = []
    questions: list[str] = []
    for path in sorted((data / "cmmlu" / "test").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                options += [row[k].strip() for k in "ABCD" if 1 <= len(row[k].strip()) <= 20]
                questions.append(row["Question"].strip())
    rng = random.Random(1)
    cut = [q[: rng.randint(2, 10)] for q in sorted(set(questions))]
    corpus = data.parent / "bench" / "data" / "corpus.jsonl.gz"
    trained = "\x00".join(t for t, _ in novel_rows(corpus))
    sentences: list[str] = []
    with gzip.open(corpus, "rt", encoding="utf-8") as fh:
        for line in fh:
            for s in _SENTENCE_END.split(json.loads(line)["text"]):
                s = s.strip(_QUOTES + "，,")
                if 2 <= len(s) <= 15:
                    sentences.append(s)
    sentences = [s for s in _sample(sentences, 3)[: 10 * SHORT_SAMPLE] if s not in trained]
    return {
        "cmmlu_options": _sample(options, 2),
        "cmmlu_question_starts": _sample(cut, 2),
        "novel_sentences": sentences[:SHORT_SAMPLE],
    }


def short_fp(shared: Path | None, model_dir: Path | None, write: Path | None) -> None:
    """Print the flag rate (any finding) of the model on each benign short-text sample."""
    model = load_model(model_dir)
    cut = model.threshold_vector()
    for name, texts in short_benign_sets(shared).items():
        if write is not None:
            write.mkdir(parents=True, exist_ok=True)
            (write / f"short_{name}.jsonl").write_text(
                "".join(
                    json.dumps({"text": t, "risks": []}, ensure_ascii=False) + "\n" for t in texts
                ),
                encoding="utf-8",
            )
        hits = model.scores(texts) >= cut
        flagged = int(hits.any(axis=1).sum())
        lo, hi = wilson(flagged, len(texts))
        per_risk = {model.risks[i]: int(c) for i, c in enumerate(hits.sum(axis=0)) if c}
        top = ", ".join(f"{r} {c}" for r, c in sorted(per_risk.items(), key=lambda kv: -kv[1])[:5])
        mean_len = sum(map(len, texts)) / len(texts)
        print(
            f"{name:24s} n={len(texts)} mean {mean_len:.1f} chars  flagged {flagged} "
            f"({flagged / len(texts):.1%} [{lo:.1%}–{hi:.1%}])  {top}"
        )


def main() -> None:
    """Print texts/s for the baseline, ``scores``, ``detect_batch`` and per-text ``detect``."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--shared", type=Path, default=None)
    parser.add_argument(
        "--length", type=int, default=None, help="fixed text length (default 20–200)"
    )
    parser.add_argument("--short-fp", action="store_true", help="benign short-text flag rates")
    parser.add_argument("--model", type=Path, default=None, help="model dir (--short-fp)")
    parser.add_argument("--write", type=Path, default=None, help="write samples here (--short-fp)")
    parser.add_argument("--long", action="store_true", help="MB/s on whole novel chapters")
    parser.add_argument("--docs", type=int, default=600, help="chapters to score (--long)")
    args = parser.parse_args()
    if args.short_fp:
        short_fp(args.shared, args.model, args.write)
        return
    if args.long:
        long_texts(args.shared, args.docs)
        return
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
