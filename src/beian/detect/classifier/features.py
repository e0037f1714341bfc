"""Hashed character n-gram features, computed for a whole batch at once with numpy.

Texts are normalised with NFKC and lower-cased (a local copy on purpose: the shared text
normaliser is still changing, and a model's features must never change under it). Every 1-, 2-
and 3-gram of code points is hashed with a fixed multiplicative mix, so features are identical
across processes and machines (Python's ``hash`` is salted per process and cannot be used).

A batch is concatenated into one code-point array with a separator, so hashing costs a few
vectorised numpy passes however many texts there are; n-grams that touch a separator are dropped.

Each document's features share one value, ``1/sqrt(max(n, min_norm))`` for ``n`` n-grams. With
``min_norm=1`` the vector has unit norm. A larger floor shrinks the vectors of very short texts
(a 2-character text has 3 n-grams): with unit norm, the one or two n-grams of a greeting carry
as much weight as a whole sentence's, and a short text's score swings on a single n-gram.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

NGRAM_ORDERS = (1, 2, 3)
_SEP = 0  # NUL never survives normalisation below, so it is a safe separator
_MIX = np.uint64(0x9E3779B97F4A7C15)
_PRIMES = (np.uint64(0x100000001B3), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]


def normalise(text: str) -> str:
    """NFKC, lower-case, NUL removed: the only text transformation the model sees."""
    return unicodedata.normalize("NFKC", text).lower().replace("\x00", "")


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


def _codes(texts: Sequence[str]) -> npt.NDArray[np.uint64]:
    joined = "\x00".join(normalise(t) for t in texts)
    raw = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    return raw.astype(np.uint64)


def _finish(h: npt.NDArray[np.uint64], bits: int) -> npt.NDArray[np.uint64]:
    # xor-shift then multiply: spreads low-entropy code points over the top bits we keep
    h = h ^ (h >> np.uint64(31))
    h = h * _MIX
    return h >> np.uint64(64 - bits)


def featurise(texts: Sequence[str], bits: int, min_norm: int = 1) -> Batch:
    """Hash the 1–3-grams of every text into ``2**bits`` buckets (``min_norm``: see module doc)."""
    codes = _codes(texts)
    n = codes.shape[0]
    seg = np.cumsum(codes == _SEP, dtype=np.int64)
    parts_idx: list[npt.NDArray[np.uint64]] = []
    parts_doc: list[IntArray] = []
    for order in NGRAM_ORDERS:
        m = n - order + 1
        if m <= 0:
            continue
        h = codes[:m] * _PRIMES[0] + np.uint64(order)
        for k in range(1, order):
            h = (h ^ codes[k : k + m]) * _PRIMES[k]
        valid = (seg[:m] == seg[order - 1 : order - 1 + m]) & (codes[:m] != _SEP)
        parts_idx.append(_finish(h[valid], bits))
        parts_doc.append(seg[:m][valid])
    if not parts_idx:
        index = np.zeros(0, dtype=np.int64)
        docs = np.zeros(0, dtype=np.int64)
    else:
        index = np.concatenate(parts_idx).astype(np.int64)
        docs = np.concatenate(parts_doc)
    order_ = np.argsort(docs, kind="stable")
    index = index[order_]
    counts = np.bincount(docs, minlength=len(texts)).astype(np.int64)
    indptr = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    with np.errstate(divide="ignore"):
        per_doc = np.where(counts > 0, 1.0 / np.sqrt(np.maximum(counts, max(1, min_norm))), 0.0)
    value = np.repeat(per_doc.astype(np.float32), counts)
    return Batch(index=index, indptr=indptr, value=value)
