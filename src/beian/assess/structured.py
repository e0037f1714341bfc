"""Check structured evidence fields of an obligation: present, of the right type, and valid.

Each check returns a :class:`FieldCheck`: the value as shown in the report, evidence files,
figures, and what is missing (→ 待确认) or short (→ 不符合). A missing or invalid field can never
lead to 符合.
"""

from __future__ import annotations

import csv
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from beian.assess.evidence import EvidenceRef, Msg
from beian.assess.obligations import FieldValue
from beian.digest import sha256_file
from beian.standard import Clause
from beian.standard.forms import EvidenceField, Interval

_TEXT_SUFFIXES = {".md", ".txt", ".html", ".htm"}


@dataclass
class FieldCheck:
    """What one field contributed to a conclusion."""

    shown: str = ""
    refs: list[EvidenceRef] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    missing: list[Msg] = field(default_factory=list)
    short: list[Msg] = field(default_factory=list)


def _lack(f: EvidenceField, zh: str, en: str) -> Msg:
    return Msg(zh=f"{f.label_zh}：{zh}", en=f"{f.label_en}: {en}")


def as_date(value: FieldValue) -> date | None:
    """A date from a YAML date or an ISO string; ``None`` when it is neither."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def check_field(f: EvidenceField, value: FieldValue, clause: Clause, folder: Path) -> FieldCheck:
    """Check one field's ``value`` (``None`` = not given)."""
    out = FieldCheck()
    if value is None or (isinstance(value, str) and not value.strip()):
        if f.required:
            out.missing.append(_lack(f, "未填写", "not given"))
        return out
    if f.type in ("text", "person"):
        out.shown = str(value).strip()
    elif f.type == "date":
        when = as_date(value)
        if when is None:
            out.missing.append(_lack(f, f"不是日期：{value}", f"not a date: {value}"))
        else:
            out.shown = when.isoformat()
    elif f.type == "int":
        _check_int(f, value, clause, out)
    elif f.type == "bool":
        out.shown = "true" if value is True else "false"
        if value is not True:
            out.short.append(_lack(f, "否", "no"))
    else:
        _check_file(f, str(value), folder, out)
    return out


def _check_int(f: EvidenceField, value: FieldValue, clause: Clause, out: FieldCheck) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        out.missing.append(
            _lack(f, f"不是非负整数：{value}", f"not a non-negative integer: {value}")
        )
        return
    out.shown = str(value)
    out.figures[f.key] = value
    if not f.threshold:
        return
    t = clause.threshold(f.threshold)
    if t.check(value):
        return
    need = Msg(zh=f"要求 {t.op} {t.value:g}", en=f"required {t.op} {t.value:g}")
    if t.modal == "shall":
        out.short.append(_lack(f, f"{value}，{need.zh}", f"{value}, {need.en}"))
    else:  # a "should" figure: not a failure, but the provider must show it is met otherwise
        out.missing.append(
            _lack(f, f"{value}，{need.zh}（推荐值，须说明等效措施）",
                  f"{value}, {need.en} (recommended: explain the equivalent measure)")
        )  # fmt: skip


def _check_file(f: EvidenceField, rel: str, folder: Path, out: FieldCheck) -> None:
    path = (folder / rel).resolve()
    if not path.is_file():
        out.missing.append(_lack(f, f"文件不存在：{rel}", f"file not found: {rel}"))
        return
    out.shown = rel
    # No note: the report lists the file under the field's own (bilingual) label.
    out.refs.append(EvidenceRef(kind="file", ref=rel, sha256=sha256_file(path)))
    if f.type == "register":
        _check_register(f, path, out)
    elif f.type == "document":
        _check_document(f, path, out)


def _register_rows(path: Path) -> tuple[list[str], list[dict[str, Any]]] | None:
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(text.splitlines())
        rows = list(reader)
        return list(reader.fieldnames or []), rows
    if path.suffix.lower() == ".jsonl":
        rows = []
        for line in text.splitlines():
            if line.strip():
                item = json.loads(line)
                if not isinstance(item, dict):
                    return None
                rows.append(item)
        keys = sorted({k for r in rows for k in r}) if rows else []
        return keys, rows
    return None


