"""Normalise text for matching, keeping a map from every normalised character to the original.

``normalise`` applies, in one pass over a code-point array: NFKC (where it yields letters,
digits or ideographs), full-width → half-width, case folding, homoglyph folding, traditional →
simplified (OpenCC ``t2s``, per character), removal of zero-width characters, and removal of
separators inserted between CJK characters (法*轮, 法 轮, 法.轮 → 法轮). ASCII words are never
glued together. A span ``[start, end)`` of the normalised text maps back to the original with
:meth:`Normalised.span`.

Speed: ASCII text only needs ``str.lower``; other text is encoded to UTF-32 once and folded with
numpy table look-ups. Text that needs nothing is returned as the same ``str`` object. Many texts
at once go through :mod:`beian.text.batch`, which gives the same result (pinned by tests) in
UTF-16 code units for a fraction of the per-text overhead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from beian.text._tables import CHANGE, DELETE, EXPAND, SEP, Tables, tables

MAX_SEPARATORS = 3
"""Longest run of separators removed between two CJK characters (法 * 轮 has three)."""

IntArray = npt.NDArray[np.intp]
_EMPTY: IntArray = np.zeros(0, dtype=np.intp)


@dataclass(frozen=True, slots=True)
class Normalised:
    """A normalised text and how it maps back to the original.

    ``starts[i]`` is the index in ``original`` of the character that produced normalised
    character ``i``; ``None`` means the map is the identity (same length, same positions).
    """

    text: str
    original: str
    starts: IntArray | None = None

    @property
    def identity(self) -> bool:
        """Whether normalised positions equal original positions."""
        return self.starts is None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original ``[start, end)`` covering normalised ``[start, end)`` (``end > start``)."""
        if self.starts is None:
            return start, end
        return int(self.starts[start]), int(self.starts[end - 1]) + 1

    def original_text(self, start: int, end: int) -> str:
        """The original characters behind normalised ``[start, end)``."""
        lo, hi = self.span(start, end)
        return self.original[lo:hi]


def _as_codes(text: str) -> tuple[npt.NDArray[np.uint32], bool]:
    """Code points of ``text``, and whether a lone surrogate had to become "?".

    ``json.loads`` lets lone surrogates ("\\ud800") through; they are not characters, so they
    fold to "?" one for one (offsets unchanged) instead of failing the whole text.
    """
    try:
        return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32), False
    except UnicodeEncodeError:
        return np.frombuffer(text.encode("utf-32-le", "replace"), dtype=np.uint32), True


def _decode(codes: npt.NDArray[np.uint32]) -> str:
    return codes.tobytes().decode("utf-32-le")


def sparse_nonzero(mask: npt.NDArray[np.integer[Any]]) -> IntArray:
    """``np.flatnonzero(mask)`` for a mostly-zero one-byte array, about 4x faster.

    Scans the array as 64-bit words (eight bytes at a time) and only looks inside the words
    that are not zero.
    """
    if mask.itemsize != 1:
        dense: IntArray = np.flatnonzero(mask)
        return dense
    cut = len(mask) - len(mask) % 8
    words = np.flatnonzero(np.ascontiguousarray(mask[:cut]).view(np.uint64))
    found: IntArray = (words[:, None] * 8 + np.arange(8)).ravel()
    found = found[mask[found] != 0]
    if cut < len(mask):
        found = np.concatenate([found, np.flatnonzero(mask[cut:]) + cut])
    return found


