"""The context rules applied to all hits of a batch at once, before any Python object is built.

The ASCII word-boundary rule and the two-character straddling-word rule (see
:mod:`beian.detect.keyword.context`) depend only on the pattern and the characters around a
hit, so they run as a handful of numpy operations over every hit of a batch. A pattern is
screened here only when all of its non-allow rules agree on the checks (and on the form, whose
own frequency the straddling rule compares against); the rest keep the per-rule checks in
Python. Allow-list patterns are never screened: their hits cover other hits whatever their
context.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from beian.detect.keyword.context import word_count, word_counts, word_frequencies
from beian.detect.keyword.forms import Rule

IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]

FEW = 32
"""Up to this many hits, checking them one by one beats numpy's per-call overhead."""

_ASCII_WORD = np.zeros(0x10000, dtype=np.bool_)
for _c in "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ":
    _ASCII_WORD[ord(_c)] = True
_ASCII_WORD.setflags(write=False)


@dataclass(frozen=True, slots=True)
class Screen:
    """Per-pattern flags: which checks to run on its hits here, and the form's own frequency."""

    bounded: BoolArray
    short: BoolArray
    own: npt.NDArray[np.int64]
    screened: tuple[bool, ...]
    """Per pattern: True when this screen fully decides its context checks."""

    @classmethod
    def build(cls, rules: Sequence[Sequence[Rule]]) -> Screen:
        """Flags for every pattern from its rules."""
        freq = word_frequencies()
        n = len(rules)
        bounded = np.zeros(n, dtype=np.bool_)
        short = np.zeros(n, dtype=np.bool_)
        own = np.zeros(n, dtype=np.int64)
        screened = []
        for i, rs in enumerate(rules):
            live = {(r.bounded, r.short, r.form if r.short else "") for r in rs if not r.allow}
            uniform = len(live) == 1 and not any(r.allow for r in rs)
            screened.append(uniform or not live)
            if uniform:
                ((b, s, form),) = live
                bounded[i], short[i], own[i] = b, s, freq.get(form, 0)
        return cls(bounded, short, own, tuple(screened))

    def keep_few(
        self, units: npt.NDArray[np.uint16], pid: IntArray, start: IntArray, end: IntArray
    ) -> list[bool]:
        """:meth:`keep` in plain Python: faster for a handful of hits (one short text)."""
        n = len(units)
        out = []
        for i, s, e in zip(pid.tolist(), start.tolist(), end.tolist(), strict=True):
            ok = True
            if self.bounded[i]:
                ok = not (s > 0 and _ASCII_WORD[units[s - 1]]) and not (
                    e < n and _ASCII_WORD[units[e]]
                )
            if ok and self.short[i]:
                own = int(self.own[i])
                left = s > 0 and word_count(chr(units[s - 1]) + chr(units[s])) > own
                right = e < n and word_count(chr(units[e - 1]) + chr(units[e])) > own
                ok = not (left or right)
            out.append(ok)
        return out

    def keep(
        self, units: npt.NDArray[np.uint16], pid: IntArray, start: IntArray, end: IntArray
    ) -> BoolArray:
        """Mask of hits that pass the context rules their pattern is screened for."""
        if len(pid) <= FEW:
            return np.array(self.keep_few(units, pid, start, end), dtype=np.bool_)
        n = len(units)
        has_left = start > 0
        has_right = end < n
        before = units[np.maximum(start - 1, 0)].astype(np.int64)
        after = units[np.minimum(end, n - 1)].astype(np.int64)
        reject = np.zeros(len(pid), dtype=np.bool_)
        bounded = self.bounded[pid]
        if bounded.any():
            touching = (has_left & _ASCII_WORD[before]) | (has_right & _ASCII_WORD[after])
            reject |= bounded & touching
        short = self.short[pid]
        if short.any():
            own = self.own[pid]
            first = units[start].astype(np.int64)
            last = units[np.maximum(end - 1, 0)].astype(np.int64)
            left = has_left & (word_counts(before, first) > own)
            right = has_right & (word_counts(last, after) > own)
            reject |= short & (left | right)
        keep: BoolArray = ~reject
        return keep
