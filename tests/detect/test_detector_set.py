"""DetectorSet: merging, allow-lists, thresholds and the corroboration rule.

``DocumentScores`` pins the arithmetic of the rule with fixed scores; the tests at the end run
the real shipped classifier next to the keyword detector.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from beian.detect.base import BaseDetector, Detector
from beian.detect.detector_set import DetectorSet, ScoringOptions, merge_findings, risk_scores
from beian.detect.keyword import KeywordDetector
from beian.errors import PluginNotFoundError
from beian.library.records import KeywordEntry
from beian.records import Finding
from beian.registry import registry

ENTRIES = [
    KeywordEntry(term="大麻", risk="A.1.h"),
    KeywordEntry(term="冰毒", risk="A.1.h"),
    KeywordEntry(term="黄片", risk="A.1.f"),
    KeywordEntry(term="三黄片", allow=True),
    KeywordEntry(term="法轮功", risk="A.1.a"),
    KeywordEntry(term="法轮", risk="A.1.a"),
]


class DocumentScores(BaseDetector):
    """A document-level detector with fixed per-risk scores (the classifier's output shape)."""

    name = "classifier"

    def __init__(self, scores: dict[str, float]) -> None:
        self.scores = scores

    def detect(self, text: str) -> list[Finding]:
        return [Finding(risk=r, detector=self.name, score=s) for r, s in self.scores.items()]

    def detect_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        return [self.detect(t) for t in texts]


@pytest.fixture(scope="module")
def keyword() -> KeywordDetector:
    return KeywordDetector(ENTRIES)


def test_strong_term_flags_alone(keyword: KeywordDetector) -> None:
    v = DetectorSet([keyword]).check("宣传法轮功")
    assert v.verdict == "unqualified" and v.risks == ("A.1.a",)
    assert len(v.findings) == 1  # 法轮 inside 法轮功 merged into one finding
    assert (v.findings[0].start, v.findings[0].end) == (2, 5)


def test_weak_term_alone_does_not_flag(keyword: KeywordDetector) -> None:
    v = DetectorSet([keyword]).check("他吸食大麻")
    assert v.verdict == "qualified" and v.risks == ()
    assert [f.evidence for f in v.findings] == ["大麻"]  # evidence is still reported


def test_two_distinct_weak_terms_nearby_flag(keyword: KeywordDetector) -> None:
    assert DetectorSet([keyword]).check("贩卖冰毒和大麻").risks == ("A.1.h",)
    assert DetectorSet([keyword]).check("大麻，大麻").risks == ()  # same term twice
    far = "冰毒" + "。" * 300 + "大麻"
    assert DetectorSet([keyword]).check(far).risks == ()


def test_classifier_corroborates_weak_term(keyword: KeywordDetector) -> None:
    weak_support = DocumentScores({"A.1.h": 0.35})
    v = DetectorSet([keyword, weak_support]).check("他吸食大麻")
    assert v.risks == ("A.1.h",) and v.scores["A.1.h"] == pytest.approx(0.675)
    # the same classifier score without a keyword hit stays below the threshold
    assert DetectorSet([keyword, weak_support]).check("今天天气好").risks == ()


def test_classifier_alone_and_per_risk_thresholds(keyword: KeywordDetector) -> None:
    clf = DocumentScores({"A.2.e": 0.6})
    assert DetectorSet([keyword, clf]).check("文本").risks == ("A.2.e",)
    strict = ScoringOptions(thresholds={"A.2.e": 0.7})
    assert DetectorSet([keyword, clf], scoring=strict).check("文本").risks == ()


def test_allow_phrases_drop_findings(keyword: KeywordDetector) -> None:
    ds = DetectorSet([keyword], scoring=ScoringOptions(allow=["法轮功研究"]))
    assert ds.check("法轮功研究报告").findings == ()
    assert ds.check("法 轮 功研究").findings == ()  # allow phrases match after normalisation
    assert ds.check("法轮功").risks == ("A.1.a",)
    texts = ["法轮功研究报告", "法 轮 功研究", "法轮功", "无关"]
    assert ds.check_batch(texts) == [ds.check(t) for t in texts]


def test_cluster_takes_each_distinct_terms_best_score() -> None:
    def hit(start: int, evidence: str, score: float) -> Finding:
        return Finding("A.1.h", "keyword", score, start, start + 2, evidence, "")

    hits = [hit(0, "大麻", 0.5), hit(3, "大麻", 0.7), hit(6, "冰毒", 0.5), hit(300, "摇头", 0.7)]
    assert risk_scores(hits, ScoringOptions())["A.1.h"] == pytest.approx(0.85)  # 0.7 + 0.5
    assert risk_scores(hits, ScoringOptions(distinct_hits=3))["A.1.h"] == 0.0  # 摇头 too far
    wide = ScoringOptions(distinct_hits=3, window=400)
    assert risk_scores(hits, wide)["A.1.h"] == pytest.approx(1 - 0.3 * 0.3 * 0.5)
    assert risk_scores(hits[:2], ScoringOptions())["A.1.h"] == 0.0  # one term, twice


def test_merge_keeps_risks_and_detectors_apart() -> None:
    text = "abcdef"
    found = [
        Finding("A.1.a", "keyword", 0.5, 0, 3, "abc", "x"),
        Finding("A.1.a", "keyword", 0.8, 2, 5, "cde", "y"),
        Finding("A.1.b", "keyword", 0.5, 1, 2, "b", "z"),
        Finding("A.1.a", "pii", 0.9, 0, 1, "a", ""),
        Finding("A.1.a", "classifier", 0.2),
    ]
    merged = merge_findings(found, text)
    assert len(merged) == 4
    (joined,) = [f for f in merged if f.detector == "keyword" and f.risk == "A.1.a"]
    assert (joined.start, joined.end, joined.evidence, joined.score) == (0, 5, "abcde", 0.8)
    assert joined.why == "x | y"


def test_from_names_and_batch() -> None:
    ds = DetectorSet.from_names(["keyword"], options={"keyword": {"pinyin": False}})
    texts = ["宣传法轮功", "今天天气很好", "大麻烦"]
    assert [v.verdict for v in ds.check_batch(texts)] == [ds.check(t).verdict for t in texts]
    assert ds.check("宣传法轮功").flagged and not ds.check("大麻烦").flagged
    assert ds.specs[0].name == "keyword"
    with pytest.raises(PluginNotFoundError):
        DetectorSet.from_names(["keyword", "nope"])


# Sentences checked against the shipped model (A.1.h scores with min_score=0.3): the drug-use
# sentence scores 0.40, between the corroboration level (0.3) and the flag threshold (0.5); the
# sentence about hemp cloth scores 0.06. Both hold the same weak keyword hit, 大麻 (0.5).
DRUG_USE = "他长期吸食大麻，并向朋友出售毒品"
HEMP_CLOTH = "古代农民在田里种植大麻，用麻纤维纺纱织布做衣服"


@pytest.fixture(scope="module")
def classifier() -> Detector:
    # min_score=0.3 reports every risk from the corroboration level up; with the model's own
    # per-risk thresholds (A.1.h: 0.5) an A.1.h score would only appear once it flags alone.
    clf, _ = registry.create("detector", "classifier", min_score=0.3)
    assert isinstance(clf, Detector)
    return clf


def _score(findings: Sequence[Finding], detector: str, risk: str) -> float:
    return max(f.score for f in findings if f.detector == detector and f.risk == risk)


def test_real_classifier_corroborates_a_weak_keyword_hit(
    keyword: KeywordDetector, classifier: Detector
) -> None:
    assert DetectorSet([keyword]).check(DRUG_USE).risks == ()  # weak hit alone
    # F33: a classifier finding exists only at or above the risk's own threshold, and its score
    # is mapped so that threshold is the DetectorSet's 0.5: the finding decides on its own
    alone = DetectorSet([classifier]).check(DRUG_USE)
    assert alone.risks == ("A.1.h",)
    (finding,) = [f for f in alone.findings if f.risk == "A.1.h"]
    assert "threshold" in finding.why and finding.score >= 0.5
    v = DetectorSet([keyword, classifier]).check(DRUG_USE)
    assert v.risks == ("A.1.h",) and v.flagged
    support = _score(v.findings, "classifier", "A.1.h")
    assert 0.5 <= support <= 1.0
    assert v.scores["A.1.h"] == pytest.approx(1 - (1 - 0.5) * (1 - support), abs=1e-4)
    (hit,) = [f for f in v.findings if f.detector == "keyword"]
    assert DRUG_USE[hit.start or 0 : hit.end] == hit.evidence == "大麻"


def test_same_weak_hit_in_a_benign_sentence_does_not_flag(
    keyword: KeywordDetector, classifier: Detector
) -> None:
    ds = DetectorSet([keyword, classifier])
    v = ds.check(HEMP_CLOTH)
    assert v.verdict == "qualified" and v.risks == ()
    assert [f.evidence for f in v.findings if f.detector == "keyword"] == ["大麻"]
    assert not [f for f in v.findings if f.detector == "classifier" and f.risk == "A.1.h"]
    batch = ds.check_batch([HEMP_CLOTH, DRUG_USE, "今天天气很好"])
    assert [b.risks for b in batch] == [(), ("A.1.h",), ()]
    assert batch[1] == ds.check(DRUG_USE)
