"""Normalise many texts at once, in UTF-16 code units (the keyword detector's fast path).

:func:`fold_texts` gives the same result as :func:`beian.text.normalise.normalise` applied to
each text, but pays numpy's per-call overhead once per batch instead of once per text, and
yields UTF-16 code units that a byte-level matcher scans without another decode:

- the texts are joined with U+0000 between them. U+0000 is neither a separator nor CJK, so no
  separator run and no fold crosses it: every text is folded exactly as it would be alone;
- texts whose characters all fold 1:1 within the BMP (almost all modern Chinese) take the
  16-bit path: each code unit is folded with 64K-entry tables that stay in the CPU cache,
  separator runs and invisible characters go with one ``np.delete``, and positions map back
  through the sorted deleted positions (``searchsorted``), so no per-character offset array
  is built. Characters beyond the BMP that need nothing (emoji) stay on this path;
- the other texts (ligatures such as ``ﬁ``; traditional characters whose simplified form lies
  beyond the BMP, common in classical poetry; Extension-B ideographs, mathematical letters, tag
  characters) are folded together by :func:`~beian.text.normalise.normalise` on code points,
  whose offset array then maps back, after surrogate pairs are accounted for.

The 16-bit path has a compiled kernel (``beian.text._kernel``, built from ``_kernel.c`` when
beian is installed with a C compiler at hand): it reads each ``str``'s own buffer, so the
join, the encode and the numpy passes become one pass per text, and gives the same
:class:`Folded` (tests compare both). The numpy code is the reference and the fallback;
``BEIAN_NO_KERNEL=1`` forces it, and :func:`kernel_status` says which one runs.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType

import numpy as np
import numpy.typing as npt

from beian.text._tables import CHANGE, DELETE, SEP, SPECIAL, WIDE, tables, tables16
from beian.text.normalise import (
    MAX_SEPARATORS,
    IntArray,
    Normalised,
    dropped_positions,
    normalise,
    sparse_nonzero,
)
from beian.text.pinyin import fold_homophones, homophone_table

Units = npt.NDArray[np.uint16]
JOIN = "\x00"
"""Separator between texts in a batch: never folded, never removed, never CJK."""
MAX_BATCH_CHARS = 1 << 19
"""Texts are folded in groups of about this many characters (bounds memory, stays in cache)."""

_EMPTY: IntArray = np.zeros(0, dtype=np.intp)

NO_KERNEL_ENV = "BEIAN_NO_KERNEL"
"""Environment variable: set to 1 to fold with numpy only (the reference; for debugging)."""


def _load_kernel() -> tuple[ModuleType | None, str]:
    """The compiled kernel, or ``None`` and why not."""
    if os.environ.get(NO_KERNEL_ENV, "") not in ("", "0"):
        return None, f"numpy ({NO_KERNEL_ENV} is set)"
    try:
        from beian.text import _kernel
    except ImportError:
        return None, "numpy (the compiled kernel is not built)"
    want = {"CHANGE": CHANGE, "DELETE": DELETE, "SEP": SEP, "SPECIAL": SPECIAL, "WIDE": WIDE,
            "MAX_SEPARATORS": MAX_SEPARATORS}  # fmt: skip
    if any(getattr(_kernel, k, None) != v for k, v in want.items()):
        return None, "numpy (the compiled kernel is stale: rebuild it)"
    return _kernel, "compiled (beian.text._kernel)"


_KERNEL, _KERNEL_STATUS = _load_kernel()


def kernel_status() -> str:
    """Which code folds texts: ``compiled (...)`` or ``numpy (why)``."""
    return _KERNEL_STATUS


def kernel() -> ModuleType | None:
    """The compiled kernel when it is in use (other modules call it through this)."""
    return _KERNEL


def kernel_available() -> bool:
    """Whether :func:`fold_texts` uses the compiled kernel by default."""
    return _KERNEL is not None


@dataclass(frozen=True, slots=True)
class Folded:
    """Several normalised texts joined by U+0000, as UTF-16 code units, with offset maps.

    ``members[k]`` is the caller's index of the k-th text in this group; it starts at code unit
    ``unit_starts[k]`` of :attr:`units` and at code point ``offsets[k]`` of the joined original.
    A normalised code unit maps back in up to three steps, each skipped when ``None``.
    """

    units: Units
    members: tuple[int, ...]
    unit_starts: IntArray
    offsets: IntArray
    deleted: IntArray | None = None
    """Deleted code units, each minus its rank: adds the shift ``searchsorted`` counts."""
    inserted: IntArray | None = None
    """Code units inserted by the fold (second halves of surrogate pairs), applied first."""
    surrogates: IntArray | None = None
    """Positions of high surrogates: turns code units into code points."""
    starts: IntArray | None = None
    """Code point → original code point (the offset array of :func:`normalise`)."""
    raw: Units | None = None
    """The joined ORIGINAL texts as UTF-16 code units, when the fold had them at hand (the
    16-bit and ASCII paths of a full fold; ASCII is lower-cased), else ``None``. Other
    detectors reuse it (e.g. the PII pre-check); :attr:`surrogates` are its high surrogates."""

    def origin(self, pos: IntArray) -> IntArray:
        """Code-point positions in the joined original of normalised code units ``pos``."""
        if self.inserted is not None:  # an inserted unit maps with the unit before it
            pos = pos - np.searchsorted(self.inserted, pos, side="right")
        if self.deleted is not None:
            pos = pos + np.searchsorted(self.deleted, pos, side="right")
        if self.surrogates is not None:
            pos = pos - np.searchsorted(self.surrogates, pos, side="left")
        if self.starts is not None:
            pos = self.starts[pos]
        return pos

    def member_of(self, pos: IntArray) -> IntArray:
        """Index into :attr:`members` of the text holding each normalised code unit."""
        found: IntArray = np.searchsorted(self.unit_starts, pos, side="right") - 1
        return found

    def spans(self, starts: IntArray, ends: IntArray) -> tuple[IntArray, IntArray, IntArray]:
        """``(member, start, end)`` in each text's own code points for normalised unit spans."""
        member = self.member_of(starts)
        base = self.offsets[member]
        both = self.origin(np.concatenate([starts, ends - 1])) - np.concatenate([base, base - 1])
        return member, both[: len(starts)], both[len(starts) :]

    def homophones(self) -> tuple[Units, IntArray | None]:
        """:attr:`units` with every Han character folded to its homophone representative.

        The second value maps folded code units back to :attr:`units` positions when the fold
        changed the number of code units (a character beyond the BMP folded into it).
        """
        if not _has_surrogates(self.units):
            return np.take(_homophones16(), self.units), None
        units, _ = _encode(fold_homophones(_decode(self.units)))
        if len(units) == len(self.units):
            return units, None
        first_unit = np.flatnonzero(~_is_low(self.units))  # code point → its first unit
        return units, first_unit[_code_points(units)]


