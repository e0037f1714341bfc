"""Inline SVG charts, drawn in Python so the report needs no script and no network.

Every chart is a plain ``<svg>`` string with a ``<title>`` for screen readers; numbers are
formatted with fixed precision so the same data always gives the same markup.
"""

from __future__ import annotations

import math
from html import escape

from beian.assess.evidence import STATUS_LABELS, Lang
from beian.report.render.figures import Counts, Rate, group_label, order_keys, pct
from beian.report.render.i18n import t
from beian.standard import Profile

COLORS = {
    "conforms": "#2e7d32",
    "nonconforms": "#c62828",
    "not_applicable": "#78909c",
    "pending": "#f0a500",
}
_NEUTRAL = "#3f6fb5"
_GRID = "#d5dae1"
_INK = "#263238"
_MUTED = "#607d8b"


def _f(x: float) -> str:
    return f"{x:.1f}"


def _text(
    x: float, y: float, s: str, *, anchor: str = "start", size: int = 11, fill: str = _INK
) -> str:
    return (
        f'<text x="{_f(x)}" y="{_f(y)}" font-size="{size}" fill="{fill}" '
        f'text-anchor="{anchor}">{escape(s)}</text>'
    )


def _svg(width: int, height: int, title: str, body: list[str], css_class: str) -> str:
    return (
        f'<svg class="chart {css_class}" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def status_chart(
    by_chapter: dict[str, dict[str, int]], chapter_titles: dict[str, str], lang: Lang
) -> str:
    """One stacked bar per chapter: how many clauses conform, do not, are n/a or pending."""
    width, label_w, row_h, top = 640, 170, 26, 30
    bar_w = width - label_w - 50
    most = max((sum(c.values()) for c in by_chapter.values()), default=1) or 1
    body: list[str] = []
    x = float(label_w)
    for status, color in COLORS.items():  # legend
        body.append(f'<rect x="{_f(x)}" y="6" width="12" height="12" fill="{color}"/>')
        label = STATUS_LABELS[status][lang]
        body.append(_text(x + 16, 16, label, size=11))
        x += 26 + 8 * len(label) + (14 if lang == "zh" else 0) * len(label) / 2
    for i, (chapter, counts) in enumerate(by_chapter.items()):
        y = top + i * row_h
        body.append(
            _text(
                label_w - 8, y + 15, _chapter_label(chapter, chapter_titles[chapter]), anchor="end"
            )
        )
        x = float(label_w)
        for status, color in COLORS.items():
            n = counts.get(status, 0)
            if not n:
                continue
            w = bar_w * n / most
            body.append(
                f'<rect x="{_f(x)}" y="{y + 3}" width="{_f(w)}" height="{row_h - 8}" fill="{color}">'
                f"<title>{escape(STATUS_LABELS[status][lang])}: {n}</title></rect>"
            )
            if w >= 16:
                body.append(_text(x + w / 2, y + 16, str(n), anchor="middle", fill="#fff"))
            x += w
        body.append(_text(x + 6, y + 16, str(sum(counts.values())), fill=_MUTED))
    height = top + row_h * len(by_chapter) + 6
    return _svg(width, height, t("by_chapter", lang), body, "status-chart")


def _ok(value: float, quota: float | None, op: str | None) -> str:
    if quota is None:
        return _NEUTRAL
    ok = value >= quota if op == ">=" else value <= quota
    return COLORS["conforms"] if ok else COLORS["nonconforms"]


def _short(label: str, lang: Lang) -> str:
    limit = 18 if lang == "zh" else 36
    return label if len(label) <= limit else label[: limit - 1] + "…"


def count_chart(group: Counts, profile: Profile, lang: Lang) -> str:
    """Horizontal bars for one ``per_<x>`` group, the quota as a dashed line (or per-row ticks)."""
    keys = order_keys(group.key, list(group.values), profile)
    width, label_w, row_h, top = 680, 250, 18, 8
    bar_w = width - label_w - 60
    quotas = [q for q in (group.quota_of(k) for k in keys) if q is not None]
    peak = max([*group.values.values(), *quotas, 1.0])
    body: list[str] = []
    for i, key in enumerate(keys):
        y = top + i * row_h
        value, quota = group.values[key], group.quota_of(key)
        label = _short(group_label(group.key, key, profile, lang), lang)
        body.append(_text(label_w - 6, y + 12, label, anchor="end", size=10))
        w = bar_w * value / peak
        body.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{_f(w)}" height="{row_h - 6}" '
            f'fill="{_ok(value, quota, group.quota_op)}"><title>{escape(key)}: {value:g}</title></rect>'
        )
        body.append(_text(label_w + w + 4, y + 12, f"{value:g}", size=10, fill=_MUTED))
        if group.quotas is not None and quota is not None:
            qx = label_w + bar_w * quota / peak
            body.append(
                f'<line x1="{_f(qx)}" y1="{y + 1}" x2="{_f(qx)}" y2="{y + row_h - 1}" '
                f'stroke="{_INK}" stroke-width="1.5"/>'
            )
    height = top + row_h * len(keys) + 20
    if group.quota is not None and group.quotas is None:
        qx = label_w + bar_w * group.quota / peak
        body.append(
            f'<line x1="{_f(qx)}" y1="{top}" x2="{_f(qx)}" y2="{height - 16}" stroke="{_INK}" '
            'stroke-width="1.2" stroke-dasharray="4 3"/>'
        )
        quota_text = f"{t('quota', lang)} {group.quota_op} {group.quota:g}"
        body.append(_text(qx, height - 4, quota_text, anchor="middle", size=10))
    title = (
        t(group.key, lang) if group.key in {"per_risk", "per_topic", "per_source"} else group.key
    )
    return _svg(width, height, title, body, "count-chart")


