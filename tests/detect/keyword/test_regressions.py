"""Regression suite of known keyword false positives and evasions (regressions.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from beian.detect.keyword import KeywordDetector
from beian.library.records import KeywordEntry

DATA = yaml.safe_load((Path(__file__).with_name("regressions.yaml")).read_text("utf-8"))


@pytest.fixture(scope="module")
def detector() -> KeywordDetector:
    return KeywordDetector([KeywordEntry(**e) for e in DATA["library"]])


def test_suite_is_big_enough_in_both_directions() -> None:
    cases = DATA["cases"]
    assert len(cases) >= 40
    assert sum(1 for c in cases if c["hits"]) >= 20
    assert sum(1 for c in cases if not c["hits"]) >= 20


@pytest.mark.parametrize("case", DATA["cases"], ids=[c["text"][:20] for c in DATA["cases"]])
def test_regression(detector: KeywordDetector, case: dict[str, Any]) -> None:
    text = case["text"]
    findings = detector.detect(text)
    got = sorted((f.why.split(";")[0].removeprefix("term "), f.evidence) for f in findings)
    assert got == sorted((h["term"], h["evidence"]) for h in case["hits"])
    for f in findings:  # every span points at the original characters
        assert f.start is not None and f.end is not None
        assert text[f.start : f.end] == f.evidence