def _encode(text: str) -> tuple[Units, IntArray | None]:
    """UTF-16 code units of ``text``, and the positions of high surrogates (``None``: none).

    CPython encodes UTF-32 about twice as fast as UTF-16 (and far faster than UTF-16 when the
    text holds a character beyond the BMP), so the code points are narrowed in numpy and the
    rare surrogate pairs inserted afterwards. "replace" turns a lone surrogate (``json.loads``
    lets ``"\\ud800"`` through) into one "?": offsets stay one to one, and no keyword could
    match it anyway.
    """
    codes = np.frombuffer(text.encode("utf-32-le", "replace"), dtype=np.uint32)
    if not len(codes) or int(codes.max()) < 0x10000:
        return codes.astype(np.uint16), None
    astral = sparse_nonzero(codes.view(np.uint8)[2::4])  # bits 16-23 of each code point
    offset = codes[astral] - 0x10000
    units = codes.astype(np.uint16)
    units[astral] = 0xD800 + (offset >> 10)
    units = _insert(units, astral + 1, (0xDC00 + (offset & 0x3FF)).astype(np.uint16))
    return units, astral + np.arange(len(astral))


FEW_EDITS = 64
"""Up to this many insertions or deletions, slicing and concatenating beats ``np.insert`` and
``np.delete`` (which build a mask over the whole array, ~0.2 ms per 256K units)."""