def dropped_positions(
    codes: npt.NDArray[np.uint32] | npt.NDArray[np.uint16],
    cls: npt.NDArray[np.uint8],
    han: npt.NDArray[np.bool_],
    more_han: IntArray | None = None,
    soft: IntArray | None = None,
) -> IntArray:
    """Sorted positions to remove: invisible characters, and separator runs between CJK.

    ``cls`` holds the class bits of ``codes``; ``han`` is indexed by code. ``more_han`` lists
    further positions holding CJK (the UTF-16 halves of ideographs beyond the BMP); ``soft``,
    when the caller has it already, the sorted positions of invisible and separator characters.
    """

    def is_han(pos: IntArray) -> npt.NDArray[np.bool_]:
        found: npt.NDArray[np.bool_] = han[codes[pos]]
        return found if more_han is None else found | np.isin(pos, more_han)

    if soft is None:
        soft = sparse_nonzero(cls & (DELETE | SEP))
    if not len(soft):
        return _EMPTY
    deleted: IntArray = soft[(cls[soft] & DELETE) != 0]
    is_sep = (cls[soft] & SEP) != 0
    # Cheap exit for the common case (paragraph indents after a newline, spaces after
    # punctuation): a run can only be glued when a CJK character sits right before it.
    if not is_sep.any() or not is_han(soft - 1).any():
        return deleted
    # Group consecutive soft positions into runs; a run is glued when it holds at most
    # MAX_SEPARATORS separators and sits between two CJK characters.
    new_run = np.empty(len(soft), dtype=np.bool_)
    new_run[0] = True
    np.not_equal(np.diff(soft), 1, out=new_run[1:])
    run_id = np.cumsum(new_run) - 1
    first = soft[new_run]
    last = soft[np.r_[np.flatnonzero(new_run)[1:] - 1, len(soft) - 1]]
    seps_in_run = np.bincount(run_id, weights=is_sep, minlength=len(first))
    left, right = first - 1, last + 1
    n = len(codes)
    inside = (left >= 0) & (right < n) & (seps_in_run <= MAX_SEPARATORS)
    glue = inside.copy()
    glue[inside] = is_han(left[inside]) & is_han(right[inside])
    glued = soft[is_sep & glue[run_id]]
    if not len(glued):
        return deleted
    merged: IntArray = np.union1d(deleted, glued)
    return merged


def _with_expansions(
    codes: npt.NDArray[np.uint32],
    mapped: npt.NDArray[np.uint32],
    cls: npt.NDArray[np.uint8],
    kept: IntArray,
    t: Tables,
) -> tuple[str, IntArray]:
    """Build the output when some characters expand to several (rare: ﬁ, ™, ㎏)."""
    parts: list[str] = []
    starts: list[IntArray] = []
    prev = 0
    for j in np.flatnonzero(cls[kept] & EXPAND):
        seg = kept[prev:j]
        parts.append(_decode(mapped[seg]))
        starts.append(seg)
        pos = int(kept[j])
        piece = t.expansions[int(codes[pos])]
        parts.append(piece)
        starts.append(np.full(len(piece), pos, dtype=np.intp))
        prev = int(j) + 1
    seg = kept[prev:]
    parts.append(_decode(mapped[seg]))
    starts.append(seg)
    return "".join(parts), np.concatenate(starts).astype(np.intp, copy=False)


def normalise(text: str) -> Normalised:
    """Normalise ``text`` for keyword matching; see the module docstring for the steps."""
    if text.isascii():
        return Normalised(text.lower(), text)
    t = tables()
    codes, replaced = _as_codes(text)
    cls = np.take(t.classes, codes)
    bits = int(np.bitwise_or.reduce(cls)) | (CHANGE if replaced else 0)
    if not bits:
        return Normalised(text, text)
    mapped = np.take(t.mapping, codes) if bits & CHANGE else codes
    dropped = dropped_positions(codes, cls, t.han) if bits & (DELETE | SEP) else _EMPTY
    if not len(dropped) and not bits & EXPAND:
        return Normalised(_decode(mapped) if bits & CHANGE else text, text)
    keep = np.ones(len(codes), dtype=np.bool_)
    keep[dropped] = False
    kept = np.flatnonzero(keep)
    if bits & EXPAND:
        out, starts = _with_expansions(codes, mapped, cls, kept, t)
        return Normalised(out, text, starts)
    return Normalised(_decode(mapped[kept]), text, kept)


def normalise_term(term: str) -> str:
    """Normalised form of a keyword (same folding as texts, so the two always agree)."""
    return normalise(term).text
