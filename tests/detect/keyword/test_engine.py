"""Matchers over UTF-16 code units: both engines, misaligned byte matches, the compiled cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beian.detect.keyword import engine
from beian.detect.keyword.engine import (
    AhoCorasickMatcher,
    HyperscanMatcher,
    Matcher,
    hyperscan_available,
    make_matcher,
)

needs_hyperscan = pytest.mark.skipif(not hyperscan_available(), reason="hyperscan not installed")


def _units(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)


def _matchers(patterns: list[str]) -> list[Matcher]:
    out: list[Matcher] = [AhoCorasickMatcher(patterns)]
    if hyperscan_available():
        out.append(HyperscanMatcher(patterns))
    return out


def _found(m: Matcher, text: str) -> list[tuple[int, int, int]]:
    pid, start, end = m.scan(_units(text))
    return sorted(zip(pid.tolist(), start.tolist(), end.tolist(), strict=True))


def test_every_overlapping_occurrence_in_code_units() -> None:
    patterns = ["法轮", "法轮功", "轮功", "𠀀法"]
    for m in _matchers(patterns):
        assert _found(m, "练法轮功法轮") == [(0, 1, 3), (0, 4, 6), (1, 1, 4), (2, 2, 4)]
        assert _found(m, "😀𠀀法") == [(3, 2, 5)]  # surrogate pairs count as two units
        assert _found(m, "") == []


def test_byte_matches_across_two_characters_are_dropped() -> None:
    # 䅂䍄 is bytes 42 41 44 43; the pattern 䑁 is bytes 41 44, found one byte in.
    for m in _matchers(["䑁"]):
        assert _found(m, "䅂䍄") == []
        assert _found(m, "x䑁") == [(0, 1, 2)]


def test_engine_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    assert make_matcher(["ab"], "aho-corasick").name == "aho-corasick"
    monkeypatch.setenv(engine.ENGINE_ENV, "aho-corasick")
    assert make_matcher(["ab"]).name == "aho-corasick"
    if hyperscan_available():
        monkeypatch.delenv(engine.ENGINE_ENV)
        assert make_matcher(["ab"]).name == "hyperscan"


@needs_hyperscan
def test_large_libraries_are_cached_compiled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(engine.CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(engine, "CACHE_MIN_PATTERNS", 2)
    patterns = ["法轮功", "大麻", "冰毒"]
    first = HyperscanMatcher(patterns)
    (cached,) = (tmp_path / "hyperscan").iterdir()
    stamp = cached.stat().st_mtime_ns
    second = HyperscanMatcher(patterns)  # loaded, not rebuilt
    assert cached.stat().st_mtime_ns == stamp
    assert _found(first, "卖冰毒和大麻") == _found(second, "卖冰毒和大麻") == [(1, 4, 6), (2, 1, 3)]
    cached.write_bytes(b"not a database")  # a broken file is rebuilt, not trusted
    assert _found(HyperscanMatcher(patterns), "卖冰毒") == [(2, 1, 3)]
    assert cached.read_bytes() != b"not a database"
    other = HyperscanMatcher(["冰毒", "大麻"])  # another library gets its own file
    assert len(list((tmp_path / "hyperscan").iterdir())) == 2
    assert _found(other, "冰毒") == [(0, 0, 2)]


@needs_hyperscan
def test_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(engine.CACHE_ENV, "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(engine, "CACHE_MIN_PATTERNS", 1)
    assert engine.cache_dir() is None
    HyperscanMatcher(["大麻"])
    assert not list(tmp_path.iterdir())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(st.sampled_from(["a", "法", "😀", "\ud800", "\U00020000"]), max_size=5)))
def test_utf16_lengths_count_code_units(patterns: list[str]) -> None:
    expected = [len(p.encode("utf-16-le", "surrogatepass")) // 2 for p in patterns]
    assert engine.utf16_lengths(patterns).tolist() == expected


@needs_hyperscan
def test_libraries_that_join_alike_get_their_own_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the cache key hashes the joined patterns with each one's length: ["大麻冰", "毒"] and
    # ["大麻", "冰毒"] join to the same text but are different libraries
    monkeypatch.setenv(engine.CACHE_ENV, str(tmp_path))
    first, second = HyperscanMatcher(["大麻", "冰毒"]), HyperscanMatcher(["大麻冰", "毒"])
    assert len(list((tmp_path / "hyperscan").iterdir())) == 2
    assert _found(first, "冰毒") == [(1, 0, 2)]
    assert _found(second, "冰毒") == [(1, 1, 2)]
