"""The compiled harm kernel sums a column (``harm_sums``) and whole rows (``harm_rows``) exactly
as numpy does.

The numpy code of :func:`beian.detect.classifier.features.column_sums` and of
:meth:`ClassifierModel.scores` (``kernel=False``) is the reference: every test compares the
kernel's float32 sums (and the scores of every column) with it as raw bits, and the n-gram
counts. The texts cover the block boundaries of numpy's pairwise sum (8 accumulators up to 128
terms, halving above) through long concatenations of every length, characters beyond the BMP
(the texts the kernel hands back to numpy), ligatures and combining marks (expansions and the
exact NFKC path), digits of every script with the digit fold on and off, empty texts, seed
texts, Hypothesis strings and bench documents. Without a built kernel these tests skip, unless
``BEIAN_REQUIRE_KERNEL=1`` (as in ``.ci/run``) makes that a failure.
"""

from __future__ import annotations

import gzip
import json
import os
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import require_shared

from beian.detect.classifier.fastnorm import fold_digit_runs, normalise
from beian.detect.classifier.features import FloatArray, column_kernel_available, column_sums
from beian.detect.harm.model import load_harm_model
from beian.detect.solicit.seed import load_seed
from beian.text import batch

if not column_kernel_available():
    if os.environ.get("BEIAN_REQUIRE_KERNEL") == "1":
        raise RuntimeError(f"BEIAN_REQUIRE_KERNEL=1 but the harm kernel is missing: "
                           f"{batch.kernel_status()}")  # fmt: skip
    pytest.skip(f"no compiled harm kernel ({batch.kernel_status()})", allow_module_level=True)

_CLF = load_harm_model().classifier
_BITS = _CLF.meta.bits
_COLUMN: FloatArray = _CLF._column_table(0)[:, 0]
_UNIGRAMS: FloatArray = _CLF._unigram_weights(0)
_CJK = "的一是在不了有和人这中大为上国我以要他时来用们生到作地于出就分对成会可主发年动同工也能"


def _same(texts: list[str], digits: bool, min_norm: int = 10) -> None:
    got, got_counts = column_sums(texts, _BITS, min_norm, digits, _COLUMN, _UNIGRAMS)
    want, want_counts = column_sums(
        texts, _BITS, min_norm, digits, _COLUMN, _UNIGRAMS, kernel=False
    )
    assert got.dtype == want.dtype == np.float32
    assert np.array_equal(got_counts, want_counts)
    bad = np.flatnonzero(got.view(np.uint32) != want.view(np.uint32))
    assert bad.size == 0, [(int(i), len(texts[i]), got[i], want[i]) for i in bad[:5]]
    if not digits:  # every column (the harm detector folds digits before it asks for them)
        got_rows, want_rows = _CLF.scores(texts), _CLF.scores(texts, kernel=False)
        assert got_rows.shape == want_rows.shape == (len(texts), len(_CLF.risks))
        bad_rows = np.argwhere(got_rows.view(np.uint32) != want_rows.view(np.uint32))
        assert bad_rows.size == 0, bad_rows[:5].tolist()


@pytest.mark.parametrize("digits", [False, True])
def test_every_length_across_the_pairwise_blocks(digits: bool) -> None:
    """Texts of 1 to 700 characters (3 to 2,100 n-grams: every case of numpy's pairwise sum,
    n-gram counts around 8, 128, 129, 136 and 1,024), then a few far longer ones."""
    rng = random.Random(7)
    texts = ["".join(rng.choice(_CJK + "，。a7") for _ in range(n)) for n in range(1, 701)]
    texts += ["".join(rng.choice(_CJK) for _ in range(n)) for n in (2_731, 2_732, 12_345, 70_000)]
    _same(texts, digits)
    _same(texts[:50], digits, min_norm=1)


@pytest.mark.parametrize("digits", [False, True])
def test_astral_ligatures_marks_and_empty_texts(digits: bool) -> None:
    texts = ["", "a", "ab", "abc", "😀", "𠀀", "𠀀a😀", "ﬁ", "office ﬁle", "e\u0301", "ΣΑΣ"]
    texts += ["\x00x", "x\x00"]
    texts += ["Ⅻ㍱…", "１２３４５", "٣٤٥x６", "𝟘𝟙2", "12a34", "0", "1" * 300, "版本2.0.1发布"]
    texts += ["今天天气很好，我们去公园散步😀。" * 200, "ﬁ今天" * 500, ""]
    _same(texts, digits)
    _same([""], digits)
    _same([], digits)
    for text in texts:  # alone (empty batches, single texts)
        _same([text], digits)


