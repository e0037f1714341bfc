"""``normalise`` for many texts at once, as one code-point array, without per-character Python.

``normalise`` is ``NFKC`` then ``lower`` then removing NUL. On Chinese prose CPython's NFKC is
slow (it falls off its quick-check path at the first full-width comma and then rebuilds the whole
string), so for batches we map code points through two tables instead and fall back to
``normalise`` only for texts the tables cannot prove equal.

Why the table is exact: compatibility equivalence is preserved under concatenation, so
``NFKC(text) == NFKC(text')`` where ``text'`` replaces every character ``c`` by ``NFKC(c)``. A
character is *simple* when ``y = NFKC(c)`` is one code point that is a starter (combining class
0), can never be the second half of a composition (not the second code point of any two-code-
point canonical decomposition, not a Hangul V/T jamo), and is neither NUL nor capital sigma
(whose lower-case depends on its neighbours). A text of only such code points passes NFKC's
quick check, so ``NFKC(text) == text'``; ``lower`` then acts code point by
code point. So for an all-simple text, ``normalise(text)`` is ``MAP[c]`` for each ``c``. The same
holds when ``NFKC(c)`` is several such code points (``…`` is ``...``): ``MAP[c]`` is then a
short expansion. Everything else (combining marks, NUL, sigma, ...) takes the exact slow path,
text by text.

Digit runs (for the harm model, whose texts have every run of digits folded to one ``0``
first) are folded on the same array: a table marks the characters that the regex ``\\d`` matches
(built by that regex), and a digit that follows a digit of the same text is dropped, the rest
become ``0``: exactly ``re.sub(r"\\d+", "0", text)`` per text, without a regex pass over it.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from collections.abc import Sequence
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from beian.cachedir import load_or_build

U32 = npt.NDArray[np.uint32]
IntArray = npt.NDArray[np.int64]

_BMP = 0x10000
_DECOMP_LIMIT = 0x30000  # every two-code-point canonical decomposition lies below this
_HANGUL_VT = (*range(0x1161, 0x1176), *range(0x11A8, 0x11C3))
MIN_CHARS = 1 << 14
"""Batches with fewer characters use ``normalise`` directly (building the table takes ~0.1 s),
until the table has been built: from then on every batch uses it (about 15 % more short texts
a second for the harm model; both paths give the same code points)."""


_SECOND: list[frozenset[int]] = []
""":func:`_second_halves`, once known (computed, or loaded with the cached table)."""


def _second_halves() -> frozenset[int]:
    """Code points that can combine with a preceding character under NFC/NFKC composition."""
    if not _SECOND:
        _SECOND.append(_find_second_halves())
    return _SECOND[0]


def _find_second_halves() -> frozenset[int]:
    out = set(_HANGUL_VT)
    for cp in range(_DECOMP_LIMIT):
        d = unicodedata.decomposition(chr(cp))
        if d and not d.startswith("<"):
            parts = d.split()
            if len(parts) == 2:
                out.add(int(parts[1], 16))
    return frozenset(out)


_BAD = np.uint32(1 << 31)  # table entry: not simple, take the exact slow path
_MULTI = np.uint32(1 << 30)  # table entry: simple, expands to _EXPANSIONS[entry & ~_MULTI]
_EXPANSIONS: list[U32] = []
_EXPANSION_IDS: dict[str, int] = {}


def _image(cp: int) -> str | None:
    """``normalise(chr(cp))`` when ``cp`` is simple (see module doc), else ``None``."""
    if cp == 0 or 0xD800 <= cp < 0xE000:
        return None
    y = unicodedata.normalize("NFKC", chr(cp))
    second = _second_halves()
    for ch in y:
        if ch in "\x00\u03a3" or unicodedata.combining(ch) or ord(ch) in second:
            return None
    return y.lower() or None


def _entry(cp: int) -> int:
    """Table entry of ``cp``: its mapped code point, ``_MULTI | expansion id`` or ``_BAD``."""
    image = _image(cp)
    if image is None:
        return int(_BAD)
    if len(image) == 1:
        return ord(image)
    if image not in _EXPANSION_IDS:
        _remember(image)
    return int(_MULTI) | _EXPANSION_IDS[image]


def _remember(image: str) -> None:
    _EXPANSION_IDS[image] = len(_EXPANSIONS)
    _EXPANSIONS.append(np.array([ord(ch) for ch in image], dtype=np.uint32))


@cache
def _table() -> U32:
    """Entries for the BMP plus one ``_BAD`` slot standing for every astral code point.

    Building it asks ``unicodedata`` about every BMP code point (about 0.1 CPU-s, in every
    process that scores a long batch, pool workers too), so it is cached under
    ``$BEIAN_CACHE_DIR/classifier/`` by the Unicode version and this module's source, with
    its expansions; a file that does not load or does not fit is rebuilt, never trusted."""
    if _EXPANSIONS:  # expansions already numbered in this process: a cached table may clash
        return _build_table()
    return load_or_build(
        "classifier", f"fastnorm-{_table_key()}.npz", _load_table, _build_table, _dump_table
    )


def _build_table() -> U32:
    return np.array([_entry(cp) for cp in range(_BMP)] + [int(_BAD)], dtype=np.uint32)


def _dump_table(table: U32) -> bytes:
    buf = io.BytesIO()
    np.savez(
        buf,
        table=table,
        images=np.array(list(_EXPANSION_IDS), dtype=np.str_),
        second=np.array(sorted(_second_halves()), dtype=np.int64),
    )
    return buf.getvalue()


def _table_key() -> str:
    digest = hashlib.sha256(unicodedata.unidata_version.encode())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:32]


def _load_table(data: bytes) -> U32:
    """A cached table with its expansions (registered here); ``ValueError`` when it does not fit."""
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        table, images = npz["table"], [str(x) for x in npz["images"].tolist()]
        second = [int(x) for x in npz["second"].tolist()]
    if table.dtype != np.uint32 or table.shape != (_BMP + 1,) or "" in images or not second:
        raise ValueError("not a fastnorm table")
    good = table[(table & _BAD) == 0]
    ids = good[(good & _MULTI) != 0] & ~_MULTI
    if ids.size and int(ids.max()) >= len(images):
        raise ValueError("expansion ids beyond the cached expansions")
    for image in images:
        _remember(image)
    if not _SECOND:  # astral code points are still classified one by one with it
        _SECOND.append(frozenset(second))
    out: U32 = table
    return out


@lru_cache(maxsize=1 << 16)
def _astral(cp: int) -> int:
    return _entry(cp)


def _lookup(codes: U32) -> U32:
    """Table entry of every code point."""
    out: U32 = _table()[np.minimum(codes, _BMP)]
    astral = np.flatnonzero(codes >= _BMP)
    if astral.size:
        uniq, inv = np.unique(codes[astral], return_inverse=True)
        out[astral] = np.array([_astral(int(cp)) for cp in uniq], dtype=np.uint32)[inv]
    return out


def _expand(mapped: U32, lengths: IntArray) -> tuple[U32, IntArray]:
    """Replace ``_MULTI`` entries by their code points (and grow the documents' lengths)."""
    pos = np.flatnonzero(mapped >= _MULTI)
    parts = [_EXPANSIONS[e] for e in (mapped[pos] & ~_MULTI).tolist()]
    sizes = np.array([p.shape[0] for p in parts], dtype=np.int64)
    head = mapped.copy()
    head[pos] = [int(p[0]) for p in parts]
    tails = np.concatenate([p[1:] for p in parts])
    owner = np.searchsorted(np.cumsum(lengths), pos, side="right")
    extra = np.bincount(owner, weights=sizes - 1, minlength=lengths.shape[0])
    out: U32 = np.insert(head, np.repeat(pos + 1, sizes - 1), tails)
    return out, lengths + extra.astype(np.int64)


def normalise(text: str) -> str:
    """NFKC, lower-case, NUL removed: the only text transformation the model sees."""
    return unicodedata.normalize("NFKC", text).lower().replace("\x00", "")


_DIGIT_RUNS = re.compile(r"\d+")
_ZERO = np.uint32(ord("0"))


def fold_digit_runs(text: str) -> str:
    """Every run of digits (regex ``\\d``: any Unicode decimal digit) as one ``0``."""
    return _DIGIT_RUNS.sub("0", text)


@cache
def _decimal_table() -> npt.NDArray[np.bool_]:
    """Per BMP code point: whether ``\\d`` matches it; one more slot, True, for every astral
    code point (those are then asked one by one)."""
    bmp = "".join(map(chr, range(_BMP)))
    table = np.zeros(_BMP + 1, dtype=np.bool_)
    table[[m.start() for m in re.finditer(r"\d", bmp)]] = True
    table[_BMP] = True
    return table


@lru_cache(maxsize=1 << 12)
def _astral_decimal(cp: int) -> bool:
    return re.match(r"\d", chr(cp)) is not None


def _fold_digits(codes: U32, lengths: IntArray) -> tuple[U32, IntArray]:
    """``codes``/``lengths`` of ``fold_digit_runs`` applied to each text (work on the digits'
    positions only: a text has few)."""
    pos = np.flatnonzero(_decimal_table().take(np.minimum(codes, _BMP)))
    if pos.size and int(codes[pos].max()) >= _BMP:  # astral candidates: asked one by one
        found = codes[pos].tolist()
        pos = pos[np.array([cp < _BMP or _astral_decimal(cp) for cp in found], dtype=np.bool_)]
    if not pos.size:
        return codes, lengths
    out = codes.copy()
    out[pos] = _ZERO
    # a digit right after a digit of the same text continues its run: dropped
    follows = pos[1:][np.diff(pos) == 1]
    if not follows.size:
        return out, lengths
    ends = np.cumsum(lengths)
    doc = np.searchsorted(ends, follows, side="right")
    inner = follows != ends[doc] - lengths[doc]  # not the first character of a text
    follows, doc = follows[inner], doc[inner]
    if not follows.size:
        return out, lengths
    dropped = np.bincount(doc, minlength=lengths.shape[0])
    return np.delete(out, follows), lengths - dropped


def _utf32(text: str) -> U32:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def _lengths(texts: Sequence[str]) -> IntArray:
    return np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))


