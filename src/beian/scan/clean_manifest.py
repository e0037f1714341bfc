"""The sources manifest ``corpus filter`` writes for its ``clean/`` folder (F18).

``clean/`` holds one JSON Lines file per task and a task never mixes sources, so every source
of the input keeps its own files and its register entry (type, licence, records …). The clean
files are JSON Lines whatever the input format was: one format keeps each record's provenance
(source, file, position, other fields) next to its text, which a CSV or Parquet copy could not
carry faithfully. Feed the folder back with ``beian corpus assess OUT/clean/manifest.yaml``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from beian.scan.engine import ShardStats
from beian.scan.manifest import Manifest, Source

MANIFEST_NAME = "manifest.yaml"
_EVIDENCE = ("licence", "contract", "collection_record", "consent_record")


def _entry(manifest: Manifest, source: Source, folder: Path, files: list[str]) -> dict[str, Any]:
    entry = source.model_dump(
        mode="json", exclude={"files", "reader", "reader_options"}, exclude_none=True
    )
    for key in _EVIDENCE:
        value = entry.get(key)
        # A record file named relative to the input manifest must still be found from here.
        if value and manifest.resolve(value).is_file():
            entry[key] = os.path.relpath(manifest.resolve(value), folder)
    entry["files"] = files
    entry["reader"] = "jsonl"
    return entry


def write_clean_manifest(manifest: Manifest, stats: list[ShardStats], out: Path) -> Path:
    """Write ``out/clean/manifest.yaml`` listing each source's clean files; return its path."""
    folder = out / "clean"
    folder.mkdir(parents=True, exist_ok=True)
    per_source: dict[str, list[str]] = {}
    for s in sorted(stats, key=lambda s: s.task):
        if s.clean:
            per_source.setdefault(s.source, []).append(f"{s.task:05d}.jsonl")
    entries = [
        _entry(manifest, src, folder, per_source[src.name])
        for src in manifest.sources
        if src.name in per_source
    ]
    empty = [src.name for src in manifest.sources if src.name not in per_source]
    head = f"# Clean records of {manifest.path} written by 'beian corpus filter'.\n"
    if empty:
        head += f"# Sources without any clean record (left out): {', '.join(empty)}\n"
    path = folder / MANIFEST_NAME
    tmp = path.with_name(f".{MANIFEST_NAME}.tmp")
    import yaml  # only `corpus filter` writes one; the scan itself reads no YAML once cached

    body = yaml.safe_dump({"sources": entries}, allow_unicode=True, sort_keys=False)
    tmp.write_text(head + body, encoding="utf-8")
    tmp.replace(path)
    return path
