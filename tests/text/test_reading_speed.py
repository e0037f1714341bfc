"""The reading's fast paths give exactly what the plain ones give."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from hypothesis import given, settings
from hypothesis import strategies as st

from beian.text import reading as r

_PIECES = st.sampled_from(
    ["法", "轮", "大", "好", "功", "😀", "★", "1", "22", "x", "ab", "(", ")", "（", "）", "\n",
     "，", "、", "。", "！", " ", "\u200b", "頭", "⺠", "&", "\x00"]
)  # fmt: skip


def _chain_starts_reference(cls: npt.NDArray[np.uint8]) -> list[int]:
    """The first implementation: flags summed over every non-CJK run."""
    han = (cls & r.HAN) != 0
    edge = np.diff(han.view(np.int8), prepend=np.int8(1), append=np.int8(1))
    starts, ends = np.flatnonzero(edge == -1), np.flatnonzero(edge == 1)
    if len(starts) < 2:
        return []
    strong = np.logical_or.reduceat((cls & r.STRONG) != 0, starts)
    useful = np.logical_or.reduceat((cls & (r.PUNCT | r.HAN)) == 0, starts)
    ok = (starts > 0) & (ends < len(cls)) & (ends - starts <= 4)
    strong &= ok
    useful &= ok
    space = starts[1:] - ends[:-1]
    pair = strong[:-1] & strong[1:] & (space <= r.MAX_STRONG_SPAN)
    one = useful[:-1] & useful[1:] & (space == 1)
    tight = ok[:-1] & ok[1:] & (space == 1)
    five = tight[:-3] & tight[1:-2] & tight[2:-1] & tight[3:] if len(tight) >= 4 else tight[:0]
    first = np.flatnonzero(
        pair | np.r_[one[:-1] & one[1:], False] | np.r_[five, [False] * 3][: len(pair)]
    )
    found: list[int] = (starts[first] - 1).tolist()
    return found


def _classes(text: str) -> npt.NDArray[np.uint8]:
    return r.reading_classes()[np.frombuffer(text.encode("utf-32-le"), np.uint32)]


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_chain_candidates_equal_the_reference(text: str) -> None:
    cls = _classes(text)
    assert r._chain_starts(cls) == _chain_starts_reference(cls)


def test_chain_candidates_on_prose_and_chains() -> None:
    for text in [
        "他说：“好。”然后走了，没有回头。",
        "法😀轮😀功",
        "法😀轮功😀好",
        "法1轮2大3法",
        "(法)(轮)(功)",
        "好",
    ]:
        cls = _classes(text)
        assert r._chain_starts(cls) == _chain_starts_reference(cls), text


_DISGUISES = st.sampled_from(
    ["法", "轮", "功", "好", "頭", "髮", "說", "話", "輪", "學", "藥", "⼤", "⺠", "\u200b", "\u200d",
     "\u0301", "\ufe0f", "😀", "1", "x", "(", ")", "，", " ", "\n", "&#27861;", "%E6%B3%95",
     "5rOV6L2u", "倒着读", "ab"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(_DISGUISES, max_size=16).map("".join), min_size=1, max_size=5))
def test_a_skipped_reading_equals_the_plain_normalisation(texts: list[str]) -> None:
    from beian.text.normalise import normalise

    full = r.evasion_readings(texts)
    kept = r.evasion_readings(texts, normalised=True)
    for i, text in enumerate(texts):
        one = r.evasion_reading(text, normalised=True)
        assert (one is None) == (i not in kept), text  # one by one as in the batch
        if i in kept:  # not skipped: the same reading as without the pre-check
            assert (kept[i].text, kept[i].kinds) == (full[i].text, full[i].kinds)
        elif i in full:  # skipped: the normaliser reads it the same way
            assert normalise(full[i].text).text == normalise(text).text, text
            assert set(full[i].kinds) <= r.NORMALISED_KINDS


def test_traditional_and_invisible_only_texts_are_skipped() -> None:
    texts = ["頭髮很長的人說話", "法\u200b轮\u200b功", "法😀轮😀功", "&#27861;&#36718;"]
    assert sorted(r.evasion_readings(texts)) == [0, 1, 2, 3]
    assert sorted(r.evasion_readings(texts, normalised=True)) == [2, 3]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_PIECES, max_size=20).map("".join), min_size=1, max_size=6))
def test_batch_chain_candidates_are_each_texts_own(texts: list[str]) -> None:
    joined = "\x00".join(texts) + "\x00"
    offsets = np.r_[0, np.cumsum([len(t) + 1 for t in texts])[:-1]]
    found = np.asarray(r._chain_starts(_classes(joined), offsets[1:] - 1), dtype=np.intp)
    owner = np.searchsorted(offsets, found, side="right") - 1
    for i, text in enumerate(texts):
        assert (found[owner == i] - offsets[i]).tolist() == r._chain_starts(_classes(text)), text
