"""Chinese working days: weekends, public holidays and adjusted working days (调休) as data.

``data/cn-workdays.yaml`` lists, per year, the holidays and the weekend days that are worked,
with a confidence and a source. A date in a year the file does not cover is counted by
weekends only, and the answer says so (``covered`` is false) instead of guessing silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True)
class YearInfo:
    """What the data file says about one year."""

    year: int
    confidence: str
    source: str
    note: str


@dataclass(frozen=True)
class WorkCalendar:
    """Working days of mainland China for the years in the data file."""

    holidays: frozenset[date]
    workdays: frozenset[date]
    years: dict[int, YearInfo]

    def is_working_day(self, day: date) -> bool:
        """Monday-Friday unless a holiday; a weekend day listed as 调休 is a working day."""
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start`` (``start`` itself is not counted)."""
        day = start
        left = count
        while left > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when ``end`` is before ``start``."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(
            1
            for n in range(1, (end - start).days + 1)
            if self.is_working_day(start + timedelta(days=n))
        )

    def coverage(self, start: date, end: date) -> list[str]:
        """Bilingual warnings for the years of [start, end] that the data does not cover or
        covers only provisionally."""
        out = []
        for year in range(min(start, end).year, max(start, end).year + 1):
            info = self.years.get(year)
            if info is None:
                out.append(
                    f"{year} 年无节假日数据，仅按周末计算 / no holiday data for {year}: "
                    "weekends only"
                )
            elif info.confidence != "V":
                out.append(
                    f"{year} 年节假日数据为暂定（置信度 {info.confidence}，未含调休），期限可能相差数日 / "
                    f"{year} holiday data is provisional ({info.confidence}, no adjusted days): "
                    "deadlines may be off by a few days"
                )
        return out


def _dates(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@cache
def load_calendar() -> WorkCalendar:
    """The calendar shipped with beian."""
    text = (resources.files("beian.filing") / "data" / "cn-workdays.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    holidays: set[date] = set()
    workdays: set[date] = set()
    years: dict[int, YearInfo] = {}
    for year, spec in data["years"].items():
        years[int(year)] = YearInfo(int(year), spec["confidence"], spec["source"], spec["note"])
        for span in spec["holidays"]:
            day, last = _dates(span["from"]), _dates(span["to"])
            while day <= last:
                holidays.add(day)
                day += timedelta(days=1)
        workdays.update(_dates(d) for d in spec["workdays"])
    return WorkCalendar(frozenset(holidays), frozenset(workdays), years)
