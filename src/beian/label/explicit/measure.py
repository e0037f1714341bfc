"""Is beian's prompt still visible in a region? A pixel measurement, not OCR.

beian draws white text on a dark translucent box, so its stamp region is mostly dark with a
share of light ink whatever the picture behind it. Measuring that region tells whether a
legible light-on-dark prompt is still there (not painted over, cropped or never drawn); what it
says is taken from beian's record.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

from beian.label.tools import run, tool

Luma = npt.NDArray[np.float64]
DARK_LUMA, INK_LUMA = 110.0, 180.0
"""Luminance (0–255) below which a pixel counts as box, above which as ink."""
MIN_DARK_SHARE, MIN_INK_SHARE, MAX_INK_SHARE = 0.3, 0.02, 0.6
"""What beian's stamp box measures like: mostly dark box, some light ink."""
_DIFF = 40.0
"""Luminance change that marks a pixel as drawn by the stamp (well above re-encoding noise)."""


def invisible(region: Luma) -> str:
    """Why ``region`` does not look like beian's prompt ("" = it does)."""
    if region.size == 0:
        return "the recorded stamp box lies outside the picture"
    dark = float(np.mean(region < DARK_LUMA))
    ink = float(np.mean(region > INK_LUMA))
    if dark >= MIN_DARK_SHARE and MIN_INK_SHARE <= ink <= MAX_INK_SHARE:
        return ""
    return (
        f"the recorded stamp box has {dark:.0%} dark and {ink:.0%} light pixels; a beian "
        f"prompt has ≥ {MIN_DARK_SHARE:.0%} dark and {MIN_INK_SHARE:.0%}–{MAX_INK_SHARE:.0%} "
        "light ink (painted over, cropped or never drawn?)"
    )


def frame_luma(path: Path, at: float, size: tuple[int, int]) -> Luma:
    """Luminance of the video frame shown at ``at`` seconds (ffmpeg), as height × width."""
    w, h = size
    args = [tool("ffmpeg"), "-v", "error", "-ss", f"{at:.3f}", "-i", str(path), "-frames:v", "1"]
    raw = run([*args, "-f", "rawvideo", "-pix_fmt", "gray", "-"], what=f"ffmpeg frame {path.name}")
    if len(raw) != w * h:
        return np.zeros((0, 0))
    return np.frombuffer(raw, np.uint8).reshape(h, w).astype(np.float64)


def changed_box(before: Luma, after: Luma) -> list[int] | None:
    """``[x0, y0, x1, y1]`` of the pixels the stamp changed, or None when nothing changed."""
    if before.shape != after.shape or before.size == 0:
        return None
    mask = np.abs(after - before) > _DIFF
    cols = np.flatnonzero(mask.sum(axis=0) >= 3)  # ≥ 3 pixels: ignore isolated codec noise
    rows = np.flatnonzero(mask.sum(axis=1) >= 3)
    if not len(cols) or not len(rows):
        return None
    return [int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1]
