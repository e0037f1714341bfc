"""Second scan for keywords split by an emoji, a symbol or one Latin letter (detect.keyword.gaps)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beian.detect.keyword import KeywordDetector
from beian.library.records import KeywordEntry

ENTRIES = [
    KeywordEntry(term="傻逼", risk="A.4.c"),
    KeywordEntry(term="法轮功", risk="A.1.a"),
    KeywordEntry(term="同性伴侣", allow=True),
    KeywordEntry(term="性伴侣", risk="A.1.f"),
]


@pytest.fixture(scope="module")
def detector() -> KeywordDetector:
    return KeywordDetector(ENTRIES)


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("你个傻🐶逼", "傻🐶逼"),
        ("傻x逼", "傻x逼"),
        ("法a轮a功", "法a轮a功"),
        ("法❤轮❤功好", "法❤轮❤功"),
        ("前面" + "很长的一段话" * 40 + "法🌸轮功", "法🌸轮功"),
    ],
)
def test_fillers_inside_a_term_are_seen_through(
    detector: KeywordDetector, text: str, evidence: str
) -> None:
    found = detector.detect(text)
    assert [f.evidence for f in found] == [evidence]
    # spans index the original text, emoji included
    assert all(text[f.start : f.end] == f.evidence for f in found if f.start is not None)


@pytest.mark.parametrize(
    "text",
    [
        "傻🐶🐶🐶逼",  # more than two emoji: not a disguise, separate words
        "傻ab逼",  # two letters: an English word between Chinese words
        "傻，逼",  # sentence punctuation is a real boundary
        "同🌈性伴侣",  # the allow entry is seen through the same way
        "他说傻。逼近了",
    ],
)
def test_other_content_between_words_is_not_glued(detector: KeywordDetector, text: str) -> None:
    assert detector.detect(text) == []


def test_batch_and_single_agree_and_plain_hits_are_not_doubled(detector: KeywordDetector) -> None:
    texts = ["傻逼", "x", "法a轮功与傻🐶逼", "今天A股大涨", "傻逼傻🐶逼"]
    batch = detector.detect_batch(texts)
    assert batch == [detector.detect(t) for t in texts]
    assert [len(b) for b in batch] == [1, 0, 2, 0, 2]


_FILLED = st.lists(
    st.sampled_from(list("傻逼法轮功黄片大麻烦 ab*") + ["🐶", "❤", "😀", "\u200b", "\ud800"]),
    max_size=16,
).map("".join)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(_FILLED, min_size=1, max_size=6))
def test_gap_scan_batch_equals_single_on_random_texts(
    detector: KeywordDetector, texts: list[str]
) -> None:
    assert detector.detect_batch(texts) == [detector.detect(t) for t in texts]
