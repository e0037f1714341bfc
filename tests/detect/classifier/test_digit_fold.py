"""Digit runs folded on the code-point array equal the regex fold of every text.

The harm detector featurises its texts with ``digits=True`` instead of calling
``re.sub(r"\\d+", "0", t)`` on each: the features (and so the scores) must be identical, on the
table path (batches of at least ``MIN_CHARS`` characters), on its per-text fallback (texts
with combining marks or NUL) and on the short-batch path, with digits of every script, astral
digits, runs at text edges and empty texts.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from beian.detect.classifier.fastnorm import MIN_CHARS, fold_digit_runs, normalised_codes
from beian.detect.classifier.features import featurise
from beian.detect.harm.model import fold_digits, load_harm_model

# ASCII, full-width, Arabic-Indic, Devanagari and mathematical (astral) digits; digit-like
# characters that are not decimal digits (², ①, 五); CJK prose, emoji, a combining mark and NUL
_PIECES = st.sampled_from(
    [*"0123456789", "０", "９", "٣", "७", "𝟎", "𝟗", "²", "①", "五", "号码", "手机", "，", "😀", "a"]
    + ["e\u0301", "\x00", " ", "\n", "今天天气很好"]
)
_TEXT = st.lists(_PIECES, max_size=40).map("".join)
_FILLER = "我们去公园散步，然后回家吃饭。" * (MIN_CHARS // 14 + 1)  # pushes a batch past MIN_CHARS


def _same(texts: list[str]) -> None:
    got = normalised_codes(texts, digits=True)
    want = normalised_codes(fold_digits(texts))
    assert np.array_equal(got[0], want[0])
    assert np.array_equal(got[1], want[1])
    a, b = featurise(texts, 17, 4, digits=True), featurise(fold_digits(texts), 17, 4)
    assert np.array_equal(a.index, b.index)
    assert np.array_equal(a.indptr, b.indptr)
    assert np.array_equal(a.value, b.value)


@settings(max_examples=300, deadline=None)
@given(st.lists(_TEXT, max_size=12), st.booleans())
def test_folding_on_code_points_equals_the_regex(texts: list[str], long: bool) -> None:
    if long:  # the table path (and its fallback when a text holds a combining mark or NUL)
        texts = [*texts, _FILLER]
    _same(texts)
    assert [fold_digit_runs(t) for t in texts] == fold_digits(texts)


def test_runs_do_not_join_across_texts() -> None:
    texts = ["abc12", "34def", "5", "", "6", "７８", _FILLER]
    _same(texts)
    codes, lengths = normalised_codes(texts, digits=True)
    assert lengths[:6].tolist() == [4, 4, 1, 0, 1, 1]


def test_harm_scores_with_digits_folded_on_code_points() -> None:
    clf = load_harm_model().classifier
    texts = ["手机号13812345678加我", "转账到账户6222 0000 1111", "", "2024年5月1日", _FILLER]
    texts += ["今天天气很好" * 40 + str(i) * 7 for i in range(30)]
    want = clf.scores(fold_digits(texts))[:, 0]
    assert np.array_equal(clf.column_scores(texts, 0, digits=True), want)
