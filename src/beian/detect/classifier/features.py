"""Hashed character n-gram features, computed for a whole batch at once with numpy.

Texts are normalised with NFKC and lower-cased (a local copy on purpose: the shared text
normaliser is still changing, and a model's features must never change under it). Every 1-, 2-
and 3-gram of code points is hashed with a fixed multiplicative mix, so features are identical
across processes and machines (Python's ``hash`` is salted per process and cannot be used).

A batch is concatenated into one code-point array (see :mod:`.fastnorm`), so hashing costs a few
vectorised numpy passes however many texts there are. Every window of the array is hashed, and
each document then takes the windows that lie inside it, unigrams first, then bigrams, then
trigrams, each in text order (the order the sums of :mod:`.pairwise` depend on).

Each document's features share one value, ``1/sqrt(max(n, min_norm))`` for ``n`` n-grams. With
``min_norm=1`` the vector has unit norm. A larger floor shrinks the vectors of very short texts
(a 2-character text has 3 n-grams): with unit norm, the one or two n-grams of a greeting carry
as much weight as a whole sentence's, and a short text's score swings on a single n-gram.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from types import ModuleType

import numpy as np
import numpy.typing as npt

from beian.detect.classifier.fastnorm import (
    KernelTables,
    fold_digit_runs,
    kernel_tables,
    normalise,
    normalised_codes,
    table_ready,
)

NGRAM_ORDERS = (1, 2, 3)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_PRIMES = (np.uint64(0x100000001B3), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]
U64 = npt.NDArray[np.uint64]

__all__ = [
    "NGRAM_ORDERS",
    "Batch",
    "column_kernel_available",
    "column_sums",
    "doc_values",
    "featurise",
    "kernel_row_sums",
    "normalise",
]


@dataclass(frozen=True, slots=True)
class Batch:
    """Sparse features of a batch in CSR form: doc ``i`` owns ``index[indptr[i]:indptr[i+1]]``.

    ``value`` is the same for every feature of one document, ``1/sqrt(max(n_features, min_norm))``,
    so a document's feature vector has unit L2 norm when its n-grams are distinct and at least
    ``min_norm`` of them.
    """

    index: IntArray
    indptr: IntArray
    value: FloatArray

    @property
    def n_docs(self) -> int:
        """Number of documents in the batch."""
        return int(self.indptr.shape[0] - 1)

    def doc_of_feature(self) -> IntArray:
        """Document number of every stored feature (same length as ``index``)."""
        counts = np.diff(self.indptr)
        return np.repeat(np.arange(self.n_docs, dtype=np.int64), counts)


def _finish(h: U64, bits: int, tmp: U64) -> None:
    # xor-shift then multiply: spreads low-entropy code points over the top bits we keep
    np.right_shift(h, np.uint64(31), out=tmp)
    h ^= tmp
    h *= _MIX
    h >>= np.uint64(64 - bits)


def _window_hashes(codes: U64, bits: int) -> U64:
    """Buckets of every window of the array: order ``o`` starting at ``i`` is at ``base[o] + i``."""
    n = codes.shape[0]
    out = np.empty(sum(max(0, n - o + 1) for o in NGRAM_ORDERS), dtype=np.uint64)
    head = codes * _PRIMES[0]
    tmp = np.empty(n, dtype=np.uint64)
    lo = 0
    for order in NGRAM_ORDERS:
        m = n - order + 1
        if m <= 0:
            break
        h = out[lo : lo + m]
        np.add(head[:m], np.uint64(order), out=h)
        for k in range(1, order):
            h ^= codes[k : k + m]
            h *= _PRIMES[k]
        _finish(h, bits, tmp[:m])
        lo += m
    return out


def doc_values(counts: IntArray, min_norm: int) -> FloatArray:
    """Feature value of each document with ``counts`` n-grams (0 for an empty document)."""
    with np.errstate(divide="ignore"):
        per_doc = np.where(counts > 0, 1.0 / np.sqrt(np.maximum(counts, max(1, min_norm))), 0.0)
    out: FloatArray = per_doc.astype(np.float32)
    return out


def featurise(texts: Sequence[str], bits: int, min_norm: int = 1, digits: bool = False) -> Batch:
    """Hash the 1–3-grams of every text into ``2**bits`` buckets (``min_norm``: see module doc).

    ``digits``: featurise each text with its digit runs folded to one ``0`` first
    (:func:`.fastnorm.fold_digit_runs`, the harm model's input), without a regex pass."""
    codes, lengths = normalised_codes(texts, digits)
    n = int(codes.shape[0])
    hashes = _window_hashes(codes.astype(np.uint64), bits).view(np.int64)
    orders = np.array(NGRAM_ORDERS, dtype=np.int64)
    # runs[d, o]: how many o-grams doc d has; base[o]: where order o's windows start in `hashes`
    runs = np.maximum(lengths[:, None] - orders[None, :] + 1, 0)
    sizes = [max(0, n - o + 1) for o in NGRAM_ORDERS]
    base = np.array([0, *accumulate(sizes[:-1])], dtype=np.int64)
    starts = np.cumsum(lengths) - lengths
    counts = runs.sum(axis=1)
    indptr = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    total = int(indptr[-1])
    dst = (indptr[:-1, None] + np.cumsum(runs, axis=1) - runs).ravel()
    src = (base[None, :] + starts[:, None]).ravel()
    shift = np.repeat(src - dst, runs.ravel())
    shift += np.arange(total, dtype=np.int64)
    index = hashes[shift]
    value = np.repeat(doc_values(counts, min_norm), counts)
    return Batch(index=index, indptr=indptr, value=value)


_BMP = 0x10000
_FEW_DOCS = 64
"""Up to this many documents per chunk, the n-grams are laid out per document by slicing
(three slices a document) instead of building a gather index over every n-gram."""


def unigram_buckets(bits: int) -> npt.NDArray[np.int64]:
    """The bucket of the unigram of every BMP code point (what :func:`featurise` hashes)."""
    codes = np.arange(_BMP, dtype=np.uint64)
    h = codes * _PRIMES[0] + np.uint64(1)
    _finish(h, bits, np.empty(_BMP, dtype=np.uint64))
    return h.view(np.int64)


def column_sums(
    texts: Sequence[str],
    bits: int,
    min_norm: int,
    digits: bool,
    column: FloatArray,
    unigrams: FloatArray,
    kernel: bool = True,
) -> tuple[FloatArray, IntArray]:
    """``(sums, counts)``: per text, ``np.add.reduceat`` of ``column[index] * value`` over the
    features of :func:`featurise` (same n-grams, same order, same float32 operations, so the
    same sums bit for bit), and its number of n-grams; the sum of a text without n-grams is 0.

    Cheaper than featurising first: each window's weight is gathered as it is hashed (4 bytes
    per n-gram instead of an 8-byte bucket), unigrams read their weight from ``unigrams``
    (``column`` at :func:`unigram_buckets`, one entry per BMP code point: no hashing), and
    chunks of few long documents are laid out by slicing instead of a gather index.

    With the compiled kernel (``beian.text._kernel.harm_sums``; ``kernel=False`` or
    ``BEIAN_NO_KERNEL=1``: numpy only) each text is normalised, hashed and summed in one C pass
    in the same float32 order; texts it cannot normalise alone (characters beyond the BMP, or
    not simple for :mod:`.fastnorm`'s table) are left to the numpy code. Every text is scored
    on its own, so batches of any size may go in at once."""
    kern = _harm_kernel(bits) if kernel else None
    if kern is None:
        return _column_sums_numpy(texts, bits, min_norm, digits, column, unigrams)
    items, tables = _kernel_input(texts, digits)
    raw_sums, raw_counts, raw_redo = kern.harm_sums(
        items, tables, digits, bits, min_norm, column, unigrams
    )
    sums: FloatArray = np.frombuffer(raw_sums, dtype=np.float32)
    counts: IntArray = np.frombuffer(raw_counts, dtype=np.int64)
    redo = np.frombuffer(raw_redo, dtype=np.intp)
    if redo.size:
        rest = [texts[i] for i in redo.tolist()]
        sums[redo], counts[redo] = _column_sums_numpy(
            rest, bits, min_norm, digits, column, unigrams
        )
    return sums, counts


def kernel_row_sums(
    texts: Sequence[str], bits: int, min_norm: int, table: FloatArray
) -> tuple[FloatArray, IntArray, list[int]] | None:
    """``(sums, counts, left)`` from the compiled kernel, ``None`` without it: per text, the
    float32 row sums ``np.add.reduceat(table[index] * value, indptr, axis=0)`` would give over
    :func:`featurise`'s features (every column summed in numpy's order), and its number of
    n-grams; ``left``: the texts the kernel left to the numpy code (their rows are zero)."""
    kern = _harm_kernel(bits)
    if kern is None:
        return None
    items, tables = _kernel_input(texts, False)
    width = int(table.shape[1])
    raw_sums, raw_counts, raw_left = kern.harm_rows(
        items, tables, False, bits, min_norm, table, width
    )
    sums: FloatArray = np.frombuffer(raw_sums, dtype=np.float32).reshape(len(texts), width)
    counts: IntArray = np.frombuffer(raw_counts, dtype=np.int64)
    return sums, counts, np.frombuffer(raw_left, dtype=np.intp).tolist()


def column_kernel_available() -> bool:
    """Whether :func:`column_sums` uses the compiled kernel by default."""
    return _harm_kernel() is not None


_KERNEL_MAX_BITS = 30
"""The kernel's harm functions take models of up to 2**30 buckets (the numpy code any)."""


def _harm_kernel(bits: int | None = None) -> ModuleType | None:
    """The compiled kernel when it is in use, has ``harm_sums`` and ``harm_rows`` (a build
    older than them: the numpy code; see :mod:`beian.text.batch`) and takes models of ``bits``
    (``None``: whatever their size)."""
    from beian.text.batch import kernel

    fits = bits is None or 1 <= bits <= _KERNEL_MAX_BITS
    kern = kernel() if fits else None
    return kern if kern is not None and hasattr(kern, "harm_rows") else None


def _kernel_input(texts: Sequence[str], digits: bool) -> tuple[list[str], KernelTables | None]:
    """What the kernel's harm functions take for ``texts``: the texts and fastnorm's tables
    when :func:`normalised_codes` would map them through the table, else (as it does) the
    texts normalised one by one, and no tables."""
    chars = sum(map(len, texts))
    if chars and table_ready(chars):
        return list(texts), kernel_tables(digits)
    return [normalise(fold_digit_runs(t) if digits else t) for t in texts], None


def _column_sums_numpy(
    texts: Sequence[str],
    bits: int,
    min_norm: int,
    digits: bool,
    column: FloatArray,
    unigrams: FloatArray,
) -> tuple[FloatArray, IntArray]:
    """:func:`column_sums` in numpy (the reference)."""
    codes, lengths = normalised_codes(texts, digits)
    n = int(codes.shape[0])
    orders = np.array(NGRAM_ORDERS, dtype=np.int64)
    sizes = [max(0, n - o + 1) for o in NGRAM_ORDERS]
    weights = np.empty(sum(sizes), dtype=np.float32)
    weights[:n] = unigrams.take(np.minimum(codes, _BMP - 1))
    astral = np.flatnonzero(codes >= _BMP)
    if astral.size:  # hashed like every other n-gram
        h = codes[astral].astype(np.uint64) * _PRIMES[0] + np.uint64(1)
        _finish(h, bits, np.empty_like(h))
        weights[astral] = column.take(h.view(np.int64))
    wide = codes.astype(np.uint64)
    lo = n
    for order in NGRAM_ORDERS[1:]:
        m = n - order + 1
        if m <= 0:
            break
        h = wide[:m] * _PRIMES[0]
        h += np.uint64(order)
        for k in range(1, order):
            h ^= wide[k : k + m]
            h *= _PRIMES[k]
        _finish(h, bits, np.empty_like(h))
        column.take(h.view(np.int64), out=weights[lo : lo + m])
        lo += m
    runs = np.maximum(lengths[:, None] - orders[None, :] + 1, 0)
    base = np.array([0, *accumulate(sizes[:-1])], dtype=np.int64)
    starts = np.cumsum(lengths) - lengths
    counts = runs.sum(axis=1)
    indptr = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    if len(texts) <= _FEW_DOCS:
        src = (base[None, :] + starts[:, None]).ravel().tolist()
        parts = [weights[s : s + r] for s, r in zip(src, runs.ravel().tolist(), strict=True)]
        laid = np.concatenate(parts) if parts else weights[:0]
    else:
        total = int(indptr[-1])
        dst = (indptr[:-1, None] + np.cumsum(runs, axis=1) - runs).ravel()
        src_arr = (base[None, :] + starts[:, None]).ravel()
        shift = np.repeat(src_arr - dst, runs.ravel())
        shift += np.arange(total, dtype=np.int64)
        laid = weights.take(shift)
    laid *= np.repeat(doc_values(counts, min_norm), counts)
    sums = np.zeros(len(texts), dtype=np.float32)
    filled = np.flatnonzero(counts > 0)
    if filled.size:
        sums[filled] = np.add.reduceat(laid, indptr[filled])
    return sums, counts
