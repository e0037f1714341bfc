"""The shared per-batch path: ``detect_prepared`` equals plain ``detect``, text by text.

``DetectorSet.check_batch`` hands one ``PreparedBatch`` to every detector that has
``detect_prepared``; the keyword detector folds it and PII reuses the fold's code units for its
digit/``@`` pre-check. The texts below take every fold path (ASCII, 16-bit, emoji and other
characters beyond the BMP, ligatures folded on code points, empty texts) and carry PII in
ASCII and full-width forms next to keywords.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from beian.detect.base import BaseDetector, PreparedDetector
from beian.detect.detector_set import DetectorSet
from beian.detect.keyword import KeywordDetector
from beian.library.records import KeywordEntry
from beian.records import Finding
from beian.registry import registry
from beian.text.batch import PreparedBatch

ENTRIES = [
    KeywordEntry(term="大麻", risk="A.1.h"),
    KeywordEntry(term="冰毒", risk="A.1.h"),
    KeywordEntry(term="法轮功", risk="A.1.a"),
    KeywordEntry(term="ecstasy", risk="A.1.h"),
]

TEXTS = [
    "",
    "手机13812345678，卖冰毒",
    "手机１３８１２３４５６７８，邮箱 ａｂｃ＠ｅｘａｍｐｌｅ．ｃｏｍ",
    "",
    "😀 联系 13812345678 😀 大 麻",
    "ﬁle 138-1234-5678 法轮功",  # ligature: the code-point fold path
    "𠀀𠀁 身份证 11010519491231002X 冰毒",  # Extension B before the digits
    "call 010-12345678 or mail a@b.cn about ecstasy",  # ASCII only
    "车牌 京A12345，电话 ０１０－１２３４５６７８",
    "没有数字的普通句子。",
    "lone \ud800 surrogate 13912345678",
    "",
]


@pytest.fixture(scope="module")
def detectors() -> list[PreparedDetector]:
    pii, _ = registry.create("detector", "pii")
    found = [KeywordDetector(ENTRIES), pii]
    assert all(isinstance(d, PreparedDetector) for d in found)
    return found


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_detect_prepared_equals_detect(
    detectors: list[PreparedDetector], order: tuple[int, int]
) -> None:
    batch = PreparedBatch(TEXTS)
    for k in order:  # PII first: no fold to reuse yet; keyword first: PII reuses it
        d = detectors[k]
        assert d.detect_prepared(batch) == [d.detect(t) for t in TEXTS]


def test_the_fixture_has_pii_in_both_widths(detectors: list[PreparedDetector]) -> None:
    pii = detectors[1].detect_prepared(PreparedBatch(TEXTS))
    assert pii[1] and pii[2] and pii[4] and pii[7]  # the equality above is not vacuous


def test_check_batch_equals_check(detectors: list[PreparedDetector]) -> None:
    rules = DetectorSet(detectors)
    assert rules.check_batch(TEXTS) == [rules.check(t) for t in TEXTS]


class DigitsOnly(BaseDetector):
    """A third-party detector without ``detect_prepared``: still run through ``detect_batch``."""

    name = "digits"

    def detect(self, text: str) -> list[Finding]:
        return [
            Finding(risk="A.5.a", detector=self.name, score=0.9, start=i, end=i + 1, evidence=c)
            for i, c in enumerate(text)
            if c.isdigit()
        ][:1]

    def detect_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        return [self.detect(t) for t in texts]


def test_detectors_without_prepared_path_still_work(detectors: list[PreparedDetector]) -> None:
    plain = DigitsOnly()
    assert not isinstance(plain, PreparedDetector)
    rules = DetectorSet([detectors[0], plain, detectors[1]])
    verdicts = rules.check_batch(TEXTS)
    assert verdicts == [rules.check(t) for t in TEXTS]
    assert any(f.detector == "digits" for f in verdicts[1].findings)
