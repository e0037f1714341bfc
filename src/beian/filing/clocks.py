"""Working-day clocks of the register: filing, change and cancellation deadlines.

The rules (how many working days, which filing types, what starts them) are data in
``data/clocks.yaml``; working days come from :mod:`beian.filing.calendar`. Besides the clocks,
a model filing or registration whose service launched before it was filed is flagged, and a
change without a dossier attached after it is flagged for §7 h re-assessment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import yaml

from beian.filing.calendar import WorkCalendar, load_calendar
from beian.filing.views import DossierFileView, RecordView

State = str  # ok | due_soon | overdue | warning


@dataclass(frozen=True)
class ClockRule:
    """One deadline rule."""

    name: str
    working_days: int
    applies_to: tuple[str, ...]
    starts: str
    source: str
    confidence: str


@dataclass(frozen=True)
class Clock:
    """A running deadline (or a standing warning) of one record."""

    record_id: int
    record_name: str
    clock: str
    state: State
    start: date | None
    due: date | None
    working_days_left: int | None
    message_zh: str
    message_en: str
    source: str = ""
    confidence: str = ""
    calendar_notes: list[str] = field(default_factory=list)


@cache
def load_rules() -> tuple[tuple[ClockRule, ...], int]:
    """The clock rules and the warning window (working days) shipped with beian."""
    text = (resources.files("beian.filing") / "data" / "clocks.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    rules = tuple(
        ClockRule(
            name,
            int(r["working_days"]),
            tuple(r["applies_to"]),
            r["starts"],
            r["source"],
            r["confidence"],
        )
        for name, r in data["clocks"].items()
    )
    return rules, int(data["warn_within_working_days"])


_START_FIELD = {
    "launched": "launched_on",
    "changed": "change_event_on",
    "terminated": "terminated_on",
}
_OPEN = {
    "filing": ("draft", "submitted", "returned"),
    "change": ("filed", "changed"),
    "cancellation": ("filed", "changed"),
}
_NAMES = {
    "filing": ("备案", "filing"),
    "change": ("变更备案", "change filing"),
    "cancellation": ("注销备案", "cancellation"),
}


def _clock(rec: RecordView, rule: ClockRule, today: date, cal: WorkCalendar, warn: int) -> Clock:
    start: date = getattr(rec, _START_FIELD[rule.starts])
    due = cal.add_working_days(start, rule.working_days)
    left = cal.working_days_between(today, due)
    state = "overdue" if today > due else ("due_soon" if left <= warn else "ok")
    zh, en = _NAMES[rule.name]
    words = {
        "overdue": ("已逾期", "overdue"),
        "due_soon": ("即将到期", "due soon"),
        "ok": ("未到期", "running"),
    }[state]
    return Clock(
        rec.id,
        rec.name,
        rule.name,
        state,
        start,
        due,
        left,
        f"{zh}{words[0]}：应于 {due} 前完成（{start} 起 {rule.working_days} 个工作日，剩余 {left}）",
        f"{en} {words[1]}: due {due} ({rule.working_days} working days from {start}; {left} left)",
        rule.source,
        rule.confidence,
        cal.coverage(start, due),
    )


def _warnings(rec: RecordView, files: list[DossierFileView]) -> list[Clock]:
    out = []
    if (
        rec.filing_type != "algorithm_filing"
        and rec.launched_on
        and rec.status not in ("filed", "changed", "cancelled")
    ):
        out.append(
            Clock(
                rec.id,
                rec.name,
                "launch",
                "warning",
                rec.launched_on,
                None,
                None,
                f"已于 {rec.launched_on} 上线但尚未完成备案/登记（应先备案后上线）",
                f"launched on {rec.launched_on} before filing/registration was complete "
                "(file before launch)",
            )
        )
    if rec.change_event_on and not any(f.attached_at.date() >= rec.change_event_on for f in files):
        out.append(
            Clock(
                rec.id,
                rec.name,
                "reassessment",
                "warning",
                rec.change_event_on,
                None,
                None,
                f"{rec.change_event_on} 变更后尚未附上新的评估材料（§7 h 重新评估）",
                f"no dossier attached since the change on {rec.change_event_on} "
                "(§7 h re-assessment)",
            )
        )
    return out


def clocks_for(
    rec: RecordView, files: list[DossierFileView], today: date, cal: WorkCalendar | None = None
) -> list[Clock]:
    """Every running clock and standing warning of ``rec`` on ``today``."""
    cal = cal or load_calendar()
    rules, warn = load_rules()
    out = [
        _clock(rec, rule, today, cal, warn)
        for rule in rules
        if rec.filing_type in rule.applies_to
        and rec.status in _OPEN[rule.name]
        and getattr(rec, _START_FIELD[rule.starts]) is not None
    ]
    return out + _warnings(rec, files)
