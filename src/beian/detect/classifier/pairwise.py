"""Bit-exact, cache-friendly replacement for ``np.add.reduceat(W[index] * value, indptr, axis=0)``.

The shipped thresholds were tuned on scores computed with ``np.add.reduceat`` over the gathered
``[n_features, n_risks]`` block. Along axis 0, numpy reduces each column of a segment as
``a[0] + pairwise(a[1:])``, where ``pairwise`` is numpy's float32 pairwise sum: below 8 terms a
plain loop; up to 128 terms eight interleaved accumulators folded as
``((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))`` and the tail added one by one; above 128 terms a split
at ``n//2`` rounded down to a multiple of 8, summed recursively. Floating-point addition is not
associative, so to give the *same* float32 scores we evaluate that exact tree, but vectorised
over the leaves of all documents at once and in bounded chunks (the old code gathered hundreds
of MB per chunk of long texts). ``tests/detect/classifier/test_classifier_fast_scoring.py``
checks the result against ``np.add.reduceat`` bit for bit, so a numpy that changed its summation
would be caught there.

Padding rows are exact zeros: ``x + 0.0 == x`` for every ``x`` except ``-0.0``, whose sign can
change only an all-zero sum, which the bias then absorbs, so scores are unaffected.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

_BLOCK = 128  # numpy's PW_BLOCKSIZE
_UNROLL = 8  # accumulators in numpy's pairwise loop
_CHUNK_ROWS = 1 << 14  # gathered rows per step: 1 MB at 32 float32 columns (cache-sized)

IntArray = npt.NDArray[np.int64]
FloatMatrix = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class _Forest:
    """The pairwise trees of a batch. Node ``i < n_roots`` is the root of the ``i``-th document.

    ``leaf_*`` describe the leaves (at most 128 consecutive features each); ``levels`` holds, per
    depth from the top, the internal nodes ``(node, left, right)`` whose value is ``left + right``.
    """

    n_nodes: int
    leaf_id: IntArray
    leaf_start: IntArray  # first feature (row of ``index``) of each leaf
    leaf_size: IntArray
    leaf_doc: IntArray
    levels: list[tuple[IntArray, IntArray, IntArray]]


def _forest(starts: IntArray, sizes: IntArray, owners: IntArray) -> _Forest:
    """Split every ``[start, start+size)`` as numpy does, all documents one level at a time."""
    ids = np.arange(starts.shape[0], dtype=np.int64)
    n_nodes = ids.shape[0]
    leaves: list[tuple[IntArray, IntArray, IntArray, IntArray]] = []
    levels: list[tuple[IntArray, IntArray, IntArray]] = []
    while ids.size:
        split = sizes > _BLOCK
        keep = ~split
        leaves.append((ids[keep], starts[keep], sizes[keep], owners[keep]))
        if not split.any():
            break
        ids, starts, sizes, owners = ids[split], starts[split], sizes[split], owners[split]
        half = sizes // 2
        half -= half % _UNROLL
        left = n_nodes + 2 * np.arange(ids.shape[0], dtype=np.int64)
        n_nodes += 2 * ids.shape[0]
        levels.append((ids, left, left + 1))
        ids = np.stack([left, left + 1], axis=1).ravel()
        starts = np.stack([starts, starts + half], axis=1).ravel()
        sizes = np.stack([half, sizes - half], axis=1).ravel()
        owners = np.repeat(owners, 2)
    cat = [np.concatenate(parts) for parts in zip(*leaves, strict=True)]
    return _Forest(n_nodes, cat[0], cat[1], cat[2], cat[3], levels)


def _leaf_heads(
    table: FloatMatrix, index: IntArray, scale: FloatMatrix, f: _Forest, out: FloatMatrix
) -> None:
    """``combine8`` of the eight interleaved accumulators of every leaf with >= 8 terms."""
    k = f.leaf_size // _UNROLL
    width = table.shape[1]
    buf = np.empty((_CHUNK_ROWS, width), dtype=np.float32)  # reused: no page faults per chunk
    for blocks in np.unique(k[k > 0]).tolist():
        ids = np.flatnonzero(k == blocks)
        terms = blocks * _UNROLL
        step = max(1, _CHUNK_ROWS // terms)
        lane = np.arange(terms, dtype=np.int64)
        for s in range(0, ids.shape[0], step):
            part = ids[s : s + step]
            rows = buf[: part.shape[0] * terms]
            np.take(table, index[(f.leaf_start[part][:, None] + lane).ravel()], 0, rows, "clip")
            flat = rows.reshape(part.shape[0], -1)  # one long inner loop per leaf
            flat *= scale[f.leaf_doc[part]]
            # numpy's accumulators: r[j] = a[j] + a[j+8] + ... in order, then a fixed fold
            acc = np.add.reduce(rows.reshape(part.shape[0], blocks, _UNROLL, width), axis=1)
            pairs = acc[:, 0::2] + acc[:, 1::2]
            quads = pairs[:, 0::2] + pairs[:, 1::2]
            out[f.leaf_id[part]] = quads[:, 0] + quads[:, 1]


def _leaf_tails(
    table: FloatMatrix, index: IntArray, scale: FloatMatrix, f: _Forest, out: FloatMatrix
) -> None:
    """Add the last ``size % 8`` terms of every leaf one by one (zero rows pad to 7)."""
    tail = f.leaf_size % _UNROLL
    ids = np.flatnonzero(tail > 0)
    if ids.size == 0:
        return
    sentinel = table.shape[0] - 1
    lane = np.arange(_UNROLL - 1, dtype=np.int64)
    first = (f.leaf_start[ids] + f.leaf_size[ids] - tail[ids])[:, None] + lane
    live = lane < tail[ids][:, None]
    buckets = np.where(live, index[np.where(live, first, 0)], sentinel)
    rows = np.take(table, buckets.ravel(), axis=0).reshape(ids.shape[0], _UNROLL - 1, -1)
    rows *= scale[f.leaf_doc[ids]][:, None, :]
    acc = out[f.leaf_id[ids]]
    for j in range(_UNROLL - 1):
        acc += rows[:, j]
    out[f.leaf_id[ids]] = acc


def segment_sums(
    table: FloatMatrix, index: IntArray, indptr: IntArray, value_per_doc: FloatMatrix
) -> tuple[IntArray, FloatMatrix]:
    """``(docs, sums)``: for every document with features, ``reduceat``'s float32 sum.

    ``table`` is the weight matrix with an extra all-zero last row (padding); ``value_per_doc``
    is ``[n_docs, 1]`` float32, the feature value of each document.
    """
    counts = np.diff(indptr)
    docs = np.flatnonzero(counts > 0)
    width = table.shape[1]
    sums = np.take(table, index[indptr[docs]], axis=0)
    sums *= value_per_doc[docs]
    multi = docs[counts[docs] > 1]
    if multi.size == 0:
        return docs, sums
    f = _forest(indptr[multi] + 1, counts[multi] - 1, multi)
    vals = np.zeros((f.n_nodes, width), dtype=np.float32)
    _leaf_heads(table, index, value_per_doc, f, vals)
    _leaf_tails(table, index, value_per_doc, f, vals)
    for node, left, right in reversed(f.levels):
        vals[node] = vals[left] + vals[right]
    sums[np.searchsorted(docs, multi)] += vals[: multi.shape[0]]
    return docs, sums
