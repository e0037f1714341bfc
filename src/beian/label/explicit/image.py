"""Explicit labels on images: a text prompt at an edge or corner (GB 45438 §5.2, L-03).

The prompt is drawn white on a translucent dark box (legible on any background) with a CJK font
from a Debian package. The font size is raised until every character's ink height is at least
``height_ratio`` (≥ 5 %) of the shortest side. Pixels are not OCR-read on verification: beian
stores the stamp's geometry as a record next to the implicit label and re-checks that record
against the current image size, which catches later resizing but not a stamp painted over.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont, ImageOps, PngImagePlugin

from beian.errors import UserError
from beian.label.atomic import Scratch
from beian.label.carriers.base import Reading
from beian.label.explicit.text import wording
from beian.label.model import ExplicitStatus, LabelSpec, Problem
from beian.label.rules import DEFAULT_IMAGE_WORDING, MIN_GLYPH_RATIO, has_both_elements
from beian.label.tools import cjk_font

_EDGE_SHARE = 0.15
"""A stamp counts as "at an edge or corner" when its box lies within this share of a side."""


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


def stamp(im: Image.Image, spec: LabelSpec) -> tuple[Image.Image, dict[str, Any]]:
    """A copy of ``im`` with the prompt drawn on it, and the stamp record."""
    text = wording(spec, DEFAULT_IMAGE_WORDING)
    position = spec.position or "bottom-right"
    if position in ("start", "end"):
        raise UserError("image labels go at an edge or corner (top-left … bottom, not start/end)")
    w, h = im.size
    short = min(w, h)
    font, glyph = fit_font(text, spec.height_ratio * short)
    left, top, right, bottom = (round(v) for v in font.getbbox(text))
    pad = max(1, round(glyph * 0.25))
    margin = max(1, round(short * 0.02))
    bw, bh = right - left + 2 * pad, bottom - top + 2 * pad
    if bw > w - 2 * margin or bh > h - 2 * margin:
        raise UserError(
            f"image {w}×{h} is too small for the prompt {text!r} at {spec.height_ratio:.0%} glyph "
            "height; use a shorter --text"
        )
    x, y = place(position, (w, h), (bw, bh), margin)
    base = im.convert("RGBA")
    overlay = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    draw.rectangle((x, y, x + bw - 1, y + bh - 1), fill=(0, 0, 0, 170))
    draw.text((x + pad - left, y + pad - top), text, font=font, fill=(255, 255, 255, 255))
    out = Image.alpha_composite(base, overlay)
    record = {
        "text": text,
        "position": position,
        "box": [x, y, x + bw, y + bh],
        "glyph_px": glyph,
        "image": [w, h],
        "font": cjk_font().name,
    }
    return out, record


def _save(out: Image.Image, src_im: Image.Image, dst: Path, fmt: str) -> None:
    info = src_im.info
    kwargs: dict[str, Any] = {}
    if info.get("icc_profile"):
        kwargs["icc_profile"] = info["icc_profile"]
    if info.get("exif"):
        kwargs["exif"] = info["exif"]
    has_alpha = src_im.mode in ("RGBA", "LA", "PA") or "transparency" in info
    if fmt == "PNG":
        meta = PngImagePlugin.PngInfo()
        for key, value in getattr(src_im, "text", {}).items():
            meta.add_itxt(key, value) if not value.isascii() else meta.add_text(key, value)
        kwargs["pnginfo"] = meta
        out = out if has_alpha else out.convert("RGB")
    elif fmt == "JPEG":
        out = out.convert("RGB")
        kwargs.update(quality=95, xmp=info.get("xmp", b""))
    else:
        out = out if has_alpha else out.convert("RGB")
        kwargs.update(quality=95, xmp=info.get("xmp", b""), lossless=info.get("lossless", False))
    out.save(dst, fmt, **kwargs)


class ImageExplicit:
    """Stamp and check images of one Pillow format (PNG, JPEG, WEBP)."""

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt

    def add(
        self, src: Path, dst: Path, spec: LabelSpec, scratch: Scratch
    ) -> tuple[str, dict[str, str]]:
        """Draw the prompt; the record goes to the implicit carrier as ``ExplicitLabel``."""
        del scratch
        with Image.open(src) as opened:
            opened.load()
            upright = ImageOps.exif_transpose(opened)  # stamp where viewers will see it
            upright.info.setdefault("lossless", _is_lossless_webp(src))
            out, record = stamp(upright, spec)
            _save(out, upright, dst, self.fmt)
        desc = f"{record['text']!r} at {record['position']}, glyph {record['glyph_px']} px"
        return desc, {"ExplicitLabel": json.dumps(record, ensure_ascii=True, separators=(",", ":"))}

    def check(self, path: Path, reading: Reading) -> tuple[ExplicitStatus, list[Problem]]:
        """Re-check beian's stamp record against the image (no OCR)."""
        raw = reading.extras.get("ExplicitLabel")
        if not raw:
            return ExplicitStatus(
                "not_checked", "no beian stamp record; pixels are not OCR-read"
            ), []
        try:
            record = json.loads(raw)
            with Image.open(path) as im:
                w, h = ImageOps.exif_transpose(im).size
            glyph, text = float(record["glyph_px"]), str(record["text"])
            x0, y0, x1, y1 = (int(v) for v in record["box"])
            rw, rh = (int(v) for v in record["image"])
        except (ValueError, KeyError, TypeError) as exc:
            return ExplicitStatus("not_checked", f"unreadable stamp record: {exc}"), []
        problems: list[Problem] = []
        scale = min(w / rw, h / rh) if rw and rh else 1.0
        if (w, h) != (rw, rh):
            msg = f"image is {w}×{h} but was stamped at {rw}×{rh}; the prompt was rescaled"
            problems.append(Problem("stamp-rescaled", msg, "L-03", "warning"))
        need = MIN_GLYPH_RATIO * min(w, h)
        if glyph * scale + 1e-9 < need:
            msg = f"prompt glyphs are {glyph * scale:.1f} px, below 5 % of the shortest side ({need:.1f} px)"
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
        detail = f"beian stamp {text!r} at {record.get('position', '?')} (record, not OCR)"
        return ExplicitStatus("declared", detail, str(record.get("position", ""))), problems


def _is_lossless_webp(path: Path) -> bool:
    head = path.read_bytes()[:64]
    return head[8:12] == b"WEBP" and b"VP8L" in head
