"""Curation rules of the starter keyword library (scripts/build_starter_assets.py): terms that
fire on benign novel prose as idioms, names or everyday words are dropped and recorded, benign
compounds become allow entries, and clearly harmful text still flags on the rule path."""

from __future__ import annotations

import json

import pytest

from beian.detect.detector_set import DetectorSet
from beian.library.io import load_keywords
from beian.library.starter import starter_dir, starter_keywords


@pytest.fixture(scope="module")
def rule_path() -> DetectorSet:
    """keyword (starter library) + PII, default scoring, no classifier."""
    return DetectorSet.from_names(["keyword", "pii"])


@pytest.fixture(scope="module")
def curation() -> dict[str, object]:
    stats = json.loads((starter_dir("keywords") / "build_stats.json").read_text(encoding="utf-8"))
    assert isinstance(stats["curation"], dict)
    return stats["curation"]


@pytest.mark.parametrize(
    "text",
    [
        "那人笑道：“青天白日，朗朗乾坤，你们竟敢当街抢人！”",  # idiom: now a weak A.1.a term
        "老太太合掌念道：“救苦救难观世音菩萨，保佑我儿平安回来。”",  # a name, was strong
        "他失手打死人命，连夜逃出城去，投奔舅舅家。",  # 打死人 inside ordinary narration
        "众弟子齐声诵读经文，护法长老在殿外静坐。",  # everyday words no longer corroborate
        "那石大法师摇头道：此事不可。",  # 大法 inside the allow compound 大法师
    ],
)
def test_benign_novel_prose_no_longer_flags(rule_path: DetectorSet, text: str) -> None:
    verdict = rule_path.check(text)
    assert not verdict.flagged, verdict.findings


@pytest.mark.parametrize(
    ("text", "risk"),
    [
        ("低价出售雷管炸药，量大从优，私聊发货。", "A.1.h"),
        ("谁知道炸药配方与制作的详细步骤？", "A.1.h"),
    ],
)
def test_clearly_harmful_text_still_flags(rule_path: DetectorSet, text: str, risk: str) -> None:
    verdict = rule_path.check(text)
    assert verdict.flagged and risk in verdict.risks


def test_curated_terms_are_recorded_with_reasons(curation: dict[str, object]) -> None:
    dropped, weak = curation["dropped"], curation["weak"]
    assert isinstance(dropped, dict) and isinstance(weak, dict)
    entries = {e.term: e for e in starter_keywords()}
    # idioms and names fire on benign prose: weak (need corroboration) or, when they fire on
    # benign text far more than on harmful text, dropped as everyday words; never strong
    for term in ("青天白日", "观世音", "打死人", "一本道"):
        why = weak.get(term) or dropped.get(term)
        assert isinstance(why, str) and "benign" in why
        assert term not in entries or (entries[term].weak and not entries[term].allow)
    # everyday two-character words are dropped
    assert "benign novel chapters" in dropped["弟子"] and "弟子" not in entries
    assert not set(entries) & set(dropped)
    assert curation["dropped_count"] == len(dropped) and curation["weak_count"] == len(weak)


def test_allow_entries_are_benign_compounds_of_kept_terms(curation: dict[str, object]) -> None:
    # What the build wrote: entries removed later (a history event) still count in its stats.
    entries = load_keywords(starter_dir("keywords"), include_removed=True)
    deny = {e.term for e in entries if not e.allow}
    allow = [e for e in entries if e.allow]
    assert len(allow) == curation["allow_entries"] and len(deny) == curation["deny_terms"]
    assert "大法师" in {e.term for e in allow}
    for e in allow:
        assert any(t in e.term for t in deny) and e.note.startswith("rule: benign compound")
    assert {"反法西斯", "同性伴侣"} <= {e.term for e in allow}
