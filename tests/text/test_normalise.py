"""Normalisation: folding steps, offset maps back to the original, idempotence."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beian.text import fold_homophones, latin_pinyin, normalise


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("法*轮", "法轮"),
        ("法 轮", "法轮"),
        ("法.轮", "法轮"),
        ("法\u200b轮", "法轮"),
        ("法　＊　轮", "法轮"),
        ("ＡＢＣ１２３", "abc123"),
        ("頭髮", "头发"),
        ("Smoking", "smoking"),
        ("pоrn", "porn"),  # Cyrillic о
        ("ﬁne", "fine"),
        ("hello world", "hello world"),  # ASCII words are never glued
        ("法 lun 功", "法 lun 功"),  # separators only vanish BETWEEN two CJK characters
        ("他说，我们走", "他说，我们走"),  # sentence punctuation is a real boundary
        ("第一\n第二", "第一\n第二"),
        ("法 * * * * 轮", "法 * * * * 轮"),  # too many separators: not an inserted one
    ],
)
def test_folds(raw: str, want: str) -> None:
    assert normalise(raw).text == want


def test_unchanged_text_is_returned_as_is() -> None:
    text = "这是一段普通的中文，没有需要处理的字符。"
    norm = normalise(text)
    assert norm.text is text and norm.identity


def test_offsets_point_at_original_characters() -> None:
    text = "说法\u200b*轮ﬁ功"
    norm = normalise(text)
    assert norm.text == "说法轮fi功"
    assert norm.span(1, 3) == (1, 5)
    assert norm.original_text(1, 3) == "法\u200b*轮"
    assert norm.span(3, 4) == (5, 6)  # "f" comes from the ligature
    assert norm.original_text(3, 6) == "ﬁ功"


def test_pinyin_helpers() -> None:
    assert latin_pinyin("法轮功") == "falungong"
    assert latin_pinyin("法轮功", sep=" ") == "fa lun gong"
    assert fold_homophones("法轮功") == fold_homophones("发伦工")
    assert len(fold_homophones("法轮功abc")) == 6


_ALPHABET = st.sampled_from(
    list("法轮功大麻烦路口交通頭髮乾ＡＢａb c.*_ 　，。\n")
    + ["\u200b", "\ufeff", "ﬁ", "™", "а", "😀", "①", "Ⅻ"]
)
TEXTS = st.lists(_ALPHABET, max_size=40).map("".join) | st.text(max_size=40)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_spans_map_back_into_the_original(text: str) -> None:
    norm = normalise(text)
    prev = -1
    for i, ch in enumerate(norm.text):
        lo, hi = norm.span(i, i + 1)
        assert 0 <= lo < hi <= len(text) and lo >= prev
        prev = lo
        assert ch in normalise(text[lo:hi]).text
    if norm.text:
        lo, hi = norm.span(0, len(norm.text))
        assert 0 <= lo < hi <= len(text)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_normalising_normal_text_is_identity(text: str) -> None:
    once = normalise(text).text
    again = normalise(once)
    assert again.text == once
    assert again.identity
