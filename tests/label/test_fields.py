"""Annex E field rules (L-10, L-11) and TC260-PG-20252A provider codes (L-13)."""

from __future__ import annotations

import pytest

from beian.errors import UserError
from beian.label import AigcFields, Found, check_provider_code, make_provider_code, make_uscc
from beian.label.fields import check_fields, decode, to_json, validate_object
from beian.label.rules import has_both_elements

REAL_CODES = ["001191440300708461136T1XGW3", "001191110102MACQD9K64010000"]


def codes(problems: list) -> set[str]:  # type: ignore[type-arg]
    return {p.code for p in problems if p.severity == "error"}


@pytest.mark.parametrize("code", REAL_CODES)
def test_published_provider_codes_pass(code: str) -> None:
    assert codes(check_provider_code(code)) == set()


def test_generated_code_has_valid_uscc_checksum(producer: str) -> None:
    assert len(producer) == 27 and producer.startswith("0011")
    assert producer[4:22] == make_uscc("91110108MA01ABCD0")
    assert codes(check_provider_code(producer)) == set()


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("001191440300708461136T1XGW", "bad-provider-code"),  # 26 characters
        ("001191440300708461136X1XGW3", "bad-uscc"),  # check character changed T -> X
        ("001191440300708461136T9XGW3", "bad-service-code"),
    ],
)
def test_bad_provider_codes(code: str, expected: str) -> None:
    assert expected in codes(check_provider_code(code))


def test_dissemination_code_in_producer_field_is_a_warning() -> None:
    problems = check_provider_code("001191440300708461136T2XGW3", "ContentProducer", "1")
    assert [p.code for p in problems] == ["service-role"] and problems[0].severity == "warning"


def test_make_provider_code_rejects_bad_uscc() -> None:
    with pytest.raises(UserError):
        make_provider_code("91440300708461136X")


def obj(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "Label": "1",
        "ContentProducer": REAL_CODES[0],
        "ProduceID": "abc",
        "ReservedCode1": "",
        "ContentPropagator": "",
        "PropagateID": "",
        "ReservedCode2": "",
    }
    base.update(overrides)
    return base


def test_valid_object_has_no_problems() -> None:
    assert validate_object(obj()) == []


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"Label": "4"}, "bad-label-value"),
        ({"Label": 1}, "not-string"),
        ({"ProduceID": ""}, "missing-field"),
        ({"ReservedCode1": "签名"}, "bad-charset"),
        ({"ProduceID": "a b"}, "bad-charset"),
        ({"ProduceID": "a\\b"}, "bad-charset"),
        ({"ContentPropagator": "0011914403007084"}, "bad-provider-code"),
    ],
)
def test_field_problems(overrides: dict[str, object], expected: str) -> None:
    assert expected in codes(validate_object(obj(**overrides)))


def test_missing_required_and_unknown_fields() -> None:
    o = obj()
    del o["ProduceID"]
    del o["ReservedCode2"]
    o["Extra"] = "x"
    problems = validate_object(o)
    assert "missing-field" in codes(problems)
    warnings = {p.code for p in problems if p.severity == "warning"}
    assert {"absent-field", "unknown-field"} <= warnings


def test_escaped_quote_is_allowed() -> None:
    assert validate_object(obj(ReservedCode1='sig"1')) == []


def test_decode_unwraps_aigc_object_and_reports_bad_json() -> None:
    inner, problems = decode(Found("x", '{"AIGC": {"Label": "1"}}'))
    assert inner == {"Label": "1"} and problems == []
    none, problems = decode(Found("x", "{not json"))
    assert none is None and problems[0].code == "bad-json"
    none, problems = decode(Found("x", "[1, 2]"))
    assert none is None and problems[0].code == "not-object"


def test_writer_refuses_invalid_fields(producer: str) -> None:
    with pytest.raises(UserError, match="Label"):
        check_fields(AigcFields(Label="9", ContentProducer=producer, ProduceID="x"))
    ok = AigcFields(ContentProducer=producer, ProduceID="x")
    check_fields(ok)
    assert to_json(ok).startswith('{"Label":"1","ContentProducer":"0011')


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("本内容由人工智能生成", True),
        ("AI生成", True),
        ("由 AI 合成的图片", True),
        ("合成：AI", True),
        ("人工智能是未来", False),
        ("SAID生成", False),
        ("AI。这是另一句话，内容生成", False),
    ],
)
def test_explicit_wording_rule(text: str, expected: bool) -> None:
    assert has_both_elements(text) is expected


@pytest.mark.parametrize("name", ["doubao", "ByteDance-Doubao", "weibo"])
def test_provider_names_are_accepted_with_a_warning(name: str) -> None:
    """W6 (regulatory.md §2b): Labeling Measures Art 5 allows a provider name or a code."""
    problems = check_provider_code(name)
    assert [(p.code, p.severity) for p in problems] == [("provider-name", "warning")]
    assert "Art 5" in problems[0].message
    assert not [p for p in validate_object(obj(ContentPropagator=name)) if p.severity == "error"]
