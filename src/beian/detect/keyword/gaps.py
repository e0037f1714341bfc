"""Second look for keywords split by fillers: emoji, symbols, digits, brackets, punctuation,
line breaks or one Latin letter between CJK characters.

The normaliser (:mod:`beian.text`) already glues CJK characters split by separators, spaces and
invisible marks (傻 逼, 法*轮, 法\u200b轮). It keeps emoji, digits, brackets, punctuation, line
breaks and Latin letters, because between ordinary words they are content. Evasions put exactly
those inside a word: 傻🐶逼, 法a轮a功, 法1轮1功, (法)(轮)(功), one character per line. Deleting
them from the folded text for good would glue unrelated words around every emoji, so here they
are removed only for a second scan, and a hit of that scan counts only when a removed filler
lies strictly inside it (a hit that spans none was found by the first scan already).

Fillers differ in how much they say about the writer's intent:

- *strong* fillers (emoji, pictographic symbols, one Latin letter) inside a word are a disguise
  wherever they occur: any hit across them counts (傻🐶逼);
- *neutral* fillers (digits, brackets, quotes, spaces) also appear between two ordinary words
  (第1章, 他(她)), so a hit across them counts only when the term is split at *every*
  character (法1轮1功, (法)(轮)(功)): the mark of an interleaving, not of a list;
- *breaks* (sentence punctuation, line breaks) separate clauses, so on top of that the term must
  have at least three characters (法\n轮\n功 counts; 大。麻 does not).

Cost: one table look-up over the folded code units; texts without a filler between two CJK
characters stop there. Otherwise only windows around the fillers (as wide as the longest
pattern) are gathered and scanned again.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import numpy.typing as npt

from beian.detect.keyword.engine import Hits, IntArray, Matcher
from beian.text._tables import tables16
from beian.text.normalise import sparse_nonzero

Units = npt.NDArray[np.uint16]

MAX_FILLER_UNITS = 4
"""Longest run of filler code units removed between two CJK characters (two emoji, `) (`)."""

MIN_BROKEN_TERM = 3
"""Shortest term (code units) that counts across sentence punctuation or a line break."""

_EMPTY: IntArray = np.zeros(0, dtype=np.intp)

# Filler classes of a UTF-16 code unit (bits).
_SYMBOL = 1
"""Pictographic symbols (arrows … dingbats) and both halves of an emoji's surrogate pair."""
_LETTER = 2
"""An ASCII letter: at most one per run (法a轮; two letters are an English word)."""
_NEUTRAL = 4
"""Digits, brackets, quotes, spaces: a hit across them needs a split at every character."""
_BREAK = 8
"""Sentence punctuation and line breaks: as neutral, and the term needs 3+ characters."""

_NEUTRAL_CHARS = (
    "0123456789()[]{}<>\"'`" + "（）［］｛｝〈〉《》「」『』【】〔〕〖〗“”‘’" + " \t\u00a0\u3000"
    + "*._-~|/\\+=#@^&%$·•‧∙⋅・･°"
)
_BREAK_CHARS = "\n\r\u2028\u2029,;:!?，。、；：！？…"


@cache
def filler_table() -> npt.NDArray[np.uint8]:
    """Filler class of every UTF-16 code unit (0: not a filler)."""
    table = np.zeros(0x10000, dtype=np.uint8)
    for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ":
        table[ord(c)] = _LETTER
    # Arrows, mathematical operators, technical, geometric shapes, miscellaneous symbols and
    # dingbats (★ ♥ ❤ ✿ ☆).
    table[0x2190:0x2C00] = _SYMBOL
    # High surrogates of the emoji planes (U+1F000–U+1FBFF) and every low surrogate: a low
    # surrogate only joins a run when the run started at an emoji's high surrogate, because a
    # run must follow a CJK character in the BMP.
    table[0xD83C:0xD83F] = _SYMBOL
    table[0xDC00:0xE000] = _SYMBOL
    table[0xFE0F] = _SYMBOL  # emoji presentation selector, in case the fold kept one
    for c in _NEUTRAL_CHARS:
        table[ord(c)] = _NEUTRAL
    for c in _BREAK_CHARS:
        table[ord(c)] = _BREAK
    table.setflags(write=False)
    return table


