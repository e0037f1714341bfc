"""The inflated weights cache: same weights as the shipped npz, rebuilt when damaged, off on
request."""

from __future__ import annotations

import io
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from beian.detect.classifier.model import load_model

SHIPPED = Path(str(resources.files("beian.detect.classifier").joinpath("model")))


def _reference() -> np.ndarray:
    blob = (SHIPPED / "weights.npz").read_bytes()
    with np.load(io.BytesIO(blob), allow_pickle=False) as npz:
        return np.asarray(npz["W"].astype(np.float32))


def test_cached_weights_are_the_shipped_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BEIAN_CACHE_DIR", str(tmp_path))
    first = load_model(SHIPPED)  # inflates and writes the cache
    (entry,) = (tmp_path / "classifier").glob("*.table.npy")
    second = load_model(SHIPPED)  # maps it, and scores from the mapped table without a copy
    reference = _reference()
    assert np.array_equal(first.weights, reference)
    assert np.array_equal(second.weights, reference)
    assert second.weights.dtype == np.float32
    text = ["赌博网站 日结兼职", "今天天气很好"]
    assert np.array_equal(first.scores(text), second.scores(text))
    assert second._table is second.weights.base and not second._table.flags.writeable
    assert np.array_equal(first._table, second._table)
    entry.write_bytes(entry.read_bytes()[:1000])  # a truncated entry is rebuilt, not trusted
    third = load_model(SHIPPED)
    assert np.array_equal(third.weights, reference)
    assert entry.stat().st_size > 1_000_000


def test_an_entry_with_a_dirty_padding_row_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BEIAN_CACHE_DIR", str(tmp_path))
    load_model(SHIPPED)
    (entry,) = (tmp_path / "classifier").glob("*.table.npy")
    table = np.load(entry)
    table[-1, 0] = 1.0  # the padding row must be zeros: partial blocks add it
    np.save(entry, table)
    model = load_model(SHIPPED)
    assert not model._table[-1].any()
    assert np.array_equal(model.weights, _reference())


def test_no_cache_when_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BEIAN_CACHE_DIR", "")
    monkeypatch.chdir(tmp_path)
    assert np.array_equal(load_model(SHIPPED).weights, _reference())
    assert not list(tmp_path.rglob("*.npy"))