def _insert(units: Units, at: IntArray, values: Units) -> Units:
    """``np.insert(units, at, values)`` for sorted ``at``."""
    if len(at) > FEW_EDITS:
        out: Units = np.insert(units, at, values)
        return out
    bounds = [0, *at.tolist(), len(units)]
    parts = []
    for j in range(len(at)):
        parts += [units[bounds[j] : bounds[j + 1]], values[j : j + 1]]
    parts.append(units[bounds[-2] :])
    return np.concatenate(parts)


def _delete(units: Units, gone: IntArray) -> Units:
    """``np.delete(units, gone)`` for sorted, distinct ``gone``."""
    if len(gone) > FEW_EDITS:
        out: Units = np.delete(units, gone)
        return out
    starts = [0, *(gone + 1).tolist()]
    ends = [*gone.tolist(), len(units)]
    return np.concatenate([units[a:b] for a, b in zip(starts, ends, strict=True)])


def _decode(units: Units) -> str:
    return units.tobytes().decode("utf-16-le", "surrogatepass")


def _has_surrogates(units: Units) -> bool:
    return bool(len(units)) and bool(((units & 0xF800) == 0xD800).any())


def _is_low(units: Units) -> npt.NDArray[np.bool_]:
    low: npt.NDArray[np.bool_] = (units & 0xFC00) == 0xDC00
    return low


def _code_points(units: Units) -> IntArray:
    """Code-point index of every code unit (both halves of a pair share one)."""
    out: IntArray = np.arange(len(units), dtype=np.intp) - np.cumsum(_is_low(units))
    return out


def _to_units(cps: IntArray, surrogates: IntArray) -> IntArray:
    """Code-unit positions of code points ``cps``, given the high surrogates' unit positions."""
    pair_cps = surrogates - np.arange(len(surrogates))
    out: IntArray = cps + np.searchsorted(pair_cps, cps, side="left")
    return out


_HOMOPHONES16: list[Units] = []


def _homophones16() -> Units:
    if not _HOMOPHONES16:  # the BMP part of the table maps BMP to BMP (checked here)
        table = homophone_table()[:0x10000]
        if int(table.max()) >= 0x10000:
            raise AssertionError("homophone table maps a BMP character beyond the BMP")
        _HOMOPHONES16.append(table.astype(np.uint16))
    return _HOMOPHONES16[0]


def fold_texts(
    texts: Sequence[str], *, fold: bool = True, join: bool = True, kernel: bool = True
) -> list[Folded]:
    """Normalise ``texts``; every index of ``texts`` is a member of exactly one group.

    ``fold=False`` only lower-cases (the keyword detector's ``normalise=False``);
    ``join=False`` makes every text its own group; ``kernel=False`` folds with numpy only
    (the reference the compiled kernel is tested against).
    """
    use = kernel and _KERNEL is not None
    groups: list[Folded] = []
    batch: list[int] = []
    size = 0
    for i, text in enumerate(texts):
        batch.append(i)
        size += len(text) + 1
        if size >= MAX_BATCH_CHARS or not join:
            groups.extend(_fold_group(texts, batch, fold, use))
            batch, size = [], 0
    if batch:
        groups.extend(_fold_group(texts, batch, fold, use))
    return groups


