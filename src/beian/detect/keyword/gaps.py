"""Second look for keywords split by fillers: emoji, symbols or one Latin letter between CJK.

The normaliser (:mod:`beian.text`) already glues CJK characters split by separators, spaces and
invisible marks (傻 逼, 法*轮, 法\u200b轮). It keeps emoji, pictographic symbols and Latin letters,
because between ordinary words they are content. Abuse and porn evasions put exactly those
inside a word: 傻🐶逼, 操❤你妈, 法a轮a功. Deleting them from the folded text for good would glue
unrelated words around every emoji, so here they are removed only for a second scan, and a hit
of that scan counts only when a removed filler lies strictly inside it (a hit that spans none was
found by the first scan already).

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
from beian.text.batch import kernel as text_kernel
from beian.text.normalise import sparse_nonzero

Units = npt.NDArray[np.uint16]

MAX_FILLER_UNITS = 4
"""Longest run of emoji or symbol code units removed between two CJK characters (two emoji)."""

_EMPTY: IntArray = np.zeros(0, dtype=np.intp)

# Filler classes of a UTF-16 code unit.
_SYMBOL = 1
"""Pictographic symbols (arrows … dingbats) and both halves of an emoji's surrogate pair."""
_LETTER = 2
"""An ASCII letter: removed only when it stands alone between two CJK characters (法a轮)."""


@cache
def filler_table() -> npt.NDArray[np.uint8]:
    """Filler class of every UTF-16 code unit (0: not a filler)."""
    table = np.zeros(0x10000, dtype=np.uint8)
    for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ":
        table[ord(c)] = _LETTER
    # Arrows, mathematical operators, technical, geometric shapes, miscellaneous symbols and
    # dingbats (★ ♥ ❤ ✿ ☆); General Punctuation (quotes, dashes, ellipsis) is NOT included:
    # it separates clauses, and gluing across it would invent words.
    table[0x2190:0x2C00] = _SYMBOL
    # High surrogates of the emoji planes (U+1F000–U+1FBFF) and every low surrogate: a low
    # surrogate only joins a run when the run started at an emoji's high surrogate, because a
    # run must follow a CJK character in the BMP.
    table[0xD83C:0xD83F] = _SYMBOL
    table[0xDC00:0xE000] = _SYMBOL
    table[0xFE0F] = _SYMBOL  # emoji presentation selector, in case the fold kept one
    table.setflags(write=False)
    return table


def filler_positions(units: Units, *, kernel: bool = True) -> IntArray:
    """Sorted positions of fillers that sit inside a run between two CJK characters
    (``kernel=False``: with numpy even when the compiled kernel is built)."""
    if not len(units):
        return _EMPTY
    kern = text_kernel() if kernel and units.dtype == np.uint16 else None
    if kern is not None:
        flat = np.ascontiguousarray(units)
        at = kern.filler_positions(flat, filler_table(), tables16().han, _LETTER, MAX_FILLER_UNITS)
        return np.frombuffer(at, dtype=np.intp) if at else _EMPTY
    cls = np.take(filler_table(), units)
    pos = sparse_nonzero(cls)  # fillers are rare in Chinese text: skip zero words 8 at a time
    if not len(pos):
        return _EMPTY
    han = tables16().han
    # Runs of consecutive filler units.
    new_run = np.empty(len(pos), dtype=np.bool_)
    new_run[0] = True
    np.not_equal(np.diff(pos), 1, out=new_run[1:])
    run_id = np.cumsum(new_run) - 1
    first = pos[new_run]
    last = pos[np.r_[np.flatnonzero(new_run)[1:] - 1, len(pos) - 1]]
    size = last - first + 1
    letters = np.bincount(run_id, weights=cls[pos] == _LETTER, minlength=len(first))
    n = len(units)
    inside = (first > 0) & (last + 1 < n)
    ok = inside & (((letters == 0) & (size <= MAX_FILLER_UNITS)) | ((letters == 1) & (size == 1)))
    if not ok.any():
        return _EMPTY
    ok[ok] = han[units[first[ok] - 1]] & han[units[last[ok] + 1]]
    if not ok.any():
        return _EMPTY
    found: IntArray = pos[ok[run_id]]
    return found


def scan_gaps(matcher: Matcher, units: Units, longest: int) -> Hits:
    """Hits of ``matcher`` that span removed fillers, in positions of ``units``.

    ``longest`` is the longest pattern in code units: the window kept on each side of a filler.
    """
    gone = filler_positions(units)
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
    removed = np.searchsorted(gone, o_end) - np.searchsorted(gone, o_start)
    # Keep hits that span a removed filler and nothing else that was left out (the gap between
    # two windows): every missing position inside the span must be a removed filler.
    keep = (removed > 0) & ((o_end - o_start) - (end - start) == removed)
    return pid[keep], o_start[keep], o_end[keep]
