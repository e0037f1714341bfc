"""The per-batch pre-check of the ``solicit`` scan changes no finding.

``SolicitDetector._needed`` rules a text out, before any term list, context or rule is built,
when it has no family term, or when it has no region that may hold a contact, no call to action
near a strong term and no family whose rule c or rule b fires alone (``_alone``); a text kept
only for its regions goes on only when a contact is found there. ``_regions_many`` finds the
regions around the terms of a whole batch from its match arrays; ``term_arrays`` maps code
units to characters for the whole batch. Each is checked against the computation it replaces: the pre-check as an
implication (a text it rules out has no finding on the full path) on generated texts full of
terms, cues, contact-like strings, separators, emoji, full-width digits and Chinese numerals,
and on real texts.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beian.detect.keyword.engine import AhoCorasickMatcher, make_matcher
from beian.detect.solicit.detector import (
    Hits,
    SolicitDetector,
    _characters,
    term_arrays,
    term_matches,
)
from beian.detect.solicit.evidence import possible_many
from beian.detect.solicit.lexicon import families
from beian.detect.solicit.prepare import prepare
from beian.detect.solicit.rules import Span
from beian.detect.solicit.seed import load_seed

REPO = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get("BEIAN_SHARED", REPO.parent / "shared"))


class _Everything(SolicitDetector):
    """The reference: every text with a term goes through the full path."""

    def _needed(
        self, hits: Hits, possible: list[list[Span]], alone: npt.NDArray[np.bool_]
    ) -> npt.NDArray[np.intp]:
        return np.arange(len(possible), dtype=np.intp)

    def _alone(self, hits: Hits, n: int) -> npt.NDArray[np.bool_]:
        return np.ones(n, dtype=np.bool_)


def _pair(min_score: float, report: bool) -> tuple[SolicitDetector, SolicitDetector]:
    names = list(families().families)
    return (
        SolicitDetector(families(), names, min_score, report),
        _Everything(families(), names, min_score, report),
    )


@pytest.fixture(scope="module")
def detectors() -> list[tuple[SolicitDetector, SolicitDetector]]:
    return [_pair(0.0, True), _pair(0.5, False)]


# terms of every strength (families with and without pairs), cues of every kind, contact
# material in every disguise, and prose
_PIECES = st.sampled_from(
    [
        *("刷单返利", "刷单", "补单", "日结", "兼职", "佣金", "百家乐平台", "博彩", "彩票", "平台"),
        *("低息贷款", "小额贷款", "贷款", "代开发票", "办证", "上门服务", "上门", "小时"),
        *("加我", "联系", "咨询", "私聊", "看我头像", "警方", "违法吗", "怎么", "吗？"),
        *("拒绝诈骗", "13日结束", "您尾号", "验证码", "微信", "vx", "扣扣", "🐧", "纸飞机"),
        *("1", "3", "8", "0", "５", "１", "一", "二", "三", "幺", "〇", "○", "拐", "洞"),
        *("abc", "www.", ".com", "点com", "@", "＠", "-", " ", "，", "。", "：", "➕"),
        *("❤", "🌹", "😀", "𠀀", "\u200d", "·", "他走了很远的路", "心里想着明天的事"),
    ]
)
_TEXTS = st.lists(_PIECES, max_size=50).map("".join)
_LONG = st.lists(st.tuples(_TEXTS, st.integers(0, 400)), max_size=4).map(
    lambda parts: "".join(t + "远处的灯火。" * k for t, k in parts)
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_TEXTS, _LONG), min_size=1, max_size=12))
def test_texts_ruled_out_have_no_finding(
    detectors: list[tuple[SolicitDetector, SolicitDetector]], texts: list[str]
) -> None:
    """The implication, text by text, and the whole output equal to the full path's."""
    for det, ref in detectors:
        expected = ref.detect_batch(texts)
        got = det.detect_batch(texts)
        assert got == expected
        preps = [prepare(t).text for t in texts]
        hits = term_arrays(det._matcher, preps)
        possible = possible_many(preps, det._regions_many(hits, [len(t) for t in preps]))
        alone = det._alone(hits, len(texts))
        needed = set(det._needed(hits, possible, alone).tolist())
        for i, found in enumerate(expected):
            if found:
                assert i in needed, texts[i]
                # kept for its regions alone: then the contact scan must find a contact
                assert alone[i] or det._contacts(prepare(texts[i]), possible[i]), texts[i]


