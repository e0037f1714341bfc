"""Pinyin and homophone folding (谐音): optional, for catching 发轮功-style evasions.

``fold_homophones`` replaces every Han character by one representative character of its
toneless pinyin syllable (法 and 发 both become the same character), so a homophone evasion
matches the keyword folded the same way. The fold is 1:1, so offsets are unchanged.
``latin_pinyin`` spells a term in toneless pinyin (法轮功 → falungong) for matching pinyin
written in Latin letters.
"""

from __future__ import annotations

import unicodedata
from functools import cache

import numpy as np
import numpy.typing as npt


def _syllable(readings: str) -> str:
    """First reading of a pypinyin dictionary value, without tone marks (ü → v)."""
    first = readings.split(",")[0]
    bare = "".join(c for c in unicodedata.normalize("NFD", first) if not unicodedata.combining(c))
    return bare.replace("ü", "v").lower()


@cache
def homophone_table() -> npt.NDArray[np.uint32]:
    """Code-point table mapping each Han character to its syllable's representative."""
    from pypinyin.pinyin_dict import pinyin_dict

    table = np.arange(0x110000, dtype=np.uint32)
    representative: dict[str, int] = {}
    # Prefer a common (URO block) character as the representative, so evidence stays readable.
    for cp in sorted(pinyin_dict, key=lambda c: (not 0x4E00 <= c < 0xA000, c)):
        syllable = _syllable(pinyin_dict[cp])
        table[cp] = representative.setdefault(syllable, cp)
    table.setflags(write=False)
    return table


def fold_homophones(text: str) -> str:
    """Fold every Han character of ``text`` to its homophone representative (same length)."""
    if text.isascii():
        return text
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    return np.take(homophone_table(), codes).tobytes().decode("utf-32-le")


def latin_pinyin(term: str, sep: str = "") -> str:
    """Toneless pinyin of ``term`` joined by ``sep`` (法轮功 → falungong); other text kept."""
    from pypinyin import Style, lazy_pinyin

    return sep.join(lazy_pinyin(term, style=Style.NORMAL, v_to_u=False)).lower()


MAX_READINGS = 2
"""Readings kept per character by :func:`readings` (西藏 needs 藏's second, zang)."""


@cache
def _readings_table() -> dict[int, tuple[str, ...]]:
    from pypinyin.pinyin_dict import pinyin_dict

    out: dict[int, tuple[str, ...]] = {}
    for cp, value in pinyin_dict.items():
        toneless = [_syllable(r) for r in value.split(",")]
        out[cp] = tuple(dict.fromkeys(toneless))[:MAX_READINGS]
    return out


def readings(ch: str) -> tuple[str, ...]:
    """Toneless readings of one character, most common first (empty when it has none).

    A dictionary look-up per character: far faster than ``latin_pinyin`` (phrase matching),
    for compiling thousands of keywords; heteronyms keep their first two readings.
    """
    return _readings_table().get(ord(ch), ()) if len(ch) == 1 else ()
