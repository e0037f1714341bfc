"""Byte streams under the readers: transparent gzip/zstd, encoding sniffing, bounded lines.

Lines are read with a length limit so that one enormous line (a corrupt dump, a base64 blob)
costs constant memory: it is skipped in chunks and reported as oversize, never held whole.
"""

from __future__ import annotations

import codecs
import gzip
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from beian.errors import MissingExtraError

COMPRESSED = {".gz": "gzip", ".zst": "zstd", ".zstd": "zstd"}
SNIFF_BYTES = 64 * 1024
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936"}
_CHUNK = 1 << 20
_ZSTD_STEP = 1 << 16
UTF8_NOISE = 0.05
"""Share of undecodable characters up to which a sample still counts as UTF-8."""
GB_SHARE = 0.9
"""Share of non-ASCII characters that must be common GB2312 characters for a sample that
decodes as GB18030 to be read as GB18030 (C5: small GBK files were guessed as Korean)."""
MIN_EVIDENCE_BYTES = 64
"""Fewer non-ASCII bytes than this, and no GB evidence: too little to guess from (C5)."""
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class UncertainEncoding(ValueError):
    """A file's encoding cannot be told from its bytes; the user must name it."""


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
        return io.BufferedReader(_ZstdStream(path.open("rb"), zstandard), buffer_size=_CHUNK)
    return path.open("rb", buffering=_CHUNK)


class _ZstdStream(io.RawIOBase):
    """Decompressed zstd frames that raise at a cut instead of ending quietly (C3).

    ``zstandard``'s stream reader returns end-of-file when the input stops inside a frame, so
    a truncated ``.zst`` looked complete. Here the end of input inside a frame is an
    ``EOFError``, as gzip raises.
    """

    def __init__(self, raw: BinaryIO, zstandard: Any) -> None:
        self.raw = raw
        self.zstd = zstandard
        self.dobj = self._frame()
        self.pending = b""
        self.pos = 0
        self.started = False

    def _frame(self) -> Any:
        return self.zstd.ZstdDecompressor().decompressobj(write_size=_CHUNK)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while self.pos >= len(self.pending):
            self.pending, self.pos = b"", 0
            # Small input steps keep each output block small (one huge block costs page faults).
            chunk = self.raw.read(_ZSTD_STEP)
            if not chunk:
                if self.started and not self.dobj.eof:
                    raise EOFError("zstd stream ends inside a frame (file truncated)")
                return 0
            while chunk:
                if self.dobj.eof:  # the next frame of a multi-frame file
                    self.dobj = self._frame()
                self.started = True
                self.pending += self.dobj.decompress(chunk)
                chunk = self.dobj.unused_data if self.dobj.eof else b""
        return _serve(self, buffer)

    def close(self) -> None:
        self.raw.close()
        super().close()


def _serve(stream: Any, buffer: Any) -> int:
    """Copy the next decoded bytes of ``stream.pending`` into ``buffer`` (no re-slicing)."""
    n: int = min(len(buffer), len(stream.pending) - stream.pos)
    buffer[:n] = memoryview(stream.pending)[stream.pos : stream.pos + n]
    stream.pos += n
    return n


