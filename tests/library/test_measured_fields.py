"""Measured per-entry figures and ``strong`` round-trip; libraries written before them still load."""

from __future__ import annotations

from pathlib import Path

import pytest

from beian.detect.detector_set import DetectorSet
from beian.detect.keyword.detector import KeywordDetector
from beian.errors import InputError
from beian.library.io import load_keywords, save_keywords
from beian.library.records import KeywordEntry

MEASURED = KeywordEntry(
    term="傻逼", risk="A.4.c", variants=["sb", "煞笔"], strong=True, benign_hits=11,
    benign_rate=2.873, harmful_hits=66, precision=0.919,
)  # fmt: skip
PLAIN = KeywordEntry(term="枪支弹药", risk="A.1.h")


@pytest.mark.parametrize("name", ["lib.csv", "lib.jsonl", "lib.xlsx"])
def test_measured_fields_round_trip(tmp_path: Path, name: str) -> None:
    save_keywords([MEASURED, PLAIN], tmp_path / name)
    assert load_keywords(tmp_path / name) == [MEASURED, PLAIN]


def test_jsonl_without_measurements_is_unchanged(tmp_path: Path) -> None:
    save_keywords([PLAIN], tmp_path / "lib.jsonl")
    text = (tmp_path / "lib.jsonl").read_text("utf-8")
    assert "benign" not in text and "precision" not in text and "strong" not in text


def test_old_library_files_still_load(tmp_path: Path) -> None:
    (tmp_path / "old.csv").write_text(
        "term,risk,variants,allow,weak,source,added,removed,note,derived_from\n"
        "青天白日,A.1.a,,false,true,x,2025-01-01,,,\n",
        "utf-8",
    )
    (tmp_path / "old.jsonl").write_text('{"term": "枪支弹药", "risk": "A.1.h"}\n', "utf-8")
    (tmp_path / "zh.csv").write_text("关键词,风险,强词,精确率\n傻逼,A.4.c,是,0.9\n", "utf-8")
    old = load_keywords(tmp_path / "old.csv")[0]
    assert old.weak and old.benign_hits is None and old.precision is None and not old.strong
    assert load_keywords(tmp_path / "old.jsonl") == [PLAIN]
    zh = load_keywords(tmp_path / "zh.csv")[0]
    assert zh.strong and zh.precision == 0.9


def test_bad_figures_and_contradictions_are_one_line_errors(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("term,precision\n傻逼,high\n", "utf-8")
    with pytest.raises(InputError, match="not a number"):
        load_keywords(tmp_path / "a.csv")
    (tmp_path / "b.csv").write_text("term,weak,strong\n傻逼,true,true\n", "utf-8")
    with pytest.raises(InputError, match="both weak and strong"):
        load_keywords(tmp_path / "b.csv")


def test_strong_short_entry_flags_alone_and_its_variants_too() -> None:
    text = "你真是个sb"
    plain = DetectorSet([KeywordDetector([KeywordEntry(term="傻逼", variants=["sb"])])])
    assert not plain.check(text).flagged  # a 2-character term needs corroboration
    strong = DetectorSet([KeywordDetector([MEASURED])])
    got = strong.check(text)
    assert got.flagged and got.risks == ("A.4.c",)
