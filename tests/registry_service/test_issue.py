"""Issued numbers have the official shapes and pass the provider register's own parser."""

from __future__ import annotations

from datetime import date

import pytest

from beian.errors import InputError
from beian.filing.numbers import check_number
from beian.registry_service.issue import issue
from beian.registry_service.tables import RegDossierRow
from beian.registry_service.workflow import Application, now
from beian.store import Store
from beian.web.auth import add_user

DAY = date(2026, 12, 1)


def _dossier(store: Store, filing_type: str, province: str, name: str = "XingHe") -> int:
    owner = add_user(store, f"p{now().timestamp()}", ["provider"], "password1",
                     allowed=("provider",))  # fmt: skip
    app = Application(company="某公司", filing_type=filing_type, model_name="星河",
                      number_name=name, province=province)  # fmt: skip
    with store.session() as s:
        row = RegDossierRow(owner_id=owner, status="submitted", created_at=now(),
                            updated_at=now(), **app.model_dump())  # fmt: skip
        s.add(row)
        s.commit()
        return row.id


def _issue(store: Store, dossier_id: int) -> str:
    with store.session() as s:
        row = s.get(RegDossierRow, dossier_id)
        assert row is not None
        number = issue(s, row, DAY)
        row.number, row.filed_on = number, DAY
        s.commit()
        return number


@pytest.mark.parametrize(
    ("filing_type", "province", "expected", "fmt"),
    [
        ("model_filing", "北京", "Beijing-XingHe-202612010001", "model"),
        ("registration", "上海市", "Shanghai-XingHe-202612010001", "model"),
        ("model_filing", "中央企业", "ZhongYangQiYe-XingHe-202612010001", "central_soe"),
        ("algorithm_filing", "广东", "网信算备440000202612010001号", "algorithm"),
    ],
)
def test_numbers_have_the_official_shapes(
    store: Store, filing_type: str, province: str, expected: str, fmt: str
) -> None:
    number = _issue(store, _dossier(store, filing_type, province))
    assert number == expected
    parsed = check_number(number, today=DAY)
    assert parsed.ok and parsed.format == fmt


def test_the_sequence_counts_per_day_and_province(store: Store) -> None:
    first = _issue(store, _dossier(store, "model_filing", "北京", "A"))
    second = _issue(store, _dossier(store, "model_filing", "北京", "B"))
    other = _issue(store, _dossier(store, "model_filing", "天津", "C"))
    assert (first[-4:], second[-4:], other[-4:]) == ("0001", "0002", "0001")


@pytest.mark.parametrize("bad", ["星河", "1Model", "Xing-He", ""])
def test_the_name_in_the_number_must_be_latin(bad: str) -> None:
    with pytest.raises(InputError):
        Application(company="某公司", filing_type="model_filing", model_name="星河",
                    number_name=bad, province="北京")  # fmt: skip


def test_an_unknown_province_is_refused() -> None:
    with pytest.raises(InputError, match="unknown province"):
        Application(company="某公司", filing_type="model_filing", model_name="星河",
                    number_name="XingHe", province="火星")  # fmt: skip
