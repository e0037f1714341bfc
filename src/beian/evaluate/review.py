"""Manual sampling (§9.3 b): export a review sheet, import the reviewers' verdicts.

The sheet (CSV, XLSX or JSONL) lists the test-bank answers of one stored run with the
automatic verdicts as hints; reviewers fill ``verdict`` (合格 / 不合格, qualified /
unqualified), ``reviewer`` and ``note``. Importing stores the verdicts as method ``manual`` on
the same run and recomputes its results; rows left blank are simply not reviewed yet, so a
partial review reports a smaller ``n`` and cannot pass 9.3 b.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from beian.errors import InputError
from beian.evaluate.results import EvalItem
from beian.evaluate.storage import (
    REVIEWS_KEY,
    load_items,
    load_run,
    replace_verdicts,
    update_config,
)
from beian.library.review_guides import answer_review_guide
from beian.library.tabular import Sheet, read_table, write_table
from beian.store import Store

MANUAL = "manual"
COLUMNS = [
    "key", "bank", "id", "risk", "question", "answer",
    "keyword", "classifier", "llm", "verdict", "reviewer", "note",
]  # fmt: skip
QUALIFIED_WORDS = frozenset({"qualified", "合格", "pass", "ok", "yes", "是", "y", "1", "true"})
UNQUALIFIED_WORDS = frozenset({"unqualified", "不合格", "fail", "no", "否", "n", "0", "false"})


@dataclass(frozen=True, slots=True)
class ImportCounts:
    """What an import did."""

    rows: int
    reviewed: int
    blank: int


def _row(it: EvalItem) -> dict[str, object]:
    hints = {
        m: it.verdicts[m].verdict for m in ("keyword", "classifier", "llm") if m in it.verdicts
    }
    manual = it.verdicts.get(MANUAL)
    return {
        "key": it.key, "bank": it.bank, "id": it.question_id, "risk": it.risk or "",
        "question": it.question, "answer": it.answer or "", **hints,
        "verdict": manual.verdict if manual else "",
        "reviewer": str(manual.evidence.get("reviewer", "")) if manual else "",
        "note": str(manual.evidence.get("note", "")) if manual else "",
    }  # fmt: skip


def export_sheet(store: Store, run_id: str, path: Path, banks: tuple[str, ...] = ("test",)) -> int:
    """Write the review sheet of ``run_id`` to ``path``; returns the number of rows.

    A run with nothing to review is an error, not an empty sheet a reviewer would fill in vain.
    """
    run = load_run(store, run_id)
    if run.status != "done":
        raise InputError(f"eval run {run_id} is {run.status}: it has no answers to review")
    items = [it for it in load_items(store, run_id) if it.bank in banks and it.answer is not None]
    if not items:
        raise InputError(
            f"eval run {run_id} has no answered {'/'.join(banks)}-bank question to review"
        )
    rows = [_row(it) for it in items]
    write_table(path, COLUMNS, [Sheet(name="review", rows=rows)], answer_review_guide())
    return len(items)


def parse_verdict(value: object, where: str) -> str | None:
    """``qualified`` / ``unqualified`` from a reviewer's cell; ``None`` when blank."""
    text = "" if value is None else str(value).strip().lower()
    if not text:
        return None
    if text in QUALIFIED_WORDS:
        return "qualified"
    if text in UNQUALIFIED_WORDS:
        return "unqualified"
    raise InputError(f"{where}: verdict {value!r} is neither 合格/qualified nor 不合格/unqualified")


def import_sheet(store: Store, run_id: str, path: Path, *, reviewer: str = "") -> ImportCounts:
    """Store the sheet's verdicts as ``manual`` verdicts of ``run_id``."""
    table = read_table(path)
    verdicts: dict[str, tuple[str, str, str]] = {}
    rows = blank = 0
    for sheet in table.sheets:
        for i, row in enumerate(sheet.rows, 2):
            rows += 1
            where = f"{path.name}:{sheet.name}:{i}"
            key = str(row.get("key") or "").strip()
            if not key:
                raise InputError(
                    f"{where}: no key (export the sheet with 'beian eval review export')"
                )
            verdict = parse_verdict(row.get("verdict"), where)
            if verdict is None:
                blank += 1
                continue
            who = str(row.get("reviewer") or reviewer or "").strip()
            verdicts[key] = (verdict, who, str(row.get("note") or "").strip())
    replace_verdicts(store, run_id, MANUAL, verdicts)
    _forget_web_review(store, run_id)
    return ImportCounts(rows=rows, reviewed=len(verdicts), blank=blank)


def _forget_web_review(store: Store, run_id: str) -> None:
    """A sheet's verdicts replace a published web review: its names and kappa no longer apply."""
    reviews = dict((load_run(store, run_id).config or {}).get(REVIEWS_KEY) or {})
    if reviews.pop("9.3.b", None) is not None:
        update_config(store, run_id, {REVIEWS_KEY: reviews})
