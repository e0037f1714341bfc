"""``prepare_batch`` (the set's shared fold) prepares every text exactly as ``prepare`` does.

Same prepared text, same original, same numerals fold, and every span maps back to the same
original span, for texts that take each path of the batch fold: ASCII, the 16-bit path
(separators glued between CJK, invisible characters, full width, traditional script), the
code-point path (ligatures, astral ideographs and emoji), lone surrogates, and batches mixing them.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from beian.detect.solicit.prepare import Prepared, prepare, prepare_batch
from beian.text.batch import PreparedBatch

_PIECES = st.sampled_from(
    [*"微信加我vxVX的了。，！ 　*.\t\n", "\u200b", "\ufeff", "ＡＢ", "１２３", "學習", "門"]
    + [
        "😀",
        "❤",
        "🌹",
        "𠀀",
        "ﬁ",
        "™",
        "㎏",
        "e\u0301",
        "\x00",
        "\ud800",
        "\udc00",
        "一二三",
        "＋＠．",
        "abc",
        "ABC",
    ]
)
_TEXT = st.lists(_PIECES, max_size=30).map("".join)


def _same(got: Prepared, want: Prepared) -> None:
    assert got.text == want.text
    # the fold's code units, kept for the term scan, are the prepared text's own
    assert got.utf16 is None or got.utf16 == got.text.encode("utf-16-le", "surrogatepass")
    assert got.normalised.text == want.normalised.text
    assert got.normalised.original == want.normalised.original
    assert got.digits == want.digits
    n = len(want.text)
    for i in range(n):
        assert got.span(i, i + 1) == want.span(i, i + 1), i
        assert got.span(i, n) == want.span(i, n), i
        assert got.span(0, i + 1) == want.span(0, i + 1), i


_FILLER = "他走了很远的路，心里想着明天。" * 400  # a group large enough to flag its texts


@settings(max_examples=400, deadline=None)
@given(st.lists(_TEXT, max_size=8), st.booleans())
def test_batch_preparation_equals_one_by_one(texts: list[str], long: bool) -> None:
    """Small groups search every text for symbols and full-width marks; large ones only the
    texts that a table of code units flags: both must prepare as ``prepare`` does."""
    if long:
        texts = [*texts, _FILLER]
    for got, text in zip(prepare_batch(PreparedBatch(texts)), texts, strict=True):
        _same(got, prepare(text))


def test_long_batches_of_each_kind() -> None:
    texts = [
        "今天 天气 很好，加 微 信：abc123。" * 50,
        "ascii only text, Call 13812345678 now",
        "學習門診＋＠．ﬁ" * 30,
        "我😀们𠀀去 * 公园" * 40,
        "",
        "\u200b隐形\u200b字符",
    ]
    for got, text in zip(prepare_batch(PreparedBatch(texts * 3)), texts * 3, strict=True):
        _same(got, prepare(text))
