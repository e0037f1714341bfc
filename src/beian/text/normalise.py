"""Normalise text for matching, keeping a map from every normalised character to the original.

``normalise`` applies, in one pass over a code-point array: NFKC (where it yields letters,
digits or ideographs), full-width → half-width, case folding, homoglyph folding, traditional →
simplified (OpenCC ``t2s``, per character), removal of zero-width characters, and removal of
separators inserted between CJK characters (法*轮, 法 轮, 法.轮 → 法轮). ASCII words are never
glued together. A span ``[start, end)`` of the normalised text maps back to the original with
:meth:`Normalised.span`.

Speed: ASCII text only needs ``str.lower``; other text is encoded to UTF-32 once and folded with
numpy table look-ups. Text that needs nothing is returned as the same ``str`` object.
"""

from __future__ import annotations

from dataclasses import dataclass

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


def _as_codes(text: str) -> npt.NDArray[np.uint32]:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def _decode(codes: npt.NDArray[np.uint32]) -> str:
    return codes.tobytes().decode("utf-32-le")


def _dropped(codes: npt.NDArray[np.uint32], cls: npt.NDArray[np.uint8], t: Tables) -> IntArray:
    """Positions to remove: invisible characters, and separator runs between CJK characters."""
    soft = np.flatnonzero(cls & (DELETE | SEP))
    deleted: IntArray = soft[(cls[soft] & DELETE) != 0]
    is_sep = (cls[soft] & SEP) != 0
    # Cheap exit for the common case (paragraph indents after a newline, spaces after
    # punctuation): a run can only be glued when a CJK character sits right before it.
    if not is_sep.any() or not t.han[codes[soft - 1]].any():
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
    han = t.han
    glue = inside.copy()
    glue[inside] = han[codes[left[inside]]] & han[codes[right[inside]]]
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
    codes = _as_codes(text)
    cls = np.take(t.classes, codes)
    bits = int(np.bitwise_or.reduce(cls))
    if not bits:
        return Normalised(text, text)
    mapped = np.take(t.mapping, codes) if bits & CHANGE else codes
    dropped = _dropped(codes, cls, t) if bits & (DELETE | SEP) else _EMPTY
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