def _check_register(f: EvidenceField, path: Path, out: FieldCheck) -> None:
    try:
        read = _register_rows(path)
    except (json.JSONDecodeError, csv.Error, UnicodeError):
        read = None
    if read is None:
        out.missing.append(_lack(f, "登记表须为 CSV 或 JSONL", "a register must be CSV or JSONL"))
        return
    header, rows = read
    absent = [c for c in f.columns if rows and any(c not in r for r in rows)]
    absent += [
        c for c in f.columns if not rows and path.suffix.lower() == ".csv" and c not in header
    ]
    if absent:
        cols = ", ".join(absent)
        out.missing.append(_lack(f, f"缺少列 {cols}", f"columns missing: {cols}"))
        return
    empty = sum(1 for r in rows if any(str(r.get(c) or "").strip() == "" for c in f.columns))
    out.figures[f"{f.key}_rows"] = len(rows)
    if empty:
        out.missing.append(_lack(f, f"{empty} 行有空字段", f"{empty} rows have empty fields"))


def document_text(path: Path) -> str | None:
    """The text of a .md/.txt/.html/.docx document, or ``None`` for a format beian cannot read."""
    suffix = path.suffix.lower()
    if suffix in _TEXT_SUFFIXES:
        raw = path.read_text(encoding="utf-8", errors="replace")
        return re.sub(r"<[^>]+>", " ", raw) if suffix in {".html", ".htm"} else raw
    if suffix == ".docx":
        try:
            with zipfile.ZipFile(path) as z:
                xml = z.read("word/document.xml").decode("utf-8", errors="replace")
        except (zipfile.BadZipFile, KeyError):
            return None
        return re.sub(r"<[^>]+>", "", xml)
    return None


def _check_document(f: EvidenceField, path: Path, out: FieldCheck) -> None:
    text = document_text(path)
    if text is None:
        out.missing.append(
            _lack(f, "无法读取该格式，请提供 .md/.txt/.html/.docx 版本",
                  "cannot read this format; give a .md/.txt/.html/.docx copy")
        )  # fmt: skip
        return
    low = text.lower()
    absent = [s for s in f.sections if not any(w.lower() in low for w in s.any_of)]
    out.figures[f"{f.key}_sections"] = f"{len(f.sections) - len(absent)}/{len(f.sections)}"
    for s in absent:
        out.short.append(_lack(f, f"未载明{s.name_zh}", f"does not state {s.name_en}"))


def working_days(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``: mainland China's calendar with
    public holidays and 调休 (``beian.filing.calendar``; Monday–Friday outside its years)."""
    from beian.filing.calendar import load_calendar

    return load_calendar().working_days_between(start, end)


def check_interval(
    i: Interval, values: dict[str, FieldValue], clause: Clause
) -> tuple[dict[str, Any], list[Msg]]:
    """Figures and shortfalls of one deadline; missing dates are reported by their fields."""
    start, end = as_date(values.get(i.start)), as_date(values.get(i.end))
    if start is None or end is None:
        return {}, []
    if end < start:
        return {}, [Msg(zh=f"{i.end} 早于 {i.start}", en=f"{i.end} is before {i.start}")]
    if not i.threshold:
        return {}, []
    t = clause.threshold(i.threshold)
    n = working_days(start, end) if i.working_days else (end - start).days
    key = f"{i.threshold}_actual"
    if t.check(n):
        return {key: n}, []
    unit = ("个工作日", " working days") if i.working_days else ("天", " days")
    return {key: n}, [
        Msg(zh=f"{i.start}→{i.end} 用时 {n}{unit[0]}，要求 {t.op} {t.value:g}",
            en=f"{i.start}→{i.end} took {n}{unit[1]}, required {t.op} {t.value:g}")
    ]  # fmt: skip
