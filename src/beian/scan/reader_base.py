"""The reader contract and the plumbing the built-in readers share.

Every physical record comes out exactly once, either as a Document or as an ErrorRecord
with file, position and reason; nothing is dropped silently. ``position`` is the byte offset
of the record in the decompressed file for line formats (JSONL, text lines: stable however the
file is split), and the 0-based record index for CSV/TSV, JSON arrays and Parquet.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from beian.records import Document, ErrorRecord
from beian.scan.io import Line, compression_of, lines, open_utf8, seek_line, sniff
from beian.scan.strict_json import loads_strict, unencodable

Item = Document | ErrorRecord
__all__ = [
    "BaseReader",
    "Item",
    "Reader",
    "ReaderOptions",
    "Shard",
    "line_range",
    "loads_strict",
    "unencodable",
]


@dataclass(frozen=True, slots=True)
class Shard:
    """Which part of a file to read: part ``rank`` of ``world_size``."""

    rank: int = 0
    world_size: int = 1


@runtime_checkable
class Reader(Protocol):
    """Reads records of one file format."""

    name: str

    def parts(self, path: Path, target_bytes: int) -> int:
        """How many shards ``path`` should be split into for shards of ~``target_bytes``."""
        ...

    def encoding(self, path: Path) -> str | None:
        """The text encoding ``path`` is read with (None for binary formats)."""
        ...

    def read(self, path: Path, shard: Shard, *, source: str, label: str) -> Iterator[Item]:
        """Records of ``shard`` of ``path``; ``label`` names the file in records and errors."""
        ...


class ReaderOptions(BaseModel):
    """Options shared by the built-in readers."""

    # The docstrings under the fields are their descriptions (``beian plugins --options`` reads
    # them when it lists the options: pydantic's ``use_attribute_docstrings`` would read this
    # module's source on every import, about 0.025 CPU-s of every corpus command).
    model_config = ConfigDict(extra="forbid", frozen=True)

    text_field: str = "text"
    """Field (JSON) or column (CSV/TSV/Parquet) holding the text to check."""
    id_field: str = "id"
    """Field or column holding the record id; records without one get FILE@POSITION."""
    encoding: str = "auto"
    """``auto``: BOM, else UTF-8, else GB18030 for Chinese text, else a guess (never on tiny
    files); or name a Python codec such as ``gbk``, ``big5``, ``utf-16``."""
    max_record_bytes: int = Field(default=16 * 1024 * 1024, ge=1)
    """Longer records become errors (bytes for line formats, characters otherwise)."""


def _clip(raw: bytes | str | None) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, bytes):
        return raw[:200].decode("utf-8", errors="replace")
    return raw[:200]


class BaseReader:
    """Shared plumbing: encoding per file, record → Document with id and metadata."""

    name = "base"
    textual = True

    def __init__(self, options: ReaderOptions) -> None:
        self.options = options
        self._encodings: dict[Path, str] = {}

    def parts(self, path: Path, target_bytes: int) -> int:
        return 1

    def encoding(self, path: Path) -> str | None:
        if not self.textual:
            return None
        if self.options.encoding != "auto":
            return self.options.encoding
        if path not in self._encodings:
            self._encodings[path] = sniff(path)
        return self._encodings[path]

    def _error(self, label: str, position: int | None, reason: str, raw: Any = None) -> ErrorRecord:
        return ErrorRecord(file=label, position=position, reason=reason, raw=_clip(raw))

    def _document(
        self, obj: dict[str, Any], *, source: str, label: str, position: int, size: int
    ) -> Item:
        opts = self.options
        text = obj.get(opts.text_field)
        if text is None:
            return self._error(label, position, f"missing text field {opts.text_field!r}")
        if not isinstance(text, str):
            kind = type(text).__name__
            return self._error(label, position, f"text field {opts.text_field!r} is {kind}")
        if len(text) > opts.max_record_bytes:
            return self._error(label, position, f"oversize: {len(text)} characters", text)
        ident = obj.get(opts.id_field)
        doc_id = (
            str(ident) if isinstance(ident, str | int) and ident != "" else f"{label}@{position}"
        )
        fields = {k: v for k, v in obj.items() if k != opts.text_field and k != opts.id_field}
        meta = {"file": label, "position": position, "bytes": size, "fields": fields}
        return Document(id=doc_id, text=text, source=source, metadata=meta)


def line_range(path: Path, shard: Shard, limit: int, codec: str) -> Iterator[Line]:
    """Lines of ``shard`` of ``path``, as UTF-8 when ``codec`` is UTF-16/32 (then whole)."""
    fh, _codec = open_utf8(path, codec)
    with fh:
        if shard.world_size == 1:
            yield from lines(fh, limit=limit)
            return
        if compression_of(path) is not None:
            raise ValueError(f"{path}: a compressed file cannot be split into shards")
        size = path.stat().st_size
        start = seek_line(fh, size * shard.rank // shard.world_size)
        end = size * (shard.rank + 1) // shard.world_size
        yield from lines(fh, start=start, end=end, limit=limit)
