"""Regions of a prepared text that cannot hold a contact, found without the contact pattern.

The contact pattern (:mod:`~beian.detect.solicit.contacts`) is tried at every character that
may begin a contact, about a microsecond each; around the common family terms of a novel
chapter that is most of the solicit time, and such regions almost never hold a contact. Every
match of the pattern contains at least one of:

1. an ASCII letter or ``@`` (URLs, e-mails, domains, handles, ASCII cues, letter ids);
2. five digits with at most two separators (``[\\W_]``) between neighbours (every number id
   and digit-only type). The prepared text is tested before the numerals fold, so a Chinese
   numeral counts as a digit;
3. a cue or pointer word, or an id cue of a handle type (飞机 1234: a handle id may be four
   digits), with up to two separators between its characters; tested on the region with every
   separator removed. A word character that is itself a separator (🐧, 💚) joins (1).

A region with none of them is skipped: the findings are those of scanning every region.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import ahocorasick_rs
import numpy as np
import numpy.typing as npt

from beian.detect.solicit.lexicon import contacts
from beian.detect.solicit.prepare import NUMERAL_CHARS

_NON_WORD = re.compile(r"[\W_]")
_SEPARATORS = re.compile(r"[\W_]+")
_MARK, _DIGIT, _SEP = 1, 2, 4
_ASTRAL = 0x10000
"""Code points from here share one table entry, marked as evidence (emoji cues are astral)."""
_LONG = 512
"""From this length a text is classified with a numpy table instead of the regexes."""


@dataclass(frozen=True, slots=True)
class _Evidence:
    quick: re.Pattern[str]
    """Conditions (1) and (2) in one pattern."""
    five: re.Pattern[str]
    """Condition (2) alone."""
    words: ahocorasick_rs.AhoCorasick | None
    """Condition (3): the words that (1) does not already cover."""
    table: npt.NDArray[np.uint8]
    """Per BMP code point (and one entry for every astral one): _MARK, _DIGIT, _SEP bits.
    Built from the same regexes (``[\\W_]`` is the regex module's own notion of a separator)."""


@cache
def _evidence() -> _Evidence | None:
    """The conditions, built from the contact data (``None``: they cannot be stated)."""
    data = contacts()
    words = [w for t in data.types.values() for w in t.cues] + list(data.pointers)
    words += [w for t in data.types.values() if t.id == "handle" for w in t.id_cues]
    if any(c in "0123456789" for w in words for c in w):
        return None  # a digit in a word: the numerals fold could create it, so no shortcut
    special = sorted({c for w in words for c in w if _NON_WORD.match(c)})
    marks = "[a-z@" + "".join(re.escape(c) for c in special) + "]"
    digit = "[0-9" + "".join(sorted(NUMERAL_CHARS)) + "]"
    five = f"{digit}(?:[\\W_]{{0,2}}{digit}){{4}}"
    quick = re.compile(f"{marks}|{five}")
    plain = sorted({w for w in words if w and quick.search(w) is None})
    ac = ahocorasick_rs.AhoCorasick(plain) if plain else None
    return _Evidence(quick, re.compile(five), ac, _table(marks, digit))


def _table(marks: str, digit: str) -> npt.NDArray[np.uint8]:
    bmp = "".join(map(chr, range(_ASTRAL)))
    table = np.zeros(_ASTRAL + 1, dtype=np.uint8)
    for bit, rx in ((_MARK, marks), (_DIGIT, digit), (_SEP, r"[\W_]")):
        table[[m.start() for m in re.finditer(rx, bmp)]] |= bit
    table[_ASTRAL] = _MARK
    return table


def may_hold_contact(text: str, lo: int, hi: int) -> bool:
    """False only when the contact pattern cannot match inside ``text[lo:hi]`` (a prepared
    text, numerals not yet folded): the definition that :func:`possible_regions` follows."""
    ev = _evidence()
    if ev is None or ev.quick.search(text, lo, hi) is not None:
        return True
    if ev.words is None:
        return False
    return bool(ev.words.find_matches_as_indexes(_SEPARATORS.sub("", text[lo:hi])))


def possible_regions(text: str, regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The ``regions`` of ``text`` for which :func:`may_hold_contact` is True, in order.

    Long texts are classified through a table of code points (one lookup per character instead
    of three regex and word passes, about five times cheaper on prose)."""
    ev = _evidence()
    if ev is None or not regions:
        return regions
    if len(text) < _LONG:
        return [r for r in regions if may_hold_contact(text, *r)]
    try:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError:  # a lone surrogate: the regexes handle it as it is
        return [r for r in regions if may_hold_contact(text, *r)]
    kinds = ev.table.take(np.minimum(codes, _ASTRAL))
    return [(lo, hi) for lo, hi in regions if _possible(ev, text, codes, kinds, lo, hi)]


def _possible(
    ev: _Evidence,
    text: str,
    codes: npt.NDArray[np.uint32],
    kinds: npt.NDArray[np.uint8],
    lo: int,
    hi: int,
) -> bool:
    seg = kinds[lo:hi]
    if (seg & _MARK).any():
        return True
    if np.count_nonzero(seg & _DIGIT) >= 5 and ev.five.search(text, lo, hi) is not None:
        return True
    if ev.words is None:
        return False
    kept = codes[lo:hi][(seg & _SEP) == 0]
    return bool(ev.words.find_matches_as_indexes(kept.tobytes().decode("utf-32-le")))
