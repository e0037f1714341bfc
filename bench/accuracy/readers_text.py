"""Readers of the text sources (content screening), one per folder of the shared data.

Each reader yields every usable item of its source as a :class:`Raw`; sampling and capping
happen in :mod:`bench.accuracy.devsets`. Formats and labels: data README §2 and §3.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.accuracy import riskmap

NOVEL_CHUNK = 200
"""Longest novel chunk (characters): line-sized, like a chat message or a comment."""
NOVEL_MIN = 10
"""Shorter chunks (chapter titles, stray lines) say nothing about false alarms."""
NOVEL_PER_DOC = 5
"""Chunks taken per chapter, spread over it: keeps the pool small and varied."""


@dataclass(frozen=True, slots=True)
class Raw:
    """One item as read: text (the answer, for answers), label, gold ids, question if any."""

    text: str
    harmful: bool
    risks: tuple[str, ...] = ()
    question: str | None = None


def data(shared: Path, *parts: str) -> Path:
    """A path inside the shared ``data/`` folder."""
    return shared.joinpath("data", *parts)


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """The JSON objects of a (gzipped) JSONL file; ``ValueError`` naming the line otherwise."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path.name}:{n}: not JSON ({exc.msg})") from None
            if not isinstance(rec, dict):
                raise ValueError(f"{path.name}:{n}: not a JSON object")
            yield rec


def cold(shared: Path) -> Iterator[Raw]:
    """COLD test split (human 0/1); the train and dev splits are what models train on."""
    with data(shared, "cold", "test.csv").open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            harmful = row["label"] == "1"
            risks = riskmap.COLD_TOPIC.get(row["topic"], ()) if harmful else ()
            if harmful and row.get("fine-grained-label") == "1":  # attack on an individual
                risks = (*risks, "A.4.c")
            yield Raw(row["TEXT"], harmful, risks)


def swsr(shared: Path) -> Iterator[Raw]:
    """SWSR SexComment: label 1 sexist (A.2.e; SO also A.1.f; target I also A.4.c)."""
    with data(shared, "swsr", "SexComment.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            harmful = row["label"] == "1"
            risks: tuple[str, ...] = ()
            if harmful:
                risks = ("A.2.e",)
                risks += ("A.1.f",) if row["category"] == "SO" else ()
                risks += ("A.4.c",) if row["target"] == "I" else ()
            yield Raw(row["comment_text"], harmful, risks)


def chbias(shared: Path) -> Iterator[Raw]:
    """CHBias: every line is in the authors' biased set of its category (set-level label)."""
    for path in sorted(data(shared, "chbias").glob("*.txt")):
        risks = riskmap.CHBIAS_CATEGORY[path.name.split("_")[0]]
        for line in path.read_text(encoding="utf-8").splitlines():
            yield Raw(line, True, risks)


def zuanbot(shared: Path) -> Iterator[Raw]:
    """zuanbot insults (A.4.c)."""
    for rec in _jsonl(data(shared, "zuanbot", "zuanbot.jsonl")):
        yield Raw(str(rec["text"]), True, ("A.4.c",))


def corgi_pm(shared: Path) -> Iterator[Raw]:
    """CORGI-PM: biased original (A.2.e) and its human debiased rewrite (benign)."""
    for rec in _jsonl(data(shared, "corgi-pm", "corgi_pm_biased.jsonl")):
        yield Raw(str(rec["ori_sentence"]), True, ("A.2.e",))
        # A few rewrites carry an annotator comment after a tab ("评：…"): not part of the text.
        yield Raw(str(rec["edit_sentence"]).split("\t")[0], False)


def spam_sms(shared: Path) -> Iterator[Raw]:
    """Spam SMS: 1 spam (A.3.e; gambling or fake-invoice ads also A.1.h), 0 normal."""
    with data(shared, "spam-sms-10k", "train.txt").open(encoding="utf-8") as fh:
        for line in fh:
            label, _, text = line.rstrip("\n").partition("\t")
            harmful = label == "1"
            risks: tuple[str, ...] = ()
            if harmful:
                risks = ("A.1.h", "A.3.e") if riskmap.SPAM_ILLEGAL.search(text) else ("A.3.e",)
            yield Raw(text, harmful, risks)


def fraud_r1(shared: Path) -> Iterator[Raw]:
    """Fraud-R1 cases: the real case text, or the rewrite where there is none (A.1.h)."""
    items = json.loads(data(shared, "fraud-r1-zh", "FP-base-Chinese.json").read_text("utf-8"))
    for rec in items:
        raw = rec.get("raw_data") or rec.get("generated text") or ""
        # Job postings are records (title, salary, ...): their values, one per line.
        text = "\n".join(str(v) for v in raw.values()) if isinstance(raw, dict) else str(raw)
        extra = riskmap.FRAUD_R1_CATEGORY.get(rec.get("category", ""), ())
        yield Raw(text, True, riskmap.unique(("A.1.h", *extra)))


def teleantifraud(shared: Path) -> Iterator[Raw]:
    """TeleAntiFraud dialogues: the caller's turns joined (scammer in fraud dialogues)."""
    path = data(shared, "teleantifraud-dialogues", "teleantifraud_dialogues.jsonl.gz")
    for rec in _jsonl(path):
        left = rec.get("left") or []
        text = "\n".join(str(t) for t in left) if isinstance(left, list) else ""
        if rec["label"] == "fraud":
            extra = riskmap.TELE_FRAUD_TYPE.get(str(rec.get("fraud_type")), ())
            yield Raw(text, True, ("A.1.h", *extra))
        else:
            yield Raw(text, False)


def weibo_rumor(shared: Path) -> Iterator[Raw]:
    """Weibo CED: rumour (A.1.g) / non-rumour."""
    for rec in _jsonl(data(shared, "weibo-rumor-ced", "ced_original_microblogs.jsonl")):
        harmful = rec["label"] == "rumor"
        yield Raw(str(rec["text"]), harmful, ("A.1.g",) if harmful else ())


def tnews(shared: Path) -> Iterator[Raw]:
    """TNEWS headlines (benign news, incl. politics, military and world affairs)."""
    for name in ("dev.json", "test.json"):
        for rec in _jsonl(data(shared, "tnews", name)):
            yield Raw(str(rec["sentence"]), False)


def waimai(shared: Path) -> Iterator[Raw]:
    """Food-delivery reviews (benign; some angry)."""
    with data(shared, "waimai-10k", "waimai_10k.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            yield Raw(row["review"], False)


_SENTENCE_END = re.compile(r"(?<=[。！？!?…」”])")


def chunks(text: str, size: int = NOVEL_CHUNK) -> Iterator[str]:
    """Line-sized pieces of ``text``: each line, long lines cut at sentence ends to ≤ ``size``."""
    for line in text.splitlines():
        piece = ""
        for sentence in _SENTENCE_END.split(line.strip()):
            if piece and len(piece) + len(sentence) > size:
                yield piece[:size]
                piece = ""
            piece += sentence
        if piece:
            yield piece[:size]


def novels(shared: Path) -> Iterator[Raw]:
    """Benign novel chunks from the bench corpus (MIT), a few spread over each chapter."""
    for rec in _jsonl(shared / "bench" / "data" / "corpus.jsonl.gz"):
        if rec.get("src") != "novel":
            continue
        pieces = [c for c in chunks(str(rec["text"])) if len(c) >= NOVEL_MIN]
        step = max(1, len(pieces) // NOVEL_PER_DOC)
        for piece in pieces[::step][:NOVEL_PER_DOC]:
            yield Raw(piece, False)
