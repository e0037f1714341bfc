"""The compiled-library cache: a cached library finds exactly what a fresh compile finds, and
any change to the library or the options compiles it again."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from beian.detect.keyword import engine
from beian.detect.keyword.detector import KeywordDetector, KeywordOptions

TEXTS = ["卖冰毒和大麻", "宣传法轮功", "fa lun gong 好", "今天天气很好", "冰😀毒"]


def _found(det: KeywordDetector) -> list[list[tuple[int | None, int | None, str, float]]]:
    return [[(f.start, f.end, f.risk, f.score) for f in fs] for fs in det.detect_batch(TEXTS)]


def _library(path: Path, terms: list[str]) -> Path:
    rows = [{"term": t, "risk": "A.1.h"} for t in terms]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    return path


def test_cached_starter_library_finds_what_a_fresh_compile_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(engine.CACHE_ENV, "")
    fresh = _found(KeywordDetector.from_options(KeywordOptions()))
    monkeypatch.setenv(engine.CACHE_ENV, str(tmp_path))
    first = _found(KeywordDetector.from_options(KeywordOptions()))
    (stored,) = (tmp_path / "keyword").iterdir()
    stamp = stored.stat().st_mtime_ns
    second = _found(KeywordDetector.from_options(KeywordOptions()))  # loaded, not rebuilt
    assert stored.stat().st_mtime_ns == stamp
    assert fresh == first == second
    assert any(second)


def test_a_changed_library_or_option_is_compiled_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(engine.CACHE_ENV, str(tmp_path / "cache"))
    lib = _library(tmp_path / "kw.jsonl", ["冰毒"])
    det = KeywordDetector.from_options(KeywordOptions(library=str(lib)))
    assert [f.evidence for f in det.detect("冰毒和大麻")] == ["冰毒"]
    _library(lib, ["冰毒", "大麻"])
    os.utime(lib, ns=(1, 1))  # even with an old time stamp: the size changed
    det = KeywordDetector.from_options(KeywordOptions(library=str(lib)))
    assert [f.evidence for f in det.detect("冰毒和大麻")] == ["冰毒", "大麻"]
    KeywordDetector.from_options(KeywordOptions(library=str(lib), evasion=False))
    assert len(list((tmp_path / "cache" / "keyword").iterdir())) == 3


def test_a_broken_cache_file_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(engine.CACHE_ENV, str(tmp_path / "cache"))
    lib = _library(tmp_path / "kw.jsonl", ["冰毒"])
    KeywordDetector.from_options(KeywordOptions(library=str(lib)))
    (stored,) = (tmp_path / "cache" / "keyword").iterdir()
    stored.write_bytes(b"not a pickle")
    det = KeywordDetector.from_options(KeywordOptions(library=str(lib)))
    assert [f.evidence for f in det.detect("卖冰毒")] == ["冰毒"]
    assert stored.read_bytes() != b"not a pickle"


def test_cache_off_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(engine.CACHE_ENV, "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    lib = _library(tmp_path / "kw.jsonl", ["冰毒"])
    KeywordDetector.from_options(KeywordOptions(library=str(lib)))
    assert engine.cache_dir("keyword") is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kw.jsonl"]


def test_cached_rules_are_made_on_demand_and_equal_the_compiled_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The cache stores each pattern's rules as plain fields (RuleTable) and makes the Rule
    # objects on first access: every pattern must get exactly the rules a fresh compile has,
    # and the allow-list flags the detector needs up front must match too.
    from beian.detect.keyword.forms import RuleTable, allow_flags, join_rules

    lib = tmp_path / "kw.jsonl"
    rows = [
        {"term": "冰毒", "risk": "A.1.d"},
        {"term": "法轮功", "risk": "A.1.a", "variants": ["flg"]},
        {"term": "冰毒贩子", "risk": "A.1.d", "allow": True},
        {"term": "SM", "risk": "A.2.a"},
    ]
    lib.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    options = KeywordOptions(library=str(lib), pinyin=True)
    monkeypatch.setenv(engine.CACHE_ENV, "")
    fresh = KeywordDetector.from_options(options)._compiled
    monkeypatch.setenv(engine.CACHE_ENV, str(tmp_path / "cache"))
    KeywordDetector.from_options(options)  # compiles and stores
    loaded = KeywordDetector.from_options(options)._compiled  # loads
    for mine, theirs in (
        (loaded.exact_rules, fresh.exact_rules),
        (loaded.homophone_rules, fresh.homophone_rules),
    ):
        assert isinstance(mine, RuleTable) and isinstance(theirs, tuple)
        assert len(mine) == len(theirs) > 0
        assert [mine[i] for i in reversed(range(len(mine)))] == list(reversed(theirs))
        assert mine[1:] == theirs[1:] and tuple(mine) == theirs and mine == theirs
    joined = join_rules(loaded.exact_rules, loaded.homophone_rules)
    expected = join_rules(fresh.exact_rules, fresh.homophone_rules)
    assert list(joined) == list(expected)
    assert allow_flags(joined) == allow_flags(expected) and any(allow_flags(joined))
    assert RuleTable.of(fresh.exact_rules) == loaded.exact_rules
