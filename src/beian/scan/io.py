"""Byte streams under the readers: transparent gzip/zstd, encoding sniffing, bounded lines.

Lines are read with a length limit so that one enormous line (a corrupt dump, a base64 blob)
costs constant memory: it is skipped in chunks and reported as oversize, never held whole.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import charset_normalizer

from beian.errors import MissingExtraError

COMPRESSED = {".gz": "gzip", ".zst": "zstd", ".zstd": "zstd"}
SNIFF_BYTES = 64 * 1024
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936"}
_CHUNK = 1 << 20
UTF8_NOISE = 0.05
"""Share of undecodable characters up to which a sample still counts as UTF-8."""


def compression_of(path: Path) -> str | None:
    """``gzip``, ``zstd`` or None, from the file name."""
    return COMPRESSED.get(path.suffix.lower())


def stem_suffix(path: Path) -> str:
    """The format suffix with any compression suffix removed (``a.jsonl.gz`` → ``.jsonl``)."""
    name = path.name.lower()
    for ext in COMPRESSED:
        if name.endswith(ext):
            name = name[: -len(ext)]
            break
    return Path(name).suffix


def open_binary(path: Path) -> BinaryIO:
    """A buffered binary stream of the decompressed content of ``path``."""
    kind = compression_of(path)
    if kind == "gzip":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    if kind == "zstd":
        try:
            import zstandard
        except ImportError:
            raise MissingExtraError("zstandard", "corpus") from None
        raw = zstandard.ZstdDecompressor().stream_reader(path.open("rb"), closefd=True)
        return io.BufferedReader(raw, buffer_size=_CHUNK)
    return path.open("rb", buffering=_CHUNK)


def detect_encoding(sample: bytes) -> str:
    """Codec for a file whose first bytes are ``sample``: utf-8(-sig), else the detected one.

    Any GB-family guess is read as GB18030, a superset of GB2312 and GBK.
    """
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is not evidence against UTF-8.
        if exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"
    # A UTF-8 file with a few corrupt records is still UTF-8: its bad lines become errors.
    # GB18030 text read as UTF-8 fails on nearly every non-ASCII character instead.
    decoded = sample.decode("utf-8", errors="replace")
    non_ascii = sum(1 for ch in decoded if ord(ch) > 127)
    if non_ascii and decoded.count("\ufffd") <= UTF8_NOISE * non_ascii:
        return "utf-8"
    guess = charset_normalizer.from_bytes(sample).best()
    name = guess.encoding.lower() if guess is not None else "gb18030"
    return "gb18030" if name in _GB_FAMILY else name


def sniff(path: Path) -> str:
    """The text encoding of ``path`` (decompressed), from its first 64 KiB."""
    with open_binary(path) as fh:
        return detect_encoding(fh.read(SNIFF_BYTES))


@dataclass(frozen=True, slots=True)
class Line:
    """One physical line: its first byte's offset, its bytes (without EOL) or None if too long."""

    offset: int
    data: bytes | None
    size: int


def lines(fh: BinaryIO, *, start: int = 0, end: int | None = None, limit: int) -> Iterator[Line]:
    """Lines of ``fh`` whose first byte lies in ``[start, end)``.

    ``fh`` must be positioned at ``start``. When ``start > 0`` the caller guarantees it is a
    line start (see :func:`seek_line`). Lines longer than ``limit`` bytes come back with
    ``data=None`` and are consumed chunk by chunk.
    """
    offset = start
    while end is None or offset < end:
        raw = fh.readline(limit + 1)
        if not raw:
            return
        size = len(raw)
        if len(raw) > limit and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):
                raw = fh.readline(_CHUNK)
                size += len(raw)
            yield Line(offset, None, size)
        else:
            yield Line(offset, raw.rstrip(b"\r\n"), size)
        offset += size


def seek_line(fh: BinaryIO, start: int) -> int:
    """Move ``fh`` to the first line starting at or after ``start``; return that offset."""
    if start == 0:
        fh.seek(0)
        return 0
    fh.seek(start - 1)
    if fh.read(1) == b"\n":
        return start
    skipped = 0
    while True:
        chunk = fh.readline(_CHUNK)
        skipped += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return start + skipped
