"""Where ``label add`` writes each file: never over an input unless asked (reliability.md L2)."""

from __future__ import annotations

import os
from pathlib import Path

from beian.errors import UserError


def _identity(path: Path) -> set[object]:
    """What makes two paths one file: the resolved path, and (device, inode) if it exists."""
    keys: set[object] = {path.resolve()}
    try:
        st = os.stat(path)
        keys.add((st.st_dev, st.st_ino))
    except OSError:
        pass
    return keys


def plan(
    files: list[tuple[Path, Path]], out: Path | None, in_place: bool
) -> list[tuple[Path, Path]]:
    """``(src, dst)`` for each ``(file, relative path)``; UserError before anything is written.

    With ``in_place`` every file is its own destination. Otherwise ``out`` is required and no
    destination may be one of the inputs (symlinks and hard links included): ``--out`` equal to
    the input folder used to overwrite the originals silently.
    """
    if in_place:
        if out is not None:
            raise UserError("give either --out FOLDER or --in-place, not both")
        return [(src, src) for src, _rel in files]
    if out is None:
        raise UserError(
            "--out FOLDER is required (or --in-place to label the originals themselves)"
        )
    seen: dict[object, Path] = {}
    for src, _rel in files:
        seen |= dict.fromkeys(_identity(src), src)
    pairs = [(src, out / rel) for src, rel in files]
    for _src, dst in pairs:
        clash = next((seen[k] for k in _identity(dst) if k in seen), None)
        if clash is not None:
            raise UserError(
                f"--out {out} would overwrite the input {clash}; choose another folder, "
                "or pass --in-place (without --out) to modify the originals"
            )
    return pairs