_STEPS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25)


def _axis(r: Rate) -> tuple[float, float, float]:
    """A range with round ticks showing the point, its interval and the threshold."""
    values = [r.rate, *(r.ci or ()), *([r.threshold] if r.threshold is not None else [])]
    lo, hi = min(values), max(values)
    span = max(hi - lo, 0.02) * 1.6
    step = next((s for s in _STEPS if span / s <= 6), 0.25)
    lo = max(0.0, math.floor((lo - span * 0.2) / step) * step)
    hi = min(1.0, math.ceil((hi + span * 0.2) / step) * step)
    return lo, hi, step


def rate_chart(r: Rate, lang: Lang) -> str:
    """The rate as a point with its confidence interval, against the threshold."""
    width, left, right, y0 = 640, 20, 20, 34
    lo, hi, step = _axis(r)
    span = (hi - lo) or 1.0
    decimals = 1 if step < 0.01 else 0

    def x(v: float) -> float:
        return left + (width - left - right) * (v - lo) / span

    body: list[str] = []
    if r.threshold is not None and r.op in {">=", "<="}:
        # Shade the side of the threshold that passes.
        a, b = (r.threshold, hi) if r.op == ">=" else (lo, r.threshold)
        body.append(
            f'<rect x="{_f(x(a))}" y="{y0 - 16}" width="{_f(x(b) - x(a))}" height="32" '
            'fill="#e8f5e9"/>'
        )
    body.append(
        f'<line x1="{left}" y1="{y0 + 18}" x2="{width - right}" y2="{y0 + 18}" stroke="{_GRID}"/>'
    )
    for i in range(round(span / step) + 1):
        v = lo + step * i
        body.append(
            f'<line x1="{_f(x(v))}" y1="{y0 + 16}" x2="{_f(x(v))}" y2="{y0 + 20}" stroke="{_MUTED}"/>'
        )
        body.append(_text(x(v), y0 + 32, pct(v, decimals), anchor="middle", size=10, fill=_MUTED))
    if r.threshold is not None:
        tx = x(r.threshold)
        body.append(
            f'<line x1="{_f(tx)}" y1="{y0 - 18}" x2="{_f(tx)}" y2="{y0 + 18}" stroke="{_INK}" '
            'stroke-width="1.5" stroke-dasharray="4 3"/>'
        )
        body.append(
            _text(
                tx,
                y0 - 22,
                f"{t('threshold', lang)} {r.op or ''} {pct(r.threshold)}",
                anchor="middle",
                size=10,
            )
        )
    color = _NEUTRAL if r.passed is None else COLORS["conforms" if r.passed else "nonconforms"]
    if r.ci is not None:
        x1, x2 = x(r.ci[0]), x(r.ci[1])
        body.append(
            f'<line x1="{_f(x1)}" y1="{y0}" x2="{_f(x2)}" y2="{y0}" stroke="{color}" stroke-width="2"/>'
        )
        for xe in (x1, x2):
            body.append(
                f'<line x1="{_f(xe)}" y1="{y0 - 7}" x2="{_f(xe)}" y2="{y0 + 7}" stroke="{color}" stroke-width="2"/>'
            )
    body.append(f'<circle cx="{_f(x(r.rate))}" cy="{y0}" r="5" fill="{color}"/>')
    return _svg(width, y0 + 40, rate_caption(r, lang), body, "rate-chart")


def rate_caption(r: Rate, lang: Lang) -> str:
    """``label: 96.1% [95.5%–96.7%], n=4000 (threshold >= 96.0%)``."""
    parts = [f"{r.label.get(lang)}: {pct(r.rate)}"]
    if r.ci is not None:
        parts.append(f"[{pct(r.ci[0])}–{pct(r.ci[1])}]")
    if r.n is not None:
        parts.append(f"n={r.n}")
    if r.threshold is not None:
        parts.append(f"({t('threshold', lang)} {r.op or ''} {pct(r.threshold)})")
    return " ".join(parts)


def _chapter_label(chapter: str, title: str) -> str:
    """``§5 title``; a sub-profile chapter by its title, cut to fit the label column."""
    if chapter.isdigit():
        return f"§{chapter} {title}"
    cut = title.split("（")[0].split(" (")[0]
    width, out = 0, ""
    for ch in cut:  # a CJK character is about twice as wide as a Latin one
        width += 2 if ord(ch) > 0x2E80 else 1
        if width > 24:
            return out + "…"
        out += ch
    return out
