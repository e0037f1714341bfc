"""Compiled keyword libraries cached on disk, by the digest of everything they come from.

Building a keyword detector reads the library (0.3 s for the starter one), normalises every
surface form and spells its evasions with pypinyin (0.4 s and a 0.3 s import); loading the
result (patterns, rules and the per-pattern context screen) takes a few tens of milliseconds.
The cache key is a SHA-256 over the library's files (name, size and modification time of each),
the options that change the compilation, and the code and data that compile it (the files of
``beian.detect.keyword``, ``beian.text``, ``beian.library`` and ``beian.standard``, the
pypinyin, OpenCC and Unicode versions): change any of them and the library is compiled again. A missing, unreadable or stale file is rebuilt, never trusted; the Hyperscan databases
behind the matchers have their own cache (:mod:`.engine`). ``BEIAN_CACHE_DIR=""`` turns both
off.
"""

from __future__ import annotations

import gc
import hashlib
import pickle
import sys
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import cache
from pathlib import Path

from beian._dists import installed_version
from beian.cachedir import load_or_build
from beian.detect.keyword.forms import Forms, RuleTable, join_rules
from beian.detect.keyword.screen import Screen

FORMAT = b"beian-keyword-forms-2"
_PACKAGE = Path(__file__).resolve().parents[2]
_CODE = ("detect/keyword", "text", "library", "standard")
"""Package folders whose files decide what a library compiles to."""


def _version(dist: str) -> str:
    return installed_version(dist) or "-"


def _files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def _update(digest: hashlib._Hash, files: Iterable[Path], base: Path) -> None:
    # name, size and modification time, as make does: reading every byte of a large library
    # on each start would cost more than the cache saves
    for f in files:
        st = f.stat()
        name = str(f.relative_to(base)) if f != base else f.name
        digest.update(f"{name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())


@cache
def code_digest() -> bytes:
    """Digest of the code and data that compile a library (read once per process)."""
    d = hashlib.sha256(FORMAT)
    versions = [_version("pypinyin"), _version("opencc"), unicodedata.unidata_version]
    d.update(f"{sys.version_info[:2]}\0{versions}".encode())
    for sub in _CODE:
        _update(d, (f for f in _files(_PACKAGE / sub) if f.suffix != ".pyc"), _PACKAGE)
    return d.digest()


def library_key(sources: Iterable[Path], options: str) -> str:
    """The cache key of a library read from ``sources`` compiled with ``options``."""
    d = hashlib.sha256(code_digest())
    d.update(options.encode() + b"\0")
    for src in sources:
        _update(d, _files(src), src)
    return d.hexdigest()


def _loads(blob: bytes) -> object:
    # A compiled library is ~100,000 small objects that live as long as the process and hold
    # no cycles. Loaded with the cyclic collector on, they set off several collections (a third
    # of the load), and every later full collection walks them again; so the collector pauses
    # during the load and they are then moved out of its reach (gc.freeze).
    enabled = gc.isenabled()
    gc.disable()
    try:
        found = pickle.loads(blob)
    finally:
        if enabled:
            gc.enable()
    gc.freeze()
    return found


def cached_forms(key: str, build: Callable[[], Forms]) -> tuple[Forms, Screen]:
    """The forms and their screen cached under ``key``, else built (then cached for the next
    run)."""

    def load(data: bytes) -> tuple[Forms, Screen]:
        found = _loads(data)  # our own cache folder, written by load_or_build
        if not (isinstance(found, tuple) and [type(x) for x in found] == [Forms, Screen]):
            raise ValueError("not a (Forms, Screen) pair")
        return found[0], found[1]

    def build_both() -> tuple[Forms, Screen]:
        forms = build()
        return forms, Screen.build(join_rules(forms.exact_rules, forms.homophone_rules))

    def dump(both: tuple[Forms, Screen]) -> bytes:
        # The rules are stored as plain fields (RuleTable): the load then makes no Rule object
        # until a pattern is hit.
        forms, screen = both
        stored = replace(
            forms,
            exact_rules=RuleTable.of(forms.exact_rules),
            homophone_rules=RuleTable.of(forms.homophone_rules),
        )
        return pickle.dumps((stored, screen), protocol=pickle.HIGHEST_PROTOCOL)

    return load_or_build("keyword", f"{key}.pickle", load, build_both, dump)
