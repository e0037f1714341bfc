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


def test_the_weights_digest_is_remembered_per_file_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The SHA-256 of weights.npz (cache key of the table, checked against model.json) is
    # remembered by the file's path, size, time stamp and inode; a file written again is read
    # and hashed again, so a changed file is still caught by the digest check.
    import hashlib
    import os
    import shutil

    from beian.errors import ConfigError

    monkeypatch.setenv("BEIAN_CACHE_DIR", str(tmp_path / "cache"))
    model_dir = tmp_path / "model"
    shutil.copytree(SHIPPED, model_dir)
    weights = model_dir / "weights.npz"
    first = load_model(model_dir)
    (memo,) = (tmp_path / "cache" / "classifier" / "digests").iterdir()
    assert memo.read_text() == hashlib.sha256(weights.read_bytes()).hexdigest()
    second = load_model(model_dir)  # from the remembered digest, the same model
    assert np.array_equal(first.weights, second.weights)
    assert np.array_equal(first.bias, second.bias) and first.meta == second.meta
    memo.write_text("not a digest")  # a damaged memo is not trusted
    assert np.array_equal(load_model(model_dir).weights, first.weights)
    blob = bytearray(weights.read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    weights.write_bytes(bytes(blob))
    os.utime(weights, ns=(1, 1))  # even dated in the past: another time stamp
    with pytest.raises(ConfigError, match="does not match the digest"):
        load_model(model_dir)
    weights.write_bytes(b"PK\x03\x04 truncated")  # one line, not a traceback
    with pytest.raises(ConfigError):
        load_model(model_dir)


def test_columns_mapped_from_the_cache_score_bit_for_bit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The harm column and its unigram weights are cached beside the table (mapped, so a short
    # text does not read the whole table); scores from them are those of a model built in
    # memory from the same weights, bit for bit.
    from beian.detect.classifier.model import ClassifierModel

    monkeypatch.setenv("BEIAN_CACHE_DIR", str(tmp_path))
    texts = ["赌博网站 日结兼职", "今天天气很好", "卖冰毒" * 300, ""]
    fresh = load_model(SHIPPED)
    memory = ClassifierModel(weights=np.array(fresh.weights), bias=fresh.bias, meta=fresh.meta)
    expected = memory.column_scores(texts, 0)
    assert np.array_equal(fresh.column_scores(texts, 0), expected)  # builds and stores
    assert sorted(p.suffix for p in (tmp_path / "classifier").glob("*.f32")) == [".f32", ".f32"]
    loaded = load_model(SHIPPED)
    got = loaded.column_scores(texts, 0)
    assert got.tobytes() == expected.tobytes()
    assert not loaded._column_table(0).flags.writeable  # a mapped view
    assert np.array_equal(loaded._unigram_weights(0), memory._unigram_weights(0))
