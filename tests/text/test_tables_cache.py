"""The normalisation tables loaded from the cache are the tables built from scratch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from beian.cachedir import CACHE_ENV
from beian.text import _tables


def _same(a: _tables.Tables, b: _tables.Tables) -> bool:
    arrays = ((a.mapping, b.mapping), (a.classes, b.classes), (a.han, b.han))
    return all(x.dtype == y.dtype and np.array_equal(x, y) for x, y in arrays) and (
        a.expansions == b.expansions
    )


def test_cached_tables_equal_built_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    built = _tables._build_tables()
    _tables.tables.cache_clear()
    try:
        first = _tables.tables()  # builds and stores
        (stored,) = (tmp_path / "tables").iterdir()
        _tables.tables.cache_clear()
        loaded = _tables.tables()  # loads
        assert _same(built, first) and _same(built, loaded)
        assert not loaded.mapping.flags.writeable
        stored.write_bytes(b"broken")
        _tables.tables.cache_clear()
        assert _same(built, _tables.tables())  # rebuilt, not trusted
        assert stored.read_bytes() != b"broken"
    finally:
        _tables.tables.cache_clear()


def test_tables_are_read_only_views_of_the_mapped_file_and_a_short_file_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    _tables.tables.cache_clear()
    try:
        built = _tables.tables()
        (stored,) = (tmp_path / "tables").iterdir()
        _tables.tables.cache_clear()
        loaded = _tables.tables()
        assert _same(built, loaded)
        for arr in (loaded.mapping, loaded.classes, loaded.han):
            assert not arr.flags.writeable and arr.base is not None  # a view, not a copy
            with pytest.raises(ValueError):
                arr[0] = 1
        data = stored.read_bytes()
        for broken in (data[: len(data) // 2], data[:20], b""):
            stored.write_bytes(broken)
            _tables.tables.cache_clear()
            assert _same(built, _tables.tables())
            assert stored.read_bytes() == data  # rebuilt and stored again
    finally:
        _tables.tables.cache_clear()
