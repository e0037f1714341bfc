from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from beian.errors import InputError
from beian.filing.listimport import ImportResult, import_list
from beian.filing.lookup import lookup
from beian.store import Store
from beian.store.filing_models import FilingListRow
from tests.filing.lists import SAMPLE_CSV, write_swapped_xlsx

TODAY = date(2026, 12, 3)


def _by_row(result: ImportResult) -> dict[int, tuple[str, str]]:
    return {r.row_no: (r.outcome, r.reason) for r in result.rows}


def _accounted(store: Store, result: ImportResult) -> None:
    """Every input row is exactly one of imported / duplicate / rejected, in counts and DB."""
    c = result.counts
    assert c["imported"] + c["duplicate"] + c["rejected"] == c["rows"] == len(result.rows)
    with store.session() as s:
        stored = s.scalar(select(func.count()).where(FilingListRow.batch_id == result.batch_id))
    assert stored == c["rows"]


def test_sample_csv_imports_and_a_second_import_is_all_duplicates(store: Store) -> None:
    first = import_list(store, SAMPLE_CSV, today=TODAY)
    assert first.counts == {"imported": 8, "duplicate": 0, "rejected": 1, "rows": 9,
                            "header_or_empty": 1}  # fmt: skip
    assert first.columns == {"seq": 0, "province": 1, "model_name": 2, "company": 3,
                             "number": 4, "filed_on": 5}  # fmt: skip
    _accounted(store, first)
    again = import_list(store, SAMPLE_CSV, today=TODAY)
    assert again.counts["imported"] == 0 and again.counts["duplicate"] == 8
    _accounted(store, again)
    hits = lookup(store, "金陵客服大模型")
    assert [(h.number, h.filed_on) for h in hits] == [
        ("Jiangsu-JinLingKeFu-202412020008", date(2024, 12, 2))  # 2024年12月2日 understood
    ]


def test_swapped_xlsx_is_read_by_content_and_bad_rows_are_flagged(
    store: Store, tmp_path: Path
) -> None:
    _swapped(store, tmp_path)


@pytest.mark.postgres
def test_swapped_xlsx_postgres(pg_store: Store, tmp_path: Path) -> None:
    _swapped(pg_store, tmp_path)


def _swapped(store: Store, tmp_path: Path) -> None:
    import_list(store, SAMPLE_CSV, today=TODAY)
    result = import_list(store, write_swapped_xlsx(tmp_path / "第二批.xlsx"), today=TODAY)
    _accounted(store, result)
    # columns found by what they hold, not by the header
    assert result.columns["company"] == 2 and result.columns["model_name"] == 3
    assert result.columns["filed_on"] == 4 and result.columns["number"] == 5
    assert any("column 3 is headed model_name but holds company" in n for n in result.notes)
    rows = _by_row(result)
    assert rows[2][0] == rows[3][0] == "imported"
    assert rows[4] == ("rejected", rows[4][1]) and "20251302" in rows[4][1]  # planted bad number
    assert rows[5][0] == "imported"  # swapped within the row, fixed
    fixed = next(r for r in result.rows if r.row_no == 5)
    assert fixed.values["model_name"] == "粤语通" and "swapped" in fixed.notes[0]
    assert rows[6][0] == "duplicate" and "batch 1 row 2" in rows[6][1]
    assert rows[7][0] == "rejected" and "墨池翻译" in rows[7][1]  # number used for another model
    assert rows[8][0] == "rejected" and "does not match" in rows[8][1]  # 浙江 vs Jiangsu
    assert rows[9] == ("rejected", "空行 / empty row")
    assert rows[10] == ("rejected", "表头行 / header row")
    assert rows[11][0] == "imported"
    assert result.counts == {"imported": 4, "duplicate": 1, "rejected": 6, "rows": 11,
                             "header_or_empty": 3}  # fmt: skip
    assert lookup(store, "小苗学伴") == []  # the bad row is not on the list
    assert [h.name for h in lookup(store, "Beijing-QingHeWenDa-202503030011")] == ["青禾问答"]


def test_unknown_registration_numbers_are_kept_with_a_note(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "登记.csv"
    path.write_text(
        "序号,属地,应用名称,登记单位,登记编号,登记时间\n"
        "1,北京,示例写作App,北京示例应用有限公司,京登记-0001,2025-06-01\n",
        encoding="gb18030",  # as Excel on Chinese Windows saves CSV
    )
    result = import_list(store, path, list_kind="registered", today=TODAY)
    assert result.counts["imported"] == 1
    assert "unconfirmed" in result.rows[1].notes[0]
    filed = import_list(store, path, list_kind="filed", today=TODAY)
    assert filed.counts["rejected"] == 2  # header + a number in no known format


def test_file_without_a_number_column_is_one_readable_error(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n星河,北京星河智能科技有限公司\n", encoding="utf-8")
    with pytest.raises(InputError, match="备案号"):
        import_list(store, path, today=TODAY)
