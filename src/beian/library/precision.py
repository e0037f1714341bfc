"""Precision warning: which keywords fire on a benign reference corpus.

A keyword that matches ordinary, harmless text (网络, 招聘, 病毒感染 …) blocks good answers and
buries real hits. The shipped reference corpus (``library/data/benign_reference.txt``) is a
small sample of shippable benign texts — CValues prompts, COLD comments labelled safe and
SafetyBench texts whose gold answer is "not offensive" — built by
``scripts/build_starter_assets.py``. Matching is the keyword detector itself
(:class:`beian.detect.keyword.KeywordDetector`: the same normalisation, allow-lists and context
rules as detection), so the warning measures the matcher that runs: 大麻 does not "fire" on
大麻烦 here when it never fires there, and a full-width or traditional spelling counts here as it
does there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

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


def benign_hits(
    entries: Sequence[KeywordEntry],
    texts: Sequence[str] | None = None,
    min_texts: int = 1,
    *,
    evasion: bool = True,
) -> list[BenignHit]:
    """Deny-list terms that fire on at least ``min_texts`` benign texts, most frequent first.

    ``evasion``: as the detector's option of that name (on by default, as in detection)."""
    corpus = list(benign_reference() if texts is None else texts)
    live = [e for e in entries if e.removed is None and e.term.strip()]
    deny: dict[str, KeywordEntry] = {}
    for e in live:  # a term listed twice is one term to fix: reported once, first risk
        if not e.allow:
            deny.setdefault(e.term, e)
    if not deny or not corpus:
        return []
    from beian.detect.keyword import KeywordDetector  # the automaton: only when checking

    detector = KeywordDetector(live, evasion=evasion)
    counts: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for text, found in zip(corpus, detector.detect_terms_batch(corpus), strict=True):
        for term in {term for _finding, term in found if term in deny}:
            counts[term] += 1
            examples.setdefault(term, text[:80])
    hits = [
        BenignHit(term, deny[term].risk, n, round(n / len(corpus), 4), examples[term])
        for term, n in counts.items()
        if n >= min_texts
    ]
    return sorted(hits, key=lambda h: (-h.texts, h.term))
