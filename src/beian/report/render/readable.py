"""Figure values in words of the report's language: never a Python dict or a JSON dump.

``ClauseEvidence.figures`` holds whatever a section measured (numbers, lists of risk ids, a row
per corpus source …). The renderers show a known key by its label (``fig.<key>`` in i18n.py),
a known enum value by its word (``val.<value>``), lists joined with the language's separator and
a list of records one record per line.
"""

from __future__ import annotations

from typing import Any

from beian.assess.evidence import Lang
from beian.report.render.i18n import has, t


def label(key: str, lang: Lang) -> str:
    """A figure key in words (``total`` → 总数); an unknown key (a clause id …) as it is."""
    return t(f"fig.{key}", lang) if has(f"fig.{key}") else key


def _word(value: str, lang: Lang) -> str:
    return t(f"val.{value}", lang) if has(f"val.{value}") else value


def _number(value: float) -> str:
    return f"{value:g}"


def _ci(value: list[Any]) -> str:
    return f"{value[0] * 100:.1f}%–{value[1] * 100:.1f}%"


def _is_share(key: str) -> bool:
    return key == "limit" or key.endswith(("_rate", "_share")) or key == "rate"


def options(value: dict[str, Any], lang: Lang) -> str:
    """A component's options as ``key=value`` pairs; none → a dash."""
    if not value:
        return "—"
    return ", ".join(f"{k}={text(v, lang)}" for k, v in sorted(value.items()))


def text(value: Any, lang: Lang, key: str = "") -> str:
    """One figure value as short text; records inside it are separated by the list separator."""
    sep = "、" if lang == "zh" else ", "
    if value is None:
        return t("val.none", lang)
    if isinstance(value, bool):
        return t(f"val.{str(value).lower()}", lang)
    if isinstance(value, int | float):
        if _is_share(key) and 0 <= value <= 1:
            return f"{value * 100:.1f}%"
        return _number(value)
    if isinstance(value, str):
        return _word(value, lang)
    if isinstance(value, dict) and set(value) == {"zh", "en"}:
        return str(value[lang])  # a sentence in both languages (an ``evidence.Msg``)
    if isinstance(value, dict):
        pairs = [f"{label(str(k), lang)} {text(v, lang, str(k))}" for k, v in value.items()]
        return ("，" if lang == "zh" else ", ").join(pairs)
    if isinstance(value, list | tuple):
        if key == "ci" and len(value) == 2 and all(isinstance(v, int | float) for v in value):
            return _ci(list(value))
        return sep.join(text(v, lang) for v in value)
    return str(value)


def lines(value: Any, lang: Lang, key: str = "") -> list[str]:
    """A value as lines: one per record for a list of records, else one line."""
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return [text(v, lang) for v in value]
    return [text(value, lang, key)]
