"""Shortfalls of ``library check`` / ``bank check`` as a work plan (F13) and counts per bank (F12).

Per-risk and per-topic shortfalls of one clause become one row each: how many risks are short
and how many items are missing in total, then the risks with their missing counts. A team can
split that among annotators; every single shortfall stays in ``--json``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.table import Table

if TYPE_CHECKING:  # the check module loads numpy and the matchers: not at CLI start-up
    from beian.library.check import CheckReport, Shortfall

_PER_ITEM = re.compile(r"^(?P<what>.+?) for (?P<item>\S+)$")


@dataclass(slots=True)
class _Group:
    clause: str
    what: str
    required: set[float] = field(default_factory=set)
    missing: dict[str, int] = field(default_factory=dict)

    def label(self) -> str:
        each = " / ".join(f"{r:g}" for r in sorted(self.required, reverse=True))
        return f"{self.what} (each ≥ {each})"


def _missing(s: Shortfall) -> int | None:
    if s.actual is None or s.op not in (">=", ">"):
        return None
    return max(0, math.ceil(s.required - s.actual + (1 if s.op == ">" else 0)))


def work_plan(shortfalls: Sequence[Shortfall]) -> tuple[list[_Group], list[Shortfall]]:
    """Per-risk/topic shortfalls grouped by clause and population; the rest as they are."""
    groups: dict[tuple[str, str], _Group] = {}
    rest: list[Shortfall] = []
    for s in shortfalls:
        m = _PER_ITEM.match(s.what)
        need = _missing(s)
        if m is None or need is None:
            rest.append(s)
            continue
        g = groups.setdefault((s.clause, m["what"]), _Group(s.clause, m["what"]))
        g.required.add(s.required)
        g.missing[m["item"]] = need
    return list(groups.values()), rest


def plan_table(groups: Sequence[_Group]) -> Table:
    """One row per clause and population: how many risks are short, how many items missing."""
    table = Table("clause 条款", "what 对象", "short 不足项", "missing 缺口")
    for g in groups:
        table.add_row(
            g.clause,
            g.label(),
            str(len(g.missing)),
            str(sum(g.missing.values())),
        )
    return table


def plan_lines(groups: Sequence[_Group]) -> list[str]:
    """Per group, the short risks or topics with what each one misses."""
    return [
        f"{g.clause} {g.what}: " + ", ".join(f"{k} +{v}" for k, v in g.missing.items())
        for g in groups
    ]


def counts_table(report: CheckReport) -> Table:
    """Risk/topic counts, one column per bank when the report is of banks (F12)."""
    keys = [*report.per_risk, *report.per_topic]
    if not report.banks:
        table = Table("risk / topic", "count")
        for key in keys:
            table.add_row(key, str({**report.per_risk, **report.per_topic}[key]))
        return table
    names = list(report.banks)
    table = Table("risk / topic", *(f"{b} bank" for b in names))
    for key in keys:
        cells = []
        for b in names:
            c = report.banks[b]
            cells.append(str(c.per_risk.get(key, c.per_topic.get(key, 0)) or "-"))
        table.add_row(key, *cells)
    return table
