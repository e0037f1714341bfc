"""F17: the sheets people fill in say what each column means and what may be typed."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from beian.library.tabular import INSTRUCTIONS_SHEET, read_table
from beian.scan.manual import COLUMNS, write_sample


def _row(i: int) -> dict[str, object]:
    row: dict[str, object] = {c: "" for c in COLUMNS}
    row.update(sample_id=f"s{i}", source="web", text=f"文本{i}")
    return row


def test_corpus_sample_xlsx_is_bilingual_with_dropdowns_and_instructions(tmp_path: Path) -> None:
    path = tmp_path / "sample.xlsx"
    write_sample(path, [_row(i) for i in range(3)])
    book = openpyxl.load_workbook(path)
    ws = book["sample"]
    header = [c.value for c in ws[1]]
    assert header[COLUMNS.index("verdict")] == "结论 / verdict"
    assert header[COLUMNS.index("text")] == "语料内容 / text"
    checks = {v.formula1: v.errorStyle for v in ws.data_validations.dataValidation}
    verdicts = [f for f in checks if "不合格" in f]
    assert verdicts and checks[verdicts[0]] == "stop"  # only the words the importer accepts
    risks = [f for f in checks if "A.5.b" in f]
    assert risks and checks[risks[0]] == "warning"  # several ids in one cell stay possible
    lines = [r[0] for r in book[INSTRUCTIONS_SHEET].iter_rows(values_only=True)]
    assert any("9.2 a" in str(x) for x in lines) and any("合格" in str(x) for x in lines)


def test_guided_sheet_reads_back_under_plain_keys_without_the_instructions(
    tmp_path: Path,
) -> None:
    path = tmp_path / "sample.xlsx"
    write_sample(path, [_row(i) for i in range(2)])
    book = openpyxl.load_workbook(path)
    book["sample"].cell(row=2, column=COLUMNS.index("verdict") + 1, value="不合格")
    book.save(path)
    table = read_table(path)
    assert [s.name for s in table.sheets] == ["sample"]
    rows = table.sheets[0].rows
    assert rows[0]["verdict"] == "不合格" and rows[0]["sample_id"] == "s0"
    assert set(rows[1]) <= set(COLUMNS)