def filler_runs(units: Units) -> tuple[IntArray, IntArray, IntArray]:
    """Fillers that sit inside a run between two CJK characters.

    Returns their sorted positions, the run each belongs to (ascending), and per position how
    strict its run is (0 strong, 1 neutral, 2 break; see the module docstring).
    """
    if not len(units):
        return _EMPTY, _EMPTY, _EMPTY
    cls = np.take(filler_table(), units)
    pos = sparse_nonzero(cls)  # fillers are rare in Chinese text: skip zero words 8 at a time
    if not len(pos):
        return _EMPTY, _EMPTY, _EMPTY
    han = tables16().han
    kinds = cls[pos]
    # Runs of consecutive filler units.
    new_run = np.empty(len(pos), dtype=np.bool_)
    new_run[0] = True
    np.not_equal(np.diff(pos), 1, out=new_run[1:])
    run_id = np.cumsum(new_run) - 1
    first = pos[new_run]
    last = pos[np.r_[np.flatnonzero(new_run)[1:] - 1, len(pos) - 1]]
    size = last - first + 1
    letters = np.bincount(run_id, weights=kinds == _LETTER, minlength=len(first))
    n = len(units)
    ok = (first > 0) & (last + 1 < n) & (size <= MAX_FILLER_UNITS) & (letters <= 1)
    if not ok.any():
        return _EMPTY, _EMPTY, _EMPTY
    ok[ok] = han[units[first[ok] - 1]] & han[units[last[ok] + 1]]
    if not ok.any():
        return _EMPTY, _EMPTY, _EMPTY
    neutral = np.bincount(run_id, weights=(kinds & _NEUTRAL) != 0, minlength=len(first)) > 0
    broken = np.bincount(run_id, weights=(kinds & _BREAK) != 0, minlength=len(first)) > 0
    strict = np.where(broken, 2, np.where(neutral, 1, 0))
    keep = ok[run_id]
    return pos[keep], run_id[keep], strict[run_id[keep]]


def filler_positions(units: Units) -> IntArray:
    """Sorted positions of fillers that sit inside a run between two CJK characters."""
    return filler_runs(units)[0]


def scan_gaps(matcher: Matcher, units: Units, longest: int) -> Hits:
    """Hits of ``matcher`` that span removed fillers, in positions of ``units``.

    ``longest`` is the longest pattern in code units: the window kept on each side of a filler.
    """
    gone, run_of, strict = filler_runs(units)
    if not len(gone):
        return _EMPTY, _EMPTY, _EMPTY
    n = len(units)
    lo = np.maximum(gone - longest, 0)
    hi = np.minimum(gone + longest + 1, n)
    # ``lo`` and ``hi`` are both sorted: a new window starts where it does not touch the last.
    starts_new = np.empty(len(gone), dtype=np.bool_)
    starts_new[0] = True
    np.greater(lo[1:], hi[:-1], out=starts_new[1:])
    w_lo = lo[starts_new]
    w_hi = hi[np.r_[np.flatnonzero(starts_new)[1:] - 1, len(gone) - 1]]
    lengths = w_hi - w_lo
    span = np.repeat(w_lo - np.r_[0, np.cumsum(lengths)[:-1]], lengths)
    index = span + np.arange(int(lengths.sum()), dtype=np.intp)
    index = index[~np.isin(index, gone, assume_unique=True)]
    pid, start, end = matcher.scan(units[index])
    if not len(pid):
        return _EMPTY, _EMPTY, _EMPTY
    o_start, o_end = index[start], index[end - 1] + 1
    a, b = np.searchsorted(gone, o_start), np.searchsorted(gone, o_end)
    removed = b - a
    # Keep hits that span a removed filler and nothing else that was left out (the gap between
    # two windows): every missing position inside the span must be a removed filler.
    keep = (removed > 0) & ((o_end - o_start) - (end - start) == removed)
    if keep.any():
        keep &= _interleaved_enough(run_of, strict, a, b, end - start)
    return pid[keep], o_start[keep], o_end[keep]


def _interleaved_enough(
    run_of: IntArray, strict: IntArray, a: IntArray, b: IntArray, chars: IntArray
) -> npt.NDArray[np.bool_]:
    """Whether hits covering removed fillers ``[a, b)`` pass their strictest run's rule."""
    safe_b = np.maximum(b - 1, 0)
    safe_a = np.minimum(a, len(run_of) - 1)
    runs = run_of[safe_b] - run_of[safe_a] + 1
    cum = np.r_[0, np.cumsum(strict >= 1)]
    cum_break = np.r_[0, np.cumsum(strict >= 2)]
    neutral = cum[b] - cum[a] > 0
    broken = cum_break[b] - cum_break[a] > 0
    uniform = runs == chars - 1
    ok: npt.NDArray[np.bool_] = ~neutral | (uniform & (~broken | (chars >= MIN_BROKEN_TERM)))
    return ok
