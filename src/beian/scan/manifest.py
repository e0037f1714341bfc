"""The corpus sources register: one entry per source, read from YAML or CSV.

A manifest says, for every source, what it is (type, languages, modality, domestic/foreign),
why it may be used (licence, contract, collection record, consent record, robots/opt-out) and
where its data lies (files or globs, relative to the manifest). Paths are resolved here once,
so everything downstream sees absolute, sorted, de-duplicated file lists.
"""

from __future__ import annotations

import csv
import datetime as dt
import errno
import glob
import hashlib
import io
import os
import stat
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from beian.cachedir import yaml_data
from beian.errors import ConfigError, InputError
from beian.library.tabular import decode

SourceType = Literal["open-source", "self-collected", "commercial", "user-input"]
Modality = Literal["text", "image", "audio", "video"]
Origin = Literal["domestic", "foreign"]

_LIST_SEP = (";", "|")
"""Separators of list cells in a CSV manifest (a comma would clash with the CSV itself)."""


class Record(BaseModel):
    """A provenance document named with what makes it evidence (§5.1 c): the document itself
    (a file relative to the manifest, or a URL), the other party, the date and what it covers."""

    model_config = ConfigDict(extra="forbid")

    document: str = Field(min_length=1)
    party: str = Field(min_length=1)
    """Licensor, counterparty, collecting team or consenting users."""
    date: dt.date
    """Date signed, granted or collected."""
    scope: str = Field(min_length=1)
    """What the document covers: data, uses (training), period."""


class Source(BaseModel):
    """One corpus source as the provider registers it (§5.1 b, c)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120)
    type: SourceType
    languages: list[str] = Field(min_length=1)
    modality: Modality = "text"
    origin: Origin
    licence: str | Record | None = None
    """Licence or authorisation: a file (path relative to the manifest) or a :class:`Record`."""
    contract: Record | str | None = None
    """Contract or cooperation agreement: a :class:`Record` (a bare number is not a contract)."""
    collection_record: str | Record | None = None
    consent_record: str | Record | None = None
    robots_honoured: bool | None = None
    """Self-collected data: robots.txt and other opt-outs were honoured."""
    files: list[str] = Field(min_length=1)
    reader: str | None = None
    """Reader plugin name; inferred from the file extension when empty."""
    reader_options: dict[str, Any] = {}

    @field_validator("languages", "files", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            for sep in _LIST_SEP:
                value = value.replace(sep, ",")
            return [v.strip() for v in value.split(",") if v.strip()]
        return value

    @field_validator("licence", "contract", "collection_record", "consent_record", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value


class Manifest(BaseModel):
    """A loaded register: its sources and the folder their relative paths start from."""

    path: Path
    base: Path
    sha256: str
    sources: list[Source]

    def source(self, name: str) -> Source:
        """The source called ``name``."""
        for s in self.sources:
            if s.name == name:
                return s
        raise KeyError(name)

    def resolve(self, ref: str) -> Path:
        """A path written in the manifest, made absolute against the manifest's folder."""
        p = Path(ref).expanduser()
        return p if p.is_absolute() else self.base / p

    def listing(self, source: Source) -> tuple[list[Path], list[tuple[str, str]]]:
        """The readable files of ``source`` (globs expanded, sorted, each once) and, for every
        entry that names no readable file, ``(entry, reason)``: missing, dangling or looping
        link, folder, or a glob matching nothing (C4: these used to be skipped silently)."""
        found: dict[Path, None] = {}
        problems: list[tuple[str, str]] = []
        for pattern in source.files:
            full = str(self.resolve(pattern))
            if not glob.has_magic(full):
                reason = _not_a_file(Path(full))
                if reason is None:
                    found.setdefault(Path(full).resolve(), None)
                else:
                    problems.append((pattern, reason))
                continue
            matches = sorted(glob.glob(full, recursive=True))
            files = [Path(m) for m in matches if _not_a_file(Path(m)) is None]
            for m in matches:
                reason = _not_a_file(Path(m))
                # A folder matched by a glob is expected (``**``); a broken link is not.
                if reason is not None and not Path(m).is_dir():
                    problems.append((self.relative(Path(m)), reason))
            if not files:
                problems.append((pattern, "matches no file"))
            for f in files:
                found.setdefault(f.resolve(), None)
        return list(found), problems

    def unreadable(self, source: Source) -> list[str]:
        """Entries of ``source.files`` that name no readable file, each with its reason."""
        return [f"{entry}: {reason}" for entry, reason in self.listing(source)[1]]

    def files(self, source: Source) -> list[Path]:
        """The readable files of ``source``: globs expanded, sorted, each once."""
        return self.listing(source)[0]

    def relative(self, path: Path) -> str:
        """``path`` relative to the manifest folder when inside it (stable across machines)."""
        try:
            return path.resolve().relative_to(self.base.resolve()).as_posix()
        except ValueError:
            return str(path)


