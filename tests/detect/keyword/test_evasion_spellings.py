"""Soundalike and pinyin spellings compiled next to a term (beian.detect.keyword.evasion)."""

from __future__ import annotations

from beian.detect.keyword import KeywordDetector
from beian.detect.keyword.evasion import homophone_spellings, homophones, pinyin_spellings
from beian.library.records import KeywordEntry

ENTRIES = [
    KeywordEntry(term="法轮功", risk="A.1.a"),
    KeywordEntry(term="大麻", risk="A.1.h"),
    KeywordEntry(term="打死人", risk="A.4.a", weak=True),
]


def test_the_homophone_table_is_read_from_its_data_file() -> None:
    table = homophones()
    assert table["法"][0] == "发"
    assert all(c not in subs for c, subs in table.items())


def test_spellings_replace_one_or_two_characters() -> None:
    spellings = homophone_spellings("法轮功")
    assert "发轮功" in spellings and "法伦功" in spellings and "发伦功" in spellings
    assert "法轮功" not in spellings
    assert pinyin_spellings("法轮功")[:2] == ["falungong", "fa lun gong"]
    assert "xizang" in pinyin_spellings("西藏")  # 藏's second reading


def test_specific_terms_match_their_spellings_at_the_term_score() -> None:
    detector = KeywordDetector(ENTRIES)
    for text in ("发轮功", "法伦功", "falungong", "Fa Lun Gong"):
        found = detector.detect(text)
        assert [f.risk for f in found] == ["A.1.a"], text
        assert found[0].score >= 0.8


def test_short_and_weak_terms_get_no_spellings() -> None:
    detector = KeywordDetector(ENTRIES)
    assert detector.detect("打麻将") == []  # 大麻 → 打麻 would be everyday language
    assert detector.detect("da si ren") == []  # weak entry


def test_evasion_spellings_can_be_turned_off() -> None:
    assert KeywordDetector(ENTRIES, evasion=False).detect("发轮功") == []
