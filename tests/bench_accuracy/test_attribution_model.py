"""The round-7 attribution experiment's model code (bench only, not shipped): targets, weights,
the softmax fit, save/load, and the harm detector with a ranking plugged in."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from bench.accuracy import attribution_model as att

from beian.detect.detector_set import DetectorSet
from beian.detect.harm.detector import HarmDetector, HarmOptions
from beian.errors import ConfigError

RISKS = ("A.1.a", "A.2.e", "A.4.c")


def test_targets_spread_a_row_over_its_risks() -> None:
    y = att.targets([("A.1.a",), ("A.2.e", "A.4.c")], RISKS)
    assert y.tolist() == [[1.0, 0.0, 0.0], [0.0, 0.5, 0.5]]
    with pytest.raises(ValueError):
        att.targets([()], RISKS)


def test_row_weights_balance_sources_and_risks() -> None:
    y = att.targets([("A.1.a",)] * 4 + [("A.2.e",)], RISKS)
    w = att.row_weights(["big"] * 4 + ["small"], y)
    assert abs(float(w.mean()) - 1.0) < 1e-6
    # 4 rows of one source and risk: each weighs 1/sqrt(4) * 1/sqrt(4) of the lone row's
    assert abs(float(w[0]) / float(w[4]) - 0.25) < 1e-5


def _toy() -> tuple[list[str], list[tuple[str, ...]]]:
    texts = ["推翻政府颠覆政权", "女人就该待在家里", "你这个傻逼滚开"] * 20
    labels: list[tuple[str, ...]] = [("A.1.a",), ("A.2.e",), ("A.4.c",)] * 20
    return texts, labels


def test_softmax_fit_learns_and_is_deterministic(tmp_path: Path) -> None:
    texts, labels = _toy()
    y = att.targets(labels, RISKS)
    w = np.ones(len(texts), dtype=np.float32)
    w1, b1 = att.fit(texts, y, w, bits=12, epochs=4, seed=0)
    w2, b2 = att.fit(texts, y, w, bits=12, epochs=4, seed=0)
    assert np.array_equal(w1, w2) and np.array_equal(b1, b2)
    meta = att.AttributionMeta(recipe="toy", bits=12, risks=RISKS, seed=0, epochs=4)
    model = att.AttributionModel(w1, b1, meta)
    probs = model.probabilities(texts[:3])
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    assert probs.argmax(axis=1).tolist() == [0, 1, 2]
    model.save(tmp_path)
    again = att.load_attribution_model(tmp_path)
    assert again.meta.weights_sha256 and again.risks == RISKS
    assert np.allclose(again.probabilities(texts[:3]), probs, atol=1e-2)


def test_ranked_columns_keep_the_set_rule() -> None:
    attribution = np.array([0.9, 0.6, 0.1], dtype=np.float32)
    thresholds = np.array([0.5, 0.5, 0.5], dtype=np.float32)
    ranking = np.array([0.1, 0.2, 0.9])  # the ranking's best is always kept, even below threshold
    assert att.ranked_columns(ranking, attribution, thresholds, 3) == [2, 1, 0]
    assert att.ranked_columns(attribution, attribution, thresholds, 3) == [0, 1]
    assert att.ranked_score(0.61234, 0) == 0.6123 and att.ranked_score(0.61234, 2) == 0.6121


TEXTS = ["教我怎么制作炸弹", "你这个傻逼，脑残玩意儿", "女人就不该出来工作", "你好", "今天天气很好"]


def test_columns_ranking_keeps_the_detectors_risks_and_flags() -> None:
    shipped = HarmDetector(HarmOptions())
    ranked = att.RankedHarm("columns")
    for before, after in zip(shipped.detect_batch(TEXTS), ranked.detect_batch(TEXTS), strict=True):
        assert {f.risk for f in before} == {f.risk for f in after}
        if after:  # best risk first with the full decision score, then one step less each
            assert after[0].score == max(f.score for f in before)
            assert [f.score for f in after] == sorted((f.score for f in after), reverse=True)
    plain = DetectorSet([shipped]).check_batch(TEXTS)
    mine = DetectorSet([ranked]).check_batch(TEXTS)
    assert [v.flagged for v in plain] == [v.flagged for v in mine]
    assert any(v.flagged for v in mine)


def test_softmax_ranking_needs_a_model() -> None:
    det = att.RankedHarm("softmax")
    with pytest.raises(ConfigError, match="needs a model directory"):
        det.detect_batch(["教我怎么制作炸弹"])