class PreparedBatch:
    """Work on one batch of texts that several detectors can share (see ``DetectorSet``).

    Computed lazily and cached for the lifetime of the batch: the folds of :func:`fold_texts`
    (per ``fold``/``join`` setting). A detector that needs a fold asks :meth:`folded`; one
    that can merely profit from a fold already made (its :attr:`Folded.raw` code units) asks
    :meth:`any_folded` and falls back to its own path on ``None``.
    """

    __slots__ = ("_folds", "texts")

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = texts
        self._folds: dict[tuple[bool, bool], list[Folded]] = {}

    def folded(self, *, fold: bool = True, join: bool = True) -> list[Folded]:
        """``fold_texts(self.texts, fold=fold, join=join)``, computed once."""
        key = (fold, join)
        if key not in self._folds:
            self._folds[key] = fold_texts(self.texts, fold=fold, join=join)
        return self._folds[key]

    def any_folded(self) -> list[Folded] | None:
        """A full fold (``fold=True``) already computed for this batch, if any."""
        for (fold, _), groups in self._folds.items():
            if fold:
                return groups
        return None


def normalise_many(texts: Sequence[str]) -> list[str]:
    """``[normalise(t).text for t in texts]``, computed in batches."""
    out = [""] * len(texts)
    for group in fold_texts(texts):
        bounds = [*group.unit_starts.tolist(), len(group.units) + 1]
        for k, member in enumerate(group.members):
            out[member] = _decode(group.units[bounds[k] : bounds[k + 1] - 1])
    return out


def _offsets(chosen: Sequence[str]) -> IntArray:
    if len(chosen) == 1:
        return np.zeros(1, dtype=np.intp)
    lengths = np.fromiter((len(t) + 1 for t in chosen), dtype=np.intp, count=len(chosen))
    offsets = np.zeros(len(chosen), dtype=np.intp)
    np.cumsum(lengths[:-1], out=offsets[1:])
    return offsets


def _fold_group(
    texts: Sequence[str], members: list[int], fold: bool, kernel: bool = False
) -> list[Folded]:
    if kernel and fold:  # one text too: the 16-bit path in C beats the code-point path
        return _fold_kernel(texts, members)
    chosen = [texts[i] if fold else texts[i].lower() for i in members]
    joined = JOIN.join(chosen)
    if joined.isascii():  # all ASCII: folding is lower-casing, nothing is removed
        units = np.frombuffer(joined.lower().encode("ascii"), dtype=np.uint8).astype(np.uint16)
        raw = units if fold else None
        return [Folded(units, tuple(members), _offsets(chosen), _offsets(chosen), raw=raw)]
    if len(members) == 1:  # one text: fewer numpy calls on the code-point path
        return [_fold_points(texts, members, fold)]
    units, surrogates = _encode(joined)
    offsets = _offsets(chosen)
    unit_offsets = offsets if surrogates is None else _to_units(offsets, surrogates)
    if not fold:
        return [Folded(units, tuple(members), unit_offsets, offsets, surrogates=surrogates)]
    cls = np.take(tables16().classes, units)
    bits = int(np.bitwise_or.reduce(cls)) if len(cls) else 0
    slow, wide_han = _special(units, cls, bits, surrogates)
    if not len(slow):
        return [_fold_fast(units, cls, bits, members, offsets, unit_offsets, surrogates, wide_han)]
    odd = np.zeros(len(members), dtype=np.bool_)
    odd[np.searchsorted(unit_offsets, slow, side="right") - 1] = True
    if 2 * int(odd.sum()) >= len(members):  # mostly odd texts: fold them all on code points
        return [_fold_points(texts, members)]
    # Drop the odd texts' code units (each with the U+0000 after it) instead of encoding and
    # classifying the rest again.
    spans = np.diff(np.append(unit_offsets, len(units) + 1))
    keep = np.repeat(~odd, spans)[: len(units)]
    units, cls = units[keep], cls[keep]
    if odd[-1]:  # the last kept text's separator now ends the array
        units, cls = units[:-1], cls[:-1]
    rest = [m for k, m in enumerate(members) if not odd[k]]
    offsets = _offsets([t for k, t in enumerate(chosen) if not odd[k]])
    surrogates = _high_surrogates(units) if surrogates is not None else None
    unit_offsets = offsets if surrogates is None else _to_units(offsets, surrogates)
    bits = int(np.bitwise_or.reduce(cls)) if len(cls) else 0
    _, wide_han = _special(units, cls, 0, surrogates)
    return [
        _fold_fast(units, cls, bits, rest, offsets, unit_offsets, surrogates, wide_han),
        _fold_points(texts, [m for k, m in enumerate(members) if odd[k]]),
    ]


