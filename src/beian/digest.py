"""SHA-256 of files: the one fingerprint beian puts on every piece of evidence."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes, read in blocks so large evidence files stay cheap."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def tree_digest(path: Path, names: Sequence[str] | None = None) -> str:
    """SHA-256 of a file, or of a folder's files (relative name and SHA-256 of each, sorted;
    ``names`` restricts it to those files): how a keyword library or a shipped model folder is
    fingerprinted."""
    if path.is_file():
        return sha256_file(path)
    files = (
        [path / n for n in names] if names else sorted(p for p in path.rglob("*") if p.is_file())
    )
    joined = "".join(f"{p.relative_to(path)}:{sha256_file(p)}\n" for p in files)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()
