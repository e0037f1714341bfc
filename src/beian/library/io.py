"""Load and save keyword libraries and question banks as CSV, XLSX or JSONL.

``load_keywords`` / ``load_questions`` take a file (format by extension) or a folder (every
library file in it; ``history.jsonl`` and Excel lock files are skipped). Native columns
round-trip exactly; the filing dossier's columns (关键词 / 一级分类 / 二级分类, 序号 / 测试题 /
…) import too and map labels to risk ids through the profile. ``read_keywords`` /
``read_questions`` also return what was detected on the way (encodings, notes) for the CLI.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import ValidationError

from beian.errors import InputError
from beian.library import columns as col
from beian.library.records import Bank, KeywordEntry, Message, Question
from beian.library.tabular import FORMATS, Sheet, Table, format_of, read_table, write_table
from beian.standard import load_profile
from beian.standard.schema import Profile

T = TypeVar("T")
HISTORY_FILE = "history.jsonl"
_TRUE = {"true", "1", "yes", "y", "是", "t"}
_FALSE = {"false", "0", "no", "n", "否", "f", ""}


@dataclass(frozen=True, slots=True)
class Loaded(Generic[T]):
    """Items read from one or more files, with the encodings found and any notes."""

    items: list[T]
    files: list[Path]
    encodings: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    empty_rows: list[str] = field(default_factory=list)
    """Rows skipped because their term or question text is empty (``file:sheet:row``)."""


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(
            p
            for p in path.iterdir()
            if p.is_file()
            and p.suffix.lower() in FORMATS
            and p.name != HISTORY_FILE
            and not p.name.startswith((".", "~$"))
        )
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    return [path]


def _tables(path: str | Path, needed: str) -> tuple[list[Table], list[str]]:
    """Tables under ``path`` that have the column ``needed``; folders skip the others."""
    p = Path(path)
    tables: list[Table] = []
    skipped: list[str] = []
    for f in _files(p):
        table = read_table(f)
        rows = [r for s in table.sheets for r in s.rows]
        if rows and not col.has_column(rows, needed):
            if p.is_dir():
                skipped.append(f.name)
                continue
            raise InputError(f"{f}: no {needed!r} column (or an alias such as 关键词 / 测试题)")
        tables.append(table)
    if not tables:
        raise InputError(f"{p}: no library file with a {needed!r} column")
    return tables, skipped


def _str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() if not isinstance(value, str) else value


def cell_date(value: Any, where: str) -> date | None:
    """A table cell as a date (a datetime, a date or ``YYYY-MM-DD…``); empty → None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise InputError(f"{where}: {value!r} is not a date (use YYYY-MM-DD)") from None


