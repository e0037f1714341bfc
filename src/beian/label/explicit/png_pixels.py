"""Stamp a PNG without losing samples or chunks (reliability.md L1, L3).

Pillow keeps neither 16-bit colour samples nor unknown chunks, so the PNG path works on the
file itself: the samples are decoded exactly (Pillow for 8-bit, ffmpeg for 16-bit), the stamp
overlay is alpha-composited in the file's own sample depth, and only ``IHDR`` and ``IDAT`` are
replaced; every other chunk (text, XMP, eXIf, iCCP, gAMA, unknown ones, the AIGC label) is
copied byte for byte. Palette and 1/2/4-bit images are expanded to 8-bit samples (colours
unchanged) because a stamp needs colours the palette may not have; ``add`` says so in a note.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image

from beian.label.carriers.base import FormatError
from beian.label.carriers.png import SIGNATURE, chunks, make_chunk
from beian.label.tools import run, tool

Samples = npt.NDArray[np.uint16] | npt.NDArray[np.uint8]
_CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}
_FFMPEG_16 = {0: "gray16be", 2: "rgb48be", 4: "ya16be", 6: "rgba64be"}
_PILLOW_8 = {0: "L", 2: "RGB", 4: "LA", 6: "RGBA"}
_PALETTE_CHUNKS = {b"PLTE", b"tRNS", b"bKGD", b"sBIT", b"hIST", b"sPLT"}
"""Chunks whose meaning depends on the colour type; dropped when the type has to change."""
_IDAT_SPLIT = 1 << 20


@dataclass(frozen=True, slots=True)
class Header:
    """The fields of ``IHDR`` the stamp needs."""

    width: int
    height: int
    depth: int
    color: int

    @classmethod
    def parse(cls, body: bytes) -> Header:
        width, height, depth, color = struct.unpack(">IIBB", body[:10])
        return cls(width, height, depth, color)


def read_samples(path: Path, head: Header) -> tuple[Samples, int, str]:
    """``(height × width × channels samples, colour type, note)`` at the file's own depth."""
    if head.depth == 16 and head.color in _FFMPEG_16:
        fmt = _FFMPEG_16[head.color]
        args = [tool("ffmpeg"), "-v", "error", "-i", str(path), "-f", "rawvideo"]
        raw = run([*args, "-pix_fmt", fmt, "-"], what=f"ffmpeg decode {path.name}")
        shape = (head.height, head.width, _CHANNELS[head.color])
        if len(raw) != 2 * shape[0] * shape[1] * shape[2]:
            raise FormatError("16-bit PNG decoded to an unexpected size")
        return np.frombuffer(raw, ">u2").reshape(shape).astype(np.uint16), head.color, ""
    with Image.open(path) as im:
        if head.depth == 8 and head.color in _PILLOW_8:
            arr = np.asarray(im.convert(_PILLOW_8[head.color]), np.uint8)
            return arr.reshape(head.height, head.width, -1), head.color, ""
        alpha = im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info
        if head.color == 0:  # 1/2/4-bit grey
            target, color = ("LA", 4) if alpha else ("L", 0)
        else:
            target, color = ("RGBA", 6) if alpha else ("RGB", 2)
        arr = np.asarray(im.convert(target), np.uint8).reshape(head.height, head.width, -1)
    note = f"{head.depth}-bit {'palette' if head.color == 3 else 'grey'} PNG expanded to 8-bit "
    return arr, color, note + f"{target} for the stamp (colours unchanged)"


def composite(samples: Samples, overlay: Image.Image) -> Samples:
    """``samples`` with the RGBA ``overlay`` blended over them, in the samples' own depth."""
    ov = np.asarray(overlay, np.float64) / 255.0
    alpha = ov[..., 3:4]
    channels = samples.shape[2]
    top = ov[..., :3]
    if channels <= 2:  # grey: the stamp is black and white, so luminance is exact enough
        top = (top @ np.array([0.299, 0.587, 0.114]))[..., None]
    full = 65535.0 if samples.dtype == np.uint16 else 255.0
    base = samples.astype(np.float64) / full
    colour = base[..., : channels - (channels in (2, 4))]
    if channels in (2, 4):  # alpha channel: Porter-Duff "over"
        base_a = base[..., -1:]
        out_a = alpha + base_a * (1 - alpha)
        mixed = (top * alpha + colour * base_a * (1 - alpha)) / np.maximum(out_a, 1e-12)
        out = np.concatenate([mixed, out_a], axis=2)
    else:
        out = top * alpha + colour * (1 - alpha)
    touched = alpha[..., 0] > 0  # pixels outside the stamp keep their exact samples
    result = samples.copy()
    result[touched] = np.round(out[touched] * full).astype(samples.dtype)
    return result


def encode_idat(samples: Samples) -> list[bytes]:
    """``IDAT`` chunks of ``samples`` (no filtering, big-endian 16-bit as PNG requires)."""
    h = samples.shape[0]
    rows = samples.astype(">u2" if samples.dtype == np.uint16 else np.uint8).reshape(h, -1)
    raw = np.concatenate([np.zeros((h, 1), np.uint8), rows.view(np.uint8)], axis=1)
    data = zlib.compress(raw.tobytes(), 6)
    return [
        make_chunk(b"IDAT", data[i : i + _IDAT_SPLIT]) for i in range(0, len(data), _IDAT_SPLIT)
    ]


def stamp_png(src: Path, dst: Path, overlay: Image.Image) -> str:
    """Write ``src`` with ``overlay`` composited to ``dst``; return a note ("" = none)."""
    data = src.read_bytes()
    parts = list(chunks(data))
    ihdr = next((body for ctype, body, _s, _e in parts if ctype == b"IHDR"), None)
    if ihdr is None:
        raise FormatError("PNG has no IHDR chunk")
    head = Header.parse(ihdr)
    samples, color, note = read_samples(src, head)
    stamped = composite(samples, overlay)
    depth = 16 if stamped.dtype == np.uint16 else 8
    new_ihdr = struct.pack(">IIBBBBB", head.width, head.height, depth, color, 0, 0, 0)
    out = [SIGNATURE]
    idat_done = False
    for ctype, _body, start, end in parts:
        if ctype == b"IHDR":
            out.append(make_chunk(b"IHDR", new_ihdr))
        elif ctype == b"IDAT":
            if not idat_done:
                out += encode_idat(stamped)
                idat_done = True
        elif not (color != head.color and ctype in _PALETTE_CHUNKS):
            out.append(data[start:end])
    dst.write_bytes(b"".join(out))
    return note
