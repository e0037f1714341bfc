"""Explicit labels on video: a text prompt over the opening frames (GB 45438 §5.4, L-05).

ffmpeg's ``drawtext`` draws the prompt from t = 0 for ``seconds`` (≥ 2 s) with the same font
and glyph sizing as images (Pillow measures the font, so ffmpeg's pixel font size gives ink
height ≥ 5 % of the shortest side). Video is re-encoded (H.264 when available, else MPEG-4);
audio and other streams are copied. The region the prompt landed in is measured (first frame,
before vs after) and recorded; verification re-checks the record and the duration and measures
that region in the frames at 0 s and just before the minimum duration (not OCR).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from beian.errors import UserError
from beian.label.atomic import Scratch
from beian.label.carriers.base import FormatError, Reading
from beian.label.carriers.mp4 import duration
from beian.label.explicit.image import fit_font, glyph_ratio
from beian.label.explicit.measure import changed_box, frame_luma, invisible
from beian.label.explicit.text import wording
from beian.label.model import ExplicitStatus, LabelSpec, Problem
from beian.label.rules import DEFAULT_IMAGE_WORDING, MIN_GLYPH_RATIO, MIN_VIDEO_SECONDS
from beian.label.tools import cjk_font, probe, run, tool

_XY = {
    "top-left": ("m", "m"),
    "top-right": ("w-tw-m", "m"),
    "bottom-left": ("m", "h-th-m"),
    "bottom-right": ("w-tw-m", "h-th-m"),
    "top": ("(w-tw)/2", "m"),
    "bottom": ("(w-tw)/2", "h-th-m"),
}


def _encoder() -> list[str]:
    encoders = run([tool("ffmpeg"), "-hide_banner", "-encoders"], what="ffmpeg -encoders")
    if b"libx264" in encoders:
        return ["-c:v", "libx264", "-preset", "veryfast", "-crf", "18"]
    return ["-c:v", "mpeg4", "-q:v", "2"]


class VideoExplicit:
    """drawtext prompt on the opening frames of MP4 / MOV."""

    def __init__(
        self, min_ratio: float = MIN_GLYPH_RATIO, min_seconds: float = MIN_VIDEO_SECONDS
    ) -> None:
        self.min_ratio = min_ratio
        self.min_seconds = min_seconds

    def add(
        self, src: Path, dst: Path, spec: LabelSpec, scratch: Scratch
    ) -> tuple[str, dict[str, str]]:
        """Draw the prompt for ``spec.seconds`` from the first frame."""
        text = wording(spec, DEFAULT_IMAGE_WORDING)
        position = spec.position or "bottom-right"
        if position not in _XY:
            raise UserError("video labels go at an edge or corner (top-left … bottom)")
        video = [s for s in probe(src).get("streams", []) if s.get("codec_type") == "video"]
        if not video:
            raise FormatError("no video stream")
        w, h = int(video[0]["width"]), int(video[0]["height"])
        if spec.seconds < self.min_seconds:
            raise UserError(
                f"--seconds {spec.seconds:g} is below the profile's {self.min_seconds:g} s"
            )
        font, glyph = fit_font(text, glyph_ratio(spec, self.min_ratio) * min(w, h))
        size = int(font.size)
        margin = max(1, round(min(w, h) * 0.02))
        pad = max(1, round(glyph * 0.25))
        textfile = scratch.path(".txt")
        textfile.write_text(text, encoding="utf-8")
        x, y = (v.replace("m", str(margin + pad)) for v in _XY[position])
        draw = (
            f"drawtext=fontfile={_q(cjk_font())}:textfile={_q(textfile)}:fontsize={size}"
            f":fontcolor=white:box=1:boxcolor=black@0.66:boxborderw={pad}"
            f":x={x}:y={y}:enable='lt(t,{spec.seconds})'"
        )
        args = [tool("ffmpeg"), "-v", "error", "-y", "-i", str(src), "-map", "0", "-c", "copy"]
        args += ["-vf", draw, *_encoder(), "-movflags", "use_metadata_tags"]
        fmt = "mov" if src.suffix.lower() == ".mov" else "mp4"
        run([*args, "-f", fmt, str(dst)], what=f"ffmpeg drawtext ({src.name})")
        record = {"text": text, "position": position, "seconds": spec.seconds, "glyph_px": glyph}
        record |= {"frame": [w, h], "fontsize": size}
        box = changed_box(frame_luma(src, 0.0, (w, h)), frame_luma(dst, 0.0, (w, h)))
        if box is not None:  # where the prompt landed, measured, for verify to look at again
            record["box"] = box
        desc = f"{text!r} at {position} for {spec.seconds:g} s, glyph {glyph} px"
        return desc, {"ExplicitLabel": json.dumps(record, ensure_ascii=True, separators=(",", ":"))}

    def check(self, path: Path, reading: Reading) -> tuple[ExplicitStatus, list[Problem]]:
        """Re-check beian's stamp record and the movie duration (no frame OCR)."""
        problems: list[Problem] = []
        total = duration(path)
        if total is not None and total < self.min_seconds:
            msg = (
                f"video lasts {total:.2f} s, too short for a {self.min_seconds:g} s opening prompt"
            )
            problems.append(Problem("video-too-short", msg, "L-05", "warning"))
        raw = reading.extras.get("ExplicitLabel")
        if not raw:
            return ExplicitStatus(
                "not_checked", "no beian stamp record; frames are not OCR-read"
            ), problems
        try:
            record = json.loads(raw)
            seconds, glyph = float(record["seconds"]), float(record["glyph_px"])
            fw, fh = (int(v) for v in record["frame"])
        except (ValueError, KeyError, TypeError) as exc:
            return ExplicitStatus("not_checked", f"unreadable stamp record: {exc}"), problems
        if seconds < self.min_seconds:
            msg = f"prompt shown {seconds:g} s, less than {self.min_seconds:g} s"
            problems.append(Problem("explicit-too-short", msg, "L-05"))
        if glyph < self.min_ratio * min(fw, fh):
            msg = f"prompt glyphs {glyph:g} px, below {self.min_ratio:.0%} of {min(fw, fh)} px"
            problems.append(Problem("explicit-too-small", msg, "L-05"))
        where = str(record.get("position", ""))
        if not isinstance(record.get("box"), list):
            detail = f"beian stamp {record.get('text')!r} for {seconds:g} s (record only)"
            return ExplicitStatus("declared", detail, where), problems
        gone = self._measure(path, record, total)
        if gone:
            problems.append(Problem("explicit-not-visible", gone, "L-05"))
            return ExplicitStatus("absent", f"beian stamp record, but {gone}", where), problems
        detail = (
            f"beian stamp {record.get('text')!r}: a light-on-dark prompt measured in its box at "
            f"0 s and {self._last(total):.1f} s (wording not OCR-read)"
        )
        return ExplicitStatus("detected", detail, where), problems

    def _last(self, total: float | None) -> float:
        """Latest time the opening prompt must still show (just before the minimum)."""
        end = self.min_seconds - 0.1
        return min(end, total - 0.1) if total is not None else end

    def _measure(self, path: Path, record: dict[str, Any], total: float | None) -> str:
        """Why the prompt is not visible in its box at the start or near the minimum."""
        fw, fh = (int(v) for v in record["frame"])
        x0, y0, x1, y1 = (int(v) for v in record["box"])
        for at in (0.0, max(0.0, self._last(total))):
            gone = invisible(frame_luma(path, at, (fw, fh))[y0:y1, x0:x1])
            if gone:
                return f"at {at:.1f} s {gone}"
        return ""


def _q(path: Path) -> str:
    """A path quoted for an ffmpeg filter option (quotes and colons would need nested escaping)."""
    text = str(path)
    if "'" in text or ":" in text or "\\" in text:
        raise UserError(f"paths with ' : or \\ cannot be passed to ffmpeg drawtext: {text}")
    return f"'{text}'"
