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

:func:`possible_many` answers for the regions of a whole batch at once, on the batch's texts
joined into one array: the marks, the chains of five digits and the separator-free occurrences
of the words are found once (the words by the keyword detector's matcher, Hyperscan where
installed), and a region holds a condition exactly when one of those lies wholly inside it.
"""

from __future__ import annotations

import hashlib
import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import ahocorasick_rs
import numpy as np
import numpy.typing as npt

from beian.cachedir import load_or_build
from beian.detect.keyword.engine import Matcher, make_matcher
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
    matcher: Matcher | None
    """The same words for :func:`possible_many` (UTF-16 code units)."""
    table: npt.NDArray[np.uint8]
    """Per BMP code point (and one entry for every astral one): _MARK, _DIGIT, _SEP bits.
    Built from the same regexes (``[\\W_]`` is the regex module's own notion of a separator)."""
    kinds: tuple[re.Pattern[str], re.Pattern[str]]
    """The mark and digit classes, for the bits of a code point beyond the BMP."""


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
    if any(ord(c) >= _ASTRAL or c == _PLACEHOLDER for w in plain for c in w):
        return None  # possible_many stands one placeholder for characters beyond the BMP
    ac = ahocorasick_rs.AhoCorasick(plain) if plain else None
    matcher = make_matcher(plain) if plain else None
    kinds = (re.compile(marks), re.compile(digit))
    return _Evidence(quick, re.compile(five), ac, matcher, _table(marks, digit), kinds)


def _table(marks: str, digit: str) -> npt.NDArray[np.uint8]:
    """The table of :attr:`_Evidence.table`: built once (the regexes over the 65,536 BMP code
    points, about 15 ms of every process that checks a contact region), then read from the
    user's cache, named by what it is built from (see :mod:`beian.cachedir`)."""
    digest = hashlib.sha256(Path(__file__).read_bytes())  # this module's code, the classes, the
    digest.update(  # Unicode data behind [\W_]
        f"{marks}\0{digit}\0{unicodedata.unidata_version}\0{sys.version_info[:2]}".encode()
    )
    key = digest.hexdigest()

    def load(data: bytes) -> npt.NDArray[np.uint8]:
        if len(data) != _ASTRAL + 1:
            raise ValueError("not a table")
        return np.frombuffer(data, dtype=np.uint8).copy()

    def dump(table: npt.NDArray[np.uint8]) -> bytes:
        return table.tobytes()

    return load_or_build(
        "solicit", f"evidence-{key}.bin", load, lambda: _build_table(marks, digit), dump
    )


def _build_table(marks: str, digit: str) -> npt.NDArray[np.uint8]:
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


Region = tuple[int, int]
IntArray = npt.NDArray[np.intp]
_PLACEHOLDER = "\uffff"
"""Stands for every character beyond the BMP in the words search (in no word, it ends a word
there as the character itself does: no word holds one)."""


def possible_many(texts: list[str], regions: list[list[Region]]) -> list[list[Region]]:
    """``[possible_regions(t, r) for t, r in zip(texts, regions)]``, all texts at once.

    The regions' own pieces of text are joined by U+0000, a separator that is no mark and no
    digit (whether a region may hold a contact depends on its piece alone): an item found
    across two pieces lies inside neither. Each character beyond the BMP gets its own bits here (the one table entry of
    :func:`possible_regions` counts every such character as a mark), so every text, short or
    long, is answered exactly as :func:`may_hold_contact` answers."""
    todo = [i for i, r in enumerate(regions) if r]
    if not todo:  # (a text without a term: the conditions are not even built)
        return regions
    ev = _evidence()
    if ev is None:
        return regions
    pieces = [texts[i][a:b] for i in todo for a, b in regions[i]]
    try:
        codes = np.frombuffer("\x00".join(pieces).encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError:  # a lone surrogate: text by text
        return [possible_regions(t, r) for t, r in zip(texts, regions, strict=True)]
    sizes = np.fromiter(map(len, pieces), dtype=np.intp, count=len(pieces))
    lo = np.cumsum(sizes + 1) - (sizes + 1)
    hi = lo + sizes
    kinds = ev.table.take(codes, mode="clip")  # (every astral code point: the last entry)
    astral = np.flatnonzero(codes >= _ASTRAL)
    if astral.size:  # their own bits, as the regexes of the definition see them
        kinds[astral] = [_astral_kind(cp) for cp in codes[astral].tolist()]
    ok = _any_inside(np.flatnonzero(kinds & _MARK), None, lo, hi)
    if not ok.all():
        ok |= _any_inside(*_five_digits(kinds), lo, hi)
    if ev.matcher is not None and not ok.all():
        ok |= _any_inside(*_words(ev.matcher, codes, kinds), lo, hi)
    out = list(regions)
    flags = ok.tolist()
    at = 0
    for i in todo:
        n = len(regions[i])
        out[i] = [r for r, good in zip(regions[i], flags[at : at + n], strict=True) if good]
        at += n
    return out


@lru_cache(maxsize=1 << 12)
def _astral_kind(cp: int) -> int:
    """The _MARK, _DIGIT and _SEP bits of one code point beyond the BMP."""
    ev = _evidence()
    assert ev is not None
    char = chr(cp)
    marks, digit = ev.kinds
    bits = _MARK if marks.match(char) else 0
    bits |= _DIGIT if digit.match(char) else 0
    return bits | (_SEP if _NON_WORD.match(char) else 0)


def _any_inside(
    first: IntArray, last: IntArray | None, lo: IntArray, hi: IntArray
) -> npt.NDArray[np.bool_]:
    """Per region ``[lo, hi)``: whether an item ``[first, last]`` (sorted by ``first``; ``last``
    ``None``: items of one character) lies wholly inside it."""
    if not first.size:
        return np.zeros(lo.shape[0], dtype=np.bool_)
    # the smallest last among the items from k on: the item inside, if any, that ends first
    last = first if last is None else np.minimum.accumulate(last[::-1])[::-1]
    k = np.searchsorted(first, lo)
    inside: npt.NDArray[np.bool_] = k < first.shape[0]
    inside[inside] = last[k[inside]] < hi[inside]
    return inside


def _five_digits(kinds: npt.NDArray[np.uint8]) -> tuple[IntArray, IntArray]:
    """``(first, last)`` of every chain of five digits whose neighbours are at most two
    separators apart, sorted: condition (2). ``five`` matches inside a span exactly when one of
    these lies inside it: a match is such a chain, and adding the digits that lie between its
    digits (digits that are separators too, such as ○) shortens its links, so the chain of all
    the digits from its first to its last holds four links in a row."""
    digits = np.flatnonzero(kinds & _DIGIT)
    if digits.shape[0] < 5:
        return digits[:0], digits[:0]
    left = digits[:-1]
    gap = digits[1:] - left - 1
    near = (kinds[np.minimum(left + 1, kinds.shape[0] - 1)] & _SEP) != 0
    far = (kinds[np.minimum(left + 2, kinds.shape[0] - 1)] & _SEP) != 0
    link = (gap == 0) | ((gap == 1) & near) | ((gap == 2) & near & far)
    at = np.flatnonzero(link[:-3] & link[1:-2] & link[2:-1] & link[3:])
    return digits[at], digits[at + 4]


def _words(
    matcher: Matcher, codes: npt.NDArray[np.uint32], kinds: npt.NDArray[np.uint8]
) -> tuple[IntArray, IntArray]:
    """``(first, last)`` character of every occurrence of a word in the text without its
    separators, sorted by ``first``: condition (3). A region's own separator-free text is a
    piece of that text, so a word occurs in it exactly when one of these lies inside it.

    Positions in the separator-free text map back as :meth:`beian.text.batch.Folded.origin`
    maps deleted code units: plus the separators, each minus its rank, at or before them."""
    sep = (kinds & _SEP) != 0
    points = codes[~sep]
    np.minimum(points, ord(_PLACEHOLDER), out=points)  # every character beyond the BMP
    _pid, start, end = matcher.scan(points.astype(np.uint16))
    if not start.size:
        return start[:0], start[:0]
    order = np.argsort(start, kind="stable")
    start, last = start[order], end[order] - 1
    removed = np.flatnonzero(sep)
    removed -= np.arange(removed.shape[0])
    first: IntArray = start + np.searchsorted(removed, start, side="right")
    last = last + np.searchsorted(removed, last, side="right")
    return first, last
