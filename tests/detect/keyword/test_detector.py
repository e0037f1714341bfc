"""Keyword detector: options, library loading, why-strings, pinyin, registry wiring."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from beian.detect.keyword import KeywordDetector, KeywordOptions
from beian.errors import ConfigError
from beian.library.records import KeywordEntry
from beian.registry import registry

ENTRIES = [
    KeywordEntry(term="法轮功", risk="A.1.a"),
    KeywordEntry(term="大麻", risk="A.1.h", variants=["dama草"]),
    KeywordEntry(term="旧词", risk="A.1.h", removed="2024-01-01"),  # type: ignore[arg-type]
    KeywordEntry(term="干", risk="A.1.f"),
]


def test_registered_with_strict_options() -> None:
    with pytest.raises(ConfigError):
        registry.create("detector", "keyword", librari="x")
    assert "keyword" in registry.names("detector")


def test_missing_library_path_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        KeywordDetector.from_options(KeywordOptions(library=str(tmp_path / "nope.csv")))


def test_library_file_is_loaded(tmp_path: Path) -> None:
    path = tmp_path / "kw.jsonl"
    rows = [{"term": "冰毒", "risk": "A.1.h"}, {"term": "三黄片", "allow": True}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    det, spec = registry.create("detector", "keyword", library=str(path))
    assert [f.evidence for f in det.detect("贩卖冰毒")] == ["冰毒"]
    assert spec.label() == "detector:keyword@1"


def test_starter_library_is_the_default() -> None:
    det = KeywordDetector.from_options(KeywordOptions())
    assert det.detect("宣传法轮功")


def test_removed_and_single_character_terms_do_not_fire() -> None:
    det = KeywordDetector(ENTRIES)
    assert det.detect("旧词 干") == []
    assert det.skipped == ("干",)


def test_why_says_variant_and_normalised() -> None:
    det = KeywordDetector(ENTRIES)
    (variant,) = det.detect("这是ｄａｍａ草")
    assert variant.why == "term 大麻; variant dama草; normalised"
    (norm,) = det.detect("法_轮_功")
    assert norm.why == "term 法轮功; normalised"
    (plain,) = det.detect("法轮功")
    assert plain.why == "term 法轮功" and plain.score > variant.score - 0.5


def test_pinyin_and_homophones_only_when_enabled() -> None:
    # (evasion=False: the common soundalike and pinyin spellings are on by default, see
    # test_evasion_spellings.py; ``pinyin`` adds every homophone as a weak hit)
    plain = KeywordDetector(ENTRIES, evasion=False)
    assert plain.detect("falungong") == []
    det = KeywordDetector(ENTRIES, pinyin=True, evasion=False)
    assert [f.why for f in det.detect("练 falungong 的人")] == ["term 法轮功; pinyin falungong"]
    (homo,) = det.detect("发伦工")
    assert homo.why == "term 法轮功; homophone of 法轮功"
    assert (homo.start, homo.end) == (0, 3)
    assert det.detect("大妈") == []  # 2-character terms get no homophone matching


def test_normalise_off_matches_raw_text_only() -> None:
    det = KeywordDetector(ENTRIES, normalise=False)
    assert det.detect("法*轮*功") == []
    assert det.detect("法轮功")[0].evidence == "法轮功"


def test_batch_equals_single() -> None:
    det = KeywordDetector(ENTRIES)
    texts = ["法轮功", "", "大麻烦", "吸大麻"]
    assert det.detect_batch(texts) == [det.detect(t) for t in texts]
