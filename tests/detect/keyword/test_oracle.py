"""The fast keyword path (batched UTF-16 folding, Hyperscan or Aho-Corasick, vectorised context
screen) against a brute-force oracle written from the documented rules.

The oracle normalises each text on its own with :func:`beian.text.normalise`, finds every
occurrence of every compiled form with ``str.find``, and applies the rules one by one: allow-list
cover, ASCII word boundaries, the straddling-word rule, best score per span and risk.
"""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from beian.detect.keyword import KeywordDetector
from beian.detect.keyword.compile import Compiled, Rule, compile_entries
from beian.detect.keyword.context import straddling_word
from beian.detect.keyword.engine import Engine, hyperscan_available
from beian.detect.keyword.gaps import filler_positions
from beian.library.records import KeywordEntry
from beian.records import Finding
from beian.text import fold_homophones, normalise

LIBRARY = [
    KeywordEntry(term="法轮功", risk="A.1.a", variants=["法lun功"]),
    KeywordEntry(term="大麻", risk="A.1.h"),
    KeywordEntry(term="口交", risk="A.1.f"),
    KeywordEntry(term="黄片", risk="A.1.f"),
    KeywordEntry(term="三黄片", allow=True),
    KeywordEntry(term="SM", risk="A.1.f"),
    KeywordEntry(term="台独", risk="A.1.c"),
    KeywordEntry(term="麻烦", risk="A.2.i"),  # a common word as a term: straddles 大麻
    KeywordEntry(term="\U0002a7dd业", risk="A.1.h"),  # 勣业 folds to it (one unit → a pair)
    KeywordEntry(term="𠀀𠀁", risk="A.1.h"),  # Extension-B term, separators glued between
    KeywordEntry(term="😀法", risk="A.2.i"),
]
ENGINES: list[Engine] = ["aho-corasick"]
if hyperscan_available():
    ENGINES.append("hyperscan")

_ALPHABET = st.sampled_from(
    list("法轮輪功大麻烦口交路通黄片三台独獨SsMm lun业勣 　*._·\n，")
    + ["\u200b", "ﬁ", "😀", "𠀀", "𠀁", "\x00", "发", "伦", "工", "\ud800"]
)
TEXTS = st.lists(st.lists(_ALPHABET, max_size=20).map("".join), min_size=1, max_size=6)


def _occurrences(haystack: str, needle: str) -> list[tuple[int, int]]:
    out, at = [], haystack.find(needle)
    while at >= 0:
        out.append((at, at + len(needle)))
        at = haystack.find(needle, at + 1)
    return out


def _boundary_ok(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())


def _why(rule: Rule, evidence: str) -> str:
    parts = [f"term {rule.term}"]
    extra = {"variant": "variant ", "pinyin": "pinyin ", "homophone": "homophone of ",
             "soundalike": "soundalike "}  # fmt: skip
    if rule.how in extra:
        parts.append(extra[rule.how] + rule.form)
    if rule.how != "homophone" and evidence != rule.form and evidence.lower() != rule.form:
        parts.append("normalised")
    return "; ".join(parts)


def oracle(c: Compiled, text: str) -> list[Finding]:
    """Findings by brute force, straight from the documented rules."""
    norm = normalise(text)
    hits = [
        (s, e, rules)
        for form, rules in zip(c.exact_patterns, c.exact_rules, strict=True)
        for s, e in _occurrences(norm.text, form)
    ]
    folded = fold_homophones(norm.text)
    hits += [
        (s, e, rules)
        for form, rules in zip(c.homophone_patterns, c.homophone_rules, strict=True)
        for s, e in _occurrences(folded, form)
    ]
    allowed = [(s, e) for s, e, rules in hits if any(r.allow for r in rules)]
    found: dict[tuple[int, int, str], Finding] = {}
    for s, e, rules in sorted(hits, key=lambda h: (h[0], h[1])):
        if any(a <= s and e <= b for a, b in allowed):
            continue
        for r in rules:
            if r.allow or (r.bounded and not _boundary_ok(norm.text, s, e)):
                continue
            if r.short and straddling_word(norm.text, s, e, r.form) is not None:
                continue
            lo, hi = norm.span(s, e)
            evidence = text[lo:hi]
            best = found.get((lo, hi, r.risk))
            if best is None or r.score > best.score:
                f = Finding(r.risk, "keyword", r.score, lo, hi, evidence, _why(r, evidence))
                found[(lo, hi, r.risk)] = f
    return sorted(found.values(), key=lambda f: (f.start or 0, f.end or 0, f.risk))


@pytest.fixture(scope="module", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> Engine:
    value: Engine = request.param
    return value


@pytest.mark.parametrize("pinyin", [False, True])
def test_oracle_on_fixed_cases(engine: Engine, pinyin: bool) -> None:
    det = KeywordDetector(LIBRARY, pinyin=pinyin, engine=engine)
    c = compile_entries(LIBRARY, pinyin=pinyin, engine=engine)
    texts = ["宣传法 轮 功", "大麻烦", "三黄片和黄片", "喜欢SM的人", "勣业", "𠀀 𠀁", "😀法"]
    texts.append("发伦工")
    assert det.detect_batch(texts) == [oracle(c, t) for t in texts]
    assert [f.evidence for f in det.detect("买勣业")] == ["勣业"]


def _no_gap_fillers(texts: list[str]) -> bool:
    """The oracle covers the first scan; a filler between two CJK characters (法a轮, 傻🐶逼)
    starts the gap scan, whose paths are checked against each other in test_gaps.py."""
    import numpy as np

    for t in texts:
        folded = normalise(t.encode("utf-16-le", "replace").decode("utf-16-le", "replace")).text
        units = np.frombuffer(folded.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
        if len(filler_positions(units)):
            return False
    return True


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_batch_matches_oracle(texts: list[str]) -> None:
    assume(_no_gap_fillers(texts))
    for engine in ENGINES:
        det, c = _detector(engine, pinyin=False)
        want = [oracle(c, t) for t in texts]
        assert det.detect_batch(texts) == want
        assert [det.detect(t) for t in texts] == want


@settings(max_examples=100, deadline=None)
@given(TEXTS)
def test_homophones_match_oracle(texts: list[str]) -> None:
    assume(_no_gap_fillers(texts))
    det, c = _detector(ENGINES[-1], pinyin=True)
    assert det.detect_batch(texts) == [oracle(c, t) for t in texts]


_DETECTORS: dict[tuple[str, bool], tuple[KeywordDetector, Compiled]] = {}


def _detector(engine: Engine, *, pinyin: bool) -> tuple[KeywordDetector, Compiled]:
    key = (engine, pinyin)
    if key not in _DETECTORS:
        _DETECTORS[key] = (
            KeywordDetector(LIBRARY, pinyin=pinyin, engine=engine),
            compile_entries(LIBRARY, pinyin=pinyin, engine=engine),
        )
    return _DETECTORS[key]
