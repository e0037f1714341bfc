"""WebP: an ``XMP `` chunk holding ``TC260:AIGC`` (PG-20259A).

Metadata chunks need the extended format, so a simple (``VP8 ``/``VP8L``) file gains a
``VP8X`` header whose canvas size is read from the bitstream. Image data is never re-encoded.
"""

from __future__ import annotations

import struct
from pathlib import Path

from beian.label import xmp
from beian.label.carriers.base import FormatError, Reading
from beian.label.model import Found

_XMP_FLAG = 0x04
_ALPHA_FLAG = 0x10


def chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """``(fourcc, body)`` of each chunk of a RIFF/WEBP file."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise FormatError("not a WebP file")
    out: list[tuple[bytes, bytes]] = []
    pos = 12
    while pos + 8 <= len(data):
        fourcc = data[pos : pos + 4]
        (size,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        if pos + 8 + size > len(data):
            raise FormatError(f"truncated WebP chunk {fourcc!r}")
        out.append((fourcc, data[pos + 8 : pos + 8 + size]))
        pos += 8 + size + (size & 1)
    return out


def _riff(parts: list[tuple[bytes, bytes]]) -> bytes:
    body = b"".join(
        fourcc + struct.pack("<I", len(b)) + b + (b"\0" if len(b) & 1 else b"")
        for fourcc, b in parts
    )
    return b"RIFF" + struct.pack("<I", len(body) + 4) + b"WEBP" + body


def _canvas(fourcc: bytes, body: bytes) -> tuple[int, int, bool]:
    """Width, height and alpha of a simple-format bitstream."""
    if fourcc == b"VP8 " and len(body) >= 10 and body[3:6] == b"\x9d\x01\x2a":
        w, h = struct.unpack("<HH", body[6:10])
        return w & 0x3FFF, h & 0x3FFF, False
    if fourcc == b"VP8L" and len(body) >= 5 and body[0] == 0x2F:
        (bits,) = struct.unpack("<I", body[1:5])
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, bool(bits >> 28 & 1)
    raise FormatError("WebP bitstream header not recognised")


def _vp8x(flags: int, width: int, height: int) -> bytes:
    w, h = width - 1, height - 1
    return bytes([flags, 0, 0, 0]) + w.to_bytes(3, "little") + h.to_bytes(3, "little")


class WebpCarrier:
    """WebP ``XMP `` chunk reader/writer."""

    name = "WebP XMP TC260:AIGC"

    def read(self, path: Path) -> Reading:
        """Labels in every ``XMP `` chunk."""
        out = Reading()
        for fourcc, body in chunks(path.read_bytes()):
            if fourcc == b"XMP ":
                labels, extras = xmp.read(body.decode("utf-8", "replace"))
                out.labels += [Found("WebP XMP TC260:AIGC", p, std) for p, std in labels]
                out.extras.update(extras)
        return out

    def write(self, src: Path, dst: Path, payload: str | None, extras: dict[str, str]) -> None:
        """One merged ``XMP `` chunk at the end; VP8X added or its XMP flag set.

        ``payload`` None keeps the AIGC labels there are and only replaces beian's records.
        """
        parts = chunks(src.read_bytes())
        old = [b.decode("utf-8", "replace") for f, b in parts if f == b"XMP "]
        merged = xmp.merge(old[0] if old else None, payload, extras).encode("utf-8")
        parts = [(f, b) for f, b in parts if f != b"XMP "]
        if parts and parts[0][0] == b"VP8X":
            head = parts[0][1]
            parts[0] = (b"VP8X", bytes([head[0] | _XMP_FLAG]) + head[1:])
        else:
            image = [(f, b) for f, b in parts if f in (b"VP8 ", b"VP8L")]
            if not image:
                raise FormatError("WebP has no image bitstream")
            w, h, alpha = _canvas(*image[0])
            has_alpha = alpha or any(f == b"ALPH" for f, _ in parts)
            flags = _XMP_FLAG | (_ALPHA_FLAG if has_alpha else 0)
            parts.insert(0, (b"VP8X", _vp8x(flags, w, h)))
        parts.append((b"XMP ", merged))
        dst.write_bytes(_riff(parts))
