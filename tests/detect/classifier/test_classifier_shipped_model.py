from __future__ import annotations

from pathlib import Path

import pytest

from beian.detect.classifier import ClassifierDetector, load_model
from beian.detect.classifier.train import LabelledSet, train_model
from beian.registry import registry
from beian.standard import load_profile

PORN = "她脱光了衣服，两个人开始做爱，高清无码视频免费看"
COOKING = "把排骨焯水后放进锅里，加姜片和料酒小火炖一个小时"


def test_shipped_model_loads_offline_and_covers_every_profile_risk() -> None:
    model = load_model()
    profile = load_profile()
    assert list(model.risks) == profile.risk_ids()
    assert len(model.risks) == 31
    assert model.scores(["你好", PORN, COOKING]).shape == (3, 31)
    assert set(model.meta.thresholds) == set(profile.risk_ids())
    assert model.meta.weights_sha256 and model.meta.sources


def test_shipped_model_was_trained_only_on_shippable_sources() -> None:
    names = " ".join(s.name for s in load_model().meta.sources)
    for forbidden in ("chisafetybench", "s-eval", "xsafety", "cmmlu", "safedialbench", "cold/test"):
        assert forbidden not in names


def test_registry_creates_the_detector() -> None:
    det, spec = registry.create("detector", "classifier")
    assert isinstance(det, ClassifierDetector)
    assert spec.name == "classifier"


def test_obvious_examples() -> None:
    det, _ = registry.create("detector", "classifier")
    porn = det.detect(PORN)
    assert porn and porn[0].risk == "A.1.f"
    assert porn[0].start is None and porn[0].end is None
    assert porn[0].score >= det.model.meta.thresholds["A.1.f"]
    assert porn[0].evidence.startswith("宣扬暴力、淫秽色情")
    assert det.detect(COOKING) == []


def test_min_score_and_top_k_options() -> None:
    det, _ = registry.create("detector", "classifier", min_score=0.0, top_k=3)
    findings = det.detect(COOKING)
    assert len(findings) == 3
    assert [f.score for f in findings] == sorted((f.score for f in findings), reverse=True)
    everything, _ = registry.create("detector", "classifier", min_score=0.0)
    assert len(everything.detect(COOKING)) == 31


def test_detect_batch_matches_detect() -> None:
    det, _ = registry.create("detector", "classifier")
    texts = [PORN, COOKING, "出售冰毒，货到付款"]
    assert det.detect_batch(texts) == [det.detect(t) for t in texts]
    assert det.scores(texts).shape == (3, len(det.risks))


def test_user_model_option(tmp_path: Path, tiny_rows: list[tuple[str, list[str]]]) -> None:
    data = LabelledSet.build(tiny_rows, load_profile().risk_ids())
    train_model(data, seed=0, bits=10, epochs=2).save(tmp_path / "m")
    det, spec = registry.create("detector", "classifier", model=str(tmp_path / "m"))
    assert det.model.meta.bits == 10
    assert spec.options["model"] == str(tmp_path / "m")


def test_bad_options_are_rejected() -> None:
    with pytest.raises(Exception, match="min_score"):
        registry.create("detector", "classifier", min_score=2.0)
