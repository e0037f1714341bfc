"""Context rule for two-character Chinese keywords.

A two-character term is often just a slice across two ordinary words: 大麻 in 大麻烦 (大 + 麻烦),
口交 in 路口交通 (路口 + 交通). Before accepting such a hit we look at the two-character words
that straddle its edges (previous character + first character, last character + next
character). When one of them is a more frequent word than the term itself, a reader segments
the text that way, and the hit is dropped. Frequencies come from ``words.txt`` (derived from
jieba's dictionary, see ``build_words.py``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

WORDS_FILE = Path(__file__).with_name("words.txt")


@cache
def word_frequencies() -> dict[str, int]:
    """Two-character word → frequency, read once from ``words.txt``."""
    freq: dict[str, int] = {}
    with WORDS_FILE.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            word, _, count = line.rstrip("\n").partition("\t")
            freq[word] = int(count)
    return freq


def straddling_word(text: str, start: int, end: int, term: str) -> str | None:
    """A word across an edge of ``text[start:end]`` that outweighs ``term``, else ``None``."""
    freq = word_frequencies()
    own = freq.get(term, 0)
    if start > 0:
        left = text[start - 1] + text[start]
        if freq.get(left, 0) > own:
            return left
    if end < len(text):
        right = text[end - 1] + text[end]
        if freq.get(right, 0) > own:
            return right
    return None
