"""WAV: the Annex E JSON in a ``LIST/INFO`` sub-chunk ``AIGC`` (default), a top-level RIFF chunk
``AIGC`` or an XMP ``_PMX`` chunk.

PG-202510A (as AigcTotal reads it) names a top-level ``AIGC`` chunk, but no common tool shows
it (exiftool lists it only as unknown binary with ``-u``). ``LIST/INFO`` is the RIFF metadata
list: ffprobe and ffmpeg show it as the format tag ``AIGC`` and ffmpeg keeps it when it remuxes
or converts, and it is the RIFF form PG-20257A names for AVI; so beian writes it by default.
``xmp`` writes a ``_PMX`` XMP packet, which exiftool shows as ``XMP-TC260:Aigc``. The writer's
``carrier`` option picks one form; it never writes two, so the file keeps one label (L-12).
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Literal

from beian.label import xmp
from beian.label.carriers.base import FormatError, Reading, copy_unchanged
from beian.label.model import Found

WavForm = Literal["list-info", "riff-chunk", "xmp"]
_NAMES = {
    "list-info": "WAV LIST/INFO AIGC",
    "riff-chunk": "WAV RIFF chunk AIGC",
    "xmp": "WAV _PMX XMP TC260:AIGC",
}


def chunks(data: bytes, start: int = 12, end: int | None = None) -> list[tuple[bytes, bytes]]:
    """``(fourcc, body)`` of the chunks between ``start`` and ``end``."""
    end = len(data) if end is None else end
    out: list[tuple[bytes, bytes]] = []
    pos = start
    while pos + 8 <= end:
        fourcc = data[pos : pos + 4]
        (size,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        if pos + 8 + size > end:
            raise FormatError(f"truncated RIFF chunk {fourcc!r}")
        out.append((fourcc, data[pos + 8 : pos + 8 + size]))
        pos += 8 + size + (size & 1)
    return out


def wave_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """Top-level chunks of a RIFF/WAVE file."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise FormatError("not a RIFF/WAVE file")
    return chunks(data)


def pack(parts: list[tuple[bytes, bytes]], form: bytes) -> bytes:
    """A RIFF container of ``form`` from ``(fourcc, body)`` chunks."""
    body = b"".join(
        f + struct.pack("<I", len(b)) + b + (b"\0" if len(b) & 1 else b"") for f, b in parts
    )
    return b"RIFF" + struct.pack("<I", len(body) + 4) + form + body


def _text(body: bytes) -> str:
    return body.rstrip(b"\0").decode("latin-1")


class WavCarrier:
    """WAV ``AIGC`` chunk (or LIST/INFO) reader/writer."""

    def __init__(self, form: WavForm = "list-info") -> None:
        self.form = form
        self.name = _NAMES[form]

    def read(self, path: Path) -> Reading:
        """Labels in top-level ``AIGC`` chunks, LIST/INFO ``AIGC`` and XMP."""
        out = Reading()
        for fourcc, body in wave_chunks(path.read_bytes()):
            if fourcc.upper() == b"AIGC":
                out.labels.append(Found(_NAMES["riff-chunk"], _text(body)))
            elif fourcc == b"LIST" and body[:4] == b"INFO":
                for sub, sbody in chunks(body, 4):
                    if sub.upper() == b"AIGC":
                        out.labels.append(Found(_NAMES["list-info"], _text(sbody)))
            elif fourcc == b"_PMX":
                labels, _extras = xmp.read(body.decode("utf-8", "replace"))
                out.labels += [Found(_NAMES["xmp"], p, std) for p, std in labels]
        return out

    def write(self, src: Path, dst: Path, payload: str | None, extras: dict[str, str]) -> None:
        """Remove old AIGC chunks/sub-chunks and append one in the chosen form."""
        if payload is None:  # nothing but AIGC labels is stored here: keep them
            copy_unchanged(src, dst)
            return
        del extras  # audio cues are detected from the samples, no record needed
        parts: list[tuple[bytes, bytes]] = []
        for fourcc, body in wave_chunks(src.read_bytes()):
            if fourcc.upper() == b"AIGC":
                continue
            if fourcc == b"_PMX" and xmp.read(body.decode("utf-8", "replace"))[0]:
                body = xmp.strip(body.decode("utf-8", "replace")).encode("utf-8")
            if fourcc == b"LIST" and body[:4] == b"INFO":
                subs = [(s, b) for s, b in chunks(body, 4) if s.upper() != b"AIGC"]
                if not subs:
                    continue
                body = pack(subs, b"INFO")[8:]
            parts.append((fourcc, body))
        dst.write_bytes(pack(_with_label(parts, self.form, payload), b"WAVE"))


def _with_label(
    parts: list[tuple[bytes, bytes]], form: WavForm, payload: str
) -> list[tuple[bytes, bytes]]:
    """``parts`` (already without labels) with one label in ``form``."""
    raw = payload.encode("latin-1")
    if form == "riff-chunk":
        return [*parts, (b"AIGC", raw)]
    if form == "xmp":
        old = [b.decode("utf-8", "replace") for f, b in parts if f == b"_PMX"]
        packet = xmp.merge(old[0] if old else None, payload).encode("utf-8")
        return [*[(f, b) for f, b in parts if f != b"_PMX"], (b"_PMX", packet)]
    info = [(f, b) for f, b in parts if f == b"LIST" and b[:4] == b"INFO"]
    subs = chunks(info[0][1], 4) if info else []
    rest = [(f, b) for f, b in parts if not (f == b"LIST" and b[:4] == b"INFO")]
    return [*rest, (b"LIST", pack([*subs, (b"AIGC", raw + b"\0")], b"INFO")[8:])]
