"""Table formats: JSON arrays, CSV/TSV with a header row, Parquet (pyarrow)."""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import Field

from beian.errors import MissingExtraError
from beian.scan.io import open_binary, open_utf8
from beian.scan.reader_base import (
    BaseReader,
    Item,
    ReaderOptions,
    Shard,
    loads_strict,
    unencodable,
)


class JsonOptions(ReaderOptions):
    """Options of the ``json`` reader."""

    records_key: str | None = None
    """Read the list under this key of a top-level object instead of a top-level list."""
    max_file_bytes: int = Field(default=512 * 1024 * 1024, ge=1)


class JsonReader(BaseReader):
    """A JSON document holding a list of objects (loaded whole: prefer JSONL for big data)."""

    name = "json"
    options: JsonOptions

    def read(self, path: Path, shard: Shard, *, source: str, label: str) -> Iterator[Item]:
        opts = self.options
        with open_binary(path) as fh:
            data = fh.read(opts.max_file_bytes + 1)
        if len(data) > opts.max_file_bytes:
            yield self._error(label, None, f"JSON file larger than {opts.max_file_bytes} bytes")
            return
        codec = self.encoding(path) or "utf-8"
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            yield self._error(label, None, f"undecodable as {codec}: {exc.reason}", data)
            return
        doc, problem = loads_strict(text)
        if problem is not None:
            yield self._error(label, None, f"not a readable JSON document: {problem}")
            return
        rows = doc.get(opts.records_key) if opts.records_key and isinstance(doc, dict) else doc
        if not isinstance(rows, list):
            yield self._error(label, None, "expected a list of records")
            return
        for i, obj in enumerate(rows):
            if not isinstance(obj, dict):
                yield self._error(label, i, f"not a JSON object but {type(obj).__name__}")
                continue
            bad = unencodable(obj)
            if bad is not None:
                yield self._error(label, i, bad)
                continue
            size = len(json.dumps(obj, ensure_ascii=False).encode())
            yield self._document(obj, source=source, label=label, position=i, size=size)


class _DirtyLines:
    """Decoded lines for ``csv``; remembers whether a line failed to decode since last reset."""

    def __init__(self, stream: Iterator[bytes], codec: str) -> None:
        self.stream = stream
        self.codec = codec
        self.dirty = False

    def __iter__(self) -> Iterator[str]:
        for raw in self.stream:
            try:
                yield raw.decode(self.codec)
            except UnicodeDecodeError:
                self.dirty = True
                yield raw.decode(self.codec, errors="replace")


class CsvReader(BaseReader):
    """CSV with a header row; the text and id columns are named by the options."""

    name = "csv"
    delimiter = ","

    def read(self, path: Path, shard: Shard, *, source: str, label: str) -> Iterator[Item]:
        csv.field_size_limit(max(csv.field_size_limit(), self.options.max_record_bytes * 4))
        fh, codec = open_utf8(path, self.encoding(path) or "utf-8")
        with fh:
            decoded = _DirtyLines(iter(fh), codec)
            reader = csv.reader(decoded, delimiter=self.delimiter)
            header = next(reader, None)
            if header is None:
                return
            names = [h.lstrip("\ufeff").strip() for h in header]
            decoded.dirty = False
            for i, cells in enumerate(reader):
                if decoded.dirty:
                    decoded.dirty = False
                    yield self._error(
                        label, i, f"undecodable bytes (read as {codec})", ",".join(cells)
                    )
                    continue
                row = dict(zip(names, cells, strict=False))
                size = sum(len(c) for c in cells)
                yield self._document(row, source=source, label=label, position=i, size=size)


class TsvReader(CsvReader):
    """Tab-separated values with a header row."""

    name = "tsv"
    delimiter = "\t"


class ParquetOptions(ReaderOptions):
    """Options of the ``parquet`` reader."""

    batch_rows: int = Field(default=1024, ge=1)


class ParquetReader(BaseReader):
    """Parquet via pyarrow, streamed in record batches; split by row groups."""

    name = "parquet"
    textual = False
    options: ParquetOptions

    def parts(self, path: Path, target_bytes: int) -> int:
        groups = int(_parquet(path).metadata.num_row_groups)
        return max(1, min(groups, math.ceil(path.stat().st_size / target_bytes)))

    def read(self, path: Path, shard: Shard, *, source: str, label: str) -> Iterator[Item]:
        pf = _parquet(path)
        meta = pf.metadata
        n = meta.num_row_groups
        groups = list(
            range(n * shard.rank // shard.world_size, n * (shard.rank + 1) // shard.world_size)
        )
        position = sum(meta.row_group(g).num_rows for g in range(groups[0])) if groups else 0
        names = set(pf.schema_arrow.names)
        columns = [c for c in (self.options.text_field, self.options.id_field) if c in names]
        if self.options.text_field not in names:
            total = sum(meta.row_group(g).num_rows for g in groups)
            for i in range(position, position + total):
                yield self._error(label, i, f"missing text field {self.options.text_field!r}")
            return
        if not groups:
            return
        for batch in pf.iter_batches(self.options.batch_rows, row_groups=groups, columns=columns):
            for row in batch.to_pylist():
                text = row.get(self.options.text_field)
                size = len(text.encode()) if isinstance(text, str) else 0
                yield self._document(row, source=source, label=label, position=position, size=size)
                position += 1


def _parquet(path: Path) -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingExtraError("pyarrow", "corpus") from None
    return pq.ParquetFile(path)
