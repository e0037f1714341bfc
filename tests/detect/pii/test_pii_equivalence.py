"""The fast paths (pre-check, batch trigger positions) find exactly what the plain scan finds.

Three references: a straightforward scan kept here (eleven-plus-eleven ``in`` pre-check and
``_SEED.finditer`` over the whole text, as the detector did before the fast paths), the
findings the detector produced before them on a fixed set of generated texts
(``data/before_findings.json``), and ``detect`` against ``detect_batch`` across group cuts.
"""

from __future__ import annotations

import gzip
import json
import random
import re
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import require_shared

from beian.detect.pii import PiiOptions, create_pii_detector, triggers
from beian.detect.pii import detector as pii_detector
from beian.detect.pii.detector import PiiDetector, fold
from beian.records import Finding

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
DETECTOR = create_pii_detector(PiiOptions(min_score=0.0))

# ---- the straightforward scan -------------------------------------------------------------


def _has_any(text: str, chars: str) -> bool:
    return any(c in text for c in chars)


def _plain_windows(text: str) -> Iterator[tuple[int, int]]:
    done = 0
    for seed in re.compile(pii_detector._SEED.pattern).finditer(text):
        first, hi = seed.span()
        floor = max(done, first - pii_detector._LOOKBACK)
        before = pii_detector._RUN_BEFORE.search(text, floor, first)
        start = before.start() if before is not None else first
        if hi - start >= pii_detector._MIN_RUN:
            yield max(floor, start - pii_detector._LEAD), hi
            done = hi


def plain_detect(det: PiiDetector, text: str) -> list[Finding]:
    """The scan without the fast paths: every window found by a regex over the whole text."""
    fullwidth = _has_any(text, "０１２３４５６７８９＠")
    if not fullwidth and not _has_any(text, "0123456789@"):
        return []
    norm = fold(text) if fullwidth else text
    hits = []
    for lo, hi in _plain_windows(norm):
        for rec in det._recognizers:
            if rec.needs is not None and rec.needs.search(norm, lo, hi) is None:
                continue
            for pat in rec.patterns:
                for m in pat.regex.finditer(norm, lo, hi):
                    hit = pii_detector._judge(rec, pat, norm, m.start(), m.end())
                    if hit is not None and hit.score >= det._min_score:
                        hits.append(hit)
    return [
        Finding(
            risk=det._risks[h.entity],
            detector="pii",
            score=h.score,
            start=h.start,
            end=h.end,
            evidence=h.evidence,
            why=h.why,
        )
        for h in pii_detector._resolve(hits)
    ]


# ---- fixture texts --------------------------------------------------------------------------

# fmt: off
FRAGMENTS = [
    "天下大势，分久必合。", "“你好”——他说…", "手机", "身份证号：", "卡号 ", "邮箱", "车牌", "护照",
    "台胞证", "通行证", "服务器IP ", "版本 version ", "电话：", "信用代码 ", "第1章", "2024年",
    "13812345678", "138 1234 5678", "+86-138-1234-5678", "11010519491231002X",
    "110105 19491231 002X", "110105491231002", "6222025337406819", "6222 0253 3740 6819",
    "921112542U0E0QQ87F", "91350100M000100Y43", "E12345678", "C12345678", "T12345678",
    "12345678", "zhang.san@example.com", "a@b.cn", "203.0.114.9", "1.2.3.4",
    "2400:cb00:2048:1::c629:d7a2", "京A12345", "粤B·D12345", "(0755)86123456", "010-62345678",
    "１３８１２３４５６７８", "１１０１０５１９４９１２３１００２Ｘ", "ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ",
    "＠", "@", "０", "7", " ", "-", "·", "（", "）", "\n", "𠀀", "x", "ABC", "9" * 25, "a" * 70,
]
# fmt: on


def fixture_texts(n: int = 400, seed: int = 20240601) -> list[str]:
    """Deterministic texts mixing prose, entities, full-width forms and separators."""
    rnd = random.Random(seed)
    return ["".join(rnd.choices(FRAGMENTS, k=rnd.randint(0, 14))) for _ in range(n)]


def as_rows(findings: list[Finding]) -> list[dict[str, object]]:
    return [asdict(f) for f in findings]


# ---- tests ----------------------------------------------------------------------------------


def test_findings_equal_the_recorded_findings_from_before_the_fast_paths() -> None:
    recorded = json.loads((HERE / "data" / "before_findings.json").read_text("utf-8"))
    texts = fixture_texts()
    assert [r["text"] for r in recorded] == texts
    batch = DETECTOR.detect_batch(texts)
    assert sum(len(r["findings"]) for r in recorded) > 300  # the set exercises the scan
    for row, text, found in zip(recorded, texts, batch, strict=True):
        assert as_rows(DETECTOR.detect(text)) == row["findings"], text
        assert as_rows(found) == row["findings"], text


def test_detect_and_batch_equal_the_plain_scan_across_group_cuts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = fixture_texts(300, seed=7)
    expected = [plain_detect(DETECTOR, t) for t in texts]
    assert [DETECTOR.detect(t) for t in texts] == expected
    assert DETECTOR.detect_batch(texts) == expected
    for chunk in (1, 50, 997):  # groups cut anywhere, single-text groups, empty texts
        monkeypatch.setattr(triggers, "_CHUNK", chunk)
        assert DETECTOR.detect_batch(["", *texts, ""]) == [[], *expected, []]


ALPHABET = "0123456789@０１２３４５６７８９＠ -.·（）:Xx京AD天手机证号邮箱卡𠀀\n"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(ALPHABET, max_size=60), max_size=6))
def test_random_texts_equal_the_plain_scan(texts: list[str]) -> None:
    expected = [plain_detect(DETECTOR, t) for t in texts]
    assert [DETECTOR.detect(t) for t in texts] == expected
    assert DETECTOR.detect_batch(texts) == expected


def test_lone_surrogates_and_triggers_in_every_range() -> None:
    texts = ["\ud800 台胞证 12345678", "台胞证 １２３４５６７８", "a＠b.cn", "", "无"]
    assert DETECTOR.detect_batch(texts) == [plain_detect(DETECTOR, t) for t in texts]
    for t in texts:
        assert triggers.has_ascii_trigger(t) == _has_any(t, "0123456789@")
        assert triggers.has_fullwidth_trigger(t) == _has_any(t, "０１２３４５６７８９＠")


def test_bench_corpus_texts_with_digits_equal_the_plain_scan() -> None:
    corpus = require_shared("bench", "data", "corpus.jsonl.gz")
    with gzip.open(corpus, "rt", encoding="utf-8") as fh:
        texts = [t for t in (json.loads(line)["text"] for line in fh) if re.search("[0-9@]", t)]
    texts = texts[:120]
    assert DETECTOR.detect_batch(texts) == [plain_detect(DETECTOR, t) for t in texts]
