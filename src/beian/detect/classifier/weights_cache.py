"""Decompressed classifier weights cached on disk, by the SHA-256 of the shipped ``weights.npz``.

A model ships its weights as a deflated float16 ``weights.npz`` (small, reproducible); every
process that scores with it would inflate and widen them again (about 60 ms for the harm
model, in every pool worker too). The float32 matrix is kept under
``$BEIAN_CACHE_DIR/classifier/<sha256>.npy`` instead, written atomically; a file that does not
load, or has another shape or type, is rebuilt, never trusted. ``BEIAN_CACHE_DIR=""`` turns it
off.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from beian.cachedir import cache_dir, write_atomic

FloatArray = npt.NDArray[np.float32]


def cached_weights(
    digest: str, shape: tuple[int, int], build: Callable[[], FloatArray]
) -> FloatArray:
    """The float32 weights of the npz whose SHA-256 is ``digest``, else ``build()`` (cached)."""
    folder = cache_dir("classifier")
    path = folder / f"{digest}.npy" if folder is not None else None
    if path is not None:
        try:
            found = np.load(path, allow_pickle=False)
            if found.dtype == np.float32 and found.shape == shape:
                return found  # type: ignore[no-any-return]
        except (OSError, ValueError):  # missing, truncated, another format: rebuild
            pass
    weights = build()
    if path is not None and weights.shape == shape:
        buf = io.BytesIO()
        np.save(buf, np.ascontiguousarray(weights, dtype=np.float32), allow_pickle=False)
        write_atomic(path, buf.getvalue())
    return weights
