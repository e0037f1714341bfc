"""Multi-pattern matchers over UTF-16 code units: Hyperscan when installed, else Aho-Corasick.

Both report every occurrence of every pattern (overlapping), as ``(pattern, start, end)`` in
code units of the haystack. Patterns and haystack are UTF-16-LE bytes: for Chinese text that is
2 bytes a character instead of UTF-8's 3, positions need no byte → character conversion, and
Hyperscan's literal prefilters run about three times faster on it than on UTF-8 (measured with
``bench/bench_keyword.py engines``). A byte match can only be a real match when it starts on an
even byte; odd ones (a pattern's bytes straddling two characters) are dropped.

Hyperscan (``pip install hyperscan``) is optional: its Python binding's literal API stops at the
first NUL byte, so patterns are compiled as regular expressions made only of ``\\xHH`` escapes,
which is the same literal match. Without it, ``ahocorasick_rs.BytesAhoCorasick`` runs the same
scan about 3–10 times slower.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np
import numpy.typing as npt

from beian.cachedir import CACHE_ENV as CACHE_ENV
from beian.cachedir import cache_dir as _cache_dir
from beian.cachedir import write_atomic

Engine = Literal["auto", "hyperscan", "aho-corasick"]
ENGINE_ENV = "BEIAN_KEYWORD_ENGINE"
"""Environment variable forcing an engine (``hyperscan`` or ``aho-corasick``); default auto."""

DFA_MAX_PATTERNS = 20_000
"""Above this the Aho-Corasick DFA's build time and memory outgrow its speed gain over the NFA."""

IntArray = npt.NDArray[np.intp]
Hits = tuple[IntArray, IntArray, IntArray]


class Matcher(Protocol):
    """Finds every occurrence of every pattern in UTF-16 code units."""

    name: str

    def scan(self, units: npt.NDArray[np.uint16]) -> Hits:
        """``(pattern ids, start units, end units)`` of every match, in any order."""
        ...


def _hits(ids: list[int], starts: list[int], ends: list[int]) -> Hits:
    return (
        np.asarray(ids, dtype=np.intp),
        np.asarray(starts, dtype=np.intp),
        np.asarray(ends, dtype=np.intp),
    )


class AhoCorasickMatcher:
    """``ahocorasick_rs`` over UTF-16-LE bytes (always available)."""

    name = "aho-corasick"

    def __init__(self, patterns: Sequence[str]) -> None:
        import ahocorasick_rs  # only without Hyperscan (or with BEIAN_KEYWORD_ENGINE)

        encoded = [p.encode("utf-16-le", "surrogatepass") for p in patterns]
        impl = ahocorasick_rs.Implementation.DFA if len(encoded) <= DFA_MAX_PATTERNS else None
        self._ac = ahocorasick_rs.BytesAhoCorasick(encoded, implementation=impl)

    def scan(self, units: npt.NDArray[np.uint16]) -> Hits:
        """See :class:`Matcher`."""
        found = self._ac.find_matches_as_indexes(units.tobytes(), overlapping=True)
        if not found:
            return _hits([], [], [])
        arr = np.asarray(found, dtype=np.intp)
        arr = arr[(arr[:, 1] & 1) == 0]
        return arr[:, 0], arr[:, 1] >> 1, arr[:, 2] >> 1


class HyperscanMatcher:
    """Hyperscan block-mode scan over UTF-16-LE bytes."""

    name = "hyperscan"

    def __init__(self, patterns: Sequence[str]) -> None:
        hyperscan = _hyperscan()
        self._hs = hyperscan
        self._lengths = utf16_lengths(patterns)
        self._db: Any = _cached_database(hyperscan, patterns, self._lengths)
        self._local = threading.local()  # a scratch space may not be shared between threads

    def scan(self, units: npt.NDArray[np.uint16]) -> Hits:
        """See :class:`Matcher`."""
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = self._hs.Scratch(self._db)
        ids: list[int] = []
        ends: list[int] = []

        def on_match(pattern: int, _from: int, to: int, _flags: int, _ctx: object) -> None:
            if not to & 1:
                ids.append(pattern)
                ends.append(to >> 1)

        if len(units):
            self._db.scan(units, match_event_handler=on_match, scratch=scratch)
        pid, end, _ = _hits(ids, ends, [])
        return pid, end - self._lengths[pid], end


