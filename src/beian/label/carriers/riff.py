"""WAV: a top-level RIFF chunk ``AIGC`` holding the Annex E JSON (PG-202510A, as AigcTotal reads it).

Also read: a ``LIST/INFO`` sub-chunk ``AIGC`` (the AVI form of PG-20257A, which ffprobe shows as
a format tag) and XMP in a ``_PMX`` chunk. The writer's ``carrier`` option picks the chunk form
(default) or the LIST/INFO form; it never writes both, so the file keeps one label (L-12).
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Literal

from beian.label import xmp
from beian.label.carriers.base import FormatError, Reading
from beian.label.model import Found

WavForm = Literal["riff-chunk", "list-info"]


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

    def __init__(self, form: WavForm = "riff-chunk") -> None:
        self.form = form
        self.name = "WAV RIFF chunk AIGC" if form == "riff-chunk" else "WAV LIST/INFO AIGC"

    def read(self, path: Path) -> Reading:
        """Labels in top-level ``AIGC`` chunks, LIST/INFO ``AIGC`` and XMP."""
        out = Reading()
        for fourcc, body in wave_chunks(path.read_bytes()):
            if fourcc.upper() == b"AIGC":
                out.labels.append(Found("WAV RIFF chunk AIGC", _text(body)))
            elif fourcc == b"LIST" and body[:4] == b"INFO":
                for sub, sbody in chunks(body, 4):
                    if sub.upper() == b"AIGC":
                        out.labels.append(Found("WAV LIST/INFO AIGC", _text(sbody), False))
            elif fourcc == b"_PMX":
                labels, _extras = xmp.read(body.decode("utf-8", "replace"))
                out.labels += [Found("WAV XMP TC260:AIGC", p, False) for p, _ in labels]
        return out

    def write(self, src: Path, dst: Path, payload: str, extras: dict[str, str]) -> None:
        """Remove old AIGC chunks/sub-chunks and append one in the chosen form."""
        del extras  # audio cues are detected from the samples, no record needed
        parts: list[tuple[bytes, bytes]] = []
        for fourcc, body in wave_chunks(src.read_bytes()):
            if fourcc.upper() == b"AIGC":
                continue
            if fourcc == b"LIST" and body[:4] == b"INFO":
                subs = [(s, b) for s, b in chunks(body, 4) if s.upper() != b"AIGC"]
                if not subs:
                    continue
                body = pack(subs, b"INFO")[8:]
            parts.append((fourcc, body))
        raw = payload.encode("latin-1")
        if self.form == "riff-chunk":
            parts.append((b"AIGC", raw))
        else:
            info = [(f, b) for f, b in parts if f == b"LIST" and b[:4] == b"INFO"]
            subs = chunks(info[0][1], 4) if info else []
            parts = [(f, b) for f, b in parts if not (f == b"LIST" and b[:4] == b"INFO")]
            parts.append((b"LIST", pack([*subs, (b"AIGC", raw + b"\0")], b"INFO")[8:]))
        dst.write_bytes(pack(parts, b"WAVE"))
