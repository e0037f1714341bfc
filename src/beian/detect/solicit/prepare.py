"""Prepare a text for matching: beian's normalisation, plus the folds solicitation needs.

:func:`beian.text.normalise.normalise` already folds full-width forms, case, traditional
characters and separators between CJK characters (微，信 → 微信). Spam disguises words with
emoji as well (微❤信, 刷🌹单), which that normalisation keeps, so runs of up to three emoji or
symbols between two CJK characters are removed here too. For contact ids, Chinese numerals
(一二三 / 壹贰叁 / 〇) become ASCII digits one for one, and full-width ＋＠．／－＿ their ASCII forms. Every position maps back to the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Protocol

import numpy as np
import numpy.typing as npt

from beian.text.batch import Folded, PreparedBatch
from beian.text.normalise import normalise

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_ASTRAL_SYMBOLS = (0x1F000, 0x1FAFF)
"""The symbols of the glue beyond the BMP (no CJK character of the glue lies there)."""
_SYMBOL = (
    "\u2190-\u21ff\u2300-\u23ff\u2460-\u27bf\u2900-\u2bff\u3030\u303d\u3297\u3299"
    "\ufe0f\u200d\u2022\u00b7\u2027\u30fb"
) + "-".join(map(chr, _ASTRAL_SYMBOLS))


@cache
def _glue() -> re.Pattern[str]:
    # compiled when a text first holds a glue symbol (the look-behind over the CJK ranges
    # takes 2 ms to compile, on every start of every command that builds the detector)
    return re.compile(f"(?<=[{_CJK}])[{_SYMBOL}]{{1,3}}(?=[{_CJK}])")


_HAS_SYMBOL = re.compile(f"[{_SYMBOL}]")

# full-width punctuation inside addresses and handles that the normalisation keeps
_PUNCT = str.maketrans({"＋": "+", "＠": "@", "．": ".", "／": "/", "－": "-", "＿": "_"})
_NUMERALS = str.maketrans(
    {
        **dict.fromkeys("零〇○洞", "0"),
        **dict.fromkeys("一壹幺", "1"),
        **dict.fromkeys("二贰", "2"),
        **dict.fromkeys("三叁", "3"),
        **dict.fromkeys("四肆", "4"),
        **dict.fromkeys("五伍", "5"),
        **dict.fromkeys("六陆", "6"),
        **dict.fromkeys("七柒拐", "7"),
        **dict.fromkeys("八捌", "8"),
        **dict.fromkeys("九玖勾", "9"),
    }
)


NUMERAL_CHARS = frozenset(chr(c) for c in _NUMERALS)
"""The characters that :attr:`Prepared.digits` turns into ASCII digits."""


class Normal(Protocol):
    """A normalised text that maps its spans back to the original
    (:class:`~beian.text.normalise.Normalised`, or :class:`FoldedText` from a batch fold)."""

    @property
    def text(self) -> str: ...

    @property
    def original(self) -> str: ...

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original ``[start, end)`` covering normalised ``[start, end)``."""
        ...


