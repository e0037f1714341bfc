"""The numpy path of the one-for-one folds gives exactly what ``str.translate`` gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from beian.detect.solicit.prepare import _LONG, _NUMERALS, _PUNCT, _one_for_one, prepare

_ALPHABET = st.sampled_from(
    list("一二三壹贰〇洞拐＋＠．／－＿微信加我abc123 。，😀\u200b") + ["\ud800"]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_ALPHABET, min_size=1, max_size=300).map("".join))
def test_long_texts_fold_like_translate(piece: str) -> None:
    text = piece * (_LONG // len(piece) + 1)  # long enough for the numpy path
    for mapping in (_NUMERALS, _PUNCT):
        assert _one_for_one(text, mapping) == text.translate(mapping)


def test_a_long_text_keeps_its_offsets() -> None:
    text = "加我微信：壹叁捌〇〇〇〇＋一二三四 " * 200
    prep = prepare(text)
    assert len(prep.digits) == len(prep.text)
    assert "13800001234" in prep.digits.replace("+", "") and "＋" not in prep.text
