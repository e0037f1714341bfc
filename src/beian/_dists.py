"""What ``importlib.metadata`` would answer about installed distributions, found without it
when the answer is plain from the folder listings.

Importing ``importlib.metadata`` costs 0.01 CPU-s (it pulls in ``email``, ``zipfile``, ``csv``,
``socket`` …) and a scan of every distribution's entry points a few milliseconds more, on every
start of every command. beian asks it two things: the version of a few libraries (for cache
keys) and whether any distribution declares a ``beian`` plugin. Both are read here from the
``*.dist-info`` folders on ``sys.path``, the way ``importlib.metadata``'s path finder finds
them; whenever the listing cannot settle the question (a zip or egg on the path, another
distribution finder, a folder that does not look as expected) the answer comes from
``importlib.metadata`` itself, so it is always the same answer.
"""

from __future__ import annotations

import os
import re
import sys
from functools import cache


def _normal(name: str) -> str:
    # importlib.metadata.Prepared.normalize
    return re.sub(r"[-_.]+", "-", name).lower().replace("-", "_")


@cache
def _listing(root: str) -> tuple[str, ...] | None:
    """The names in ``root`` (``()`` when it does not exist), ``None`` when it is not a plain
    folder the path finder reads as one (a zip file, an egg)."""
    if root.lower().endswith(".egg"):
        return None
    try:
        return tuple(os.listdir(root or "."))
    except OSError:
        return None if os.path.exists(root or ".") else ()


def _plain_finders() -> bool:
    """Whether the path finder is the only distribution finder (as in a plain virtualenv)."""
    from importlib.machinery import PathFinder

    return all(f is PathFinder or not hasattr(f, "find_distributions") for f in sys.meta_path)


_UNKNOWN = "?"


def _listed_version(dist: str) -> str | None:
    """The version in the first ``dist`` folder name on ``sys.path``; ``None``: not installed;
    ``_UNKNOWN``: the listings cannot tell."""
    if not _plain_finders():
        return _UNKNOWN
    want = _normal(dist)
    for root in sys.path:
        names = _listing(root)
        if names is None:
            return _UNKNOWN
        for child in names:
            low = child.lower()
            if low.endswith((".dist-info", ".egg-info")):
                stem = child.rpartition(".")[0]
                if _normal(stem.partition("-")[0]) == want:
                    version = stem.partition("-")[2]
                    plain = low.endswith(".dist-info") and version and "-" not in version
                    return version if plain else _UNKNOWN
    return None


def installed_version(dist: str) -> str | None:
    """``importlib.metadata.version(dist)``, or ``None`` when ``dist`` is not installed."""
    found = _listed_version(dist)
    if found != _UNKNOWN:
        return found
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def may_declare_entry_points(group: str) -> bool:
    """``False`` only when no installed distribution declares an entry point in ``group``.

    ``True`` means "look with ``importlib.metadata``": some ``entry_points.txt`` has a
    ``[group]`` section, or the listings cannot tell.
    """
    if not _plain_finders():
        return True
    for root in sys.path:
        names = _listing(root)
        if names is None:
            return True
        for child in names:
            if not child.lower().endswith((".dist-info", ".egg-info")):
                continue
            try:
                with open(os.path.join(root or ".", child, "entry_points.txt"), "rb") as fh:
                    text = fh.read()
            except (FileNotFoundError, NotADirectoryError):
                continue
            except OSError:
                return True
            try:
                lines = text.decode("utf-8").splitlines()
            except UnicodeDecodeError:
                return True
            # as importlib.metadata.Sectioned reads them (a little more leniently: spaces
            # inside the brackets are ignored here)
            headers = (ln.strip() for ln in lines)
            if any(
                h[:1] == "[" and h[-1:] == "]" and h.strip("[]").strip() == group for h in headers
            ):
                return True
    return False
