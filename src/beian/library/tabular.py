"""Rows in and out of CSV, XLSX and JSONL, with legacy Chinese encodings detected and reported.

Everything above this module sees a table as a list of ``{column: value}`` rows. Cells keep
their native type where the format has one (JSONL lists, XLSX booleans and dates); CSV cells
are strings. Writing is round-trip safe: CSV quoting handles commas, quotes and newlines, and
XLSX cells are forced to string type so a term such as ``=cmd`` is never stored as a formula.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from beian.errors import InputError

FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl"}
# Decoding any GB-family guess as GB18030 is safe: it is a superset of GB2312 and GBK.
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936"}


@dataclass(frozen=True, slots=True)
class Sheet:
    """One table of a file; XLSX files may hold several (one per bank in a dossier)."""

    name: str
    rows: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class SheetGuide:
    """What a person filling a sheet needs: bilingual headers, allowed values, instructions.

    Headers are written ``中文 / key``; readers keep the part after the last `` / ``, so a
    filled-in sheet reads back under the same keys (and plain-key sheets still read).
    """

    labels: dict[str, str] = field(default_factory=dict)
    """Chinese label per column key."""
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Allowed values per column (an XLSX dropdown; other values are refused by Excel)."""
    suggestions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Suggested values per column (a dropdown that only warns on other values)."""
    instructions: tuple[str, ...] = ()
    """Lines of the XLSX sheet ``说明 Instructions`` (skipped when the file is read back)."""

    def header(self, column: str) -> str:
        """The header cell of ``column``."""
        label = self.labels.get(column)
        return f"{label}{HEADER_SEP}{column}" if label else column


HEADER_SEP = " / "
INSTRUCTIONS_SHEET = "说明 Instructions"


@dataclass(frozen=True, slots=True)
class Table:
    """What a reader found in a file: its sheets, format and (for text files) encoding."""

    path: Path
    fmt: str
    sheets: list[Sheet]
    encoding: str | None = None
    """The detected text encoding (``utf-8``, ``gb18030`` …); None for XLSX."""
    notes: list[str] = field(default_factory=list)

    @property
    def legacy_encoding(self) -> bool:
        """True when the file was not UTF-8 (GB18030/GBK input is reported to the user)."""
        return self.encoding is not None and self.encoding not in {"utf-8", "utf-8-sig", "ascii"}


def format_of(path: Path) -> str:
    """The format name for ``path``'s extension; InputError for anything else."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise InputError(f"{path}: unsupported file type {path.suffix or '(none)'} (use {known})")
    return fmt


