"""The PII pre-check: does a text hold a digit or ``@`` (ASCII or full-width), and where.

Every entity holds a digit or an ``@``; in prose most texts hold neither, so this test decides
the cost of the common path. Two implementations with the same answer:

- one text (:func:`has_ascii_trigger`, :func:`has_fullwidth_trigger`): ``encode("ascii",
  "ignore")`` keeps only the ASCII islands of a CJK text in one tight C loop (about three times
  cheaper than eleven ``in`` scans, whose memchr trips on the ``0x30`` high byte of 。、「」), and
  the islands are tiny; full-width triggers still take eleven ``in`` scans, each close to
  memory speed;
- many texts (:func:`batch_triggers`): texts are joined in groups of about :data:`_CHUNK`
  characters, encoded to UTF-32 (one unit per code point, so positions are string offsets) and
  tested with a few numpy passes. This also yields every trigger position, so the scan seeds
  its windows there instead of running a regex over the whole text;
- many texts already encoded (:func:`folded_triggers`): when the keyword detector folded the
  batch first (``DetectorSet`` shares one :class:`~beian.text.batch.PreparedBatch`), the same
  numpy passes run on the UTF-16 code units of the original texts it kept
  (:attr:`~beian.text.batch.Folded.raw`): no join and no encode of their own.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from beian.text.batch import Folded

ASCII_TRIGGERS = "0123456789@"
FULLWIDTH_TRIGGERS = "０１２３４５６７８９＠"
_NOT_TRIGGER = bytes(b for b in range(128) if chr(b) not in ASCII_TRIGGERS)
_CHUNK = 1 << 16  # characters per numpy group (256 KiB of UTF-32): measured best
# Triggers relative to "0" and to "０": digits 0..9 and "@"/"＠" 16 in both ranges.
_ZERO = np.uint32(ord("0"))
_WIDE_ZERO = np.uint32(ord("０"))
_DIGITS = np.uint32(10)
_AT = np.uint32(ord("@") - ord("0"))
_ZERO16 = np.uint16(ord("0"))
_WIDE_ZERO16 = np.uint16(ord("０"))
_DIGITS16 = np.uint16(10)
_AT16 = np.uint16(ord("@") - ord("0"))
_ASCII_MAX = 0x7F


def has_ascii_trigger(text: str) -> bool:
    """Whether ``text`` holds an ASCII digit or ``@``."""
    return bool(text.encode("ascii", "ignore").translate(None, _NOT_TRIGGER))


def has_fullwidth_trigger(text: str) -> bool:
    """Whether ``text`` holds a full-width digit or ``＠``."""
    return any(c in text for c in FULLWIDTH_TRIGGERS)


@dataclass(frozen=True, slots=True)
class Triggers:
    """The triggers of one text of a batch."""

    index: int
    """Position of the text in the batch."""
    fullwidth: bool
    """Whether any trigger is full-width (the text must be folded)."""
    seeds: list[int]
    """Offsets of every trigger, ascending."""


def batch_triggers(texts: Sequence[str]) -> Iterator[Triggers]:
    """:class:`Triggers` of each text of ``texts`` holding any, in order."""
    lo = 0
    while lo < len(texts):
        hi, size = lo, 0
        while hi < len(texts) and (size < _CHUNK or hi == lo):
            size += len(texts[hi])
            hi += 1
        yield from _group(texts, lo, hi)
        lo = hi


def _group(texts: Sequence[str], lo: int, hi: int) -> Iterator[Triggers]:
    group = texts[lo:hi]
    # surrogatepass: a lone surrogate (json.loads accepts "\ud800") is one unit like any other.
    units = np.frombuffer("".join(group).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    rel = np.minimum(units - _ZERO, units - _WIDE_ZERO)  # unsigned: below "0" wraps high
    pos = np.flatnonzero((rel < _DIGITS) | (rel == _AT))
    if not len(pos):
        return
    starts = np.cumsum([0, *(len(t) for t in group[:-1])])
    yield from _split(pos, units[pos] > _ASCII_MAX, starts, range(lo, hi))


def folded_triggers(group: Folded, *, kernel: bool = True) -> Iterator[Triggers]:
    """:class:`Triggers` of each member of ``group`` holding any, from its ``raw`` code units.

    ``group.raw`` must be set. The U+0000 between members is no trigger, so positions in the
    joined text split cleanly by member. ``kernel=False``: numpy even when the compiled kernel
    (one pass, the same positions) is built.
    """
    from beian.text.batch import kernel as text_kernel

    units = group.raw
    assert units is not None, "folded_triggers needs the original code units"
    kern = text_kernel() if kernel and units.dtype == np.uint16 else None
    if kern is not None:
        found = kern.trigger_positions(np.ascontiguousarray(units))
        pos = np.frombuffer(found, dtype=np.intp) if found else np.zeros(0, dtype=np.intp)
    else:
        rel = np.minimum(units - _ZERO16, units - _WIDE_ZERO16)  # unsigned: below "0" wraps
        pos = np.flatnonzero((rel < _DIGITS16) | (rel == _AT16))
    if not len(pos):
        return
    wide = units[pos] > _ASCII_MAX
    if group.surrogates is not None:  # code units → code points (string offsets)
        pos = pos - np.searchsorted(group.surrogates, pos, side="left")
    yield from _split(pos, wide, group.offsets, group.members)


def _split(
    pos: npt.NDArray[np.intp],
    wide_at: npt.NDArray[np.bool_],
    starts: npt.NDArray[np.intp],
    index: Sequence[int],
) -> Iterator[Triggers]:
    """Triggers per text from positions ``pos`` in the joined text whose texts begin at
    ``starts``; ``index[k]`` is the batch index of the k-th text."""
    owner = (np.searchsorted(starts, pos, side="right") - 1).tolist()
    wide = wide_at.tolist()
    offsets = starts.tolist()
    first = 0
    for k in range(1, len(owner) + 1):
        if k == len(owner) or owner[k] != owner[first]:
            i = owner[first]
            seeds = (pos[first:k] - offsets[i]).tolist()
            yield Triggers(index[i], any(wide[first:k]), seeds)
            first = k
