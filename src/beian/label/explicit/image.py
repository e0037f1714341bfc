"""Explicit labels on images: a text prompt at an edge or corner (GB 45438 §5.2, L-03).

The prompt is drawn white on a translucent dark box (legible on any background) with a CJK font
from a Debian package. The font size is raised until every character's ink height is at least
``height_ratio`` (≥ 5 %) of the shortest side. The stamp is composited onto the stored pixels
(EXIF orientation is honoured, not rewritten); PNG keeps its sample depth and every chunk
(``png_pixels``), JPEG keeps its quantisation tables and every APPn/COM segment.

Verification is not OCR: beian stores the stamp's geometry as a record next to the implicit
label, re-checks that record against the current image size (catches resizing) and measures the
recorded box's pixels (catches a stamp painted over, cropped away or never drawn). What the
prompt says is taken from the record.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFont, ImageOps, JpegImagePlugin

from beian.errors import UserError
from beian.label.atomic import Scratch
from beian.label.carriers.base import Reading
from beian.label.carriers.jpeg import keep_segments
from beian.label.explicit.measure import invisible
from beian.label.explicit.png_pixels import stamp_png
from beian.label.explicit.text import wording
from beian.label.model import ExplicitStatus, LabelSpec, Problem
from beian.label.rules import DEFAULT_IMAGE_WORDING, MIN_GLYPH_RATIO, has_both_elements
from beian.label.tools import cjk_font

_EDGE_SHARE = 0.15
"""A stamp counts as "at an edge or corner" when its box lies within this share of a side."""
BOX_ALPHA = 170
"""Opacity of the dark box behind the prompt (any background ends up with luminance < 90)."""


def glyph_height(font: ImageFont.FreeTypeFont, text: str) -> int:
    """Smallest ink height over the letters and CJK characters of ``text``."""
    heights = []
    for ch in text:
        if ch.isalnum():
            _left, top, _right, bottom = font.getbbox(ch)
            heights.append(math.floor(bottom - top))
    return min(heights) if heights else 0


def fit_font(text: str, target_px: float) -> tuple[ImageFont.FreeTypeFont, int]:
    """The smallest font whose glyphs are at least ``target_px`` high, and that height."""
    path = str(cjk_font())
    size = max(4, math.ceil(target_px))
    for _ in range(64):
        font = ImageFont.truetype(path, size)
        height = glyph_height(font, text)
        if height >= target_px:
            return font, height
        size = max(size + 1, math.ceil(size * target_px / max(height, 1)))
    raise UserError(f"cannot size a font for {text!r} at {target_px:.0f} px")


def place(
    position: str, size: tuple[int, int], box: tuple[int, int], margin: int
) -> tuple[int, int]:
    """Top-left corner of a ``box``-sized stamp at ``position`` inside an image of ``size``."""
    (w, h), (bw, bh) = size, box
    x = {"left": margin, "right": w - bw - margin}.get(position.split("-")[-1], (w - bw) // 2)
    y = margin if position.startswith("top") else h - bh - margin
    return x, y


_UNDO_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}
"""EXIF orientation → the transpose that maps the upright view back to the stored pixels."""


def orientation(im: Image.Image) -> int:
    """EXIF orientation of ``im`` (1 = stored upright)."""
    value = im.getexif().get(0x0112, 1)
    return value if isinstance(value, int) and value in _UNDO_ORIENTATION else 1


def glyph_ratio(spec: LabelSpec, min_ratio: float) -> float:
    """The glyph height share to draw at: the spec's, never below the profile's minimum."""
    ratio = spec.height_ratio if spec.height_ratio is not None else min_ratio
    if ratio < min_ratio:
        raise UserError(f"glyph height {ratio:.1%} is below the profile's minimum {min_ratio:.0%}")
    return ratio


def overlay(
    size: tuple[int, int], spec: LabelSpec, min_ratio: float = MIN_GLYPH_RATIO
) -> tuple[Image.Image, dict[str, Any]]:
    """A transparent RGBA layer of the upright ``size`` with the prompt, and the stamp record."""
    text = wording(spec, DEFAULT_IMAGE_WORDING)
    position = spec.position or "bottom-right"
    if position in ("start", "end"):
        raise UserError("image labels go at an edge or corner (top-left … bottom, not start/end)")
    w, h = size
    short = min(w, h)
    ratio = glyph_ratio(spec, min_ratio)
    font, glyph = fit_font(text, ratio * short)
    left, top, right, bottom = (round(v) for v in font.getbbox(text))
    pad = max(1, round(glyph * 0.25))
    margin = max(1, round(short * 0.02))
    bw, bh = right - left + 2 * pad, bottom - top + 2 * pad
    if bw > w - 2 * margin or bh > h - 2 * margin:
        raise UserError(
            f"image {w}×{h} is too small for the prompt {text!r} at {ratio:.0%} glyph "
            "height; use a shorter --text"
        )
    x, y = place(position, (w, h), (bw, bh), margin)
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    draw.rectangle((x, y, x + bw - 1, y + bh - 1), fill=(0, 0, 0, BOX_ALPHA))
    draw.text((x + pad - left, y + pad - top), text, font=font, fill=(255, 255, 255, 255))
    record = {
        "text": text,
        "position": position,
        "box": [x, y, x + bw, y + bh],
        "glyph_px": glyph,
        "image": [w, h],
        "font": cjk_font().name,
    }
    return layer, record


def _stored(layer: Image.Image, turn: int) -> Image.Image:
    """The upright ``layer`` mapped onto the stored pixel grid (EXIF is left as it was)."""
    return layer.transpose(_UNDO_ORIENTATION[turn]) if turn != 1 else layer


def _pillow_stamp(
    src: Path, dst: Path, spec: LabelSpec, fmt: str, min_ratio: float
) -> dict[str, Any]:
    """JPEG / WebP: composite with Pillow in the image's own mode, keep quality and metadata."""
    with Image.open(src) as im:
        if getattr(im, "is_animated", False):  # saving would keep the first frame only
            raise UserError(f"animated {fmt}: beian would drop every frame but the first")
        im.load()
        turn = orientation(im)
        upright = im.size if turn in (1, 2, 3, 4) else (im.size[1], im.size[0])
        layer, record = overlay(upright, spec, min_ratio)
        out = Image.alpha_composite(im.convert("RGBA"), _stored(layer, turn))
        kwargs: dict[str, Any] = {"exif": im.info.get("exif", b""), "xmp": im.info.get("xmp", b"")}
        if im.info.get("icc_profile"):
            kwargs["icc_profile"] = im.info["icc_profile"]
        if fmt == "JPEG":
            kwargs.update(_jpeg_quality(im))
            out.convert(im.mode if im.mode in ("L", "RGB", "CMYK") else "RGB").save(
                dst, fmt, **kwargs
            )
        else:
            has_alpha = im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info
            kwargs.update(quality=95, lossless=_is_lossless_webp(src))
            (out if has_alpha else out.convert("RGB")).save(dst, fmt, **kwargs)
    if fmt == "JPEG":
        dst.write_bytes(keep_segments(src.read_bytes(), dst.read_bytes()))
    return record


