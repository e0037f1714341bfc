"""Exact and near-duplicate detection over normalised text (MinHash + LSH, then exact Jaccard).

Normalisation is the keyword matcher's own (:mod:`beian.text.normalise`), then letters and
digits only: what an evasion or a sloppy copy changes without changing meaning. Near duplicates are pairs whose character-trigram sets have Jaccard similarity of
at least the threshold; MinHash bands only propose candidates, every reported pair is verified.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

_PERMS = 64
_BANDS = 16  # 16 bands x 4 rows: pairs at Jaccard 0.8 collide in some band with p > 0.99
_PRIME = (1 << 61) - 1


def normalise(text: str) -> str:
    """The comparison form of ``text``: the keyword matcher's normalisation (NFKC, width, case,
    homoglyphs, traditional → simplified, zero-width and separators), then letters and digits
    only. One normaliser for matching and for duplicates: two entries the matcher cannot tell
    apart are duplicates."""
    from beian.text.normalise import normalise as fold

    return "".join(ch for ch in fold(text).text if unicodedata.category(ch)[0] in "LN")


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    """Items (by index) whose normalised text is identical."""

    key: str
    indexes: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class NearPair:
    """Two items whose trigram Jaccard similarity is at least the threshold."""

    a: int
    b: int
    similarity: float


def exact_duplicates(texts: Sequence[str]) -> list[DuplicateGroup]:
    """Groups of two or more items with the same normalised text, in first-seen order."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, t in enumerate(texts):
        groups[normalise(t)].append(i)
    return [DuplicateGroup(k, tuple(v)) for k, v in groups.items() if len(v) > 1 and k]


def _shingles(text: str, n: int = 3) -> set[str]:
    if len(text) <= n:
        return {text} if text else set()
    return {text[i : i + n] for i in range(len(text) - n + 1)}


def _hash64(s: str) -> int:
    return int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest(), "little")


def _signatures(sets: Sequence[set[str]]) -> np.ndarray:
    rng = np.random.default_rng(20240301)  # fixed seed: results must be reproducible
    a = rng.integers(1, _PRIME, size=_PERMS, dtype=np.uint64)
    b = rng.integers(0, _PRIME, size=_PERMS, dtype=np.uint64)
    sigs = np.full((len(sets), _PERMS), np.iinfo(np.uint64).max, dtype=np.uint64)
    for i, shingles in enumerate(sets):
        if not shingles:
            continue
        h = np.array([_hash64(s) % _PRIME for s in shingles], dtype=np.uint64)
        # (a*h + b) mod p with uint64 wrap-around is a fine universal-ish hash family here.
        vals = (np.outer(h, a) + b) % np.uint64(_PRIME)
        sigs[i] = vals.min(axis=0)
    return sigs


def near_duplicates(texts: Sequence[str], threshold: float = 0.8) -> list[NearPair]:
    """Pairs of items (not exact duplicates) with trigram Jaccard ≥ ``threshold``."""
    norm = [normalise(t) for t in texts]
    sets = [_shingles(t) for t in norm]
    sigs = _signatures(sets)
    rows = _PERMS // _BANDS
    candidates: set[tuple[int, int]] = set()
    for band in range(_BANDS):
        buckets: dict[bytes, list[int]] = defaultdict(list)
        chunk = sigs[:, band * rows : (band + 1) * rows]
        for i in range(len(texts)):
            if sets[i]:
                buckets[chunk[i].tobytes()].append(i)
        for members in buckets.values():
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    candidates.add((members[x], members[y]))
    pairs: list[NearPair] = []
    for i, j in sorted(candidates):
        if norm[i] == norm[j]:
            continue  # exact duplicates are reported separately
        sim = len(sets[i] & sets[j]) / len(sets[i] | sets[j])
        if sim >= threshold:
            pairs.append(NearPair(i, j, round(sim, 3)))
    return pairs