def _not_a_file(path: Path) -> str | None:
    """Why ``path`` is not a readable regular file, or None when it is one."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return "dangling symbolic link" if path.is_symlink() else "not found"
    except OSError as exc:  # a symlink loop, a permission problem on a parent folder
        return "symbolic link loop" if exc.errno == errno.ELOOP else f"cannot open: {exc.strerror}"
    if stat.S_ISDIR(st.st_mode):
        return "a folder, not a file"
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file"
    if not os.access(path, os.R_OK):
        return "permission denied"
    return None


def load_manifest(path: Path) -> Manifest:
    """Read a YAML (``sources:`` list) or CSV (one row per source) register."""
    if not path.is_file():
        raise InputError(f"corpus manifest not found: {path}")
    data = path.read_bytes()
    rows = (
        _csv_rows(data, path) if path.suffix.lower() in {".csv", ".tsv"} else _yaml_rows(data, path)
    )
    sources: list[Source] = []
    for i, row in enumerate(rows, start=1):
        try:
            sources.append(Source.model_validate(row))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "entry"
            name = row.get("name", f"#{i}") if isinstance(row, dict) else f"#{i}"
            raise ConfigError(f"{path}: source {name}: {where}: {first['msg']}") from None
    names = [s.name for s in sources]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(f"{path}: source names must be unique, repeated: {', '.join(dupes)}")
    if not sources:
        raise ConfigError(f"{path}: the manifest lists no source")
    return Manifest(
        path=path.resolve(),
        base=path.resolve().parent,
        sha256=hashlib.sha256(data).hexdigest(),
        sources=sources,
    )


def _yaml_rows(data: bytes, path: Path) -> list[Any]:
    text, _enc = decode(data, str(path))
    try:
        doc = yaml_data(text, libyaml=False)  # yaml.safe_load, cached: no PyYAML import
    except Exception as exc:
        import yaml

        if not isinstance(exc, yaml.YAMLError):
            raise
        raise ConfigError(f"{path}: not valid YAML ({exc.__class__.__name__})") from None
    rows = doc.get("sources") if isinstance(doc, dict) else doc
    if not isinstance(rows, list):
        raise ConfigError(f"{path}: expected a list of sources under 'sources:'")
    return rows


def _csv_rows(data: bytes, path: Path) -> list[dict[str, Any]]:
    import yaml  # cells may hold YAML (reader options, structured records)

    text, _enc = decode(data, str(path))
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[dict[str, Any]] = []
    for raw in reader:
        row: dict[str, Any] = {
            (k or "").strip().lstrip("\ufeff"): (v or "").strip() for k, v in raw.items()
        }
        if not any(row.values()):
            continue
        if row.get("robots_honoured", "") == "":
            row.pop("robots_honoured", None)
        for key in ("reader", "reader_options"):
            if not row.get(key):
                row.pop(key, None)
        if "reader_options" in row:
            row["reader_options"] = yaml.safe_load(row["reader_options"]) or {}
        for key in ("licence", "contract", "collection_record", "consent_record"):
            # A structured record in a CSV cell is a YAML flow mapping: {document: …, party: …}
            if str(row.get(key, "")).startswith("{"):
                row[key] = yaml.safe_load(row[key])
        rows.append(row)
    return rows
