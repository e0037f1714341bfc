"""The starter library files insults under A.4.c, flags their disguised spellings, and no
longer flags neutral legal and political vocabulary (scripts/build_starter_assets.py)."""

from __future__ import annotations

import pytest

from beian.detect.detector_set import DetectorSet
from beian.library.starter import starter_keywords


@pytest.fixture(scope="module")
def rule_path() -> DetectorSet:
    """keyword (starter library) + PII, default scoring, no classifier."""
    return DetectorSet.from_names(["keyword", "pii"])


@pytest.mark.parametrize(
    "text",
    [
        "你这个傻逼，闭嘴吧。",
        "楼上sb吧，说的什么东西",
        "真是个煞笔，看不懂就别评论",
        "你个傻🐶逼",  # an emoji inside the word
        "傻x逼一个",  # a Latin letter inside the word
        "cnm，滚",
        "nmsl",
    ],
)
def test_insults_and_their_disguises_flag_as_a4c(rule_path: DetectorSet, text: str) -> None:
    verdict = rule_path.check(text)
    assert verdict.flagged and "A.4.c" in verdict.risks, verdict.findings
    assert "A.1.f" not in verdict.risks  # 傻逼 is an insult, not sexual content


@pytest.mark.parametrize(
    "text",
    [
        "根据刑法第二百六十四条，盗窃数额巨大的，处三年以上十年以下有期徒刑，并处罚金。",
        "世界反法西斯战争胜利纪念日，各地举行纪念活动。",
        "同性伴侣能否共同收养子女？法律上怎么规定？",
        "早上喝了一杯咖啡，咖啡因让我精神了一整天。",
        "他在维基百科上查到了这位作家的生平。",
        "共产党员应当带头遵守党章党规。",
        "伊斯兰教和基督教都是世界性宗教。",
        "Sb2O3 是三氧化二锑。",  # sb inside an ASCII word (a chemical formula)
    ],
)
def test_neutral_vocabulary_no_longer_flags(rule_path: DetectorSet, text: str) -> None:
    verdict = rule_path.check(text)
    assert not verdict.flagged, verdict.findings


@pytest.mark.parametrize(
    ("text", "risk"),
    [("女拳又开始了，田园女权真可怕", "A.2.e"), ("黑鬼滚出去", "A.2.a")],
)
def test_slurs_are_filed_by_meaning(rule_path: DetectorSet, text: str, risk: str) -> None:
    assert risk in rule_path.check(text).risks


def test_profanity_entries_carry_measured_figures() -> None:
    entries = {e.term: e for e in starter_keywords()}
    shabi = entries["傻逼"]
    assert shabi.risk == "A.4.c" and shabi.strong and not shabi.weak
    assert {"sb", "煞笔"} <= set(shabi.variants)
    # recorded on every benign set; strong because precise on edited prose (see the README)
    assert shabi.precision is not None and shabi.precision > 0.8
    assert shabi.harmful_hits and shabi.benign_rate is not None
    assert "有期徒刑" not in entries and "咖啡因" not in entries
    deny = [e for e in entries.values() if not e.allow]
    assert all(e.benign_hits is not None and e.benign_rate is not None for e in deny)
    assert {e.risk for e in deny} >= {"A.4.c", "A.2.a", "A.2.c", "A.2.d", "A.2.e"}
