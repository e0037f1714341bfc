"""Checking one row of the public list: required cells, number format, province, date."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from beian.filing.listfile import is_company, is_number_shaped, parse_date
from beian.filing.numbers import NumberCheck, check_number, province_name

ListKind = str  # "filed" (备案) | "registered" (登记)
LIST_KINDS = ("filed", "registered")


@dataclass(frozen=True)
class Checked:
    """A row's cells after repair, what its number says, and why it is rejected (if so)."""

    values: dict[str, str]
    check: NumberCheck | None
    filed_on: date | None
    reason: str = ""
    notes: list[str] = field(default_factory=list)


def repair(values: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Put back a model name/company or number/date pair swapped within one row."""
    out = dict(values)
    notes: list[str] = []
    name, company = out.get("model_name", ""), out.get("company", "")
    if is_company(name) and company and not is_company(company):
        out["model_name"], out["company"] = company, name
        notes.append("模型名称与备案单位对调，已纠正 / model name and company were swapped; fixed")
    number, when = out.get("number", ""), out.get("filed_on", "")
    if parse_date(number) and is_number_shaped(when):
        out["number"], out["filed_on"] = when, number
        notes.append("备案号与备案时间对调，已纠正 / number and date were swapped; fixed")
    return out, notes


def _missing(values: dict[str, str]) -> str:
    labels = {
        "model_name": "模型名称 model name",
        "company": "备案单位 company",
        "number": "备案号 number",
    }
    empty = [label for key, label in labels.items() if not values.get(key, "").strip()]
    return ("缺少 / missing: " + ", ".join(empty)) if empty else ""


def _number_reason(check: NumberCheck, list_kind: ListKind) -> tuple[str, list[str]]:
    if check.format == "unknown" and list_kind == "registered":
        # The registration number format is not confirmed: keep the row, say so.
        return "", ["登记编号格式未经确认 / registration number format unconfirmed (U)"]
    if not check.ok:
        return f"备案号 {check.number}: " + "; ".join(check.problems), []
    if check.format == "algorithm":
        return "", ["算法备案号（非大模型备案号） / an algorithm-filing number, not a model filing"]
    return "", []


def check_row(values: dict[str, str], list_kind: ListKind, today: date) -> Checked:
    """Validate one row; a reason means the row is rejected."""
    values, notes = repair(values)
    missing = _missing(values)
    if missing:
        return Checked(values, None, None, missing, notes)
    check = check_number(values["number"], today)
    reason, more = _number_reason(check, list_kind)
    notes += more
    when_text = values.get("filed_on", "")
    filed_on = parse_date(when_text) if when_text else None
    if not reason and when_text and filed_on is None:
        reason = f"备案时间无法识别 / filing date {when_text!r} not understood"
    declared = province_name(values.get("province", ""))
    if not reason and declared and check.province and declared != check.province:
        reason = (
            f"属地 {declared} 与备案号中的 {check.province} 不一致 / province "
            f"{declared} does not match the number's {check.province}"
        )
    if values.get("province") and not declared:
        notes.append(f"属地无法识别 / province {values['province']!r} not recognised")
    if not reason and filed_on and check.issued and check.issued > filed_on:
        notes.append("备案号日期晚于备案时间 / number date is after the filing date")
    return Checked(values, check, filed_on, reason, notes)
