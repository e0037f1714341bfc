"""``column_sums`` (one column, weights gathered while hashing) equals the reference computation.

The reference is :func:`featurise` followed by ``np.add.reduceat(column[index] * value)`` per
document: the sums must be equal bit for bit for batches of few documents (laid out by slicing)
and of many (a gather index), with unigrams beyond the BMP (hashed, not read from the table),
empty texts, texts of one or two characters, and digit runs folded or not.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from beian.detect.classifier.fastnorm import MIN_CHARS
from beian.detect.classifier.features import (
    FloatArray,
    IntArray,
    column_sums,
    featurise,
    normalise,
    unigram_buckets,
)
from beian.detect.harm.model import load_harm_model

_PIECES = st.sampled_from(
    [
        "我",
        "们",
        "去",
        "公园",
        "，",
        "。",
        "a",
        "B",
        "7",
        "２０２４",
        "😀",
        "𠀀",
        "ﬁ",
        " ",
        "\n",
        "e\u0301",
    ]
)
_TEXT = st.lists(_PIECES, max_size=25).map("".join)
_LONG = "今天天气很好，我们去公园散步😀。" * (MIN_CHARS // 16 + 1)


def _reference(
    texts: list[str], bits: int, min_norm: int, digits: bool, column: FloatArray
) -> tuple[FloatArray, IntArray]:
    batch = featurise(texts, bits, min_norm, digits)
    sums = np.zeros(len(texts), dtype=np.float32)
    counts = np.diff(batch.indptr)
    filled = np.flatnonzero(counts > 0)
    if filled.size:
        weights = column.take(batch.index)
        weights *= batch.value
        sums[filled] = np.add.reduceat(weights, batch.indptr[filled])
    return sums, counts


@settings(max_examples=300, deadline=None)
@given(st.lists(_TEXT, max_size=90), st.booleans(), st.booleans(), st.integers(1, 8))
def test_equals_featurise_then_reduceat(
    texts: list[str], long: bool, digits: bool, min_norm: int
) -> None:
    clf = load_harm_model().classifier
    column = clf._column_table(0)[:, 0]
    unigrams = np.ascontiguousarray(column.take(unigram_buckets(clf.meta.bits)))
    if long:
        texts = [*texts, _LONG]
    got, got_counts = column_sums(texts, clf.meta.bits, min_norm, digits, column, unigrams)
    want, want_counts = _reference(texts, clf.meta.bits, min_norm, digits, column)
    assert np.array_equal(got_counts, want_counts)
    assert np.array_equal(got.view(np.uint32), want.view(np.uint32))


def test_unigram_table_is_the_hash_of_every_code_point() -> None:
    bits = 17
    texts = [chr(c) for c in range(0x4E00, 0x4E00 + 300)] + ["a", "Z", "\u3000"]
    batch = featurise(texts, bits)
    codes = [ord(normalise(t)) for t in texts]
    assert np.array_equal(batch.index, unigram_buckets(bits)[codes])