def decode(data: bytes, where: str) -> tuple[str, str]:
    """Decode ``data``: UTF-8 (with or without BOM) first, else the detected encoding."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    import charset_normalizer  # only for tables that are not UTF-8 (a 0.04 s import)

    guess = charset_normalizer.from_bytes(data).best()
    name = guess.encoding.lower() if guess is not None else "gb18030"
    codec = "gb18030" if name in _GB_FAMILY else name
    try:
        return data.decode(codec), name
    except (UnicodeDecodeError, LookupError):
        raise InputError(f"{where}: cannot decode the file (not UTF-8; guessed {name})") from None


def read_table(path: str | Path) -> Table:
    """Read a CSV, XLSX or JSONL file into rows."""
    p = Path(path)
    fmt = format_of(p)
    if not p.is_file():
        raise InputError(f"{p}: no such file")
    if fmt == "xlsx":
        return Table(p, fmt, _read_xlsx(p))
    text, encoding = decode(p.read_bytes(), str(p))
    rows = _read_csv(text) if fmt == "csv" else _read_jsonl(text, p)
    table = Table(p, fmt, [Sheet(p.stem, rows)], encoding)
    if table.legacy_encoding:
        table.notes.append(f"{p.name}: not UTF-8, detected and read as {encoding}")
    return table


def _clean_header(name: object) -> str:
    text = str(name if name is not None else "").replace("\ufeff", "").strip()
    return text.rsplit(HEADER_SEP, 1)[-1].strip() if HEADER_SEP in text else text


def _read_csv(text: str) -> list[dict[str, Any]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        return []
    names = [_clean_header(h) for h in header]
    rows: list[dict[str, Any]] = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        rows.append({n: c for n, c in zip(names, cells, strict=False) if n})
    return rows


def _read_jsonl(text: str, path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from None
        if not isinstance(obj, dict):
            raise InputError(f"{path}:{lineno}: each line must be a JSON object")
        rows.append(obj)
    return rows


def _read_xlsx(path: Path) -> list[Sheet]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise InputError(f"{path}: not a readable XLSX file ({exc.__class__.__name__})") from None
    sheets: list[Sheet] = []
    try:
        for ws in book.worksheets:
            if ws.title == INSTRUCTIONS_SHEET:
                continue
            values = [tuple(r) for r in ws.iter_rows(values_only=True)]
            at = _header_index(values)
            if at is None:
                continue
            names = [_clean_header(h) for h in values[at]]
            rows = [
                {n: v for n, v in zip(names, cells, strict=False) if n and v is not None}
                for cells in values[at + 1 :]
                if any(v is not None and str(v).strip() for v in cells)
            ]
            sheets.append(Sheet(ws.title, rows))
    finally:
        book.close()
    return sheets


def _header_index(values: list[tuple[Any, ...]]) -> int | None:
    """Index of the header row: dossier sheets often open with a one-cell title row
    (附件4 拦截关键词列表), so the header is the first of the top rows with the most cells."""
    filled = [sum(v is not None and str(v).strip() != "" for v in row) for row in values[:5]]
    if not filled or max(filled) == 0:
        return None
    return filled.index(max(filled))


def write_table(
    path: str | Path, columns: list[str], sheets: list[Sheet], guide: SheetGuide | None = None
) -> None:
    """Write rows (cells already converted to str/bool/number/list) in ``path``'s format.

    CSV is written as UTF-8 with a BOM so that Excel shows Chinese correctly; JSONL and XLSX
    may hold several sheets (JSONL concatenates them; XLSX writes one worksheet each). A
    ``guide`` gives XLSX (the format people fill in) bilingual headers, dropdowns and an
    instructions sheet; CSV and JSONL keep plain keys for programs.
    """
    p = Path(path)
    fmt = format_of(p)
    p.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        _write_xlsx(p, columns, sheets, guide)
        return
    rows = [row for sheet in sheets for row in sheet.rows]
    if fmt == "jsonl":
        with p.open("w", encoding="utf-8", newline="\n") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        return
    with p.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_csv_cell(row.get(c)) for c in columns])


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _write_xlsx(
    path: Path, columns: list[str], sheets: list[Sheet], guide: SheetGuide | None
) -> None:
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = openpyxl.Workbook()
    book.remove(book.active)
    for sheet in sheets or [Sheet("Sheet1", [])]:
        ws = book.create_sheet(title=sheet.name[:31] or "Sheet1")
        ws.append([guide.header(c) for c in columns] if guide else columns)
        if guide is not None:
            _guide_sheet(ws, columns, guide, len(sheet.rows))
        for r, row in enumerate(sheet.rows, start=2):
            for c, name in enumerate(columns, start=1):
                value = row.get(name)
                if value is None or value == "":
                    continue
                cell = ws.cell(row=r, column=c)
                if isinstance(value, bool | int | float):
                    cell.value = value
                    continue
                text = str(value)
                if ILLEGAL_CHARACTERS_RE.search(text):
                    raise InputError(
                        f"row {r - 1} column {name}: control characters cannot be stored in XLSX"
                    )
                cell.value = text
                cell.data_type = "s"  # never a formula, whatever the text starts with
    if guide is not None and guide.instructions:
        notes = book.create_sheet(title=INSTRUCTIONS_SHEET)
        for line in guide.instructions:
            notes.append([line])
        notes.column_dimensions["A"].width = 100
    book.save(path)


def _guide_sheet(ws: Any, columns: list[str], guide: SheetGuide, n_rows: int) -> None:
    """Freeze the header and attach dropdowns to the guided columns of one worksheet."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    ws.freeze_panes = "A2"
    last = max(n_rows + 1, 2)
    for c, name in enumerate(columns, start=1):
        strict = name in guide.choices
        values = guide.choices.get(name) or guide.suggestions.get(name)
        formula = '"' + ",".join(values or ()) + '"'
        if not values or len(formula) > 255:  # Excel's limit for an inline list
            continue
        check = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            errorStyle="stop" if strict else "warning",
            showErrorMessage=True,
        )
        letter = get_column_letter(c)
        check.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(check)
