"""Batch normalisation in UTF-16 code units agrees with ``normalise`` text by text."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beian.text import normalise
from beian.text.batch import Folded, fold_texts, normalise_many

# Characters that exercise every path: plain and traditional Han (輪 → 轮), traditional
# characters whose simplified form lies beyond the BMP (勣 → U+2A7DD), Extension-B ideographs
# (𠀀, CJK for separator removal), emoji (beyond the BMP, no fold), ligatures that expand
# (ﬁ), mathematical letters beyond the BMP that fold to ASCII (𝐀), tag characters beyond the
# BMP that are deleted, separators, zero-width characters, full width, U+0000 inside a text,
# lone surrogates (json.loads lets them through; they fold to "?").
_ALPHABET = st.sampled_from(
    list("法轮輪功大麻台獨勣爇鷟业ａＢcD 　*.·\n，")
    + ["\u200b", "\ufeff", "ﬁ", "™", "😀", "𠀀", "𝐀", "\U000e0041", "\x00", "①", "\ud800", "\udc00"]
)
TEXT = st.lists(_ALPHABET, max_size=24).map("".join)
TEXTS = st.lists(TEXT | st.text(max_size=12), max_size=8)


def _unit_spans(group: Folded, k: int, text: str) -> list[tuple[int, int]]:
    """Original span of every normalised code unit of member ``k``, via the group's maps."""
    norm = normalise(text).text
    count = len(norm.encode("utf-16-le", "surrogatepass")) // 2
    pos = np.arange(count, dtype=np.intp) + group.unit_starts[k]
    member, lo, hi = group.spans(pos, pos + 1)
    assert (member == k).all()
    return list(zip(lo.tolist(), hi.tolist(), strict=True))


def _expected_spans(text: str) -> list[tuple[int, int]]:
    """The same, from ``normalise`` (code points), repeated for both halves of a pair."""
    norm = normalise(text)
    out = []
    for i, ch in enumerate(norm.text):
        out.extend([norm.span(i, i + 1)] * (2 if ord(ch) > 0xFFFF else 1))
    return out


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_batch_text_equals_normalise(texts: list[str]) -> None:
    assert normalise_many(texts) == [normalise(t).text for t in texts]


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_batch_offsets_equal_normalise_spans(texts: list[str]) -> None:
    groups = fold_texts(texts)
    assert sorted(m for g in groups for m in g.members) == list(range(len(texts)))
    for group in groups:
        for k, member in enumerate(group.members):
            assert _unit_spans(group, k, texts[member]) == _expected_spans(texts[member])


@settings(max_examples=100, deadline=None)
@given(TEXTS)
def test_joined_and_separate_groups_agree(texts: list[str]) -> None:
    joined = {m: g.units for g in fold_texts(texts) for m in g.members if len(g.members) == 1}
    for group in fold_texts(texts, join=False):
        (member,) = group.members
        units = group.units.tobytes().decode("utf-16-le", "surrogatepass")
        assert units == normalise(texts[member]).text
        if member in joined:
            assert (joined[member] == group.units).all()


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("勣业", "\U0002a7dd业"),  # one code unit becomes a surrogate pair
        ("𠀀 𠀀", "𠀀𠀀"),  # Extension-B ideographs are CJK: the space between them goes
        ("😀 法", "😀 法"),  # an emoji is not: the space stays
        ("法\u200b輪", "法轮"),
        ("ﬁ功 𝐀", "fi功 a"),
    ],
)
def test_paths_beyond_the_bmp(text: str, want: str) -> None:
    assert normalise_many([text, "前文", text]) == [want, "前文", want]


def test_lower_case_only_when_not_folding() -> None:
    (group,) = fold_texts(["ＡＢ Cd", "法 轮"], fold=False)
    assert group.units.tobytes().decode("utf-16-le") == "ＡＢ cd\x00法 轮".lower()


def test_lone_surrogate_keeps_offsets() -> None:
    assert normalise("a\ud800法 轮").text == "a?法轮"
    (group,) = fold_texts(["a\ud800法 轮"])
    assert group.units.tobytes().decode("utf-16-le") == "a?法轮"
    _, lo, hi = group.spans(np.array([2]), np.array([4]))
    assert (int(lo[0]), int(hi[0])) == (2, 5)
