"""The batch term scan reports what the overlapping Aho-Corasick search over ``str`` reported.

``term_matches`` scans a whole batch as UTF-16 code units (Hyperscan where installed) and puts
the matches back in the reference search's order; the detector's findings depend on that order
(the order of the families in the output), so both the matches and their order must be equal,
for texts with characters beyond the BMP too.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import ahocorasick_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beian.detect.keyword.engine import AhoCorasickMatcher, Matcher, make_matcher
from beian.detect.solicit.detector import SolicitDetector, term_matches
from beian.detect.solicit.lexicon import families
from beian.detect.solicit.prepare import prepare
from beian.detect.solicit.seed import load_seed

REPO = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get("BEIAN_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="module")
def detector() -> SolicitDetector:
    return SolicitDetector(families(), list(families().families), 0.0, True)


def _reference(patterns: list[str], texts: list[str]) -> list[list[tuple[int, int, int]]]:
    ac = ahocorasick_rs.AhoCorasick(
        patterns,
        matchkind=ahocorasick_rs.MatchKind.Standard,
        implementation=ahocorasick_rs.Implementation.DFA,
    )
    return [
        [tuple(m) for m in ac.find_matches_as_indexes(t, overlapping=True)]  # type: ignore[misc]
        for t in texts
    ]


def _matchers(patterns: list[str]) -> list[Matcher]:
    return [make_matcher(patterns), AhoCorasickMatcher(patterns)]


# nested and overlapping terms (上门 inside 上门服务), emoji and astral ideographs between them
_PATTERNS = [
    "上门",
    "上门服务",
    "门服",
    "服务",
    "加微",
    "微信",
    "信",
    "😀微",
    "𠀀",
    "𠀀上门",
    "aa",
    "a",
]
_PIECES = st.sampled_from(
    ["上", "门", "服", "务", "加", "微", "信", "😀", "𠀀", "a", "，", "\x00", "x"]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(_PIECES, max_size=30).map("".join), max_size=6))
def test_matches_and_their_order_equal_the_str_search(texts: list[str]) -> None:
    expected = _reference(_PATTERNS, texts)
    for matcher in _matchers(_PATTERNS):
        assert term_matches(matcher, texts) == expected, matcher.name


def _real_texts() -> list[str]:
    texts = [t for t, _, _ in load_seed(generated=500)]
    sms = SHARED / "data" / "spam-sms-10k" / "train.txt"
    if sms.is_file():
        lines = sms.read_text(encoding="utf-8").splitlines()
        texts += [line.split("\t", 1)[-1] for line in lines[:2000]]
    bench = SHARED / "bench" / "data" / "corpus.jsonl.gz"
    if bench.is_file():
        with gzip.open(bench, "rt", encoding="utf-8") as f:
            texts += [json.loads(line)["text"] for _, line in zip(range(200), f, strict=False)]
    return texts


def test_the_lexicon_on_real_texts(detector: SolicitDetector) -> None:
    prepared = [prepare(t).text for t in _real_texts()]
    expected = _reference(detector._patterns, prepared)
    assert sum(map(len, expected)) > 1000
    assert any(len(t.encode("utf-16-le")) != 2 * len(t) for t in prepared)  # astral texts too
    for matcher in _matchers(detector._patterns):
        got: list[list[tuple[int, int, int]]] = []
        for i in range(0, len(prepared), 256):
            got += term_matches(matcher, prepared[i : i + 256])
        assert got == expected, matcher.name


def test_a_batch_finds_what_each_text_finds_alone(detector: SolicitDetector) -> None:
    texts = _real_texts()[:600]
    assert detector.detect_batch(texts) == [detector.detect(t) for t in texts]
