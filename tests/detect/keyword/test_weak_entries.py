"""Entries marked weak never flag alone; they still count with corroboration."""

from __future__ import annotations

from pathlib import Path

from beian.detect.detector_set import DetectorSet
from beian.detect.keyword.detector import KeywordDetector
from beian.library.io import load_keywords, save_keywords
from beian.library.records import KeywordEntry

IDIOM = "青天白日"
TEXT = f"那天{IDIOM}，街上人来人往。"


def _set(entries: list[KeywordEntry]) -> DetectorSet:
    return DetectorSet([KeywordDetector(entries=entries)])


def test_strong_entry_flags_alone_and_weak_one_does_not() -> None:
    strong = _set([KeywordEntry(term=IDIOM, risk="A.1.a")]).check(TEXT)
    assert strong.verdict == "unqualified" and strong.risks == ("A.1.a",)
    weak = _set([KeywordEntry(term=IDIOM, risk="A.1.a", weak=True)]).check(TEXT)
    assert weak.verdict == "qualified"
    # the hit is still reported as evidence, only not decisive on its own
    assert [
        f.evidence
        for f in KeywordDetector(
            entries=[KeywordEntry(term=IDIOM, risk="A.1.a", weak=True)]
        ).detect(TEXT)
    ]


def test_weak_entry_counts_when_corroborated_by_a_second_term() -> None:
    entries = [
        KeywordEntry(term=IDIOM, risk="A.1.a", weak=True),
        KeywordEntry(term="推翻政权", risk="A.1.a", weak=True),
    ]
    got = _set(entries).check(f"{IDIOM}之下，他们密谋推翻政权。")
    assert got.verdict == "unqualified" and got.risks == ("A.1.a",)


def test_weak_flag_round_trips_through_csv_and_jsonl(tmp_path: Path) -> None:
    entries = [KeywordEntry(term=IDIOM, risk="A.1.a", weak=True), KeywordEntry(term="枪支弹药")]
    for name in ("lib.csv", "lib.jsonl", "lib.xlsx"):
        save_keywords(entries, tmp_path / name)
        back = load_keywords(tmp_path / name)
        assert [(e.term, e.weak) for e in back] == [(IDIOM, True), ("枪支弹药", False)]
    (tmp_path / "zh.csv").write_text(
        "关键词,风险,弱词\n青天白日,A.1.a,是\n枪支弹药,A.1.h,否\n", "utf-8"
    )
    assert [e.weak for e in load_keywords(tmp_path / "zh.csv")] == [True, False]
