"""Reading a transcribed public list (CSV or XLSX) and finding its six columns by content.

Users copy the CAC announcements (PDF) into spreadsheets; columns end up swapped, headers are
repeated or missing. Columns are therefore recognised by what their cells look like (a filing
number, a date, a company name, a province, a sequence number); the header only confirms, and
a disagreement is reported. Within a row, a model name and company, or a number and date, that
were swapped are put back, with a note.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from beian.errors import InputError
from beian.filing.numbers import normalise, province_name

FIELDS = ("seq", "province", "model_name", "company", "number", "filed_on")
FIELD_LABELS = {
    "seq": "序号",
    "province": "属地",
    "model_name": "模型名称",
    "company": "备案单位",
    "number": "备案号",
    "filed_on": "备案时间",
}
_HEADER_WORDS = {
    "seq": ("序号", "编号序号", "no", "#"),
    "province": ("属地", "所在地", "省份", "地区"),
    "model_name": ("模型名称", "服务名称", "应用名称", "产品名称", "名称"),
    "company": ("备案单位", "登记单位", "单位", "主体", "企业名称", "公司"),
    "number": ("备案号", "登记编号", "备案编号", "编号"),
    "filed_on": ("备案时间", "登记时间", "时间", "日期"),
}
_COMPANY = re.compile(
    r"(公司|集团|研究院|研究所|大学|学院|中心|实验室|医院|银行|事务所|协会|工作室|合作社|局|厂)$"
)
_NUMBER_SHAPE = re.compile(r"^(网信算备\S+|[A-Za-z]+-.+-\d{6,})$")
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


@dataclass(frozen=True)
class RawRow:
    """One input row as text cells, with where it came from."""

    row_no: int
    where: str
    cells: tuple[str, ...]


def parse_date(text: str) -> date | None:
    """A 备案时间 cell as a date (2024-04-28, 2024/4/28, 2024年4月28日, 20240428), or None."""
    cell = normalise(text)
    for pattern in _DATE_PATTERNS:
        m = pattern.match(cell)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
    return None


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _decode(data: bytes, path: Path) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{path}: not UTF-8 or GB18030 text")


def _read_csv(path: Path) -> list[RawRow]:
    text = _decode(path.read_bytes(), path)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], ",\t;")
    except csv.Error:
        dialect = csv.excel
    rows = csv.reader(io.StringIO(text), dialect)
    return [
        RawRow(n, f"{path.name}:{n}", tuple(c.strip() for c in r))
        for n, r in enumerate(rows, start=1)
    ]


def _read_xlsx(path: Path) -> list[RawRow]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise InputError(f"{path}: not a readable XLSX file ({exc.__class__.__name__})") from None
    out: list[RawRow] = []
    for sheet in book.worksheets:
        for n, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            out.append(RawRow(len(out) + 1, f"{sheet.title}!{n}", tuple(_cell(v) for v in values)))
    book.close()
    return out


def read_rows(path: Path) -> list[RawRow]:
    """Every row of a CSV/TSV or XLSX file (all sheets), numbered from 1."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if path.suffix.lower() in (".csv", ".tsv", ".txt"):
        return _read_csv(path)
    raise InputError(f"{path}: use a .csv, .tsv or .xlsx file")


def header_fields(cells: tuple[str, ...]) -> dict[int, str]:
    """Column → field for a header row (at least three known titles), else empty."""
    found: dict[int, str] = {}
    for i, cell in enumerate(cells):
        word = normalise(cell).lower()
        for name, words in _HEADER_WORDS.items():
            if word in words and name not in found.values():
                found[i] = name
                break
    return found if len(found) >= 3 else {}


def is_company(text: str) -> bool:
    """Looks like an organisation's name (ends in 公司, 研究院, 大学 …)."""
    return bool(_COMPANY.search(normalise(text)))


def is_number_shaped(text: str) -> bool:
    """Looks like a filing number, well formed or not."""
    return bool(_NUMBER_SHAPE.match(normalise(text)))


def _is_seq(text: str) -> bool:
    return text.isdigit() and len(text) <= 6


_TESTS: dict[str, Callable[[str], bool]] = {
    "number": is_number_shaped,
    "filed_on": lambda c: parse_date(c) is not None,
    "seq": _is_seq,
    "province": lambda c: bool(province_name(c)),
    "company": is_company,
}


def detect_columns(
    rows: list[tuple[str, ...]], header: dict[int, str] | None = None
) -> dict[str, int]:
    """Field → column, chosen by the share of cells that look like each field (≥ 50 %).

    Fields content cannot place are taken from the header when it names a free column (a
    registration list's numbers have no confirmed shape to recognise). The model name is
    otherwise the remaining column with the most text: it has no shape of its own.
    """
    width = max((len(r) for r in rows), default=0)
    scores: list[tuple[float, str, int]] = []
    for col in range(width):
        cells = [r[col] for r in rows if col < len(r) and r[col]]
        if not cells:
            continue
        for name, test in _TESTS.items():
            share = sum(1 for c in cells if test(c)) / len(cells)
            if share >= 0.5:
                scores.append((share, name, col))
    chosen: dict[str, int] = {}
    for _share, name, col in sorted(scores, key=lambda t: (-t[0], t[2])):
        if name not in chosen and col not in chosen.values():
            chosen[name] = col
    for col, name in sorted((header or {}).items()):
        if name not in chosen and col not in chosen.values():
            chosen[name] = col
    rest = [c for c in range(width) if c not in chosen.values()]
    if rest and "model_name" not in chosen:
        filled = {c: sum(len(r[c]) for r in rows if c < len(r)) for c in rest}
        best = max(rest, key=lambda c: filled[c])
        if filled[best]:
            chosen["model_name"] = best
    return chosen
