"""The contact pre-check and the contact-free shortcut of the rules change no finding.

:func:`~beian.detect.solicit.contacts.may_hold_contact` may say "no" only where the contact
pattern finds nothing, and ``decide`` may stop early only where the full rules give ``None``.
Both are checked against their references on generated texts and on real ones (the seed
texts, and the spam SMS and bench novels of ../shared when it is there).
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beian.detect.solicit import contacts as c
from beian.detect.solicit.contacts import Contact
from beian.detect.solicit.detector import SolicitDetector
from beian.detect.solicit.evidence import may_hold_contact, possible_many, possible_regions
from beian.detect.solicit.lexicon import STRONG, VERY_STRONG, WEAK, families
from beian.detect.solicit.prepare import Prepared, prepare
from beian.detect.solicit.rules import Context, TermHit, decide
from beian.detect.solicit.seed import load_seed

REPO = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get("BEIAN_SHARED", REPO.parent / "shared"))

# contact material, numerals, separators and prose, so that near misses are frequent
_PIECES = st.sampled_from(
    list("微信vxVQq扣企鹅1234567890-+ @._，。：点私聊看我头像评论区飞机快手抖音红薯的了是他")
    + ["🐧", "➕", "💚", "✈️", "一", "二", "三", "四", "五", "〇", "○", "幺", "拐", "com", "www"]
)
_TEXTS = st.lists(_PIECES, max_size=60).map("".join)


def _scan(digits: str, lo: int, hi: int) -> bool:
    return bool(c._matches(digits, lo, hi))


@settings(max_examples=2000, deadline=None)
@given(_TEXTS, st.integers(0, 60), st.integers(0, 60))
def test_no_contact_is_ruled_out_that_the_pattern_finds(text: str, a: int, b: int) -> None:
    prep = prepare(text)
    n = len(prep.text)
    lo, hi = sorted((min(a, n), min(b, n)))
    for span in ((0, n), (lo, hi)):
        if _scan(prep.digits, *span):
            assert may_hold_contact(prep.text, *span), (text, span)


@pytest.mark.parametrize(
    "text",
    [
        "加🐧",
        "💚好",
        "飞机 1234",
        "飞 机 1.23",
        "一二三四五六七",
        "幺三八，零零幺三 八零零零",
        "○○○○○○○",
        "dd我",
    ],
)
def test_contacts_without_letters_or_five_digits_are_kept(text: str) -> None:
    prep = prepare(text)
    assert _scan(prep.digits, 0, len(prep.text))
    assert may_hold_contact(prep.text, 0, len(prep.text))


def test_prose_without_contact_material_is_ruled_out() -> None:
    text = "他一个人走了三天，看见远处的灯火，心里想着明天的事。" * 20
    assert not may_hold_contact(text, 0, len(text))


@settings(max_examples=300, deadline=None)
@given(st.lists(_TEXTS, min_size=1, max_size=40), st.lists(st.integers(0, 2400), max_size=12))
def test_the_table_path_answers_like_the_definition(parts: list[str], cuts: list[int]) -> None:
    """Long texts go through the code-point table; it must agree with the regexes region by
    region (prose between the parts keeps most regions free of contact material)."""
    text = "他走了很远的路，心里想着明天。".join(parts) + "远处的灯火。" * 40
    bounds = sorted({0, len(text), *(min(x, len(text)) for x in cuts)})
    regions = list(zip(bounds, bounds[1:], strict=False))
    expected = [r for r in regions if may_hold_contact(text, *r)]
    assert possible_regions(text, regions) == expected


class _Unfiltered(SolicitDetector):
    """The reference: every region around a term is scanned for contacts."""

    def _possible(
        self, texts: list[str], regions: list[list[tuple[int, int]]]
    ) -> list[list[tuple[int, int]]]:
        return regions

    def _contacts(
        self, prep: Prepared, regions: list[tuple[int, int]]
    ) -> list[tuple[Contact, int, int]]:
        return [x for lo, hi in regions for x in c._find_between(prep, lo, hi)]


def _real_texts() -> list[str]:
    texts = [t for t, _, _ in load_seed(generated=1000)]
    sms = SHARED / "data" / "spam-sms-10k" / "train.txt"
    if sms.is_file():
        lines = sms.read_text(encoding="utf-8").splitlines()
        texts += [line.split("\t", 1)[-1] for line in lines[:3000]]
    bench = SHARED / "bench" / "data" / "corpus.jsonl.gz"
    if bench.is_file():
        with gzip.open(bench, "rt", encoding="utf-8") as f:
            texts += [json.loads(line)["text"] for _, line in zip(range(300), f, strict=False)]
    return texts


def test_findings_equal_the_unfiltered_scan_on_real_texts() -> None:
    names = list(families().families)
    det, ref = (cls(families(), names, 0.0, True) for cls in (SolicitDetector, _Unfiltered))
    fired = 0
    for text in _real_texts():
        got = det.detect(text)
        assert got == ref.detect(text), text[:80]
        fired += bool(got)
    assert fired > 500  # the comparison covers texts that fire, not only silent ones


_HITS = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c"]),
        st.sampled_from([WEAK, STRONG, VERY_STRONG]),
        st.integers(0, 300),
        st.integers(1, 4),
    ).map(lambda p: TermHit(p[0], p[1], p[2], p[2] + p[3])),
    max_size=8,
)


@settings(max_examples=500, deadline=None)
@given(_HITS, st.sampled_from(sorted(families().families)), st.booleans())
def test_the_contact_free_shortcut_decides_like_the_rules(
    hits: list[TermHit], name: str, notice: bool
) -> None:
    fams = families()
    ctx = Context(fams.scoring, notice=notice, question=[(150, 152)], negative=[(40, 42)])
    # a call to action far beyond every window disables the shortcut and changes nothing else
    ref = Context(fams.scoring, notice=notice, question=[(150, 152)], negative=[(40, 42)])
    ref.cta.append((10**9, 10**9 + 1))
    family = fams.families[name]
    assert decide(family, hits, ctx) == decide(family, hits, ref)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.lists(_TEXTS, min_size=1, max_size=30), st.lists(st.integers(0, 2400))),
        min_size=1,
        max_size=5,
    ),
    st.sampled_from(["", "😀", "○", "〇〇", "𠀀"]),
)
def test_the_batch_answers_like_the_definition(
    items: list[tuple[list[str], list[int]]], glue: str
) -> None:
    """All regions of a batch at once (one joined array) answer as each region alone, for short
    and long texts, with digits that are separators (○) and characters beyond the BMP."""
    texts: list[str] = []
    regions: list[list[tuple[int, int]]] = []
    for parts, cuts in items:
        text = (glue + "他走了很远的路。").join(parts)
        texts.append(text)
        bounds = sorted({0, len(text), *(min(x, len(text)) for x in cuts)})
        regions.append([(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if a < b])
    expected = [
        [r for r in rs if may_hold_contact(t, *r)] for t, rs in zip(texts, regions, strict=True)
    ]
    assert possible_many(texts, regions) == expected


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("，微信", (1, 3)),
        ("微信，", (0, 2)),
        ("，，微，信，", (2, 5)),
        ("😀微信😀", (1, 3)),
        ("，微，信，", (2, 5)),
        ("，微，信，", (1, 3)),
    ],
)
def test_a_word_beside_separators_outside_its_region(text: str, region: tuple[int, int]) -> None:
    """The separator-free positions of a word map back to its own first and last characters,
    not to the separators before them (the region starts or ends right at the word; the
    batch's pieces are joined by U+0000, a separator too)."""
    expected = [region] if may_hold_contact(text, *region) else []
    before = (0, region[0]) if region[0] else None  # (pieces are joined by a separator too)
    regions = [before, region] if before else [region]
    for tail in ("", "他走了很远的路。" * 80):
        got = possible_many(["，。", text + tail], [[(0, 2)], regions])
        assert got[1][-1:] == expected


def test_the_cached_table_is_the_built_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The evidence table comes from the user's cache from the second process on: what is
    read back equals what the regexes build, and a damaged file is built again."""
    from beian.cachedir import CACHE_ENV
    from beian.detect.solicit import evidence

    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    marks, digit = "[a-z@🐧]", "[0-9一二]"
    built = evidence._build_table(marks, digit)
    first = evidence._table(marks, digit)  # built and written
    (cached,) = (tmp_path / "solicit").iterdir()
    second = evidence._table(marks, digit)  # read back
    assert np.array_equal(first, built) and np.array_equal(second, built)
    cached.write_bytes(cached.read_bytes()[:100])
    assert np.array_equal(evidence._table(marks, digit), built)
    assert cached.stat().st_size == built.shape[0]
