"""The harm detector scores the harm column first and the attribution columns only for the texts
it reports: its findings must be exactly those of scoring every column of every text."""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence

import numpy as np
import pytest
from tests.conftest import require_shared

from beian.detect.harm.detector import HarmDetector, HarmOptions
from beian.detect.harm.model import attributed_columns
from beian.detect.solicit.seed import load_seed
from beian.records import Finding


def _reference(det: HarmDetector, texts: Sequence[str]) -> list[list[Finding]]:
    """The detector as it was: HarmModel.score over every column of every text."""
    scores = det.model.score(texts)
    out: list[list[Finding]] = []
    for p, attribution in zip(scores.harm.tolist(), scores.attribution, strict=True):
        decision = det.model.decision(p, det.threshold)
        if decision < det.options.report_from:
            out.append([])
            continue
        cols = attributed_columns(attribution, det._thresholds, det.options.max_risks)
        out.append([det._finding(c, p, decision, attribution) for c in cols])
    return out


def _texts() -> list[str]:
    short = [text for text, _risks, _harmful in load_seed(seed=0, generated=300)]
    # long documents built from them: harmful and benign passages far apart, and whole-text
    # repeats that push the logits towards the clipping range
    long = ["。".join(short[i : i + 40]) for i in range(0, len(short), 40)]
    long += ["今天天气很好，我们去公园散步。" * 800, short[0] * 300]
    return ["", "a", "你好", "😀", *short, *long]


@pytest.fixture(scope="module")
def detector() -> HarmDetector:
    return HarmDetector(HarmOptions())


def test_column_scores_are_the_full_scores_column(detector: HarmDetector) -> None:
    clf = detector.model.classifier
    texts = _texts()
    full = clf.scores(texts)
    for column in (0, 1, 7):
        assert np.array_equal(clf.column_scores(texts, column), full[:, column])
    one_by_one = np.array([clf.column_scores([t], 0)[0] for t in texts[:50]])
    assert np.array_equal(one_by_one, full[:50, 0])


def test_findings_are_those_of_scoring_every_column(detector: HarmDetector) -> None:
    texts = _texts()
    found = detector.detect_batch(texts)
    assert found == _reference(detector, texts)
    assert sum(1 for f in found if f) > 20  # the seed's harmful texts are reported
    assert any(f for f in found if f) and any(not f for f in found)


def test_same_findings_on_the_bench_corpus(detector: HarmDetector) -> None:
    path = require_shared("bench", "data", "corpus.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for _, line in zip(range(400), fh, strict=False)]
    assert detector.detect_batch(texts) == _reference(detector, texts)
