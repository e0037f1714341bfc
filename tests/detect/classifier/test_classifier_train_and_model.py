from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from beian.detect.classifier.model import WEIGHTS_FILE, load_model
from beian.detect.classifier.train import LabelledSet, train_model
from beian.errors import ConfigError
from beian.standard import load_profile


def _tiny(rows: list[tuple[str, list[str]]]) -> LabelledSet:
    return LabelledSet.build(rows, load_profile().risk_ids())


def test_training_is_byte_identical_for_same_data_and_seed(
    tmp_path: Path, tiny_rows: list[tuple[str, list[str]]]
) -> None:
    for name in ("a", "b"):
        train_model(_tiny(tiny_rows), seed=7, bits=12, epochs=3).save(tmp_path / name)
    first = (tmp_path / "a" / WEIGHTS_FILE).read_bytes()
    assert first == (tmp_path / "b" / WEIGHTS_FILE).read_bytes()
    # the seed only orders mini-batches; on 20 rows (one batch) changing the data must show instead
    train_model(_tiny(tiny_rows[:-1]), seed=7, bits=12, epochs=3).save(tmp_path / "c")
    assert first != (tmp_path / "c" / WEIGHTS_FILE).read_bytes()


def test_tiny_model_learns_its_training_data(
    tmp_path: Path, tiny_rows: list[tuple[str, list[str]]]
) -> None:
    train_model(_tiny(tiny_rows), seed=0, bits=12, epochs=30).save(tmp_path / "m")
    model = load_model(tmp_path / "m")
    probs = model.scores(["免费看黄色视频加微信", "把土豆切块炖半小时"])
    col = model.risks.index("A.1.f")
    assert probs[0, col] > probs[1, col]
    assert probs.shape == (2, 31)


def test_saved_model_round_trips_and_detects_tampering(
    tmp_path: Path, tiny_rows: list[tuple[str, list[str]]]
) -> None:
    model = train_model(_tiny(tiny_rows), seed=0, bits=10, epochs=2)
    model.save(tmp_path / "m")
    again = load_model(tmp_path / "m")
    assert again.meta.risks == model.meta.risks
    assert np.allclose(again.scores(["出售冰毒"]), model.scores(["出售冰毒"]), atol=1e-6)
    blob = bytearray((tmp_path / "m" / WEIGHTS_FILE).read_bytes())
    blob[-30] ^= 0xFF
    (tmp_path / "m" / WEIGHTS_FILE).write_bytes(bytes(blob))
    with pytest.raises(ConfigError, match="digest"):
        load_model(tmp_path / "m")


def test_missing_model_dir_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a classifier model directory"):
        load_model(tmp_path)


def test_empty_texts_score_the_bias_only() -> None:
    model = load_model()
    probs = model.scores(["", ""])
    assert np.array_equal(probs[0], probs[1])
