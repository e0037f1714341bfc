"""PNG: a ``tEXt`` chunk with keyword ``AIGC`` (PG-20259A Annex B).

Also read: ``iTXt``/``zTXt`` chunks keyed ``AIGC`` and XMP (``iTXt XML:com.adobe.xmp``) holding
``TC260:AIGC``. Chunks are spliced byte for byte; pixel data is never re-encoded.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

from beian.label import xmp
from beian.label.carriers.base import FormatError, Reading
from beian.label.model import Found, Problem

SIGNATURE = b"\x89PNG\r\n\x1a\n"
_XMP_KEY = b"XML:com.adobe.xmp"
_BEIAN_KEY = b"BeianExplicitLabel"


def chunks(data: bytes) -> Iterator[tuple[bytes, bytes, int, int]]:
    """``(type, body, start, end)`` of each chunk; FormatError on truncation."""
    if not data.startswith(SIGNATURE):
        raise FormatError("not a PNG file")
    pos = len(SIGNATURE)
    while pos < len(data):
        if pos + 8 > len(data):
            raise FormatError("truncated PNG chunk header")
        length, ctype = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 12 + length
        if end > len(data):
            raise FormatError(f"truncated PNG chunk {ctype!r}")
        yield ctype, data[pos + 8 : pos + 8 + length], pos, end
        pos = end
        if ctype == b"IEND":
            return
    raise FormatError("PNG has no IEND chunk")


def make_chunk(ctype: bytes, body: bytes) -> bytes:
    """One PNG chunk with length and CRC."""
    crc = zlib.crc32(ctype + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", crc)


def _text(ctype: bytes, body: bytes) -> tuple[bytes, str]:
    """Keyword and text of a tEXt / zTXt / iTXt chunk."""
    key, _, rest = body.partition(b"\0")
    if ctype == b"tEXt":
        return key, rest.decode("latin-1")
    if ctype == b"zTXt":
        return key, zlib.decompress(rest[1:]).decode("latin-1")
    flag, _method, rest = rest[0], rest[1], rest[2:]
    _lang, _, rest = rest.partition(b"\0")
    _tkey, _, text = rest.partition(b"\0")
    return key, (zlib.decompress(text) if flag else text).decode("utf-8")


class PngCarrier:
    """PNG ``tEXt AIGC`` reader/writer."""

    name = "PNG tEXt AIGC"

    def read(self, path: Path) -> Reading:
        """Labels in tEXt/zTXt/iTXt ``AIGC`` chunks and in XMP."""
        out = Reading()
        for ctype, body, _s, _e in chunks(path.read_bytes()):
            if ctype not in (b"tEXt", b"zTXt", b"iTXt"):
                continue
            try:
                key, text = _text(ctype, body)
            except (zlib.error, UnicodeDecodeError, IndexError) as exc:
                out.problems.append(Problem("bad-chunk", f"unreadable {ctype.decode()}: {exc}"))
                continue
            if key.upper() == b"AIGC":
                out.labels.append(Found(f"PNG {ctype.decode()} {key.decode()}", text))
            elif key == _XMP_KEY:
                labels, extras = xmp.read(text)
                out.labels += [Found("PNG XMP TC260:AIGC", p, std) for p, std in labels]
                out.extras.update(extras)
            elif key == _BEIAN_KEY:
                out.extras["ExplicitLabel"] = text
        return out

    def write(self, src: Path, dst: Path, payload: str | None, extras: dict[str, str]) -> None:
        """Drop old AIGC chunks (and TC260:AIGC in XMP), add one tEXt chunk after IHDR.

        ``payload`` None keeps the AIGC labels there are and only replaces beian's records.
        Every other chunk is copied byte for byte.
        """
        data = src.read_bytes()
        parts = [SIGNATURE]
        for ctype, body, start, end in chunks(data):
            if ctype in (b"tEXt", b"zTXt", b"iTXt"):
                key = body.partition(b"\0")[0]
                if key == _BEIAN_KEY or (payload is not None and key.upper() == b"AIGC"):
                    continue
                if key == _XMP_KEY and payload is not None:
                    parts.append(self._strip_xmp(ctype, body))
                    continue
            parts.append(data[start:end])
            if ctype == b"IHDR":
                if payload is not None:
                    parts.append(make_chunk(b"tEXt", b"AIGC\0" + payload.encode("latin-1")))
                for value in extras.values():
                    parts.append(make_chunk(b"tEXt", _BEIAN_KEY + b"\0" + value.encode("latin-1")))
        dst.write_bytes(b"".join(parts))

    @staticmethod
    def _strip_xmp(ctype: bytes, body: bytes) -> bytes:
        """Re-emit an XMP chunk without TC260:AIGC so the file keeps exactly one label."""
        _key, text = _text(ctype, body)
        labels, _extras = xmp.read(text)
        if not labels:
            return make_chunk(ctype, body)
        cleaned = xmp.strip(text)
        return make_chunk(b"iTXt", _XMP_KEY + b"\0\0\0\0\0" + cleaned.encode("utf-8"))
