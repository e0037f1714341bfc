"""Safe rewrites: every output is built in a temporary file beside the target, then renamed.

``os.replace`` is atomic on one filesystem, so the target is either the old file or the complete
new one; on any error the temporary files are removed and the source is never touched.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from beian.errors import InputError


class Scratch:
    """Temporary files in the destination's folder (same filesystem as the final rename)."""

    def __init__(self, folder: Path) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix=".beian-label-", dir=folder))
        self._n = 0

    def path(self, suffix: str) -> Path:
        """A fresh file name inside the scratch folder, keeping ``suffix`` for tools like ffmpeg."""
        self._n += 1
        return self.dir / f"step{self._n}{suffix}"

    def cleanup(self) -> None:
        """Remove the scratch folder and whatever is left in it."""
        shutil.rmtree(self.dir, ignore_errors=True)


@contextlib.contextmanager
def scratch_for(dst: Path) -> Iterator[Scratch]:
    """Scratch space beside ``dst``; creates the destination folder and always cleans up."""
    try:
        dst.parent.mkdir(parents=True, exist_ok=True)
        s = Scratch(dst.parent)
    except OSError as exc:
        raise InputError(f"cannot write to {dst.parent}: {exc.strerror or exc}") from None
    try:
        yield s
    finally:
        s.cleanup()


def commit(tmp: Path, dst: Path) -> None:
    """Flush ``tmp`` to disk and atomically move it over ``dst``."""
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    try:
        os.replace(tmp, dst)
    except OSError as exc:
        raise InputError(f"cannot write {dst}: {exc.strerror or exc}") from None
