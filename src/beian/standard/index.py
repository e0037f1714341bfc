"""The risks of a profile by id, without loading the profile on every start.

Detectors name their findings' risks after the profile (``A.1.f`` → 宣扬恐怖主义、极端主义) and
check that the risks they report exist in it; that is all they need of the standard. Loading a
profile (reading its YAML, resolving ``extends``/``includes``, validating some hundred pydantic
objects, importing the schema) costs every ``beian detect`` and pool worker about 0.02 CPU-s,
so for the profiles shipped with beian the risk index is cached under
``$BEIAN_CACHE_DIR/standard/``, named by a SHA-256 of every file of ``beian.standard`` (code
and profiles). A profile given as a path is loaded each time, as before.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from beian.cachedir import load_or_build

DEFAULT_PROFILE = "tc260-003-2024"
"""The profile every command uses unless told otherwise (TC260-003-2024)."""

_HERE = Path(__file__).parent


def risk_names(profile: str = DEFAULT_PROFILE) -> dict[str, str]:
    """Chinese name (``name_zh``) of every risk of ``profile`` by id, in profile order.

    ``profile`` is a built-in name or a file path, as for :func:`~beian.standard.load_profile`,
    which raises the same errors for a profile that does not load.
    """
    return dict(_cached(profile))


def risk_labels(risks: Sequence[str], profile: str = DEFAULT_PROFILE) -> list[str]:
    """The Chinese name of each of ``risks`` in ``profile``; an id the profile lacks stays as is."""
    names = risk_names(profile)
    return [names.get(r, r) for r in risks]


@cache
def _cached(profile: str) -> tuple[tuple[str, str], ...]:
    folder = _HERE / "profiles"
    builtin = {p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")}
    if profile not in builtin:  # a file path (or an unknown name), as the loader decides
        return _build(profile)
    digest = hashlib.sha256(profile.encode("utf-8"))
    for path in sorted(p for p in _HERE.rglob("*") if p.is_file() and p.suffix in {".py", ".yaml"}):
        digest.update(f"\0{path.relative_to(_HERE)}\0".encode())
        digest.update(path.read_bytes())

    def load(data: bytes) -> tuple[tuple[str, str], ...]:
        pairs = json.loads(data)
        if not (
            isinstance(pairs, list) and all(isinstance(p, list) and len(p) == 2 for p in pairs)
        ):
            raise ValueError("not a risk index")
        return tuple((str(i), str(n)) for i, n in pairs)

    def dump(pairs: tuple[tuple[str, str], ...]) -> bytes:
        return json.dumps(pairs, ensure_ascii=False).encode("utf-8")

    return load_or_build(
        "standard", f"risks-{digest.hexdigest()}.json", load, lambda: _build(profile), dump
    )


def _build(profile: str) -> tuple[tuple[str, str], ...]:
    from beian.standard.loader import load_profile

    return tuple((r.id, r.name_zh) for r in load_profile(profile).risks)