def normalised_codes(texts: Sequence[str], digits: bool = False) -> tuple[U32, IntArray]:
    """``(codes, lengths)``: the concatenated code points of ``normalise(t)`` for each text
    (with ``digits``, of ``normalise(fold_digit_runs(t))``)."""
    chars = sum(map(len, texts))
    if not chars or (chars < MIN_CHARS and not _table.cache_info().currsize):
        norm = [normalise(fold_digit_runs(t) if digits else t) for t in texts]
        return _utf32("".join(norm)), _lengths(norm)
    lengths = _lengths(texts)
    codes = _utf32("".join(texts))
    if digits:  # from here on, codes and lengths are those of the folded texts
        codes, lengths = _fold_digits(codes, lengths)
    mapped = _lookup(codes)
    top = int(mapped.max())
    if top < _MULTI:
        return mapped, lengths
    if top >= _BAD:  # some text needs the exact path (most with an expansion do not)
        bad = np.concatenate([[0], np.cumsum(mapped >= _BAD)])
        ends = np.cumsum(lengths)
        doc_ok = bad[ends] == bad[ends - lengths]
        if digits:  # the strings behind ``codes``
            texts = [fold_digit_runs(t) for t in texts]
        keep = doc_ok.tolist()
        texts = [t if good else normalise(t) for t, good in zip(texts, keep, strict=True)]
        lengths = _lengths(texts)
        codes = _utf32("".join(texts))
        mapped = np.where(np.repeat(doc_ok, lengths), _lookup(codes), codes).astype(np.uint32)
        top = int(mapped.max()) if mapped.size else 0
    if top >= _MULTI:
        mapped, lengths = _expand(mapped, lengths)
    return mapped, lengths


