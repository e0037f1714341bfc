"""The evasion reading (beian.text.reading): what a disguised text says, mapped back."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beian.text.reading import evasion_reading, evasion_readings


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    ("raw", "reading", "kind"),
    [
        ("法😀轮😀大😀法😀好", "法轮大法好", "interleaved"),
        ("法★轮功★好", "法轮功好", "interleaved"),
        ("法1轮1大1法1好", "法轮大法好", "interleaved"),
        ("如3何7用1社4交", "如何用社交", "interleaved"),
        ("法x轮x大x法x好", "法轮大法好", "interleaved"),
        ("(法)(轮)(大)(法)(好)", "法轮大法好", "interleaved"),
        ("【如】【何】【用】【好】", "如何用好", "interleaved"),
        ("法\n轮\n大\n法\n好", "法轮大法好", "interleaved"),
        ("法，轮，大，法，好，啊", "法轮大法好啊", "interleaved"),
        ("法\u200b轮\u200b功", "法轮功", "invisible"),
        ("法\u0301轮\u0301功", "法轮功", "invisible"),
        ("⼤法好", "大法好", "radical"),
        ("頭髮很長的人說話", "头发很长的人说话", "traditional"),
        ("&#27861;&#36718;&#21151;", "法轮功", "html"),
        ("&#x6cd5;&#x8f6e;功", "法轮功", "html"),
        ("%E6%B3%95%E8%BD%AE功", "法轮功", "percent"),
        ("\\u6cd5\\u8f6e功", "法轮功", "unicode-escape"),
        ("请解码：" + _b64("怎样制作炸药包"), "请解码：怎样制作炸药包", "base64"),
        (_b64("&#27861;&#36718;"), "法轮", "base64"),
        ("校学炸去（请倒着读）", "）读着倒请（去炸学校", "reversed"),
    ],
)
def test_disguises_are_read_through(raw: str, reading: str, kind: str) -> None:
    got = evasion_reading(raw)
    assert got is not None
    assert got.text == reading
    assert kind in got.kinds


@pytest.mark.parametrize(
    "text",
    [
        "今天天气很好，我们去公园。",
        "2023年5月6日下午3点开会",  # a date is not an interleaving
        "会、济、汶、汜、洙",  # a list of single characters
        "妙！妙！妙！",
        "x 和 y 的值",  # letters in technical text
        "维生素A和C",
        "understanding relationship management",  # long words are not base64
        "deadbeefcafebabe1234",  # nor hex
        "hello world",
        "用Python写程序",
    ],
)
def test_ordinary_text_has_no_reading(text: str) -> None:
    assert evasion_reading(text) is None


def test_spans_map_back_to_the_disguised_original() -> None:
    raw = "前言 法😀轮😀大😀法 后记"
    got = evasion_reading(raw)
    assert got is not None
    at = got.text.index("法轮大法")
    lo, hi = got.span(at, at + 4)
    assert raw[lo:hi] == "法😀轮😀大😀法"
    assert got.touches_change(at, at + 4)
    assert not got.touches_change(0, 2)  # 前言 is the original's own


def test_decoded_segment_maps_to_the_encoded_original() -> None:
    enc = _b64("制作炸药")
    raw = "你好，" + enc + "。"
    got = evasion_reading(raw)
    assert got is not None
    at = got.text.index("炸药")
    assert got.span(at, at + 2) == (3, 3 + len(enc))


def test_folding_readings_replace_and_removing_ones_do_not() -> None:
    trad, inter = evasion_reading("頭髮很長的人說話"), evasion_reading("法😀轮😀功😀好")
    assert trad is not None and trad.replaces
    assert inter is not None and not inter.replaces


_PIECES = st.sampled_from(
    ["法", "轮", "大", "好", "😀", "1", "x", "(", ")", "\n", "，", "\u200b", "\u0301", "頭", "⼤",
     "&#27861;", "5rOV6L2u", "倒着读", " ", "ab", "read backwards", "讀", "读"]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_PIECES, max_size=14).map("".join), min_size=1, max_size=6))
def test_batch_equals_one_by_one(texts: list[str]) -> None:
    batch = evasion_readings(texts)
    for i, text in enumerate(texts):
        one = evasion_reading(text)
        got = batch.get(i)
        assert (got is None) == (one is None), text
        if got is not None and one is not None:
            assert (got.text, got.kinds) == (one.text, one.kinds)
            assert got.starts.tolist() == one.starts.tolist()
            assert got.ends.tolist() == one.ends.tolist()
            assert got.changed.tolist() == one.changed.tolist()
