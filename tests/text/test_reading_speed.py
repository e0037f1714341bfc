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
