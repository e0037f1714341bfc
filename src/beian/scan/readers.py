"""Reader plugins: files → ``Document`` | ``ErrorRecord``, one shard of one file at a time.

Every physical record comes out exactly once, either as a Document or as an ErrorRecord
with file, position and reason; nothing is dropped silently. ``position`` is the byte offset
of the record in the decompressed file for line formats (JSONL, text lines: stable however the
file is split), and the 0-based record index for CSV/TSV, JSON arrays and Parquet.

A reader tells the planner how many shards a file splits into (``parts``) and reads shard
``Shard(rank, world_size)`` of it: a byte range for uncompressed line files, a run of row
groups for Parquet; other files are read whole (``parts`` is 1).
"""

from __future__ import annotations

from pathlib import Path

from beian.registry import registry
from beian.scan.io import stem_suffix
from beian.scan.read_lines import JsonlReader, TextOptions, TextReader
from beian.scan.read_tables import (
    CsvReader,
    JsonOptions,
    JsonReader,
    ParquetOptions,
    ParquetReader,
    TsvReader,
)
from beian.scan.reader_base import BaseReader, Item, Reader, ReaderOptions, Shard

__all__ = ["BaseReader", "Item", "Reader", "ReaderOptions", "Shard", "reader_for"]

EXTENSION_READERS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "tsv",
    ".parquet": "parquet",
    ".txt": "text",
    ".md": "text",
}


def reader_for(path: Path, name: str | None) -> str:
    """The reader name to use for ``path``: ``name`` if given, else from the extension."""
    if name:
        return name
    return EXTENSION_READERS.get(stem_suffix(path), "jsonl")


@registry.register("reader", "jsonl", version="1", options=ReaderOptions)
def _jsonl(options: ReaderOptions) -> JsonlReader:
    """JSON Lines (.jsonl/.ndjson, optionally .gz/.zst), split by byte range when plain."""
    return JsonlReader(options)


@registry.register("reader", "json", version="1", options=JsonOptions)
def _json(options: JsonOptions) -> JsonReader:
    """A JSON list of objects (loaded whole)."""
    return JsonReader(options)


@registry.register("reader", "csv", version="1", options=ReaderOptions)
def _csv(options: ReaderOptions) -> CsvReader:
    """CSV with a header row."""
    return CsvReader(options)


@registry.register("reader", "tsv", version="1", options=ReaderOptions)
def _tsv(options: ReaderOptions) -> TsvReader:
    """TSV with a header row."""
    return TsvReader(options)


@registry.register("reader", "text", version="1", options=TextOptions)
def _text(options: TextOptions) -> TextReader:
    """Plain-text files, one document per file or per line."""
    return TextReader(options)


@registry.register("reader", "parquet", version="1", options=ParquetOptions, requires=("pyarrow",))
def _parquet_reader(options: ParquetOptions) -> ParquetReader:
    """Parquet files (pyarrow), streamed by record batch, split by row group."""
    return ParquetReader(options)