_KernelTables = tuple[
    npt.NDArray[np.uint16],
    npt.NDArray[np.uint8],
    npt.NDArray[np.bool_],
    npt.NDArray[np.uint32],
    npt.NDArray[np.uint8],
    npt.NDArray[np.bool_],
]
_KERNEL_TABLES: list[_KernelTables] = []


def _kernel_tables() -> _KernelTables:
    if not _KERNEL_TABLES:
        t, t16 = tables(), tables16()
        _KERNEL_TABLES.append((t16.mapping, t16.classes, t16.han, t.mapping, t.classes, t.han))
    return _KERNEL_TABLES[0]


def _fold_kernel(texts: Sequence[str], members: list[int]) -> list[Folded]:
    """:func:`_fold_group` (``fold=True``) with the compiled kernel: the same groups, with the
    same arrays, as the numpy code below. One exception: a group of one text that is not ASCII
    and needs no code point of its own, which the numpy code folds on code points (fewer numpy
    calls), takes the 16-bit path here (five times faster on long documents); its units and
    offset maps are the same, and it has :attr:`Folded.raw` (tests check both)."""
    assert _KERNEL is not None
    chosen = [texts[i] for i in members]
    found = _KERNEL.fold16(chosen, _kernel_tables())
    if not isinstance(found, bytes):
        return [_kernel_folded(found, members, top=True)]
    # Some texts need the code-point path: split the group as _fold_group does.
    odd = np.frombuffer(found, dtype=np.bool_)
    if 2 * int(odd.sum()) >= len(members):
        return [_fold_points(texts, members)]
    rest = [m for k, m in enumerate(members) if not odd[k]]
    again = _KERNEL.fold16([texts[i] for i in rest], _kernel_tables())
    assert not isinstance(again, bytes)  # the odd texts are gone
    return [
        _kernel_folded(again, rest, top=False),
        _fold_points(texts, [m for k, m in enumerate(members) if odd[k]]),
    ]


_KernelFold = tuple[
    bytearray, bytearray, bytearray, bytearray, bytearray | None, bytearray | None,
    bytearray | None, bool,
]  # fmt: skip
"""What ``fold16`` returns for a group without code-point texts (see ``_kernel.pyi``)."""


def _kernel_folded(
    found: _KernelFold,
    members: list[int],
    *,
    top: bool,
) -> Folded:
    out, raw_b, starts_b, offsets_b, deleted_b, inserted_b, surrogates_b, ascii = found

    def positions(b: bytearray | None) -> IntArray | None:
        return None if b is None else np.frombuffer(b, dtype=np.intp)

    units: Units = np.frombuffer(out, dtype=np.uint16)
    offsets: IntArray = np.frombuffer(offsets_b, dtype=np.intp)
    if ascii and top:  # as the ASCII path of _fold_group: raw is the lower-cased text
        return Folded(units, tuple(members), offsets, offsets, raw=units)
    return Folded(
        units,
        tuple(members),
        np.frombuffer(starts_b, dtype=np.intp),
        offsets,
        positions(deleted_b),
        positions(inserted_b),
        positions(surrogates_b),
        raw=np.frombuffer(raw_b, dtype=np.uint16),
    )


def _high_surrogates(units: Units) -> IntArray | None:
    found: IntArray = np.flatnonzero((units & 0xFC00) == 0xD800)
    return found if len(found) else None


