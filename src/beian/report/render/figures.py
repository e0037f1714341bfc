"""Reading ``ClauseEvidence.figures`` by the convention in design/report-model.md.

Three shapes are recognised; anything else is shown as a plain key/value figure:

* a **rate**: a dict with a numeric ``rate`` (0–1) and optionally ``ci`` ``[lo, hi]``,
  ``threshold``, ``op`` (``>=``/``<=``), ``n``, ``passed``, ``label`` (text or ``{zh, en}``) and
  ``key`` (a threshold key of the clause; fills ``threshold``/``op`` from the profile). It may be
  the figures dict itself, an item of ``figures["rates"]``, or any value of the figures dict;
* a **count group**: ``figures["per_<x>"] = {name: number}`` (``per_risk``, ``per_topic``,
  ``per_source`` …), drawn as bars, with an optional quota line from ``per_<x>_min`` or
  ``per_<x>_max``;
* an **agreement table**: ``figures["agreement"]``, a list of ``{pair, risk, n, observed,
  kappa}`` (Cohen's kappa per reviewer pair, ``risk`` empty for all of the pair's items, else
  one row per risk), drawn as a table;
* a **scalar**: any other number, string or boolean.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, TypeGuard

from beian.assess.evidence import Lang, Msg
from beian.assess.figures import RateFigure
from beian.report.render import readable
from beian.report.render.i18n import t
from beian.standard import Profile
from beian.standard.schema import Clause

# What the rate chart shows of a figures dict that is itself a rate; its other fields
# (``hits``, ``required_n``) are still listed as figures.
_RATE_KEYS = {"rate", "ci", "low", "high", "threshold", "op", "n", "passed", "label", "key"}


@dataclass(frozen=True, slots=True)
class Rate:
    """A proportion with its interval and the threshold it is held against."""

    label: Msg
    rate: float
    ci: tuple[float, float] | None
    threshold: float | None
    op: str | None
    n: int | None
    passed: bool | None


@dataclass(frozen=True, slots=True)
class Counts:
    """Counts by risk, topic or source, with an optional quota line."""

    key: str
    values: dict[str, float]
    quota: float | None
    quota_op: str | None
    quotas: dict[str, float] | None = None
    """Per-entry quotas, when ``per_<x>_min``/``_max`` is a dict rather than one number."""

    def quota_of(self, key: str) -> float | None:
        """The quota that applies to ``key``."""
        if self.quotas is not None:
            return self.quotas.get(key)
        return self.quota


def _number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _label(value: Msg | str | None, fallback: str) -> Msg:
    if isinstance(value, Msg):
        return value
    if isinstance(value, str) and value:
        return Msg(zh=value, en=value)
    if not fallback:
        return Msg(zh="比率", en="rate")
    # A rate named only by its figure key: the key's label (fig.<key> in i18n.py) when known.
    return Msg(zh=readable.label(fallback, "zh"), en=readable.label(fallback, "en"))


def _passes(rate: float, op: str | None, threshold: float | None) -> bool | None:
    if threshold is None or op is None:
        return None
    if op == ">=":
        return rate >= threshold
    if op == "<=":
        return rate <= threshold
    return rate == threshold


def _rate(f: RateFigure, name: str, clause: Clause) -> Rate:
    threshold, op = f.threshold, f.op
    if threshold is None and f.key is not None:
        try:
            t = clause.threshold(f.key)
            threshold, op = float(t.value), op or t.op
        except KeyError:
            pass
    rate = float(f.rate or 0.0)  # RateFigure.read only returns figures with a rate
    return Rate(
        label=_label(f.label, name),
        rate=rate,
        ci=f.interval(),
        threshold=threshold,
        op=op,
        n=f.n,
        passed=f.passed if f.passed is not None else _passes(rate, op, threshold),
    )


def _is_rate(value: Any) -> bool:
    return RateFigure.read(value) is not None


def rates(figures: dict[str, Any], clause: Clause) -> list[Rate]:
    """Every rate figure of a clause, in a stable order."""
    found: list[tuple[RateFigure | None, str]] = [(RateFigure.read(figures), "")]
    listed = figures.get("rates")
    found += [
        (RateFigure.read(item), "rate") for item in (listed or []) if isinstance(listed, list)
    ]
    found += [(RateFigure.read(figures[k]), k) for k in sorted(figures) if k != "rates"]
    return [_rate(f, name, clause) for f, name in found if f is not None]


def _is_counts(value: Any) -> TypeGuard[dict[str, Any]]:
    return isinstance(value, dict) and bool(value) and all(_number(v) for v in value.values())


def _is_group(name: str, value: Any) -> bool:
    quota = name.endswith(("_min", "_max"))
    return name.startswith("per_") and not quota and _is_counts(value)


def counts(figures: dict[str, Any]) -> list[Counts]:
    """Every ``per_<x>`` count group, in key order."""
    out = []
    for name in sorted(figures):
        value = figures[name]
        if not _is_group(name, value):
            continue
        quota, op, per_key = None, None, None
        for suffix, sop in (("_min", ">="), ("_max", "<=")):
            q = figures.get(name + suffix)
            if _number(q):
                quota, op = float(q), sop
            elif _is_counts(q):
                per_key, op = {str(k): float(v) for k, v in q.items()}, sop
        values = {str(k): float(v) for k, v in value.items()}
        out.append(Counts(name, values, quota, op, per_key))
    return out


@dataclass(frozen=True, slots=True)
class KappaRow:
    """One row of a reviewer-agreement table."""

    pair: str
    risk: str
    n: int
    observed: float | None
    kappa: float | None
    """None: undefined (both reviewers used one verdict only)."""


AGREEMENT = "agreement"


def _is_agreement(value: Any) -> TypeGuard[list[dict[str, Any]]]:
    return isinstance(value, list) and all(
        isinstance(v, dict) and "pair" in v and "kappa" in v for v in value
    )


def agreement(figures: dict[str, Any]) -> list[KappaRow]:
    """The reviewer-agreement table of a clause (empty when it has none)."""
    value = figures.get(AGREEMENT)
    if not _is_agreement(value):
        return []
    return [
        KappaRow(
            pair=" · ".join(map(str, v["pair"])) if isinstance(v["pair"], list) else str(v["pair"]),
            risk=str(v.get("risk") or ""),
            n=int(v.get("n") or 0),
            observed=float(v["observed"]) if _number(v.get("observed")) else None,
            kappa=float(v["kappa"]) if _number(v.get("kappa")) else None,
        )
        for v in value
    ]


def kappa_text(value: float | None, lang: Lang) -> str:
    """Kappa with three decimals, or the word for undefined."""
    return f"{value:.3f}" if value is not None else t("val.undefined", lang)


def _consumed(figures: dict[str, Any]) -> set[str]:
    used = {"rates"} if isinstance(figures.get("rates"), list) else set()
    if _is_agreement(figures.get(AGREEMENT)):
        used.add(AGREEMENT)
    if _is_rate(figures):
        used |= _RATE_KEYS
    for name, value in figures.items():
        if _is_rate(value):
            used.add(name)
        if _is_group(name, value):
            used |= {name, name + "_min", name + "_max"}
    return used


def scalar_items(figures: dict[str, Any]) -> list[tuple[str, Any]]:
    """Figures that are neither rates nor count groups, as (key, value) in key order."""
    used = _consumed(figures)
    return [(k, figures[k]) for k in sorted(figures) if k not in used]


def scalars(figures: dict[str, Any]) -> list[tuple[str, str]]:
    """Figures that are neither rates nor count groups, as (key, text) in key order."""
    used = _consumed(figures)
    return [(k, format_value(figures[k])) for k in sorted(figures) if k not in used]


def format_value(value: Any) -> str:
    """A figure value as short, stable text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int | str):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def pct(value: float, decimals: int = 1) -> str:
    """A share as a percentage (``0.9612`` → ``96.1%``)."""
    return f"{value * 100:.{decimals}f}%"


