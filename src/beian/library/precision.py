"""Precision warning: which keywords fire on a benign reference corpus.

A keyword that matches ordinary, harmless text (网络, 招聘, 病毒感染 …) blocks good answers and
buries real hits. The shipped reference corpus (``library/data/benign_reference.txt``) is a
small sample of shippable benign texts — CValues prompts, COLD comments labelled safe and
SafetyBench texts whose gold answer is "not offensive" — built by
``scripts/build_starter_assets.py``. Matching is a lower-cased substring check (variants
included); a hit inside an allow-listed term (三黄片 for 黄片) does not count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import ahocorasick_rs

from beian.library.records import KeywordEntry


@dataclass(frozen=True, slots=True)
class BenignHit:
    """A term and how many reference texts it fired on."""

    term: str
    risk: str | None
    texts: int
    share: float
    example: str


@lru_cache(maxsize=1)
def benign_reference() -> tuple[str, ...]:
    """The shipped benign reference texts, one per line."""
    ref = resources.files("beian.library").joinpath("data", "benign_reference.txt")
    return tuple(line for line in ref.read_text(encoding="utf-8").splitlines() if line.strip())


def _automaton(patterns: list[str]) -> ahocorasick_rs.AhoCorasick:
    return ahocorasick_rs.AhoCorasick(patterns, store_patterns=False)


def benign_hits(
    entries: Sequence[KeywordEntry], texts: Sequence[str] | None = None, min_texts: int = 1
) -> list[BenignHit]:
    """Deny-list terms that fire on at least ``min_texts`` benign texts, most frequent first."""
    corpus = list(benign_reference() if texts is None else texts)
    deny = [e for e in entries if not e.allow and e.removed is None]
    surface: list[tuple[str, int]] = []  # (pattern, index into deny)
    for i, e in enumerate(deny):
        for form in {e.term, *e.variants}:
            if form.strip():
                surface.append((form.lower(), i))
    allow = sorted({e.term.lower() for e in entries if e.allow and e.term.strip()})
    if not surface or not corpus:
        return []
    deny_ac = _automaton([p for p, _ in surface])
    allow_ac = _automaton(allow) if allow else None
    counts: Counter[int] = Counter()
    examples: dict[int, str] = {}
    for text in corpus:
        low = text.lower()
        shields = (
            [(s, t) for _, s, t in allow_ac.find_matches_as_indexes(low, overlapping=True)]
            if allow_ac
            else []
        )
        fired: set[int] = set()
        for pat, start, end in deny_ac.find_matches_as_indexes(low, overlapping=True):
            if any(s <= start and end <= t for s, t in shields):
                continue
            fired.add(surface[pat][1])
        for i in fired:
            counts[i] += 1
            examples.setdefault(i, text[:80])
    hits = [
        BenignHit(deny[i].term, deny[i].risk, n, round(n / len(corpus), 4), examples[i])
        for i, n in counts.items()
        if n >= min_texts
    ]
    return sorted(hits, key=lambda h: (-h.texts, h.term))