KernelTables = tuple[U32, npt.NDArray[np.bool_] | None, U32, IntArray]
_KERNEL_TABLES: dict[tuple[bool, int, int], KernelTables] = {}


def kernel_tables(digits: bool) -> KernelTables:
    """What the compiled harm kernel needs to normalise as :func:`normalised_codes` does:
    ``(table, decimal flags or None, expansions' code points, where each starts)`` (builds
    the table when it is not yet built: see :func:`table_ready`)."""
    table = _table()
    key = (digits, id(table), len(_EXPANSIONS))
    found = _KERNEL_TABLES.get(key)
    if found is None:
        sizes = np.array([0, *(e.shape[0] for e in _EXPANSIONS)], dtype=np.int64)
        flat = np.concatenate(_EXPANSIONS) if _EXPANSIONS else np.zeros(0, dtype=np.uint32)
        decimal = _decimal_table() if digits else None
        found = (table, decimal, flat.astype(np.uint32), np.cumsum(sizes))
        if len(_KERNEL_TABLES) >= 4:  # expansions were added (astral code points): start over
            _KERNEL_TABLES.clear()
        _KERNEL_TABLES[key] = found
    return found


def table_ready(chars: int) -> bool:
    """Whether :func:`normalised_codes` maps a batch of ``chars`` characters through the table
    (building it if need be) rather than calling :func:`normalise` on each text."""
    return chars >= MIN_CHARS or bool(_table.cache_info().currsize)
