"""Context rule for two-character Chinese keywords.

A two-character term is often just a slice across two ordinary words: 大麻 in 大麻烦 (大 + 麻烦),
口交 in 路口交通 (路口 + 交通). Before accepting such a hit we look at the two-character words
that straddle its edges (previous character + first character, last character + next
character). When one of them is a more frequent word than the term itself, a reader segments
the text that way, and the hit is dropped. Frequencies come from ``words.txt`` (derived from
jieba's dictionary, see ``build_words.py``).
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from beian.cachedir import load_or_build

WORDS_FILE = Path(__file__).with_name("words.txt")


@cache
def word_frequencies() -> dict[str, int]:
    """Two-character word → frequency, read once from ``words.txt``.

    (Reading it takes 15 ms; the detector itself looks words up in :func:`word_table`, cached
    on disk, through :func:`word_count` and :func:`word_counts`.)"""
    freq: dict[str, int] = {}
    with WORDS_FILE.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            word, _, count = line.rstrip("\n").partition("\t")
            freq[word] = int(count)
    return freq


@cache
def _key() -> str:
    """What the word table is built from: ``words.txt`` and this module."""
    digest = hashlib.sha256(WORDS_FILE.read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()


_Table = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], bool]


@cache
def _table() -> _Table:
    """:func:`word_table` and whether it holds every word (all are two BMP characters): built
    once, then loaded from the cache (``keyword/words-*.table``): reading ``words.txt`` and
    sorting it took 30 ms of every process whose text has a two-character hit."""

    def load(data: bytes) -> _Table:
        ints = np.frombuffer(data, dtype="<i8").astype(np.int64, copy=False)
        if len(ints) < 2 or ints[0] not in (0, 1) or len(ints) != 2 + 2 * int(ints[1]):
            raise ValueError("not a word table")
        n = int(ints[1])
        return ints[2 : 2 + n], ints[2 + n :], bool(ints[0])

    def dump(table: _Table) -> bytes:
        keys, counts, complete = table
        head = np.array([int(complete), len(keys)], dtype="<i8").tobytes()
        return head + b"".join(
            np.ascontiguousarray(a, dtype="<i8").tobytes() for a in (keys, counts)
        )

    return load_or_build("keyword", f"words-{_key()}.table", load, _build_table, dump)


def _build_table() -> _Table:
    freq = word_frequencies()
    items = sorted(((ord(w[0]) << 16) | ord(w[1]), n) for w, n in freq.items() if len(w) == 2)
    keys = np.array([k for k, _ in items], dtype=np.int64)
    counts = np.array([n for _, n in items], dtype=np.int64)
    complete = all(_bmp_pair(w) for w in freq)
    return keys, counts, complete


def _bmp_pair(word: str) -> bool:
    return len(word) == 2 and all(ord(c) < 0x10000 and not 0xD800 <= ord(c) < 0xE000 for c in word)


def word_table() -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Sorted keys ``(first << 16) | second`` of the two-character words, and their counts."""
    keys, counts, _ = _table()
    return keys, counts


def word_count(word: str) -> int:
    """``word_frequencies().get(word, 0)``, looked up in the cached table when every word is
    two BMP characters (as in the shipped ``words.txt``): no 32,000-entry dict to build."""
    keys, counts, complete = _table()
    if not complete:
        return word_frequencies().get(word, 0)
    if not _bmp_pair(word):
        return 0  # every word is a pair of BMP characters
    key = (ord(word[0]) << 16) | ord(word[1])
    at = int(np.searchsorted(keys, key))
    return int(counts[at]) if at < len(keys) and int(keys[at]) == key else 0


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
    own = word_count(term)
    if left is not None and word_count(left) > own:
        return left
    if right is not None and word_count(right) > own:
        return right
    return None
