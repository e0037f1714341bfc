"""Damage that parsers tolerate but a labelled copy should not hide (reliability.md L6).

The carriers read what they need and stop, so a PNG with a bad CRC, a JPEG cut off after its
scan header or a WAV whose RIFF size is wrong can still be labelled. These checks say so: ``add``
attaches the findings as notes, ``verify`` reports them as problems.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from beian.label.carriers.base import FormatError

_RIFF_MEDIA = ("audio/wav", "image/webp")


def damage(path: Path, media: str) -> list[str]:
    """Human-readable descriptions of structural damage in ``path`` (empty = none found)."""
    data = path.read_bytes()
    if media == "image/png":
        return _png(data)
    if media == "image/jpeg":
        return _jpeg(data)
    if media in _RIFF_MEDIA:
        return _riff(data)
    return []


def _png(data: bytes) -> list[str]:
    from beian.label.carriers.png import chunks

    found: list[str] = []
    try:
        for ctype, body, _start, end in chunks(data):
            (crc,) = struct.unpack(">I", data[end - 4 : end])
            if crc != zlib.crc32(ctype + body) & 0xFFFFFFFF:
                found.append(f"PNG chunk {ctype.decode('latin-1')} has a bad CRC")
            last = end
    except FormatError as exc:
        return [str(exc)]
    if last < len(data):
        found.append(f"{len(data) - last} bytes after the PNG IEND chunk")
    return found


def _jpeg(data: bytes) -> list[str]:
    # The entropy-coded data after SOS ends with the EOI marker; without it the image is cut.
    if not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
        return ["JPEG has no end-of-image marker (truncated?)"]
    return []


def _riff(data: bytes) -> list[str]:
    if len(data) < 12:
        return ["RIFF file is shorter than its header"]
    (size,) = struct.unpack("<I", data[4:8])
    found: list[str] = []
    if size + 8 != len(data):
        found.append(f"RIFF size field says {size + 8} bytes, the file has {len(data)}")
    pos = 12
    while pos + 8 <= len(data):
        fourcc = data[pos : pos + 4]
        (csize,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        if fourcc == b"fmt " and csize < 16:
            found.append(f"WAV fmt chunk has {csize} bytes (at least 16 needed)")
        if pos + 8 + csize > len(data):
            found.append(f"RIFF chunk {fourcc.decode('latin-1')!r} runs past the end of the file")
            break
        pos += 8 + csize + (csize & 1)
    return found
