"""Metric code of the accuracy benchmark against hand-computed and brute-force values."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from bench.accuracy import metrics

from beian.stats import wilson


def arr(*xs: int) -> np.ndarray:
    return np.array([bool(x) for x in xs])


def test_binary_counts_precision_recall_f1() -> None:
    gold = arr(1, 1, 1, 1, 0, 0, 0, 0, 0, 0)
    flagged = arr(1, 1, 0, 0, 1, 0, 0, 0, 0, 0)
    m = metrics.binary(gold, flagged, flagged.astype(float))
    assert m["counts"] == {"tp": 2, "fp": 1, "fn": 2, "tn": 5}
    assert m["precision"] == pytest.approx(2 / 3)
    assert m["recall"]["value"] == pytest.approx(0.5)
    assert m["f1"] == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))
    assert m["flag_rate_benign"]["value"] == pytest.approx(1 / 6)
    assert m["accuracy"]["value"] == pytest.approx(0.7)
    assert m["f1_flag_all"] == pytest.approx(2 * 0.4 / 1.4)
    lo, hi = m["f1_ci"]
    assert lo <= m["f1"] <= hi


def test_rates_use_wilson_intervals() -> None:
    r = metrics.rate(3, 40)
    assert r["value"] == pytest.approx(3 / 40)
    assert r["ci"] == list(wilson(3, 40))
    assert metrics.rate(0, 0) == {"k": 0, "n": 0, "value": None, "ci": None}


def test_benign_only_source_has_no_precision_f1_or_auc() -> None:
    gold = arr(0, 0, 0, 0)
    flagged = arr(1, 0, 0, 0)
    m = metrics.binary(gold, flagged, flagged.astype(float))
    assert m["precision"] is None and m["f1"] is None and m["auc"] is None
    assert m["flag_rate_benign"]["value"] == pytest.approx(0.25)
    assert m["f1_flag_all"] is None


def _brute_auc(gold: np.ndarray, score: np.ndarray) -> float:
    pos, neg = score[gold], score[~gold]
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p, n in itertools.product(pos, neg))
    return wins / (len(pos) * len(neg))


def test_auc_matches_pairwise_definition_with_ties() -> None:
    rng = np.random.default_rng(3)
    gold = rng.random(60) < 0.4
    score = np.round(rng.random(60), 1)  # many ties
    assert metrics.auc(gold, score) == pytest.approx(_brute_auc(gold, score))


def test_auc_extremes_and_one_class() -> None:
    gold = arr(1, 1, 0, 0)
    assert metrics.auc(gold, np.array([0.9, 0.8, 0.1, 0.2])) == 1.0
    assert metrics.auc(gold, np.array([0.1, 0.2, 0.9, 0.8])) == 0.0
    assert metrics.auc(gold, np.zeros(4)) == 0.5  # nothing fired: no ranking at all
    assert metrics.auc(arr(1, 1), np.array([0.2, 0.3])) is None


def test_bootstrap_intervals_are_deterministic_and_bracket_the_estimate() -> None:
    rng = np.random.default_rng(0)
    gold = rng.random(300) < 0.5
    score = np.where(gold, rng.random(300) * 0.6 + 0.3, rng.random(300) * 0.6)
    flagged = score > 0.5
    a = metrics.auc_ci(gold, score)
    assert a == metrics.auc_ci(gold, score)
    assert a is not None and a[0] < metrics.auc(gold, score) < a[1]  # type: ignore[operator]
    f = metrics.f1_ci(gold, flagged)
    assert f == metrics.f1_ci(gold, flagged)
    point = metrics.binary(gold, flagged, score)["f1"]
    assert f[0] < point < f[1]
    assert f[1] - f[0] < 0.2


def test_attribution_top1_id_and_category() -> None:
    gold = [("A.2.e",), ("A.2.d", "A.2.e"), ("A.1.h",), ("A.4.c",), ()]
    ranked = [("A.2.e", "A.1.f"), ("A.2.a",), (), ("A.1.f", "A.4.c"), ("A.1.a",)]
    m = metrics.attribution(gold, ranked)
    assert m["n"] == 4  # the item without gold ids does not count
    assert m["top1_id"]["k"] == 1  # only the first: A.2.a is the right category, wrong id
    assert m["top1_category"]["k"] == 2
    assert m["given"] == 3
    assert m["top1_id_given"]["value"] == pytest.approx(1 / 3)
