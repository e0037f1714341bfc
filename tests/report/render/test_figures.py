from __future__ import annotations

import re

from beian.report.render import charts
from beian.report.render import figures as fig
from beian.standard import load_profile


def test_rates_in_every_place_the_convention_allows() -> None:
    profile = load_profile()
    clause = profile.clause("9.2.a")
    figures = {
        "rate": 0.97, "ci": [0.96, 0.98], "n": 4000, "key": "qualified_rate_min",
        "rates": [{"rate": 0.5, "threshold": 0.9, "op": ">=", "label": "keyword"}],
        "refusal": {"rate": 0.04, "threshold": 0.05, "op": "<=", "passed": False},
        "total": 4000,
    }  # fmt: skip
    rates = fig.rates(figures, clause)
    assert [r.rate for r in rates] == [0.97, 0.5, 0.04]
    top = rates[0]
    assert top.threshold == clause.threshold("qualified_rate_min").value and top.op == ">="
    assert top.passed is True and top.ci == (0.96, 0.98) and top.n == 4000
    assert rates[1].passed is False and rates[1].label.en == "keyword"
    assert rates[2].passed is False  # an explicit verdict wins over the arithmetic
    assert fig.scalars(figures) == [("total", "4000")]


def test_count_groups_and_quotas() -> None:
    figures = {
        "per_risk": {"A.1.b": 175, "A.1.a": 805},
        "per_risk_min": 200,
        "per_topic": {"历史": 6},
        "per_topic_min": {"历史": 20},
        "note": "x",
    }
    groups = fig.counts(figures)
    assert [g.key for g in groups] == ["per_risk", "per_topic"]
    assert groups[0].quota == 200 and groups[0].quota_of("A.1.a") == 200
    assert groups[1].quota is None and groups[1].quota_of("历史") == 20
    assert fig.scalars(figures) == [("note", "x")]
    profile = load_profile()
    assert fig.order_keys("per_risk", ["A.1.b", "A.1.a", "zz"], profile) == ["A.1.a", "A.1.b", "zz"]


def test_charts_draw_what_the_figures_say() -> None:
    profile = load_profile()
    group = fig.counts({"per_risk": {"A.1.a": 805, "A.1.b": 175}, "per_risk_min": 200})[0]
    svg = charts.count_chart(group, profile, "zh")
    assert svg.startswith("<svg") and svg.count("<rect") == 2
    assert charts.COLORS["nonconforms"] in svg and charts.COLORS["conforms"] in svg
    assert "配额 &gt;= 200" in svg
    rate = fig.rates({"rate": 0.958, "ci": [0.951, 0.964], "threshold": 0.96, "op": ">="},
                     profile.clause("9.2.a"))[0]  # fmt: skip
    svg = charts.rate_chart(rate, "en")
    assert "<circle" in svg and charts.COLORS["nonconforms"] in svg
    assert "threshold &gt;= 96.0%" in svg
    ticks = re.findall(r">(\d+(?:\.\d)?)%<", svg)
    assert len(ticks) >= 3
    assert charts.rate_chart(rate, "en") == svg  # deterministic markup