def group_label(name: str, key: str, profile: Profile, lang: Lang) -> str:
    """A readable label for a count-group entry: risk and topic ids get their names."""
    if name == "per_risk":
        try:
            risk = profile.risk(key)
        except KeyError:
            return key
        text = risk.name_zh if lang == "zh" else risk.name_en
        return f"{key} {text}"
    if name == "per_topic" and lang == "en":
        for topic in profile.topics:
            if topic.id == key:
                return f"{key} ({topic.name_en})"
    return key


def order_keys(name: str, keys: list[str], profile: Profile) -> list[str]:
    """Risks and topics in profile order, anything else sorted."""
    ref = (
        profile.risk_ids()
        if name == "per_risk"
        else [t.id for t in profile.topics]
        if name == "per_topic"
        else []
    )
    known = [k for k in ref if k in keys]
    return known + sorted(k for k in keys if k not in set(ref))


def agreement_cells(row: KappaRow, profile: Profile, lang: Lang) -> list[str]:
    """A table row in words: pair, risk (or "all items"), items, observed agreement, kappa."""
    risk = group_label("per_risk", row.risk, profile, lang) if row.risk else t("kappa.all", lang)
    observed = pct(row.observed) if row.observed is not None else "—"
    return [row.pair, risk, str(row.n), observed, kappa_text(row.kappa, lang)]


AGREEMENT_HEAD = ("kappa.pair", "kappa.risk", "kappa.n", "kappa.observed", "kappa.kappa")