@pytest.mark.parametrize("digits", [False, True])
def test_seed_texts_and_long_concatenations(digits: bool) -> None:
    short = [text for text, _risks, _harmful in load_seed(seed=0, generated=300)]
    long = ["。".join(short[i : i + 40]) for i in range(0, len(short), 40)]
    long += ["".join(short)]
    _same(short, digits)
    _same(long, digits)
    _same([*short[:100], *long], digits, min_norm=1)


_PIECES = st.sampled_from(
    list("我们去公园，。aB7 \n０９٣Σσ")
    + ["２０２４", "😀", "𠀀", "𝟘", "ﬁ", "e\u0301", "\x00", "…", "™", "Ⅻ", "\u200b", "\ufeff"]
)
_TEXTS = st.lists(st.lists(_PIECES, max_size=60).map("".join) | st.text(max_size=40), max_size=40)


@settings(max_examples=300, deadline=None)
@given(_TEXTS, st.booleans(), st.integers(1, 12))
def test_hypothesis_texts(texts: list[str], digits: bool, min_norm: int) -> None:
    _same(texts, digits, min_norm)


@settings(max_examples=150, deadline=None)
@given(_TEXTS, st.booleans())
def test_already_normalised_texts(texts: list[str], digits: bool) -> None:
    """Without tables the kernel takes the code points as they are (what column_sums gives it
    for a short batch before the normalisation table is built)."""
    kern = batch.kernel()
    assert kern is not None
    prepared = [normalise(fold_digit_runs(t) if digits else t) for t in texts]
    raw_sums, raw_counts, raw_redo = kern.harm_sums(
        prepared, None, False, _BITS, 10, _COLUMN, _UNIGRAMS
    )
    assert raw_redo == bytearray()
    want, want_counts = column_sums(texts, _BITS, 10, digits, _COLUMN, _UNIGRAMS, kernel=False)
    assert np.array_equal(np.frombuffer(raw_counts, dtype=np.int64), want_counts)
    assert np.frombuffer(raw_sums, dtype=np.uint32).tolist() == want.view(np.uint32).tolist()


def test_lone_surrogates_fail_as_the_numpy_code_fails() -> None:
    texts = ["好", "a\ud800b"]
    with pytest.raises(UnicodeEncodeError):
        column_sums(texts, _BITS, 10, True, _COLUMN, _UNIGRAMS, kernel=False)
    with pytest.raises(UnicodeEncodeError):
        column_sums(texts, _BITS, 10, True, _COLUMN, _UNIGRAMS)
    for kernel in (False, True):
        with pytest.raises(UnicodeEncodeError):
            _CLF.scores(texts, kernel=kernel)


def test_bad_arguments_are_refused() -> None:
    kern = batch.kernel()
    assert kern is not None
    with pytest.raises(ValueError, match="bits"):
        kern.harm_sums(["a"], None, False, 0, 10, _COLUMN, _UNIGRAMS)
    with pytest.raises(ValueError, match="column"):
        kern.harm_sums(["a"], None, False, _BITS, 10, _COLUMN[:100], _UNIGRAMS)
    with pytest.raises(ValueError, match="unigrams"):
        kern.harm_sums(["a"], None, False, _BITS, 10, _COLUMN, _UNIGRAMS.astype(np.float64))
    with pytest.raises(TypeError):
        kern.harm_sums(["a", 3], None, False, _BITS, 10, _COLUMN, _UNIGRAMS)
    table = _CLF._table
    with pytest.raises(ValueError, match="width"):
        kern.harm_rows(["a"], None, False, _BITS, 10, table, 0)
    with pytest.raises(ValueError, match="table"):
        kern.harm_rows(["a"], None, False, _BITS, 10, table[:100], table.shape[1])
    with pytest.raises(TypeError, match="tables"):
        kern.harm_rows(["a"], (table,), False, _BITS, 10, table, table.shape[1])


def test_bench_documents() -> None:
    path = require_shared("bench", "data", "corpus.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for _, line in zip(range(600), fh, strict=False)]
    for digits in (False, True):
        _same(texts, digits)
    _same(texts[:64], True, min_norm=1)
    # the detector's own call, a whole batch at once, against the numpy code's chunks
    whole = _CLF.column_scores(texts, 0, digits=True)
    assert np.array_equal(whole, _CLF.scores([fold_digit_runs(t) for t in texts])[:, 0])
