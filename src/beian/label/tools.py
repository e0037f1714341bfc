"""External helpers found at run time: ffmpeg / ffprobe and an offline CJK font.

Nothing is downloaded: a missing tool or font raises a :class:`ConfigError` naming the Debian
package that provides it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

from beian.errors import ConfigError, InputError

FONT_ENV = "BEIAN_CJK_FONT"
FONT_CANDIDATES: tuple[str, ...] = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
"""Debian paths of fonts-wqy-microhei, fonts-wqy-zenhei, fonts-noto-cjk, fonts-droid-fallback."""


def cjk_font() -> Path:
    """Path of a font with CJK glyphs (``$BEIAN_CJK_FONT`` first, then Debian packages)."""
    env = os.environ.get(FONT_ENV)
    if env:
        path = Path(env)
        if not path.is_file():
            raise ConfigError(f"{FONT_ENV}={env} is not a font file")
        return path
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    raise ConfigError(
        "no CJK font found for explicit labels: install the Debian package fonts-wqy-microhei "
        f"(or fonts-noto-cjk), or set {FONT_ENV} to a .ttf/.ttc file"
    )


def tool(name: str) -> str:
    """Absolute path of ``ffmpeg`` / ``ffprobe``; ConfigError naming the Debian package if absent."""
    found = shutil.which(name)
    if found is None:
        raise ConfigError(f"{name} not found on PATH: install the Debian package ffmpeg")
    return found


@cache
def has_tool(name: str) -> bool:
    """Whether ``name`` is on PATH (cached)."""
    return shutil.which(name) is not None


def run(args: list[str], *, what: str) -> bytes:
    """Run a tool, returning stdout; InputError with the tool's last stderr line on failure."""
    proc = subprocess.run(args, capture_output=True, check=False)
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        tail = lines[-1] if lines else f"exit code {proc.returncode}"
        raise InputError(f"{what} failed: {tail}")
    return proc.stdout


def probe(path: Path) -> dict[str, Any]:
    """``ffprobe -show_format -show_streams`` as a dict."""
    out = run(
        [tool("ffprobe"), "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)],
        what=f"ffprobe {path.name}",
    )
    data: dict[str, Any] = json.loads(out)
    return data
