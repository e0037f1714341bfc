"""What ``beian assess`` prints: one line per clause that fits the terminal, or the details table.

The summary is for reading at a glance in 80 columns: clause id, coloured conclusion and the
first reason, cut to the width in display cells (a Chinese character takes two). ``--details``
adds the evidence table, with figures in words (never a Python dict).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len, set_cell_size
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from beian.assess import Assessment
    from beian.assess.evidence import ClauseEvidence, Lang
    from beian.standard import Profile

STATUS_STYLE = {
    "conforms": "green",
    "nonconforms": "red",
    "not_applicable": "cyan",
    "pending": "yellow",
}
STATUS_ORDER = ("conforms", "nonconforms", "not_applicable", "pending")
ID_CELLS = 7
"""Widest clause id of the built-in profiles (``9.1.d``, ``8.4``) plus a space."""


def fit(text: str, cells: int) -> str:
    """``text`` on one line in at most ``cells`` display cells, cut with an ellipsis."""
    flat = " ".join(text.split())
    if cell_len(flat) <= cells:
        return flat
    if cells <= 1:
        return "…"[:cells]
    return set_cell_size(flat, cells - 1).rstrip() + "…"


def reason(r: ClauseEvidence, lang: Lang) -> str:
    """The one reason shown for a clause: the first gap, else the section's summary."""
    from beian.report.render.html import explanation_text

    if r.missing:
        more = len(r.missing) - 1
        if not more:
            return r.missing[0].get(lang)
        return r.missing[0].get(lang) + (
            f"（另 {more} 项）" if lang == "zh" else f" (+{more} more)"
        )
    return r.summary.get(lang) or explanation_text(r.explanation, lang)


def summary_lines(outcome: Assessment, lang: Lang, width: int) -> list[Text]:
    """Title, one line per clause and the totals, each at most ``width`` cells wide."""
    from beian.assess.evidence import STATUS_LABELS

    labels = {s: STATUS_LABELS[s][lang] for s in STATUS_ORDER}
    status_cells = max(cell_len(v) for v in labels.values()) + 1
    zh = lang == "zh"
    title = f"{outcome.profile} {outcome.profile_version} — " + (
        "自评估结论" if zh else "self-assessment"
    )
    out = [Text(fit(title, width), style="bold")]
    room = max(width - ID_CELLS - status_cells, 4)
    for r in outcome.clauses:
        label = labels[r.status]
        line = Text(r.clause.ljust(ID_CELLS))
        line.append(label + " " * (status_cells - cell_len(label)), style=STATUS_STYLE[r.status])
        line.append(fit(reason(r, lang), room), style="dim" if r.status == "conforms" else "")
        out.append(line)
    totals = Text()
    for i, s in enumerate(STATUS_ORDER):
        if i:
            totals.append("  ")
        totals.append(f"{labels[s]} {outcome.totals.get(s, 0)}", style=STATUS_STYLE[s])
    out.append(totals)
    return out


def _figures(r: ClauseEvidence, profile: Profile, lang: Lang) -> str:
    """Rates with their intervals, count groups by size, other figures in words."""
    from beian.report.render import figures as fig
    from beian.report.render import readable
    from beian.report.render.charts import rate_caption
    from beian.report.render.i18n import has, t

    clause = profile.clause(r.clause)
    parts = [rate_caption(rate, lang) for rate in fig.rates(r.figures, clause)]
    for group in fig.counts(r.figures):
        name = t(group.key, lang) if has(group.key) else group.key
        parts.append(f"{name}: {len(group.values)}" + (" 项" if lang == "zh" else " entries"))
    parts += [
        f"{readable.label(k, lang)} {readable.text(v, lang, k)}"
        for k, v in fig.scalar_items(r.figures)
    ]
    parts += _agreement(r, profile, lang)
    refs = [e.ref for e in r.evidence[:3]] + (["…"] if len(r.evidence) > 3 else [])
    return "; ".join(parts + refs)


def _agreement(r: ClauseEvidence, profile: Profile, lang: Lang) -> list[str]:
    """The reviewer-agreement table in one line per row: ``κ alice · bob (A.1.d …): 0.800, n=40``."""
    from beian.report.render import figures as fig

    rows = []
    for row in fig.agreement(r.figures):
        pair, risk, n, observed, kappa = fig.agreement_cells(row, profile, lang)
        items = f"{n} 条" if lang == "zh" else f"n={n}"
        rows.append(f"κ {pair}（{risk}）: {kappa}, {items}, {observed}" if lang == "zh"
                    else f"κ {pair} ({risk}): {kappa}, {items}, {observed} agree")  # fmt: skip
    return rows


def details_table(outcome: Assessment, profile: Profile, lang: Lang) -> Table:
    """The evidence table of ``--details``: requirement, conclusion, figures, gaps."""
    from beian.assess.evidence import STATUS_LABELS

    zh = lang == "zh"
    title = f"{outcome.profile} {outcome.profile_version} — " + (
        "自评估就绪情况" if zh else "assessment readiness"
    )
    table = Table(
        "条款" if zh else "clause",
        "要求" if zh else "requirement",
        "结论" if zh else "status",
        "证据与数据" if zh else "evidence and figures",
        "待补 / 说明" if zh else "missing / notes",
        title=title,
    )
    for r in outcome.clauses:
        clause = profile.clause(r.clause)
        notes = "; ".join(m.get(lang) for m in r.missing[:2]) or r.summary.get(lang)
        table.add_row(
            r.clause,
            clause.title_zh if zh else clause.title_en,
            Text(STATUS_LABELS[r.status][lang], style=STATUS_STYLE[r.status]),
            _figures(r, profile, lang),
            notes,
        )
    return table
