"""Importing a transcribed public list: every input row ends up imported, duplicate or rejected.

De-duplication is by normalised filing number across all batches: the same number with the same
model and company is a duplicate; the same number for another model is rejected (one of the two
transcriptions is wrong). Each batch keeps its counts, its column mapping and every row.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from beian.digest import sha256_file
from beian.errors import InputError
from beian.filing import audit
from beian.filing.listfile import FIELD_LABELS, RawRow, detect_columns, header_fields, read_rows
from beian.filing.numbers import normalise
from beian.filing.validate import LIST_KINDS, Checked, check_row
from beian.store import Store
from beian.store.filing_models import FilingListBatchRow, FilingListRow

REQUIRED = ("model_name", "company", "number")


@dataclass(frozen=True)
class RowResult:
    """The outcome of one input row."""

    row_no: int
    where: str
    outcome: str
    reason: str
    values: dict[str, str]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ImportResult:
    """A batch: its id, counts, detected columns and every row's outcome."""

    batch_id: int
    counts: dict[str, int]
    columns: dict[str, int]
    notes: list[str]
    rows: list[RowResult]


def _split(raw: list[RawRow]) -> tuple[list[RawRow], list[RowResult], dict[int, str]]:
    """Data rows; header and empty rows as rejected results; the first header's mapping."""
    data: list[RawRow] = []
    skipped: list[RowResult] = []
    header: dict[int, str] = {}
    for row in raw:
        if not any(row.cells):
            skipped.append(RowResult(row.row_no, row.where, "rejected", "空行 / empty row", {}))
        elif fields := header_fields(row.cells):
            header = header or fields
            reason = "表头行 / header row"
            skipped.append(RowResult(row.row_no, row.where, "rejected", reason, {}))
        else:
            data.append(row)
    return data, skipped, header


def _column_notes(columns: dict[str, int], header: dict[int, str]) -> list[str]:
    notes = []
    for name, col in sorted(columns.items(), key=lambda kv: kv[1]):
        said = header.get(col)
        if said and said != name:
            notes.append(
                f"第 {col + 1} 列表头为“{FIELD_LABELS[said]}”，按内容识别为“"
                f"{FIELD_LABELS[name]}” / column {col + 1} is headed {said} but holds "
                f"{name}"
            )
    return notes


def _same(row: FilingListRow, values: dict[str, str]) -> bool:
    def key(text: str) -> str:
        return normalise(text).casefold()

    return key(row.model_name) == key(values["model_name"]) and key(row.company) == key(
        values["company"]
    )


def _dedupe(s: Session, checked: Checked) -> tuple[str, str, int | None]:
    assert checked.check is not None
    earlier = s.scalars(
        select(FilingListRow)
        .where(FilingListRow.number_key == checked.check.key, FilingListRow.outcome == "imported")
        .order_by(FilingListRow.id)
    ).first()
    if earlier is None:
        return "imported", "", None
    zh = f"批次 {earlier.batch_id} 第 {earlier.row_no} 行"
    where = f"batch {earlier.batch_id} row {earlier.row_no}"
    if _same(earlier, checked.values):
        return "duplicate", f"与{zh}重复 / duplicate of {where}", earlier.id
    return (
        "rejected",
        (
            f"备案号已用于“{earlier.model_name}”（{zh}） / number already "
            f"listed for {earlier.model_name!r} ({where})"
        ),
        earlier.id,
    )


def _store_row(s: Session, batch_id: int, raw: RawRow, checked: Checked) -> RowResult:
    outcome, reason, dup = "rejected", checked.reason, None
    if not reason:
        outcome, reason, dup = _dedupe(s, checked)
    v, c = checked.values, checked.check
    s.add(
        FilingListRow(
            batch_id=batch_id,
            row_no=raw.row_no,
            outcome=outcome,
            reason=reason,
            seq=v.get("seq", ""),
            province=v.get("province", ""),
            model_name=v.get("model_name", ""),
            company=v.get("company", ""),
            number=c.number if c else v.get("number", ""),
            number_key=c.key if c else "",
            number_format=c.format if c else "",
            confidence=c.confidence if c else "",
            filed_on=checked.filed_on,
            duplicate_of=dup,
            notes=list(checked.notes),
            raw=list(raw.cells),
        )
    )
    s.flush()  # later rows of the same file de-duplicate against this one
    return RowResult(raw.row_no, raw.where, outcome, reason, v, list(checked.notes))


def import_list(
    store: Store, path: Path, list_kind: str = "filed", label: str = "", today: date | None = None
) -> ImportResult:
    """Import ``path`` as one batch of the public list."""
    if list_kind not in LIST_KINDS:
        raise InputError(f"list kind must be one of {', '.join(LIST_KINDS)}, not {list_kind!r}")
    raw = read_rows(path)
    data, results, header = _split(raw)
    columns = detect_columns([r.cells for r in data], header)
    lacking = [FIELD_LABELS[f] for f in REQUIRED if f not in columns]
    if data and lacking:
        raise InputError(f"{path.name}: cannot find the column(s) {', '.join(lacking)} by content")
    notes = _column_notes(columns, header)
    day = today or datetime.now(UTC).date()
    with audit.write_session(store) as s:
        batch = FilingListBatchRow(
            imported_at=datetime.now(UTC),
            source_name=path.name,
            source_sha256=sha256_file(path),
            list_kind=list_kind,
            label=label,
            counts={},
            columns={"map": columns, "notes": notes},
        )
        s.add(batch)
        s.flush()
        for row in data:
            values = {f: row.cells[c] if c < len(row.cells) else "" for f, c in columns.items()}
            results.append(_store_row(s, batch.id, row, check_row(values, list_kind, day)))
        for r in results:
            if not r.values:  # header and empty rows
                s.add(
                    FilingListRow(
                        batch_id=batch.id,
                        row_no=r.row_no,
                        outcome=r.outcome,
                        reason=r.reason,
                        notes=[],
                        raw=[],
                    )
                )
        counts = dict(Counter(r.outcome for r in results))
        counts = {k: counts.get(k, 0) for k in ("imported", "duplicate", "rejected")}
        counts["rows"] = len(raw)
        counts["header_or_empty"] = sum(1 for r in results if not r.values)
        batch.counts = counts
        audit.link(
            s,
            "list",
            {
                "batch": batch.id,
                "source_sha256": batch.source_sha256,
                "source": path.name,
                "counts": counts,
            },
        )
        batch_id = batch.id
    results.sort(key=lambda r: r.row_no)
    return ImportResult(batch_id, counts, columns, notes, results)
