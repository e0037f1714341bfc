"""Line formats: JSON Lines and plain text (per file or per line)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

from beian.records import Document
from beian.scan.io import Line, compression_of, has_wide_bom, is_wide, open_utf8
from beian.scan.reader_base import (
    BaseReader,
    Item,
    ReaderOptions,
    Shard,
    line_range,
    loads_strict,
    unencodable,
)

_UTF8 = frozenset({"utf-8", "utf-8-sig"})

_fast_loads: Callable[[bytes], Any] | None
try:  # orjson (optional, beian[corpus]) parses JSON Lines about twice as fast as json
    import orjson

    _fast_loads = orjson.loads
except ImportError:  # pragma: no cover - exercised where orjson is absent
    _fast_loads = None


class JsonlReader(BaseReader):
    """JSON Lines, one object per line; uncompressed files split by byte range."""

    name = "jsonl"

    def parts(self, path: Path, target_bytes: int) -> int:
        if compression_of(path) is not None:
            return 1  # a compressed stream cannot be entered in the middle
        if has_wide_bom(path):
            return 1  # UTF-16/32 is transcoded from its start
        return max(1, math.ceil(path.stat().st_size / target_bytes))

    def read(self, path: Path, shard: Shard, *, source: str, label: str) -> Iterator[Item]:
        codec = self.encoding(path) or "utf-8"
        lines = line_range(path, shard, self.options.max_record_bytes, codec)
        codec = "utf-8" if is_wide(codec) else codec
        for line in lines:
            yield self._line(line, codec, source=source, label=label)

    def _line(self, line: Line, codec: str, *, source: str, label: str) -> Item:
        if line.data is None:
            return self._error(label, line.offset, f"oversize: {line.size} bytes")
        if _fast_loads is not None and codec in _UTF8:
            # Fast path: orjson parses and validates UTF-8 bytes in one step; anything it
            # rejects takes the slow path below, which says precisely what is wrong.
            try:
                obj = _fast_loads(line.data.removeprefix(b"\xef\xbb\xbf"))
            except ValueError:
                obj = None
            if isinstance(obj, dict):
                return self._document(
                    obj, source=source, label=label, position=line.offset, size=line.size
                )
        try:
            text = line.data.decode(codec)
        except UnicodeDecodeError as exc:
            reason = f"undecodable as {codec}: {exc.reason} at byte {exc.start}"
            return self._error(label, line.offset, reason, line.data)
        if not text.strip():
            return self._error(label, line.offset, "blank line")
        obj, problem = loads_strict(text)
        if problem is not None:
            return self._error(label, line.offset, problem, text)
        if not isinstance(obj, dict):
            return self._error(
                label, line.offset, f"not a JSON object but {type(obj).__name__}", text
            )
        bad = unencodable(obj)
        if bad is not None:
            return self._error(label, line.offset, bad, text)
        return self._document(obj, source=source, label=label, position=line.offset, size=line.size)


class TextOptions(ReaderOptions):
    """Options of the ``text`` reader."""

    split: Literal["file", "line"] = "file"
    """One document per file, or one per non-blank line."""


class TextReader(BaseReader):
    """Plain-text files: each file (or each line) is one document."""

    name = "text"
    options: TextOptions

    def read(self, path: Path, shard: Shard, *, source: str, label: str) -> Iterator[Item]:
        codec = self.encoding(path) or "utf-8"
        if self.options.split == "line":
            lines = line_range(path, shard, self.options.max_record_bytes, codec)
            codec = "utf-8" if is_wide(codec) else codec
            for line in lines:
                yield self._line(line, codec, source=source, label=label)
            return
        limit = self.options.max_record_bytes
        fh, codec = open_utf8(path, codec)
        with fh:
            data = fh.read(limit + 1)
        if len(data) > limit:
            yield self._error(label, 0, f"oversize: more than {limit} bytes")
            return
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            yield self._error(
                label, 0, f"undecodable as {codec}: {exc.reason} at byte {exc.start}", data
            )
            return
        meta = {"file": label, "position": 0, "bytes": len(data), "fields": {}}
        yield Document(id=label, text=text, source=source, metadata=meta)

    def _line(self, line: Line, codec: str, *, source: str, label: str) -> Item:
        if line.data is None:
            return self._error(label, line.offset, f"oversize: {line.size} bytes")
        try:
            text = line.data.decode(codec)
        except UnicodeDecodeError as exc:
            reason = f"undecodable as {codec}: {exc.reason} at byte {exc.start}"
            return self._error(label, line.offset, reason, line.data)
        if not text.strip():
            return self._error(label, line.offset, "blank line")
        meta = {"file": label, "position": line.offset, "bytes": line.size, "fields": {}}
        return Document(id=f"{label}@{line.offset}", text=text, source=source, metadata=meta)