def _bool(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    text = _str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InputError(f"{where}: {value!r} is not true/false")


def _number(value: Any, where: str, kind: type[int] | type[float]) -> Any:
    """An optional measured figure: empty → ``None``; else an int or float."""
    text = _str(value).strip()
    if not text:
        return None
    try:
        return kind(float(text)) if kind is int else float(text)
    except ValueError:
        raise InputError(f"{where}: {value!r} is not a number") from None


def _list(value: Any) -> list[str]:
    """A variants cell: a JSON list, or text separated by '|'."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    text = str(value)
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError:
            parsed = None
        if isinstance(parsed, list):
            return [str(v) for v in parsed]
    return [v for v in text.split("|") if v.strip()]


def _history(value: Any, where: str) -> list[Message]:
    if value is None or value == "":
        return []
    data = value
    if isinstance(value, str):
        try:
            data = json.loads(value)
        except json.JSONDecodeError:
            raise InputError(f"{where}: history must be a JSON list of {{role, content}}") from None
    try:
        return [Message.model_validate(m) for m in data]
    except (ValidationError, TypeError):
        raise InputError(f"{where}: history must be a JSON list of {{role, content}}") from None


def _keyword(row: dict[str, Any], profile: Profile, where: str) -> KeywordEntry:
    c = col.canonical_row(row)
    risk, _topic = col.resolve_labels(
        profile, _str(c.get("risk")) or None, _str(c.get("category")) or None,
        _str(c.get("subcategory")) or None,
    )  # fmt: skip
    try:
        return KeywordEntry(
            term=_str(c.get("term")),
            risk=risk,
            variants=_list(c.get("variants")),
            allow=_bool(c.get("allow"), where),
            weak=_bool(c.get("weak"), where),
            strong=_bool(c.get("strong"), where),
            benign_hits=_number(c.get("benign_hits"), where, int),
            benign_rate=_number(c.get("benign_rate"), where, float),
            harmful_hits=_number(c.get("harmful_hits"), where, int),
            precision=_number(c.get("precision"), where, float),
            source=_str(c.get("source")),
            added=cell_date(c.get("added"), where),
            removed=cell_date(c.get("removed"), where),
            note=_str(c.get("note")),
            derived_from=_str(c.get("derived_from")) or None,
        )
    except ValidationError as exc:
        raise InputError(f"{where}: {exc.errors()[0]['msg']}") from None


def _question(
    row: dict[str, Any], profile: Profile, where: str, fallback_id: str, sheet_bank: Bank | None
) -> Question:
    c = col.canonical_row(row)
    category = _str(c.get("category")) or None
    risk, topic = col.resolve_labels(
        profile, _str(c.get("risk")) or None, category, _str(c.get("subcategory")) or None
    )
    explicit_topic = _str(c.get("topic")) or None
    bank_cell = _str(c.get("bank"))
    bank = col.bank_from_label(bank_cell) or sheet_bank or col.bank_from_label(category)
    if bank_cell and col.bank_from_label(bank_cell) is None:
        raise InputError(f"{where}: unknown bank {bank_cell!r} (test, refuse or answer)")
    topic = explicit_topic or topic
    if bank is None:
        bank = "answer" if topic and not risk else "test"
    try:
        return Question(
            id=_str(c.get("id")) or fallback_id,
            text=_str(c.get("text")),
            bank=bank,
            risk=risk,
            topic=topic,
            history=_history(c.get("history"), where),
            source=_str(c.get("source")),
            added=cell_date(c.get("added"), where),
            reference=_str(c.get("reference")) or None,
            note=_str(c.get("note")),
            derived_from=_str(c.get("derived_from")) or None,
            model_answer=_str(c.get("model_answer")) or None,
            verdict=_str(c.get("verdict")) or None,
        )
    except ValidationError as exc:
        raise InputError(f"{where}: {exc.errors()[0]['msg']}") from None


def _loaded(tables: list[Table], items: list[T], skipped: list[str], empty: list[str]) -> Loaded[T]:
    encodings = {t.path.name: t.encoding for t in tables if t.encoding is not None}
    notes = [n for t in tables for n in t.notes]
    notes += [f"{name}: skipped (not a file of this kind)" for name in skipped]
    if empty:
        notes.append(f"{len(empty)} row(s) with an empty term/text skipped: {', '.join(empty[:5])}")
    return Loaded(items, [t.path for t in tables], encodings, notes, empty)


def _blank(row: dict[str, Any], name: str) -> bool:
    return not _str(col.canonical_row(row).get(name)).strip()


def read_keywords(path: str | Path, profile: Profile | None = None) -> Loaded[KeywordEntry]:
    """All keyword entries under ``path`` (removed ones included), with encodings and notes."""
    prof = profile or load_profile()
    tables, skipped = _tables(path, "term")
    items: list[KeywordEntry] = []
    empty: list[str] = []
    for t in tables:
        for s in t.sheets:
            for i, row in enumerate(s.rows, 2):
                where = f"{t.path.name}:{s.name}:{i}"
                if _blank(row, "term"):
                    empty.append(where)
                    continue
                items.append(_keyword(row, prof, where))
    return _loaded(tables, items, skipped, empty)


def read_questions(
    path: str | Path, profile: Profile | None = None, bank: Bank | None = None
) -> Loaded[Question]:
    """All questions under ``path``; ``bank`` is the default for rows that do not name one."""
    prof = profile or load_profile()
    tables, skipped = _tables(path, "text")
    items: list[Question] = []
    empty: list[str] = []
    for t in tables:
        for s in t.sheets:
            sheet_bank = col.bank_from_label(s.name) if t.fmt == "xlsx" else None
            for i, row in enumerate(s.rows, 2):
                where = f"{t.path.name}:{s.name}:{i}"
                if _blank(row, "text"):
                    empty.append(where)
                    continue
                fallback = (
                    f"{t.path.stem}-{s.name}-{i - 1}"
                    if len(t.sheets) > 1
                    else f"{t.path.stem}-{i - 1}"
                )
                items.append(_question(row, prof, where, fallback, sheet_bank or bank))
    return _loaded(tables, items, skipped, empty)


def load_keywords(
    path: str | Path, *, profile: Profile | None = None, include_removed: bool = False
) -> list[KeywordEntry]:
    """Keyword entries from a CSV/XLSX/JSONL file or a folder of them.

    Entries with a ``removed`` date are left out unless ``include_removed`` (the history and
    cadence checks want them; a detector does not).
    """
    items = read_keywords(path, profile).items
    return items if include_removed else [e for e in items if e.removed is None]


def load_questions(path: str | Path, *, profile: Profile | None = None) -> list[Question]:
    """Questions from a CSV/XLSX/JSONL file or a folder of them."""
    return read_questions(path, profile).items


def _variants_cell(values: list[str]) -> str:
    # '|' is the readable separator; fall back to JSON when a variant would break it.
    if any("|" in v or v.startswith("[") for v in values) or any(not v.strip() for v in values):
        return json.dumps(values, ensure_ascii=False)
    return "|".join(values)


def _keyword_row(e: KeywordEntry, fmt: str) -> dict[str, Any]:
    if fmt == "jsonl":
        return e.model_dump(mode="json", exclude_defaults=True)
    row = e.model_dump(mode="json")
    row["variants"] = _variants_cell(e.variants)
    return row


def _question_row(q: Question, fmt: str) -> dict[str, Any]:
    if fmt == "jsonl":
        data = q.model_dump(mode="json", exclude_defaults=True)
        data["bank"] = q.bank
        return data
    row = q.model_dump(mode="json")
    row["history"] = json.dumps(row["history"], ensure_ascii=False) if q.history else ""
    return row


def save_keywords(
    entries: Iterable[KeywordEntry],
    path: str | Path,
    *,
    dossier: bool = False,
    profile: Profile | None = None,
) -> None:
    """Write a keyword library; ``dossier`` writes the filing columns 关键词 / 一级分类 / 二级分类.

    The dossier lists the interception keywords in force, so it leaves out allow-list and
    removed entries.
    """
    p = Path(path)
    fmt = format_of(p)
    items = list(entries)
    if not dossier:
        write_table(
            p, col.KEYWORD_COLUMNS, [Sheet("keywords", [_keyword_row(e, fmt) for e in items])]
        )
        return
    prof = profile or load_profile()
    rows = [
        {
            "关键词": e.term,
            "一级分类": col.category_name(prof, e.risk),
            "二级分类": col.risk_name(prof, e.risk),
        }
        for e in items
        if not e.allow and e.removed is None
    ]
    write_table(p, col.DOSSIER_KEYWORD_COLUMNS, [Sheet("拦截关键词列表", rows)])


def save_questions(
    questions: Iterable[Question],
    path: str | Path,
    *,
    dossier: bool = False,
    profile: Profile | None = None,
) -> None:
    """Write questions; ``dossier`` writes the filing columns, one XLSX sheet per bank.

    In dossier form 序号 is a running number across the banks and the labels are names (topics for the
    non-refusal bank); CSV and JSONL add a 题库 column because they have no sheets.
    """
    p = Path(path)
    fmt = format_of(p)
    items = list(questions)
    if not dossier:
        write_table(
            p, col.QUESTION_COLUMNS, [Sheet("questions", [_question_row(q, fmt) for q in items])]
        )
        return
    prof = profile or load_profile()
    sheets: list[Sheet] = []
    n = 0
    for bank, title in col.DOSSIER_BANK_SHEETS.items():
        rows: list[dict[str, Any]] = []
        for q in (q for q in items if q.bank == bank):
            n += 1
            rows.append(_dossier_question(n, q, prof, title))
        if rows:
            sheets.append(Sheet(title, rows))
    columns = col.DOSSIER_QUESTION_COLUMNS + ([] if fmt == "xlsx" else ["题库"])
    write_table(p, columns, sheets)


def _dossier_question(n: int, q: Question, prof: Profile, title: str) -> dict[str, Any]:
    first = col.category_name(prof, q.risk) if q.risk else ("非拒答" if q.topic else "")
    second = col.risk_name(prof, q.risk) if q.risk else (q.topic or "")
    return {
        "序号": n,
        "测试题": q.text,
        "一级分类": first,
        "二级分类": second,
        "模型回答": q.model_answer or "",
        "研判结果": q.verdict or "",
        "题库": title,
    }
