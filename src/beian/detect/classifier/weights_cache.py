"""Decompressed classifier weights cached on disk, by the SHA-256 of the shipped ``weights.npz``.

A model ships its weights as a deflated float16 ``weights.npz`` (small, reproducible); every
process that scores with it would inflate, widen and pad them again (about 0.1 CPU-s for the
harm model, in every pool worker too). The scoring table (float32, columns padded to a
multiple of 8, one zero row at the end: see :class:`~.model.ClassifierModel`) is kept under
``$BEIAN_CACHE_DIR/classifier/<sha256>.table.npy`` instead, written atomically, and mapped
read-only: a short text touches a few of its pages. A file that does not load, or has another
shape, type or a non-zero padding row, is rebuilt, never trusted. ``BEIAN_CACHE_DIR=""``
turns it off.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from beian.cachedir import cache_dir, write_atomic

FloatArray = npt.NDArray[np.float32]
PAD_COLUMNS = 8
"""Table rows are padded to a multiple of this many columns (aligned rows for the gathers)."""


def table_shape(rows: int, cols: int) -> tuple[int, int]:
    """Shape of the scoring table of ``[rows, cols]`` weights: one zero row, padded columns."""
    return rows + 1, -(-cols // PAD_COLUMNS) * PAD_COLUMNS


def scoring_table(weights: FloatArray) -> FloatArray:
    """The padded table behind ``weights`` when they are its top-left block (as
    :func:`cached_weights` returns them), else a new padded copy."""
    rows, cols = weights.shape
    base = weights.base
    if (
        isinstance(base, np.ndarray)
        and base.dtype == np.float32
        and base.shape == table_shape(rows, cols)
        and base.flags.c_contiguous
        and weights.__array_interface__["data"][0] == base.__array_interface__["data"][0]
        and weights.strides == base.strides
        and not base[rows].any()
    ):
        return base
    table = np.zeros(table_shape(rows, cols), dtype=np.float32)
    table[:rows, :cols] = weights
    return table


def cached_weights(
    digest: str, shape: tuple[int, int], build: Callable[[], FloatArray]
) -> FloatArray:
    """The float32 weights of the npz whose SHA-256 is ``digest``, as the top-left block of
    their (cached, mapped) scoring table; else ``build()``, whose table is cached."""
    rows, cols = shape
    folder = cache_dir("classifier")
    path = folder / f"{digest}.table.npy" if folder is not None else None
    if path is not None:
        try:
            table = np.load(path, mmap_mode="r", allow_pickle=False)
            usable = table.dtype == np.float32 and table.shape == table_shape(rows, cols)
            if usable and not table[rows].any():
                return table[:rows, :cols]  # type: ignore[no-any-return]
        except (OSError, ValueError):  # missing, truncated, another format: rebuild
            pass
    weights = build()
    if path is not None and weights.shape == shape:
        buf = io.BytesIO()
        np.save(buf, scoring_table(np.ascontiguousarray(weights, dtype=np.float32)))
        write_atomic(path, buf.getvalue())
    return weights
