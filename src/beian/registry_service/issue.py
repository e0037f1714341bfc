"""Issuing filing numbers in the official shapes (see :mod:`beian.filing.numbers`).

- model filing and registration: ``<province pinyin>-<model name in Latin letters>-<YYYYMMDD>``
  + a four-digit sequence (``Beijing-DeepseekChat-202404280016``); central state-owned firms
  use ``ZhongYangQiYe`` instead of a province;
- algorithm filing: ``网信算备`` + the province's six-digit division code (GB/T 2260, province
  level: ``<code>0000``) + ``<YYYYMMDD>`` + a four-digit sequence + ``号``.

The sequence counts numbers issued on the same day and province, from 0001. Every number is
checked by the same parser the provider register uses before it is handed out.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from beian.errors import InputError
from beian.filing.numbers import CENTRAL_SOE, PROVINCES, check_number, province_name
from beian.registry_service.tables import RegDossierRow

_LATIN = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,59}$")


def province_of(text: str) -> str:
    """The Chinese short name of a 属地 (北京, Beijing, 北京市, 中央企业), or a user error."""
    found = province_name(text)
    if not found:
        raise InputError(f"未知属地 {text!r} / unknown province {text!r}")
    return found


def check_number_name(text: str) -> str:
    """The model name as it appears in a number: Latin letters and digits, a letter first."""
    name = text.strip()
    if not _LATIN.match(name):
        raise InputError(
            f"备案号中的模型名须为拉丁字母和数字（如 DeepseekChat），而非 {name!r} / the model "
            f"name in the number must be Latin letters and digits (e.g. DeepseekChat), not {name!r}"
        )
    return name


def _prefix(filing_type: str, province: str, number_name: str, day: date) -> str:
    if filing_type == "algorithm_filing":
        code = next((c for _p, zh, c in PROVINCES if zh == province), "")
        if not code:
            raise InputError(f"算法备案须有省级属地，而非 {province} / needs a province")
        return f"网信算备{code}0000{day:%Y%m%d}"
    pinyin = (
        CENTRAL_SOE[0]
        if province == CENTRAL_SOE[1]
        else next(p for p, zh, _c in PROVINCES if zh == province)
    )
    return f"{pinyin}-{number_name}-{day:%Y%m%d}"


def _sequence(s: Session, province: str, day: date) -> int:
    issued = s.scalar(
        select(func.count()).select_from(RegDossierRow).where(
            RegDossierRow.province == province, RegDossierRow.filed_on == day,
            RegDossierRow.number != "",
        )
    )  # fmt: skip
    return int(issued or 0) + 1


def issue(s: Session, dossier: RegDossierRow, day: date) -> str:
    """The next number for ``dossier`` (``s`` holds the audit chain's lock, so no two
    reviewers can draw the same sequence)."""
    seq = _sequence(s, dossier.province, day)
    if seq > 9999:
        raise InputError("当日序号已用尽 / the day's sequence is exhausted")
    prefix = _prefix(dossier.filing_type, dossier.province, dossier.number_name, day)
    number = f"{prefix}{seq:04d}号" if prefix.startswith("网信算备") else f"{prefix}{seq:04d}"
    checked = check_number(number, today=day)
    if not checked.ok:  # a bug here would publish a number no checker accepts
        raise AssertionError(f"issued number {number} fails its own check: {checked.problems}")
    return number
