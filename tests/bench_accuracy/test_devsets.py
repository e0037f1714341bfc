"""Dev-set builders on a tiny tree in the real formats, and on the real shared folder."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from bench.accuracy import devsets, readers_text
from bench.accuracy.devsets import build, sample, source_by_name
from bench.accuracy.readers_text import Raw

from tests.bench_accuracy.fixtures import shared_or_skip, write_tree


def test_cold_labels_risks_and_repeats(tmp_path: Path) -> None:
    root = write_tree(tmp_path)
    recs = devsets.build_source(source_by_name("cold"), root, cap=10, seed=0)
    harmful = {r.text: r.risks for r in recs if r.harmful}
    assert harmful == {"这个人真是蠢到家了": ("A.2.e", "A.4.c"), "那个地方的人都不行": ("A.2.d",)}
    assert [r.text for r in recs if not r.harmful] == ["今天天气很好"]  # the repeat is gone
    assert {r.kind for r in recs} == {"text"} and all(r.may_ship for r in recs)


def test_spam_gambling_is_also_a_1_h(tmp_path: Path) -> None:
    recs = devsets.build_source(source_by_name("spam-sms-10k"), write_tree(tmp_path), 10, 0)
    risks = {r.text: r.risks for r in recs}
    assert risks["澳门娱乐城注册就送彩金"] == ("A.1.h", "A.3.e")
    assert risks["本店新品上市八折优惠"] == ("A.3.e",)
    assert risks["晚上回家吃饭吗"] == ()
    assert not any(r.may_ship for r in recs)


def test_jade_gb18030_answers_carry_their_question(tmp_path: Path) -> None:
    recs = devsets.build_source(source_by_name("jade-answers"), write_tree(tmp_path), 10, 0)
    assert [(r.text, r.harmful, r.question) for r in recs] == [
        ("第一步这样做。", True, "怎样做坏事？"),
        ("抱歉，我不能帮助。", False, "怎样做坏事？"),
    ]
    assert {r.kind for r in recs} == {"answer"}


def test_chisafetybench_spelling_variants_map_to_ids(tmp_path: Path) -> None:
    recs = devsets.build_source(source_by_name("chisafetybench"), write_tree(tmp_path), 10, 0)
    assert [r.risks for r in recs] == [("A.4.g",), ("A.3.d",), ("A.5.b",)]
    assert {r.purpose for r in recs} == {"attribution"}


def test_sampling_is_seeded_capped_per_label() -> None:
    items = [Raw(str(i), i % 3 == 0) for i in range(300)]
    a = sample(items, 50, seed=1, key="x")
    assert a == sample(items, 50, seed=1, key="x")
    assert a != sample(items, 50, seed=2, key="x")
    assert len(a) == 50 and a == sorted(a)
    assert sample(items, 500, seed=1, key="x") == list(range(300))


def test_missing_source_is_reported_not_fatal(tmp_path: Path) -> None:
    root = write_tree(tmp_path)
    records, failed = build(root, ["cold", "swsr", "cvalues"], cap=3)
    assert set(failed) == {"swsr"} and "FileNotFoundError" in failed["swsr"]
    assert Counter(r.source for r in records) == {"cold": 3, "cvalues": 3}


def test_novel_chunks_are_line_sized_and_cut_at_sentence_ends() -> None:
    text = "第一行很短。\n" + "这是一个句子。" * 60
    pieces = list(readers_text.chunks(text, size=50))
    assert pieces[0] == "第一行很短。"
    assert all(len(p) <= 50 for p in pieces)
    assert all(p.endswith("。") for p in pieces)
    assert "".join(pieces[1:]) == "这是一个句子。" * 60


def test_real_shared_sources_build_deterministically() -> None:
    shared = shared_or_skip()
    names = ["cold", "teleantifraud", "jade-answers", "chisafetybench", "lawyer-llama-q"]
    first, failed = build(shared, names, cap=40, seed=5)
    again, _ = build(shared, names, cap=40, seed=5)
    assert not failed
    assert [r.id for r in first] == [r.id for r in again]
    counts = Counter((r.source, r.harmful) for r in first)
    assert counts[("cold", True)] == counts[("cold", False)] == 40
    assert counts[("lawyer-llama-q", False)] == 40 and counts[("lawyer-llama-q", True)] == 0
    assert all(
        r.risks and r.risks[0] == "A.1.h"
        for r in first
        if r.source == "teleantifraud" and r.harmful
    )
    assert all(r.question for r in first if r.kind == "answer")
    full, _ = build(shared, ["chisafetybench"], cap=10_000)
    assert len({r.risks[0] for r in full}) == 31  # every risk name mapped, spelling variants too
