"""Cutting a corpus into tasks: the units that run, complete, and resume independently.

A task belongs to one source and holds either several whole small files or one part of a big
file. The plan depends only on the manifest, the files and the shard size, never on how many
workers run it, so a run can be resumed with a different executor and gives the same outputs.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from beian.registry import registry
from beian.scan import readers as _readers  # noqa: F401  (registers the reader plugins)
from beian.scan.manifest import Manifest, Source
from beian.scan.readers import Reader, reader_for


class FilePart(BaseModel):
    """Part ``rank`` of ``world_size`` of one file."""

    path: str
    label: str
    """The file as named in outputs: relative to the manifest when inside its folder."""
    rank: int = 0
    world_size: int = 1
    bytes: int
    """On-disk bytes this part covers (its share of the file)."""
    problem: str | None = None
    """Why a listed entry cannot be read at all (missing, a folder …): it becomes an error
    record instead of being skipped."""


class Task(BaseModel):
    """One unit of work: files (or a part of one) of a single source, read by one reader."""

    index: int
    source: str
    reader: str
    reader_options: dict[str, Any] = {}
    files: list[FilePart]

    @property
    def key(self) -> str:
        """Zero-padded task id used for file names (``00042``)."""
        return f"{self.index:05d}"

    @property
    def bytes(self) -> int:
        """On-disk bytes of the task."""
        return sum(f.bytes for f in self.files)


def build_reader(name: str, options: dict[str, Any]) -> Reader:
    """A reader plugin instance."""
    reader, _spec = registry.create("reader", name, **options)
    assert isinstance(reader, Reader)
    return reader


def _source_tasks(manifest: Manifest, source: Source, target: int, start: int) -> list[Task]:
    tasks: list[Task] = []
    bundle: list[FilePart] = []
    readers: dict[str, Reader] = {}

    def close(name: str) -> None:
        if bundle:
            tasks.append(
                Task(
                    index=start + len(tasks),
                    source=source.name,
                    reader=name,
                    reader_options=source.reader_options,
                    files=list(bundle),
                )
            )
            bundle.clear()

    last = ""
    files, problems = manifest.listing(source)
    for path in files:
        name = reader_for(path, source.reader)
        if name != last:
            close(last)
            last = name
        if name not in readers:
            readers[name] = build_reader(name, source.reader_options)
        size = path.stat().st_size
        label = manifest.relative(path)
        parts = _parts(readers[name], path, target)
        if parts == 1:
            bundle.append(FilePart(path=str(path), label=label, bytes=size))
            if sum(f.bytes for f in bundle) >= target:
                close(name)
            continue
        close(name)
        for rank in range(parts):
            share = size * (rank + 1) // parts - size * rank // parts
            bundle.append(
                FilePart(path=str(path), label=label, rank=rank, world_size=parts, bytes=share)
            )
            close(name)
    close(last)
    if problems:
        name = source.reader or "jsonl"
        for entry, reason in problems:
            bundle.append(FilePart(path=entry, label=entry, bytes=0, problem=reason))
        close(name)
    return tasks


def _parts(reader: Reader, path: Path, target: int) -> int:
    # A file too damaged to plan (a corrupt Parquet footer, C6) is read whole, and reading it
    # reports the damage as an error record of that file.
    try:
        return reader.parts(path, target)
    except Exception:
        return 1


def plan_tasks(
    manifest: Manifest, shard_bytes: int, sources: list[str] | None = None
) -> list[Task]:
    """Every task of the corpus, in manifest order (optionally only the named sources)."""
    tasks: list[Task] = []
    for source in manifest.sources:
        if sources is not None and source.name not in sources:
            continue
        tasks.extend(_source_tasks(manifest, source, shard_bytes, len(tasks)))
    return tasks


def fingerprint(tasks: list[Task]) -> str:
    """Hash of the inputs a plan covers (paths, sizes, modification times)."""
    h = hashlib.sha256()
    seen: set[str] = set()
    for t in tasks:
        for f in t.files:
            if f.path in seen or f.problem is not None:
                continue
            seen.add(f.path)
            st = Path(f.path).stat()
            h.update(f"{f.path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()