def _jpeg_quality(im: Image.Image) -> dict[str, Any]:
    """Re-encode with the source's quantisation tables and subsampling (no quality drop)."""
    tables = getattr(im, "quantization", None)
    if not tables:
        return {"quality": 95}
    sampling = JpegImagePlugin.get_sampling(im)
    return {"qtables": tables, **({"subsampling": sampling} if sampling >= 0 else {})}


def measure(path: Path, record: dict[str, Any]) -> str:
    """Why the recorded stamp's pixels are not there any more ("" = they are; see ``measure``)."""
    with Image.open(path) as im:
        upright = ImageOps.exif_transpose(im)
        rw, rh = (int(v) for v in record["image"])
        sx, sy = upright.width / rw, upright.height / rh
        x0, y0, x1, y1 = (float(v) for v in record["box"])
        box = (round(x0 * sx), round(y0 * sy), round(x1 * sx), round(y1 * sy))
        return invisible(_luma(upright.crop(box)))


def _luma(im: Image.Image) -> npt.NDArray[np.float64]:
    """Luminance 0–255 of any Pillow mode (16-bit grey scaled down)."""
    if im.mode.startswith("I"):
        return np.asarray(im, np.float64) / 257.0
    return np.asarray(im.convert("L"), np.float64)


class ImageExplicit:
    """Stamp and check images of one Pillow format (PNG, JPEG, WEBP)."""

    def __init__(self, fmt: str, min_ratio: float = MIN_GLYPH_RATIO) -> None:
        self.fmt = fmt
        self.min_ratio = min_ratio

    def add(
        self, src: Path, dst: Path, spec: LabelSpec, scratch: Scratch
    ) -> tuple[str, dict[str, str]]:
        """Draw the prompt; the record goes to the implicit carrier as ``ExplicitLabel``."""
        del scratch
        note = ""
        if self.fmt == "PNG":
            with Image.open(src) as im:
                turn = orientation(im)
                upright = im.size if turn in (1, 2, 3, 4) else (im.size[1], im.size[0])
            layer, record = overlay(upright, spec, self.min_ratio)
            note = stamp_png(src, dst, _stored(layer, turn))
        else:
            record = _pillow_stamp(src, dst, spec, self.fmt, self.min_ratio)
        desc = f"{record['text']!r} at {record['position']}, glyph {record['glyph_px']} px"
        desc += f" ({note})" if note else ""
        return desc, {"ExplicitLabel": json.dumps(record, ensure_ascii=True, separators=(",", ":"))}

    def check(self, path: Path, reading: Reading) -> tuple[ExplicitStatus, list[Problem]]:
        """Re-check beian's stamp record against the image and measure its pixels (no OCR)."""
        raw = reading.extras.get("ExplicitLabel")
        if not raw:
            return ExplicitStatus(
                "not_checked", "no beian stamp record; beian does not OCR images"
            ), []
        try:
            record = json.loads(raw)
            with Image.open(path) as im:
                w, h = ImageOps.exif_transpose(im).size
            glyph, text = float(record["glyph_px"]), str(record["text"])
            x0, y0, x1, y1 = (int(v) for v in record["box"])
            rw, rh = (int(v) for v in record["image"])
            gone = measure(path, record)
        except (ValueError, KeyError, TypeError) as exc:
            return ExplicitStatus("not_checked", f"unreadable stamp record: {exc}"), []
        problems: list[Problem] = []
        scale = min(w / rw, h / rh) if rw and rh else 1.0
        if (w, h) != (rw, rh):
            msg = f"image is {w}×{h} but was stamped at {rw}×{rh}; the prompt was rescaled"
            problems.append(Problem("stamp-rescaled", msg, "L-03", "warning"))
        need = self.min_ratio * min(w, h)
        if glyph * scale + 1e-9 < need:
            msg = (
                f"prompt glyphs are {glyph * scale:.1f} px, below {self.min_ratio:.0%} of the "
                f"shortest side ({need:.1f} px)"
            )
            problems.append(Problem("explicit-too-small", msg, "L-03"))
        edge_x, edge_y = _EDGE_SHARE * rw, _EDGE_SHARE * rh
        if not (y0 <= edge_y or y1 >= rh - edge_y or x0 <= edge_x or x1 >= rw - edge_x):
            problems.append(
                Problem("explicit-position", "prompt is not at an edge or corner", "L-03")
            )
        if not has_both_elements(text):
            problems.append(
                Problem("explicit-wording", f"prompt {text!r} lacks an L-01 element", "L-01")
            )
        where = str(record.get("position", ""))
        if gone:
            problems.append(Problem("explicit-not-visible", gone, "L-03"))
            return ExplicitStatus("absent", f"beian stamp record, but {gone}", where), problems
        detail = (
            f"beian stamp {text!r} at {where}: record checked and a light-on-dark prompt measured "
            "in its box (wording not OCR-read)"
        )
        return ExplicitStatus("detected", detail, where), problems


def _is_lossless_webp(path: Path) -> bool:
    head = path.read_bytes()[:64]
    return head[8:12] == b"WEBP" and b"VP8L" in head