@dataclass(frozen=True)
class Prepared:
    """A text ready for matching.

    ``text`` is for terms, ``digits`` the same with Chinese numerals as digits (same length);
    ``keep[i]`` is the position in ``normalised.text`` of ``text[i]`` (``None``: identity).
    """

    text: str
    normalised: Normal
    keep: npt.NDArray[np.intp] | None
    utf16: bytes | None = field(default=None, compare=False, repr=False)
    """``text`` as UTF-16-LE (``surrogatepass``), when a batch fold had it at hand."""

    @cached_property
    def digits(self) -> str:
        """``text`` with Chinese numerals as ASCII digits, folded on first use: only texts
        with a possible contact need it (a long text without one skips the fold)."""
        return _fold_numerals(self.text)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original ``[start, end)`` behind ``text[start:end]`` (``end > start``)."""
        if self.keep is not None:
            start, end = int(self.keep[start]), int(self.keep[end - 1]) + 1
        return self.normalised.span(start, end)


def prepare(text: str) -> Prepared:
    """Normalise ``text``, glue emoji between CJK characters and fold numerals."""
    return _finish(normalise(text))


def prepare_batch(batch: PreparedBatch) -> list[Prepared]:
    """``[prepare(t) for t in batch.texts]`` from the batch's shared fold
    (:meth:`~beian.text.batch.PreparedBatch.folded`, which the keyword detector of a set has
    already made): the same normalised texts, and spans mapped back through the fold's own
    offsets, only for the positions asked (tests/detect/solicit/test_prepare_batch.py)."""
    out: list[Prepared | None] = [None] * len(batch.texts)
    for group in batch.folded():
        bounds = [*group.unit_starts.tolist(), len(group.units) + 1]
        # which texts may hold a symbol (or a character beyond the BMP) or a full-width
        # punctuation mark: only those are searched for them (one table look-up for the group)
        # (one zero after the last unit: a text may start there, empty; an empty text may get
        # the next text's bits, which only costs it the exact search)
        if group.units.shape[0] < _FLAG_UNITS:  # a few short texts: the searches are cheap
            found = [_SYMBOL_UNIT | _PUNCT_UNIT] * len(group.members)
        else:
            kinds = np.zeros(group.units.shape[0] + 1, dtype=np.uint8)
            _unit_kinds().take(group.units, out=kinds[:-1])
            found = np.bitwise_or.reduceat(kinds, group.unit_starts).tolist()
        for k, member in enumerate(group.members):
            units = group.units[bounds[k] : bounds[k + 1] - 1].tobytes()
            text = units.decode("utf-16-le", "surrogatepass")
            norm = FoldedText(text, batch.texts[member], group, k, bounds[k])
            flags = found[k]
            out[member] = _finish(
                norm, bool(flags & _SYMBOL_UNIT), bool(flags & _PUNCT_UNIT), units
            )
    assert all(p is not None for p in out)
    return out  # type: ignore[return-value]


@dataclass(frozen=True)
class FoldedText:
    """One text of a batch fold (:class:`~beian.text.batch.Folded`), as :class:`Normal`."""

    text: str
    original: str
    group: Folded
    member: int
    """Index of the text in ``group.members``."""
    first_unit: int
    """Code unit of ``group.units`` where the text begins."""

    @cached_property
    def _units(self) -> npt.NDArray[np.intp] | None:
        """Code unit (from the text's start) of each code point; ``None``: the same."""
        codes = np.frombuffer(self.text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        if not (codes >= 0x10000).any():
            return None
        width = 1 + (codes >= 0x10000).astype(np.intp)
        out: npt.NDArray[np.intp] = np.cumsum(width) - width
        return out

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original ``[start, end)`` covering normalised ``[start, end)`` (``end > start``)."""
        pos = np.array([start, end - 1], dtype=np.intp)
        if self._units is not None:
            pos = self._units[pos]
        lo, last = (
            self.group.origin(pos + self.first_unit) - self.group.offsets[self.member]
        ).tolist()
        return int(lo), int(last) + 1


_SYMBOL_UNIT, _PUNCT_UNIT = 1, 2
_FLAG_UNITS = 4096
"""Groups of fewer code units search every text (no table is built for ``beian detect``)."""


@cache
def _unit_kinds() -> npt.NDArray[np.uint8]:
    """Per UTF-16 code unit: _SYMBOL_UNIT for the symbols of the emoji glue and for the high
    surrogates that begin its symbols beyond the BMP, _PUNCT_UNIT for the full-width marks."""
    table = np.zeros(0x10000, dtype=np.uint8)
    for first, last in _ranges(_SYMBOL):
        table[first : min(last, 0xFFFF) + 1] = _SYMBOL_UNIT
    lo, hi = (0xD800 + ((c - 0x10000) >> 10) for c in _ASTRAL_SYMBOLS)
    table[lo : hi + 1] = _SYMBOL_UNIT
    table[[ord(c) for c in _PUNCT_CHARS]] |= _PUNCT_UNIT
    return table


def _finish(
    norm: Normal, symbols: bool = True, punct: bool = True, utf16: bytes | None = None
) -> Prepared:
    """The emoji glue and the punctuation fold of a normalised text (``symbols``/``punct``
    False: the text is known to hold none of those characters; ``utf16``: ``norm.text`` as
    UTF-16-LE, kept when the folds change nothing)."""
    folded = norm.text
    keep: npt.NDArray[np.intp] | None = None
    if symbols and not folded.isascii() and _HAS_SYMBOL.search(folded) is not None:
        glued = _glue_long(folded) if len(folded) >= _LONG else None
        if glued is not None:
            folded, keep = glued
        elif cuts := [m.span() for m in _glue().finditer(folded)]:
            kept = np.ones(len(folded), dtype=np.bool_)
            parts: list[str] = []
            prev = 0
            for lo, hi in cuts:
                parts.append(folded[prev:lo])
                kept[lo:hi] = False
                prev = hi
            parts.append(folded[prev:])
            keep = np.flatnonzero(kept)
            folded = "".join(parts)
    if punct and not folded.isascii() and any(c in folded for c in _PUNCT_CHARS):
        folded = _one_for_one(folded, _PUNCT)
    return Prepared(folded, norm, keep, utf16 if folded is norm.text else None)


_PUNCT_CHARS = tuple(chr(c) for c in _PUNCT)


@cache
def _glue_kinds() -> npt.NDArray[np.uint8]:
    """Per BMP code point: 1 for the CJK characters of the emoji glue, 2 for its symbols
    (tests/detect/solicit/test_prepare_fold.py checks them against the regexes' classes)."""
    table = np.zeros(0x10000, dtype=np.uint8)
    for kind, chars in ((1, _CJK), (2, _SYMBOL)):
        for first, last in _ranges(chars):
            table[first : min(last, 0xFFFF) + 1] = kind
    return table


def _ranges(chars: str) -> list[tuple[int, int]]:
    """The ``(first, last)`` code points of a character class body made of single characters
    and ``a-b`` ranges, without escapes (``_CJK``, ``_SYMBOL``): read here instead of asking the
    regex about all 65,536 code points on every start (about 5 ms a table)."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(chars):
        if i + 2 < len(chars) and chars[i + 1] == "-":
            out.append((ord(chars[i]), ord(chars[i + 2])))
            i += 3
        else:
            out.append((ord(chars[i]), ord(chars[i])))
            i += 1
    return out


def _glue_long(text: str) -> tuple[str, npt.NDArray[np.intp] | None] | None:
    """The emoji glue of a long text on its code points: ``(glued text, keep)`` as
    :func:`_finish` makes them (``keep`` ``None``: nothing removed); ``None`` for a text with a
    lone surrogate (the regex path handles it).

    ``(?<=[CJK])[SYMBOL]{1,3}(?=[CJK])`` matches exactly the maximal runs of one to three
    symbols with a CJK character right before and right after them: the two classes share no
    character, so the greedy repeat can only stop where the run of symbols ends, and a match
    cannot begin inside a run (the character before would be a symbol)."""
    try:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError:
        return None
    kinds = _glue_kinds().take(np.minimum(codes, 0xFFFF))
    astral = codes > 0xFFFF
    if astral.any():
        lo, hi = _ASTRAL_SYMBOLS
        kinds[astral] = np.where((codes[astral] >= lo) & (codes[astral] <= hi), 2, 0)
    symbol = np.concatenate([[False], kinds == 2, [False]])
    edges = np.flatnonzero(symbol[1:] != symbol[:-1])  # runs of symbols: [begin, end)
    begin, end = edges[0::2], edges[1::2]
    n = codes.shape[0]
    ok = (end - begin <= 3) & (begin > 0) & (end < n)
    begin, end = begin[ok], end[ok]
    ok = (kinds[begin - 1] == 1) & (kinds[np.minimum(end, n - 1)] == 1)
    begin, end = begin[ok], end[ok]
    if not begin.size:
        return text, None
    cut = np.zeros(n + 1, dtype=np.intp)
    np.add.at(cut, begin, 1)
    np.add.at(cut, end, -1)
    kept = np.cumsum(cut[:-1]) == 0
    keep: npt.NDArray[np.intp] = np.flatnonzero(kept)
    return codes[kept].tobytes().decode("utf-32-le"), keep


_LONG = 256
"""From this length the one-for-one folds (numerals, full-width punctuation) use a numpy table
(str.translate with a dict costs about 30 ns a character: a novel chapter spent most of its
solicit time there)."""


@cache
def _table(mapping: tuple[tuple[int, str], ...]) -> npt.NDArray[np.uint32]:
    table = np.arange(0x110000, dtype=np.uint32)
    for source, target in mapping:
        table[source] = ord(target)  # one character each: ord() refuses anything else
    return table


def _one_for_one(text: str, mapping: dict[int, str]) -> str:
    """``text.translate(mapping)`` for a mapping of one character to one (offsets unchanged)."""
    if len(text) < _LONG:
        return text.translate(mapping)
    try:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError:  # a lone surrogate: the slow path keeps it as it is
        return text.translate(mapping)
    return _table(tuple(sorted(mapping.items()))).take(codes).tobytes().decode("utf-32-le")


def _fold_numerals(text: str) -> str:
    """``text.translate(_NUMERALS)`` (one character for one: offsets are unchanged)."""
    if text.isascii():
        return text
    return _one_for_one(text, _NUMERALS)
