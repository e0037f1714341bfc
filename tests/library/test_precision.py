"""The library's precision warning runs the keyword detector, not a matcher of its own.

The expected hits of the plain cases are what the previous, substring-based check reported
(recorded by running it); the context and normalised cases are where it measured a matcher that
never ran in production (aesthetics.md §3: 大麻 in 大麻烦; traditional and spaced spellings).
"""

from __future__ import annotations

from beian.detect.keyword import KeywordDetector, KeywordOptions
from beian.library.precision import benign_hits, benign_reference
from beian.library.records import KeywordEntry
from beian.library.starter import starter_keywords

LIBRARY = [
    KeywordEntry(term="偷井盖", risk="A.2.d"),
    KeywordEntry(term="网络诈骗", risk="A.1.i"),
    KeywordEntry(term="黄片", risk="A.1.i"),
    KeywordEntry(term="三黄片", allow=True),
    KeywordEntry(term="大麻", risk="A.1.h"),
    KeywordEntry(term="法轮功", risk="A.1.a", variants=["FLG"]),
]
PLAIN = [
    "昨天有人偷井盖被抓了",
    "偷井盖的人",
    "今天天气很好",
    "他说网络诈骗很常见",
    "三黄片是中药",
    "吸食大麻违法",
    "flg is a term",
]


def _found(texts: list[str]) -> list[tuple[str, str | None, int, str]]:
    return [(h.term, h.risk, h.texts, h.example) for h in benign_hits(LIBRARY, texts)]


def test_plain_hits_are_those_the_previous_check_reported() -> None:
    assert _found(PLAIN) == [
        ("偷井盖", "A.2.d", 2, "昨天有人偷井盖被抓了"),
        ("大麻", "A.1.h", 1, "吸食大麻违法"),
        ("法轮功", "A.1.a", 1, "flg is a term"),
        ("网络诈骗", "A.1.i", 1, "他说网络诈骗很常见"),
    ]  # 黄片 inside the allow-listed 三黄片 does not count, as before


def test_a_term_the_context_rule_stops_is_no_benign_hit() -> None:
    # The substring check counted 大麻 in 大麻烦; the detector's context rule never fires on it.
    assert _found(["这真是个大麻烦"]) == []
    assert KeywordDetector(LIBRARY).detect("这真是个大麻烦") == []


def test_normalised_spellings_count_as_they_do_in_detection() -> None:
    texts = ["有人偷井蓋", "法 轮 功"]  # traditional 蓋; spaces inserted between the characters
    assert [(t, n) for t, _r, n, _e in _found(texts)] == [("偷井盖", 1), ("法轮功", 1)]
    assert all(KeywordDetector(LIBRARY).detect(t) for t in texts)


def test_every_benign_hit_of_the_starter_is_a_finding_of_the_configured_detector() -> None:
    entries = list(starter_keywords())
    hits = benign_hits(entries)
    assert hits, "the shipped reference fires some starter terms (the warning has content)"
    detector = KeywordDetector.from_options(KeywordOptions(english=False))
    reference = benign_reference()
    for hit in hits:
        texts = [t for t in reference if t.startswith(hit.example)]
        assert any(f.risk == hit.risk for t in texts for f in detector.detect(t)), hit.term