def _fold_fast(
    units: Units,
    cls: npt.NDArray[np.uint8],
    bits: int,
    members: list[int],
    offsets: IntArray,
    unit_offsets: IntArray,
    surrogates: IntArray | None,
    wide_han: IntArray | None,
) -> Folded:
    """The 16-bit path: fold with 64K tables, delete glued separators and invisible marks."""
    t16 = tables16()
    if 32 * int(np.count_nonzero(cls)) < len(cls):
        # Few characters need anything (modern text): find them once, patch only them.
        marked = sparse_nonzero(cls)
        kinds = cls[marked]
        changed = marked[(kinds & CHANGE) != 0]
        mapped = units.copy() if len(changed) or bits & WIDE else units
        mapped[changed] = t16.mapping[units[changed]]
        soft = marked[(kinds & (DELETE | SEP)) != 0]
    else:
        mapped = np.take(t16.mapping, units) if bits & CHANGE else units
        soft = None
    gone = _EMPTY
    if bits & (DELETE | SEP):
        gone = dropped_positions(units, cls, t16.han, wide_han, soft)
    starts = unit_offsets
    if len(gone):
        mapped = _delete(mapped, gone)
        starts = unit_offsets - np.searchsorted(gone, unit_offsets, side="left")
    inserted = None
    if bits & WIDE:  # one unit becomes a surrogate pair: overwrite, then insert the low half
        wide = sparse_nonzero(cls & WIDE)
        mapped = mapped.copy() if mapped is units else mapped
        offset = tables().mapping[units[wide]] - 0x10000
        at = wide - np.searchsorted(gone, wide, side="left")
        mapped[at] = 0xD800 + (offset >> 10)
        mapped = _insert(mapped, at + 1, (0xDC00 + (offset & 0x3FF)).astype(np.uint16))
        inserted = at + np.arange(1, len(at) + 1)
        starts = starts + np.searchsorted(at, starts, side="left")
    return Folded(
        mapped,
        tuple(members),
        starts,
        offsets,
        gone - np.arange(len(gone)) if len(gone) else None,
        inserted,
        surrogates,
        raw=units,
    )


def _special(
    units: Units, cls: npt.NDArray[np.uint8], bits: int, surrogates: IntArray | None
) -> tuple[IntArray, IntArray | None]:
    """Code units the 16-bit path cannot fold, and the code units of ideographs beyond the BMP.

    A character beyond the BMP with a fold of its own (compatibility ideographs, mathematical
    letters, tag characters) needs the code-point path; one without (Extension-B ideographs,
    emoji) does not, but an ideograph there still counts as CJK for separator removal.
    """
    found = sparse_nonzero(cls & SPECIAL) if bits & SPECIAL else _EMPTY
    if surrogates is None or not len(surrogates):
        return found, None
    hi = units[surrogates].astype(np.uint32)
    lo = units[surrogates + 1].astype(np.uint32)
    cps = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
    t = tables()
    odd = t.classes[cps] != 0
    if odd.any():
        found = np.union1d(found, surrogates[odd])
    han = surrogates[t.han[cps]]
    return found, np.sort(np.concatenate([han, han + 1])) if len(han) else None


def _fold_points(texts: Sequence[str], members: list[int], fold: bool = True) -> Folded:
    """Fold texts together with :func:`normalise` (code points), expressed in code units."""
    chosen = [texts[i] if fold else texts[i].lower() for i in members]
    offsets = _offsets(chosen)
    joined = JOIN.join(chosen)
    norm = normalise(joined) if fold else Normalised(joined, joined)
    units, surrogates = _encode(norm.text)
    cp_offsets = offsets if norm.starts is None else np.searchsorted(norm.starts, offsets)
    unit_offsets = cp_offsets if surrogates is None else _to_units(cp_offsets, surrogates)
    return Folded(
        units, tuple(members), unit_offsets, offsets, surrogates=surrogates, starts=norm.starts
    )