def detect_encoding(sample: bytes, *, complete: bool = False) -> str:
    """Codec for a file whose first bytes are ``sample``: BOM, UTF-8, GB18030, else a guess.

    Chinese text is read as GB18030 (a superset of GB2312 and GBK) whenever the sample
    decodes as GB18030 into common GB2312 characters: other detectors take short GBK text for
    Korean (C5). ``complete`` says the sample is the whole file. Without GB evidence and with
    fewer than ``MIN_EVIDENCE_BYTES`` non-ASCII bytes, raises :class:`UncertainEncoding`.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for bom, codec in _BOMS:
        if sample.startswith(bom):
            return codec
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
    if _looks_gb(sample, complete):
        return "gb18030"
    if sum(1 for b in sample if b > 127) < MIN_EVIDENCE_BYTES:
        raise UncertainEncoding(
            "uncertain encoding: neither UTF-8 nor GB18030 and too short to guess; "
            "name it with reader_options: {encoding: ...}"
        )
    import charset_normalizer  # only for files that are neither UTF-8 nor GB (rare, 0.05 s import)

    guess = charset_normalizer.from_bytes(sample).best()
    name = guess.encoding.lower() if guess is not None else "gb18030"
    return "gb18030" if name in _GB_FAMILY else name


def _looks_gb(sample: bytes, complete: bool) -> bool:
    """``sample`` decodes as GB18030 and its non-ASCII characters are mostly in GB2312."""
    decoder = codecs.getincrementaldecoder("gb18030")()
    try:
        text = decoder.decode(sample, final=complete)
    except UnicodeDecodeError:
        return False
    wide = [ch for ch in text if ord(ch) > 127]
    if not wide:
        return False
    common = 0
    for ch in wide:
        try:
            ch.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common >= GB_SHARE * len(wide)


def is_wide(codec: str) -> bool:
    """UTF-16/32: a 0x0A byte is not a line end, so lines are split after transcoding (C9)."""
    return codecs.lookup(codec).name.startswith(("utf-16", "utf-32"))


class _Transcoded(io.RawIOBase):
    """The UTF-8 bytes of a stream in another encoding (UTF-16/32 here).

    Unpaired surrogates pass through (as invalid UTF-8) so that they fail on their own line
    instead of failing the file.
    """

    def __init__(self, raw: BinaryIO, codec: str) -> None:
        self.raw = raw
        self.decoder = codecs.getincrementaldecoder(codec)(errors="surrogatepass")
        self.pending = b""
        self.pos = 0
        self.done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while self.pos >= len(self.pending) and not self.done:
            self.pos = 0
            chunk = self.raw.read(_CHUNK)
            self.done = not chunk
            text = self.decoder.decode(chunk, final=self.done)
            self.pending = text.encode("utf-8", errors="surrogatepass")
        return _serve(self, buffer)

    def close(self) -> None:
        self.raw.close()
        super().close()


def open_utf8(path: Path, codec: str) -> tuple[BinaryIO, str]:
    """``path`` decompressed, transcoded to UTF-8 if ``codec`` is UTF-16/32; and the codec
    its bytes are then in."""
    fh = open_binary(path)
    if not is_wide(codec):
        return fh, codec
    return io.BufferedReader(_Transcoded(fh, codec), buffer_size=_CHUNK), "utf-8"


def has_wide_bom(path: Path) -> bool:
    """The (uncompressed) file starts with a UTF-16 or UTF-32 byte-order mark."""
    with path.open("rb") as fh:
        head = fh.read(4)
    return any(head.startswith(bom) for bom, _codec in _BOMS)


def sniff(path: Path) -> str:
    """The text encoding of ``path`` (decompressed), from its first 64 KiB."""
    with open_binary(path) as fh:
        sample = fh.read(SNIFF_BYTES)
        complete = len(sample) < SNIFF_BYTES or not fh.read(1)
    return detect_encoding(sample, complete=complete)


class DamagedFile(Exception):
    """Reading stopped inside a file: ``offset`` bytes (decompressed) were read whole."""

    def __init__(self, offset: int, reason: str) -> None:
        super().__init__(f"{reason} (at byte {offset})")
        self.offset = offset
        self.reason = reason


def describe(exc: BaseException) -> str:
    """One line naming what went wrong while reading a file."""
    if isinstance(exc, UncertainEncoding | DamagedFile):
        return str(exc) if isinstance(exc, UncertainEncoding) else exc.reason
    if isinstance(exc, EOFError):
        return f"truncated file: {exc or 'unexpected end of data'}"
    if isinstance(exc, gzip.BadGzipFile):
        return f"not a gzip file: {exc}"
    if isinstance(exc, FileNotFoundError):
        return "file not found"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, IsADirectoryError):
        return "a folder, not a file"
    if isinstance(exc, OSError):
        return f"unreadable file: {exc.strerror or exc}"
    name = type(exc).__name__
    return f"damaged file: {name}: {exc}"[:300]


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
        raw = _readline(fh, limit + 1, offset)
        if not raw:
            return
        size = len(raw)
        if len(raw) > limit and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):
                raw = _readline(fh, _CHUNK, offset)
                size += len(raw)
            yield Line(offset, None, size)
        else:
            yield Line(offset, raw.rstrip(b"\r\n"), size)
        offset += size


def _readline(fh: BinaryIO, size: int, offset: int) -> bytes:
    # A truncated or corrupt stream fails inside readline: the lines before ``offset`` were
    # delivered, the rest of the file is lost and must be reported, not dropped (C2, C3).
    try:
        return fh.readline(size)
    except Exception as exc:
        raise DamagedFile(offset, describe(exc)) from exc


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