@pytest.mark.parametrize(
    "text",
    ["他说刷单，又说补单。", "博彩和娱乐城", "代开发票", "刷单", "刷单加我", "兼职 138 0013 8000"],
)
def test_each_way_to_be_needed(
    detectors: list[tuple[SolicitDetector, SolicitDetector]], text: str
) -> None:
    """Two strong terms of a family with pairs, a very strong term, a call to action, a
    contact: each keeps its text (the second one, a lone strong term, has no finding)."""
    for det, ref in detectors:
        assert det.detect(text) == ref.detect(text)
    assert bool(detectors[0][0].detect(text)) == (text != "刷单")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_TEXTS, _LONG), min_size=1, max_size=12))
def test_regions_of_the_batch_equal_those_of_each_text(texts: list[str]) -> None:
    det = SolicitDetector(families(), list(families().families), 0.0, True)
    preps = [prepare(t).text for t in texts]
    got = det._regions_many(term_arrays(det._matcher, preps), [len(t) for t in preps])
    expected = []
    for text, matches in zip(preps, term_matches(det._matcher, preps), strict=True):
        stage = det._stage(matches)
        expected.append([] if stage is None else det._regions(stage[1], len(text)))
    assert got == expected


# lone surrogates next to each other read as one pair of code units: the batch mapping must
# notice and fall back to the text's code points
_UNITS = st.sampled_from(["上", "门", "服", "务", "😀", "𠀀", "\ud800", "\udc00", "a", "\x00"])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(_UNITS, max_size=30).map("".join), max_size=6))
def test_code_units_map_to_characters_as_each_text_maps_them(texts: list[str]) -> None:
    patterns = ["上门", "服务", "😀上", "𠀀", "门", "a"]
    for matcher in (make_matcher(patterns), AhoCorasickMatcher(patterns)):
        hits = term_arrays(matcher, texts)
        for i, text in enumerate(texts):
            units = text.encode("utf-16-le", "surrogatepass")
            mine = hits.doc == i
            got = list(zip(hits.start[mine].tolist(), hits.end[mine].tolist(), strict=True))
            # the reference: each match's own code units, mapped through the code points
            raw = [
                (s, e)
                for s in range(len(units) // 2)
                for e in range(s + 1, len(units) // 2 + 1)
                for p in patterns
                if units[2 * s : 2 * e] == p.encode("utf-16-le", "surrogatepass")
            ]
            ref = [
                (int(a), int(b))
                for a, b in zip(
                    _characters(text, np.array([s for s, _ in raw], dtype=np.intp)).tolist(),
                    _characters(text, np.array([e for _, e in raw], dtype=np.intp)).tolist(),
                    strict=True,
                )
            ]
            assert sorted(got) == sorted(ref), (text, matcher.name)


def _real_texts() -> list[str]:
    texts = [t for t, _, _ in load_seed(generated=1000)]
    data = SHARED / "data"
    sms = data / "spam-sms-10k" / "train.txt"
    if sms.is_file():
        lines = sms.read_text(encoding="utf-8").splitlines()
        texts += [line.split("\t", 1)[-1] for line in lines[:3000]]
    fraud = data / "fraud-r1-zh" / "FP-base-Chinese.json"
    if fraud.is_file():
        cases = json.loads(fraud.read_text(encoding="utf-8"))
        texts += [str(c.get("raw_data") or "") for c in cases[:400]]
    bench = SHARED / "bench" / "data" / "corpus.jsonl.gz"
    if bench.is_file():
        with gzip.open(bench, "rt", encoding="utf-8") as f:
            texts += [json.loads(line)["text"] for _, line in zip(range(300), f, strict=False)]
    return texts


def test_findings_equal_the_full_path_on_real_texts(
    detectors: list[tuple[SolicitDetector, SolicitDetector]],
) -> None:
    texts = _real_texts()
    for det, ref in detectors:
        fired = 0
        for lo in range(0, len(texts), 256):
            got = det.detect_batch(texts[lo : lo + 256])
            assert got == ref.detect_batch(texts[lo : lo + 256])
            fired += sum(map(bool, got))
        assert fired > 500  # texts that fire are compared, not only silent ones
