"""Benign texts written in pinyin: without them the harm model learns "Latin letters = harm".

The only romanised Chinese in the training sets is pinyin spellings of sensitive terms (lexicons,
evasion seeds), all labelled harmful, so ordinary pinyin ("jin tian tian qi hen hao") scored as
harmful. These rows are our own benign authored texts transliterated with pypinyin, in the two
shapes people type: syllables apart, and syllables run together in pairs.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence

from beian.detect.classifier.synth import Labelled

SHARE = 0.5
"""Share of the benign authored rows that get a romanised twin (both shapes)."""


def _shapes(text: str) -> list[str]:
    from pypinyin import lazy_pinyin

    syllables = [s.strip() for s in lazy_pinyin(text) if s.strip()]
    if not syllables:
        return []
    spaced = " ".join(syllables)
    paired = " ".join("".join(syllables[i : i + 2]) for i in range(0, len(syllables), 2))
    return [spaced, paired]


def romanised_benign(benign: Sequence[str], seed: int = 0) -> list[Labelled]:
    """Pinyin twins of a deterministic sample of ``benign`` texts, labelled benign."""
    rng = random.Random(seed)
    picked = sorted(t for t in benign if rng.random() < SHARE)
    return [(shape, ()) for text in picked for shape in _shapes(text) if shape != text]


def romanised_digest(rows: Sequence[Labelled]) -> str:
    """SHA-256 of the generated rows (recorded in a model's sources)."""
    digest = hashlib.sha256()
    for text, _risks in rows:
        digest.update(text.encode("utf-8") + b"\0")
    return digest.hexdigest()
