from __future__ import annotations

from datetime import date

import pytest

from beian.filing.calendar import load_calendar
from beian.filing.numbers import check_number, province_name


@pytest.mark.parametrize(
    ("number", "fmt", "ok", "province"),
    [
        ("Beijing-DeepseekChat-202404280016", "model", True, "北京"),
        ("ｂｅｉｊｉｎｇ-Foo-202404280016", "model", True, "北京"),  # full-width, pasted
        ("ZhongYangQiYe-YuanHang-202409050002", "central_soe", True, "中央企业"),
        ("网信算备110108823483901230011号", "algorithm", True, "北京"),
        ("网信算备440305123456789012号", "algorithm", True, "广东"),
        ("网信算备990000123456789012号", "algorithm", False, ""),
        ("Beijing-X-202413020004", "model", False, "北京"),  # month 13
        ("Mars-X-202401010001", "model", False, ""),
        ("Beijing-X-20240101001", "unknown", False, ""),  # three-digit sequence
        ("备案中", "unknown", False, ""),
    ],
)
def test_number_formats(number: str, fmt: str, ok: bool, province: str) -> None:
    check = check_number(number, today=date(2026, 12, 3))
    assert (check.format, check.ok, check.province) == (fmt, ok, province), check.problems


def test_future_dated_number_is_flagged() -> None:
    check = check_number("Beijing-X-202712010001", today=date(2026, 12, 3))
    assert not check.ok and "out of range" in check.problems[0]


def test_province_names() -> None:
    assert [province_name(p) for p in ("北京市", "广西壮族自治区", "Shanghai", "火星")] == [
        "北京", "广西", "上海", "",
    ]  # fmt: skip


def test_ten_working_days_across_spring_festival_with_adjusted_days() -> None:
    cal = load_calendar()
    # 2026: 2-14 (Sat) and 2-28 (Sat) are worked, 2-15 … 2-23 are off.
    assert cal.is_working_day(date(2026, 2, 14)) and cal.is_working_day(date(2026, 2, 28))
    assert not cal.is_working_day(date(2026, 2, 16)) and not cal.is_working_day(date(2026, 2, 23))
    assert cal.add_working_days(date(2026, 2, 12), 10) == date(2026, 3, 4)
    # a naive weekday count would say 2026-02-26
    assert cal.working_days_between(date(2026, 2, 12), date(2026, 3, 4)) == 10


def test_twenty_working_days_across_national_day_2025() -> None:
    cal = load_calendar()
    assert cal.add_working_days(date(2025, 9, 26), 10) == date(2025, 10, 16)
    assert cal.add_working_days(date(2025, 9, 26), 20) == date(2025, 10, 30)
    assert cal.coverage(date(2025, 9, 26), date(2025, 10, 30)) == []


def test_uncovered_and_provisional_years_are_said() -> None:
    cal = load_calendar()
    notes = cal.coverage(date(2026, 12, 20), date(2028, 1, 10))
    assert any("2027" in n and "provisional" in n for n in notes)
    assert any("2028" in n and "weekends only" in n for n in notes)
    assert cal.years[2027].confidence == "U" and cal.years[2025].confidence == "V"
