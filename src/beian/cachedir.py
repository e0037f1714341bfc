"""Where beian keeps what it compiled once and may reuse on the next run (per user, on disk).

Compiled Hyperscan databases, compiled keyword libraries and the normalisation tables are
cached under ``$BEIAN_CACHE_DIR`` (default ``$XDG_CACHE_HOME/beian`` or ``~/.cache/beian``),
one folder per kind. Set ``BEIAN_CACHE_DIR`` to an empty string to turn caching off. Every
entry is named by a digest of what it was built from, and a file that does not load is rebuilt.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

CACHE_ENV = "BEIAN_CACHE_DIR"
"""Environment variable naming the cache folder; an empty string turns caching off."""


def cache_dir(kind: str) -> Path | None:
    """The folder for cached ``kind`` (``None``: caching is off)."""
    configured = os.environ.get(CACHE_ENV)
    if configured is not None:
        return Path(configured) / kind if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "beian" / kind


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a concurrent reader sees no file or the whole file;
    a read-only cache folder is no error (the run goes on without the cache)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError:
        pass


def load_or_build(
    kind: str,
    name: str,
    load: Callable[[bytes], T],
    build: Callable[[], T],
    dump: Callable[[T], bytes],
    *,
    mapped: bool = False,
) -> T:
    """The cached ``kind``/``name`` when ``load`` accepts it (it raises on anything else), else
    ``build()``, written for the next run; with caching off, always ``build()``.

    ``mapped``: ``load`` gets the file mapped read-only into memory (``mmap``: slicing gives
    bytes, ``numpy.frombuffer`` views it) instead of its bytes, so that only the pages it
    touches are read. Cache files are replaced, never rewritten in place, so a mapping stays
    valid for as long as it is used.
    """
    folder = cache_dir(kind)
    path = folder / name if folder is not None else None
    if path is not None:
        try:
            if not mapped:
                return load(path.read_bytes())
            import mmap

            with open(path, "rb") as fh:
                view = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
            return load(view)  # type: ignore[arg-type]  # bytes-like: what load reads of it
        except Exception:  # missing, truncated or from another version: build it again
            pass
    built = build()
    if path is not None:
        write_atomic(path, dump(built))
    return built


def yaml_data(text: str, *, libyaml: bool = True) -> Any:
    """``text`` read by YAML's safe loader (libyaml's when installed and ``libyaml``, else
    PyYAML's own, as ``yaml.safe_load``), cached by its digest.

    Parsing with libyaml costs about 1 ms per 3 KB and importing PyYAML 15-20 ms; the profile,
    the solicitation lexicon and other data files shipped with beian are read on every start
    of the commands that use them. The parsed value (dicts, lists, strings, numbers, dates: what
    the safe loader builds) is pickled under ``yaml/`` and named by the SHA-256 of ``text``;
    invalid YAML raises ``yaml.YAMLError`` as the loader does and is never cached.
    """
    import hashlib
    import pickle

    def build() -> Any:
        import yaml

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader) if libyaml else yaml.SafeLoader
        return yaml.load(text, Loader=loader)  # a safe loader either way

    key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    if not libyaml:
        key += ".py"
    return load_or_build("yaml", f"{key}.pickle", pickle.loads, build, pickle.dumps)
