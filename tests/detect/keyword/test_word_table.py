"""The two-character word table behind the context rule, cached on disk: every look-up answers
what the word dict from ``words.txt`` answers."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from beian.cachedir import CACHE_ENV
from beian.detect.keyword import context


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    for f in (context._table, context._key, context.word_frequencies):
        f.cache_clear()
    yield tmp_path
    for f in (context._table, context._key, context.word_frequencies):
        f.cache_clear()


def _probes(words: list[str]) -> list[str]:
    rng = random.Random(7)
    chars = "".join(words)
    pairs = ["".join(rng.sample(chars, 2)) for _ in range(3000)]
    odd = ["", "大", "大麻烦", "\ud800麻", "麻\udfff", "😀麻", "ab", "麻\x00", "\uffff\uffff"]
    return [*words[:3000], *pairs, *odd]


def test_word_count_answers_as_the_dict_and_the_table_loads_as_built(fresh: Path) -> None:
    freq = context.word_frequencies()
    built = context._table()  # built and stored
    (stored,) = (fresh / "cache" / "keyword").glob("words-*.table")
    context._table.cache_clear()
    loaded = context._table()
    assert loaded[2] is True and built[2] is True  # the shipped words are all BMP pairs
    assert np.array_equal(built[0], loaded[0]) and np.array_equal(built[1], loaded[1])
    for word in _probes(list(freq)):
        assert context.word_count(word) == freq.get(word, 0), repr(word)
    stored.write_bytes(b"\x00" * 7)  # a broken entry is rebuilt
    context._table.cache_clear()
    assert np.array_equal(context.word_table()[0], built[0])


def test_words_that_are_not_bmp_pairs_fall_back_to_the_dict(
    fresh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    words = fresh / "words.txt"
    words.write_text("# test\n大麻\t5\n麻烦\t900\n三个字\t7\n😀麻\t3\n", encoding="utf-8")
    monkeypatch.setattr(context, "WORDS_FILE", words)
    assert context._table()[2] is False
    for word in ("大麻", "麻烦", "三个字", "😀麻", "不在", ""):
        assert context.word_count(word) == context.word_frequencies().get(word, 0)
    assert context.word_count("三个字") == 7
