"""Deterministic dev sets, one per source, built from the shared data folder at run time.

Each source yields :class:`Record`s of one kind (``text``, ``question`` or ``answer``) with a
harmful / benign label and the gold risk ids the source gives (data README §3). Every
(source, label) is capped by seeded sampling, so a run of a fast system takes minutes, and the
same seed and cap always give the same records. Nothing here is written into the package: the
sets are read from ``--shared`` every run (most sources may not ship; ``may_ship`` says which).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from bench.accuracy import readers_qa, readers_text
from bench.accuracy.readers_text import Raw

Kind = Literal["text", "question", "answer"]
Purpose = Literal["binary", "attribution"]
DEFAULT_CAP = 1500
"""Records per (source, label): ~40k records in all, a few minutes for a fast system."""
DEFAULT_SEED = 0


@dataclass(frozen=True, slots=True)
class Record:
    """One dev item: what a system sees (``text``; ``question`` too for answers) and its gold."""

    id: str
    source: str
    kind: Kind
    text: str
    question: str | None
    harmful: bool
    risks: tuple[str, ...]
    may_ship: bool
    purpose: Purpose = "binary"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (lists for tuples)."""
        out = asdict(self)
        out["risks"] = list(self.risks)
        return out


@dataclass(frozen=True, slots=True)
class Source:
    """A dev source: where it lives, what it yields and whether it may ship (data README §1)."""

    name: str
    folder: str
    """Folder under the shared ``data/`` (``bench`` for the novels corpus): what training
    metadata names, so a system trained on the folder is marked "seen" for this source."""
    kind: Kind
    may_ship: bool
    read: Callable[[Path], Iterable[Raw]]
    purpose: Purpose = "binary"


SOURCES: tuple[Source, ...] = (
    # texts (content screening)
    Source("cold", "cold", "text", True, readers_text.cold),
    Source("swsr", "swsr", "text", True, readers_text.swsr),
    Source("chbias", "chbias", "text", True, readers_text.chbias),
    Source("zuanbot", "zuanbot", "text", True, readers_text.zuanbot),
    Source("corgi-pm", "corgi-pm", "text", False, readers_text.corgi_pm),
    Source("spam-sms-10k", "spam-sms-10k", "text", False, readers_text.spam_sms),
    Source("fraud-r1-zh", "fraud-r1-zh", "text", False, readers_text.fraud_r1),
    Source("teleantifraud", "teleantifraud-dialogues", "text", True, readers_text.teleantifraud),
    Source("weibo-rumor", "weibo-rumor-ced", "text", False, readers_text.weibo_rumor),
    Source("tnews", "tnews", "text", False, readers_text.tnews),
    Source("waimai", "waimai-10k", "text", False, readers_text.waimai),
    Source("novels", "bench", "text", True, readers_text.novels),
    # questions (input screening): should refuse / should answer
    Source("s-eval-base", "s-eval", "question", False, readers_qa.s_eval_base),
    Source("s-eval-attack", "s-eval", "question", False, readers_qa.s_eval_attack),
    Source("xsafety", "xsafety-zh", "question", False, readers_qa.xsafety),
    Source("multijail", "multijail", "question", False, readers_qa.multijail),
    Source("jade-questions", "jade-v3-medium", "question", True, readers_qa.jade_questions),
    Source("cvalues", "cvalues", "question", True, readers_qa.cvalues),
    Source("lawyer-llama-q", "lawyer-llama-legal", "question", False, readers_qa.lawyer_questions),
    Source("cmmlu", "cmmlu", "question", False, readers_qa.cmmlu),
    Source("alpaca-q", "alpaca-zh", "question", False, readers_qa.alpaca_questions),
    # answers (output judging), with their question
    Source("jade-answers", "jade-v3-medium", "answer", True, readers_qa.jade_answers),
    Source("lawyer-llama-a", "lawyer-llama-legal", "answer", False, readers_qa.lawyer_answers),
    Source("alpaca-a", "alpaca-zh", "answer", False, readers_qa.alpaca_answers),
    Source(
        "safedialbench-answers", "safedialbench", "answer", False, readers_qa.safedialbench_answers
    ),
    # attribution only: which risk, not whether harmful
    Source(
        "chisafetybench",
        "chisafetybench",
        "text",
        False,
        readers_qa.chisafetybench,
        purpose="attribution",
    ),
)


def source_by_name(name: str) -> Source:
    """The source called ``name``; ``KeyError`` naming the known ones otherwise."""
    for s in SOURCES:
        if s.name == name:
            return s
    raise KeyError(f"unknown source {name!r}; known: {', '.join(s.name for s in SOURCES)}")


def sample(items: Sequence[Raw], cap: int, seed: int, key: str) -> list[int]:
    """Indices of at most ``cap`` items, seeded by ``seed`` and ``key``, in input order."""
    if len(items) <= cap:
        return list(range(len(items)))
    rng = random.Random(f"{seed}:{key}")  # str seeds hash with SHA-512: stable across runs
    return sorted(rng.sample(range(len(items)), cap))


def _dedupe(raws: Iterable[Raw]) -> list[Raw]:
    """Drop empty texts and exact repeats (same text and label) within a source."""
    seen: set[tuple[str, str | None, bool]] = set()
    out: list[Raw] = []
    for r in raws:
        text = r.text.strip()
        key = (text, r.question, r.harmful)
        if text and key not in seen:
            seen.add(key)
            out.append(r)
    return out


def build_source(source: Source, shared: Path, cap: int, seed: int) -> list[Record]:
    """The capped, seeded dev set of one source (``shared`` holds ``data/`` and ``bench/``)."""
    raws = _dedupe(source.read(shared))
    out: list[Record] = []
    for label in (True, False):
        group = [r for r in raws if r.harmful is label]
        for i in sample(group, cap, seed, f"{source.name}:{label}"):
            r = group[i]
            out.append(_record(source, r, f"{source.name}:{'h' if label else 'b'}{i}"))
    return out


def _record(source: Source, raw: Raw, rid: str) -> Record:
    return Record(
        id=rid,
        source=source.name,
        kind=source.kind,
        text=raw.text.strip(),
        question=raw.question,
        harmful=raw.harmful,
        risks=raw.risks,
        may_ship=source.may_ship,
        purpose=source.purpose,
    )


def build(
    shared: Path,
    names: Sequence[str] | None = None,
    cap: int = DEFAULT_CAP,
    seed: int = DEFAULT_SEED,
    log: Callable[[str], None] | None = None,
) -> tuple[list[Record], dict[str, str]]:
    """Records of every (or the named) source, and the sources that failed with their reason.

    A missing or malformed source is reported, not fatal: the rest of the run still measures.
    """
    records: list[Record] = []
    failed: dict[str, str] = {}
    for source in [source_by_name(n) for n in names] if names else SOURCES:
        try:
            part = build_source(source, shared, cap, seed)
        except (OSError, ValueError, KeyError, IndexError, UnicodeDecodeError) as exc:
            failed[source.name] = f"{type(exc).__name__}: {exc}"
            part = []
        if log is not None:
            log(f"devset {source.name}: {len(part)} records" + (" (FAILED)" if not part else ""))
        records.extend(part)
    return records, failed


def iter_kind(records: Iterable[Record], kind: Kind) -> Iterator[Record]:
    """The records of one kind."""
    return (r for r in records if r.kind == kind)