CACHE_MIN_PATTERNS = 1
"""Libraries at least this large are cached. Every size is: compiling 50,000 patterns takes
~2.5 s, 10,000 (the starter library with its evasion spellings) ~0.9 s, even a few hundred
tens of milliseconds, and loading the compiled database a few milliseconds."""


def _compile(hyperscan: Any, encoded: list[bytes]) -> Any:
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    db.compile(
        expressions=[b"".join(b"\\x%02x" % c for c in b) for b in encoded],
        ids=list(range(len(encoded))),
        elements=len(encoded),
        flags=[0] * len(encoded),
    )
    return db


def cache_dir(kind: str = "hyperscan") -> Path | None:
    """Where compiled ``kind`` (``hyperscan`` databases, ``keyword`` libraries) are cached
    (``None``: caching is off; see :mod:`beian.cachedir`)."""
    return _cache_dir(kind)


def utf16_lengths(patterns: Sequence[str]) -> IntArray:
    """The length of each pattern in UTF-16 code units (a character beyond the BMP counts two)."""
    lengths = np.fromiter(map(len, patterns), np.intp, len(patterns))
    points = np.frombuffer("".join(patterns).encode("utf-32-le", "surrogatepass"), np.uint32)
    pairs = np.flatnonzero(points > 0xFFFF)  # each is two units
    if len(pairs):
        np.add.at(lengths, np.searchsorted(np.cumsum(lengths), pairs, side="right"), 1)
    return lengths


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le", "surrogatepass")


def _cached_database(hyperscan: Any, patterns: Sequence[str], lengths: IntArray) -> Any:
    """A compiled database, from the on-disk cache when the library was compiled before.

    The key is the patterns' UTF-16 code units and each one's length (so no two lists share
    it), hashed in two updates: the loaded database costs no per-pattern work."""
    folder = cache_dir()
    if folder is None or len(patterns) < CACHE_MIN_PATTERNS:
        return _compile(hyperscan, [_utf16(p) for p in patterns])
    digest = hashlib.sha256(f"{hyperscan.__version__}\n{len(patterns)}\n".encode())
    digest.update(lengths.astype("<i8").tobytes())
    digest.update(_utf16("".join(patterns)))
    path = folder / f"{digest.hexdigest()}.hsdb"
    try:
        return hyperscan.loadb(path.read_bytes(), hyperscan.HS_MODE_BLOCK)
    except Exception:  # missing, unreadable, or built for another CPU or version: rebuild
        pass
    db = _compile(hyperscan, [_utf16(p) for p in patterns])
    write_atomic(path, hyperscan.dumpb(db))
    return db


def hyperscan_available() -> bool:
    """Whether the optional ``hyperscan`` package imports."""
    try:
        _hyperscan()
    except ImportError:
        return False
    return True


def _hyperscan() -> Any:
    # Imported by name: an optional package without type stubs, absent on many installs.
    return importlib.import_module("hyperscan")


def make_matcher(patterns: Sequence[str], engine: Engine = "auto") -> Matcher:
    """The fastest available matcher for ``patterns`` (``engine`` or ``$BEIAN_KEYWORD_ENGINE``)."""
    if engine == "auto":
        forced = os.environ.get(ENGINE_ENV, "auto")
        engine = "hyperscan" if forced == "hyperscan" else "auto"
        if forced == "aho-corasick":
            engine = "aho-corasick"
    if engine == "hyperscan" or (engine == "auto" and hyperscan_available()):
        try:
            return HyperscanMatcher(patterns)
        except Exception:  # a pattern Hyperscan rejects (size limits): fall back, same result
            if engine == "hyperscan":
                raise
    return AhoCorasickMatcher(patterns)
