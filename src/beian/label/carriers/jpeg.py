"""JPEG: an APP1 XMP packet holding ``TC260:AIGC`` (PG-20259A).

Header segments are spliced byte for byte; the compressed image data is copied unchanged. An
existing XMP packet is merged so its other properties survive.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

from beian.label import xmp
from beian.label.carriers.base import FormatError, Reading
from beian.label.model import Found

XMP_SIG = b"http://ns.adobe.com/xap/1.0/\x00"
_MAX_SEGMENT = 65533
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # markers without a length field (TEM, RSTn)


def segments(data: bytes) -> Iterator[tuple[int, bytes, int, int]]:
    """``(marker, payload, start, end)`` for header segments up to and including SOS."""
    if not data.startswith(b"\xff\xd8"):
        raise FormatError("not a JPEG file")
    pos = 2
    while pos < len(data):
        if data[pos] != 0xFF:
            raise FormatError(f"JPEG marker expected at byte {pos}")
        while pos < len(data) and data[pos] == 0xFF:
            pos += 1  # fill bytes
        if pos >= len(data):
            break
        marker = data[pos]
        start = pos - 1
        if marker in _STANDALONE:
            pos += 1
            continue
        if pos + 3 > len(data):
            raise FormatError("truncated JPEG segment")
        (length,) = struct.unpack(">H", data[pos + 1 : pos + 3])
        end = pos + 1 + length
        if end > len(data) or length < 2:
            raise FormatError(f"truncated JPEG segment 0x{marker:02X}")
        yield marker, data[pos + 3 : end], start, end
        if marker == 0xDA:  # SOS: entropy-coded data follows
            return
        pos = end
    raise FormatError("JPEG has no SOS segment")


def xmp_packets(data: bytes) -> list[str]:
    """Text of every standard XMP APP1 packet."""
    return [
        body[len(XMP_SIG) :].decode("utf-8", "replace")
        for marker, body, _s, _e in segments(data)
        if marker == 0xE1 and body.startswith(XMP_SIG)
    ]


class JpegCarrier:
    """JPEG APP1 XMP reader/writer."""

    name = "JPEG APP1 XMP TC260:AIGC"

    def read(self, path: Path) -> Reading:
        """Labels in every XMP packet."""
        out = Reading()
        for text in xmp_packets(path.read_bytes()):
            labels, extras = xmp.read(text)
            out.labels += [Found("JPEG XMP TC260:AIGC", p, std) for p, std in labels]
            out.extras.update(extras)
        return out

    def write(self, src: Path, dst: Path, payload: str | None, extras: dict[str, str]) -> None:
        """Replace the XMP packet(s) by one merged packet placed after APP0/APP1 Exif.

        ``payload`` None keeps the AIGC labels there are and only replaces beian's records.
        """
        data = src.read_bytes()
        packets = xmp_packets(data)
        merged = xmp.merge(packets[0] if packets else None, payload, extras)
        body = XMP_SIG + merged.encode("utf-8")
        if len(body) + 2 > _MAX_SEGMENT:
            raise FormatError("XMP packet too large for one JPEG APP1 segment")
        segment = b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body
        parts = [b"\xff\xd8"]
        inserted = False
        last = 2
        for marker, seg_body, start, end in segments(data):
            if not inserted and marker not in (0xE0, 0xE1):
                parts.append(segment)
                inserted = True
            if not (marker == 0xE1 and seg_body.startswith(XMP_SIG)):
                parts.append(data[start:end])
            last = end
        parts.append(data[last:])
        dst.write_bytes(b"".join(parts))


_APP14 = 0xEE
"""Adobe segment: it describes the colour transform of the *new* encoding, so it is not copied."""


def _is_metadata(marker: int) -> bool:
    return (0xE0 <= marker <= 0xEF and marker != _APP14) or marker == 0xFE


def keep_segments(original: bytes, encoded: bytes) -> bytes:
    """``encoded`` (a re-encoded JPEG) with every APPn / COM segment of ``original`` instead of
    its own, in the original order: EXIF, XMP (and its AIGC label), ICC, IPTC, MPF, comments."""
    meta = [original[s:e] for m, _b, s, e in segments(original) if _is_metadata(m)]
    parts = [b"\xff\xd8", *meta]
    last = 2
    for marker, _body, start, end in segments(encoded):
        if not _is_metadata(marker):
            parts.append(encoded[start:end])
        last = end
    parts.append(encoded[last:])
    return b"".join(parts)
