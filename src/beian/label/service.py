"""Label and verify files and folders through the registered label writers."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import beian.label._builtins  # noqa: F401  (registers the writers until BUILTIN_MODULES lists it)
from beian.errors import InputError, UserError
from beian.label.media import sniff
from beian.label.model import LabelSpec, LabelStatus, Problem
from beian.label.writer import LabelWriter
from beian.registry import Registry, registry


class Writers:
    """Label writers created on demand, one per media type, with shared options."""

    def __init__(self, reg: Registry = registry, **options: Any) -> None:
        self._reg = reg
        self._options = options
        self._cache: dict[str, LabelWriter] = {}

    def media_type(self, path: Path) -> str | None:
        """Media type of ``path`` if a writer is registered for it."""
        media = sniff(path)
        if media is None or media not in self._reg.names("label_writer"):
            return None
        return media

    def get(self, media: str) -> LabelWriter:
        """The writer for ``media``."""
        if media not in self._cache:
            opts = {k: v for k, v in self._options.items() if k in self._fields(media)}
            writer, _spec = self._reg.create("label_writer", media, **opts)
            self._cache[media] = writer
        return self._cache[media]

    def _fields(self, media: str) -> set[str]:
        return set(self._reg.get("label_writer", media).options.model_fields)


def walk(paths: Iterable[Path]) -> Iterator[tuple[Path, Path]]:
    """``(file, path relative to the argument it came from)`` for files and folder contents.

    Folders are walked in sorted order; beian's own scratch folders and audit logs are left
    out. A path that does not exist raises :class:`InputError`.
    """
    for root in paths:
        if root.is_dir():
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith(".beian-label-"))
                for name in sorted(n for n in filenames if not n.startswith(".beian-label-")):
                    full = Path(dirpath) / name
                    yield full, full.relative_to(root)
        elif root.exists():
            yield root, Path(root.name)
        else:
            raise InputError(f"no such file or folder: {root}")


UNSUPPORTED = (
    "not a format beian labels (PNG, JPEG, WebP, MP3, WAV, MP4/MOV, PDF, OOXML, MD, HTML, TXT); "
    "its labels cannot be verified"
)


def verify_file(path: Path, writers: Writers) -> LabelStatus:
    """Verify one file; empty, unreadable or unsupported files fail with the reason (L5)."""
    try:
        empty = path.stat().st_size == 0
        media = None if empty else writers.media_type(path)
    except OSError as exc:
        problem = Problem("unreadable", f"cannot read the file: {exc.strerror or exc}")
        return LabelStatus(path, "unknown", problems=(problem,))
    if empty:
        problem = Problem("empty", "the file is empty (0 bytes): nothing was generated or saved")
        return LabelStatus(path, "unknown", problems=(problem,))
    if media is None:
        return LabelStatus(path, "unknown", problems=(Problem("unsupported", UNSUPPORTED),))
    return writers.get(media).verify(path)


def label_file(src: Path, dst: Path, spec: LabelSpec, writers: Writers) -> Any:
    """Label one file into ``dst`` (UserError for unsupported types)."""
    media = writers.media_type(src)
    if media is None:
        raise UserError(f"{src}: not a format beian labels")
    return writers.get(media).apply(src, dst, spec)
