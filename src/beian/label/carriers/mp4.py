"""MP4 / MOV: a ``moov/udta/meta`` ``keys`` entry ``AIGC`` with its ``ilst`` value (PG-20257A).

This is the layout ffmpeg writes with ``-movflags use_metadata_tags``, and ffmpeg is what beian
uses to write it (streams are copied, not re-encoded). Reading is done here, box by box, so
verification needs no external tool. Also read: iTunes-style ``----`` items named ``AIGC`` and
XMP ``uuid`` boxes holding ``TC260:AIGC``.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

from beian.label import xmp
from beian.label.carriers.base import FormatError, Reading
from beian.label.model import Found
from beian.label.tools import run, tool

XMP_UUID = bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC")
EXPLICIT_KEY = "beian_explicit"
_CONTAINERS = {b"moov", b"udta", b"trak"}


def boxes(data: bytes, start: int = 0, end: int | None = None) -> Iterator[tuple[bytes, int, int]]:
    """``(type, body_start, box_end)`` of the boxes between ``start`` and ``end``."""
    end = len(data) if end is None else end
    pos = start
    while pos + 8 <= end:
        size, btype = struct.unpack(">I4s", data[pos : pos + 8])
        header = 8
        if size == 1:
            if pos + 16 > end:
                raise FormatError("truncated 64-bit box header")
            (size,) = struct.unpack(">Q", data[pos + 8 : pos + 16])
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            raise FormatError(f"box {btype!r} at byte {pos} overruns its parent")
        yield btype, pos + header, pos + size
        pos += size


def _walk(data: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    for btype, body, stop in boxes(data, start, end):
        yield btype, body, stop
        if btype in _CONTAINERS:
            yield from _walk(data, body, stop)


def _keys(data: bytes, body: int, stop: int) -> list[str]:
    (count,) = struct.unpack(">I", data[body + 4 : body + 8])
    names: list[str] = []
    pos = body + 8
    for _ in range(count):
        (size,) = struct.unpack(">I", data[pos : pos + 4])
        names.append(data[pos + 8 : pos + size].decode("utf-8", "replace"))
        pos += size
    if pos > stop:
        raise FormatError("keys box overruns")
    return names


def _data_value(data: bytes, body: int, stop: int) -> str:
    for btype, dbody, dstop in boxes(data, body, stop):
        if btype == b"data":
            return data[dbody + 8 : dstop].decode("utf-8", "replace")
    return ""


def _meta_items(data: bytes, body: int, stop: int) -> Iterator[tuple[str, str, bool]]:
    """``(name, value, is_mdta_key)`` of every ilst item in one ``meta`` box."""
    children = list(boxes(data, body + 4, stop))  # meta is a full box: skip version/flags
    if children and children[0][0] not in (b"hdlr", b"keys", b"ilst"):
        children = list(boxes(data, body, stop))  # QuickTime meta without version/flags
    keys: list[str] = []
    for btype, cbody, cstop in children:
        if btype == b"keys":
            keys = _keys(data, cbody, cstop)
    for btype, cbody, cstop in children:
        if btype != b"ilst":
            continue
        for item, ibody, istop in boxes(data, cbody, cstop):
            index = int.from_bytes(item, "big")
            if 1 <= index <= len(keys):
                yield keys[index - 1], _data_value(data, ibody, istop), True
            elif item == b"----":
                name = ""
                for sub, sbody, sstop in boxes(data, ibody, istop):
                    if sub == b"name":
                        name = data[sbody + 4 : sstop].decode("utf-8", "replace")
                yield name, _data_value(data, ibody, istop), False


def duration(path: Path) -> float | None:
    """Movie duration in seconds from ``mvhd`` (None if absent)."""
    data = path.read_bytes()
    for btype, body, _stop in _walk(data, 0, len(data)):
        if btype == b"mvhd":
            if data[body] == 1:
                scale, dur = struct.unpack(">IQ", data[body + 20 : body + 32])
            else:
                scale, dur = struct.unpack(">II", data[body + 12 : body + 20])
            return dur / scale if scale else None
    return None


class Mp4Carrier:
    """MP4/MOV ``keys``/``ilst`` reader, ffmpeg-based writer."""

    name = "MP4 moov/udta/meta keys AIGC"

    def read(self, path: Path) -> Reading:
        """Labels in mdta keys, ``----`` items and XMP uuid boxes."""
        data = path.read_bytes()
        if data[4:8] != b"ftyp":
            raise FormatError("not an ISO base media (MP4/MOV) file")
        out = Reading()
        for btype, body, stop in _walk(data, 0, len(data)):
            if btype == b"meta":
                for name, value, mdta in _meta_items(data, body, stop):
                    if name.upper() == "AIGC":
                        where = "MP4 keys AIGC" if mdta else "MP4 ilst ---- AIGC"
                        out.labels.append(Found(where, value, mdta))
                    elif name == EXPLICIT_KEY:
                        out.extras["ExplicitLabel"] = value
            elif btype == b"uuid" and data[body : body + 16] == XMP_UUID:
                labels, _extras = xmp.read(data[body + 16 : stop].decode("utf-8", "replace"))
                out.labels += [Found("MP4 uuid XMP TC260:AIGC", p, False) for p, _ in labels]
        return out

    def write(self, src: Path, dst: Path, payload: str | None, extras: dict[str, str]) -> None:
        """Copy all streams with ffmpeg, setting the AIGC key (and beian's stamp record).

        ``payload`` None keeps the AIGC label there is and only replaces beian's record.
        """
        args = [tool("ffmpeg"), "-v", "error", "-y", "-i", str(src), "-map", "0", "-c", "copy"]
        args += ["-map_metadata", "0", "-movflags", "use_metadata_tags"]
        args += ["-metadata", f"AIGC={payload}"] if payload is not None else []
        args += ["-metadata", f"{EXPLICIT_KEY}={extras.get('ExplicitLabel', '')}"]
        fmt = "mov" if src.suffix.lower() == ".mov" else "mp4"
        run([*args, "-f", fmt, str(dst)], what=f"ffmpeg (label {src.name})")
