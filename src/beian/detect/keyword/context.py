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

import numpy as np
import numpy.typing as npt

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


@cache
def word_table() -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Sorted keys ``(first << 16) | second`` of the two-character words, and their counts."""
    items = sorted(
        ((ord(w[0]) << 16) | ord(w[1]), n) for w, n in word_frequencies().items() if len(w) == 2
    )
    keys = np.array([k for k, _ in items], dtype=np.int64)
    counts = np.array([n for _, n in items], dtype=np.int64)
    return keys, counts


def word_counts(
    first: npt.NDArray[np.int64], second: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Frequency of each two-character word ``first[i] + second[i]`` (0 when not a word)."""
    keys, counts = word_table()
    if not len(keys):
        return np.zeros(len(first), dtype=np.int64)
    query = (first << 16) | second
    at = np.minimum(np.searchsorted(keys, query), len(keys) - 1)
    found: npt.NDArray[np.int64] = np.where(keys[at] == query, counts[at], 0)
    return found


def straddling_word(text: str, start: int, end: int, term: str) -> str | None:
    """A word across an edge of ``text[start:end]`` that outweighs ``term``, else ``None``."""
    left = text[start - 1] + text[start] if start > 0 else None
    right = text[end - 1] + text[end] if end < len(text) else None
    return _outweighing(left, right, term)


def straddling_units(units: npt.NDArray[np.uint16], start: int, end: int, term: str) -> str | None:
    """:func:`straddling_word` over UTF-16 code units (the keyword detector's fast path).

    Only two-character CJK terms are checked and every word in the list is two BMP
    characters, so a surrogate half on either side simply never matches a word.
    """
    left = chr(units[start - 1]) + chr(units[start]) if start > 0 else None
    right = chr(units[end - 1]) + chr(units[end]) if end < len(units) else None
    return _outweighing(left, right, term)


def _outweighing(left: str | None, right: str | None, term: str) -> str | None:
    freq = word_frequencies()
    own = freq.get(term, 0)
    if left is not None and freq.get(left, 0) > own:
        return left
    if right is not None and freq.get(right, 0) > own:
        return right
    return None
