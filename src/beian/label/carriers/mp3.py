"""MP3: an ID3v2 ``TXXX`` frame with description ``AIGC`` (PG-202510A).

Written as ID3v2.3 (the version most players and exiftool read) through mutagen; every other
frame is kept.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from mutagen import id3 as _id3

from beian.label.carriers.base import Reading, copy_unchanged
from beian.label.model import Found

# mutagen ships py.typed but leaves these calls unannotated; going through Any keeps mypy strict
# elsewhere without scattering ignores.
id3: Any = _id3


def _load(path: Path) -> Any:
    try:
        return id3.ID3(str(path))
    except id3.ID3NoHeaderError:
        return None


class Mp3Carrier:
    """MP3 ``TXXX:AIGC`` reader/writer."""

    name = "MP3 ID3v2 TXXX AIGC"

    def read(self, path: Path) -> Reading:
        """Every TXXX frame described ``AIGC`` (any case)."""
        out = Reading()
        tags = _load(path)
        if tags is None:
            return out
        for frame in tags.getall("TXXX"):
            if str(frame.desc).upper() == "AIGC":
                out.labels += [Found("MP3 ID3 TXXX AIGC", str(t)) for t in frame.text]
            elif frame.desc == "BeianExplicitLabel":
                out.extras["ExplicitLabel"] = str(frame.text[0])
        return out

    def write(self, src: Path, dst: Path, payload: str | None, extras: dict[str, str]) -> None:
        """Copy ``src`` and set exactly one TXXX:AIGC frame on the copy."""
        if payload is None:  # nothing but AIGC labels is stored here: keep them
            copy_unchanged(src, dst)
            return
        del extras
        shutil.copyfile(src, dst)
        tags = _load(dst) or id3.ID3()
        for key in [k for k in tags if k.upper() == "TXXX:AIGC"]:
            del tags[key]
        tags.add(id3.TXXX(encoding=0, desc="AIGC", text=[payload]))
        tags.save(str(dst), v2_version=3)
