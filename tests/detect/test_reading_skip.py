"""A keyword-only detector set skips readings its normaliser makes anyway, with the same verdicts."""

from __future__ import annotations

import pytest

from beian.detect.detector_set import DetectorSet
from beian.records import Finding

TEXTS = [
    "宣傳法輪功的人說話",  # traditional script
    "法\u200b轮\u200b功",  # invisible characters
    "冰\u200b毒和大\u200d麻",
    "法😀轮😀功",  # interleaving: still read
    "今天天氣很好，我們去公園散步。",
    "&#27861;&#36718;&#21151;",
    "卖冰毒",
]


def _spans(found: tuple[Finding, ...]) -> list[tuple[int | None, int | None, str]]:
    return sorted((f.start, f.end, f.risk) for f in found)


@pytest.fixture(scope="module")
def keyword() -> DetectorSet:
    return DetectorSet.from_names(["keyword"])


def test_keyword_set_reads_normalised_text(keyword: DetectorSet) -> None:
    assert keyword._normalised
    assert not DetectorSet.from_names(["keyword", "pii"])._normalised  # PII reads raw text


def test_skipping_changes_no_verdict_or_span(keyword: DetectorSet) -> None:
    skipped = keyword.check_batch(TEXTS)
    keyword._normalised = False
    try:
        full = keyword.check_batch(TEXTS)
    finally:
        keyword._normalised = True
    for text, a, b in zip(TEXTS, skipped, full, strict=True):
        assert (a.verdict, a.risks, _spans(a.findings)) == (b.verdict, b.risks, _spans(b.findings))
        assert a.scores == pytest.approx(b.scores), text
    assert [v.flagged for v in skipped[:4]] == [True] * 4
