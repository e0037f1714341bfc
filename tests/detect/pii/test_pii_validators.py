"""Checksum validators: published examples, generated valid values, single-character corruptions."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beian.detect.pii.masking import mask_email, mask_ip, mask_middle
from beian.detect.pii.validators import (
    PROVINCES,
    USCC_ALPHABET,
    check_bank_card,
    check_resident_id,
    check_resident_id15,
    check_uscc,
    luhn_ok,
)

# Reference implementations written from the standards' definitions, independent of the
# module's weight tables: GB 11643 weights are 2^(17-i) mod 11, GB 32100 weights 3^i mod 31.


def ref_id_check(first17: str) -> str:
    total = sum(int(c) * pow(2, 17 - i, 11) for i, c in enumerate(first17))
    return "0123456789X"[(12 - total % 11) % 11]


def ref_uscc_check(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def ref_luhn_complete(payload: str) -> str:
    digits = [int(c) for c in reversed(payload)]
    total = sum(sum(divmod(d * 2, 10)) if i % 2 == 0 else d for i, d in enumerate(digits))
    return payload + str((10 - total % 10) % 10)


def corruptions(value: str, alphabet: str) -> list[str]:
    """Every value differing from ``value`` in exactly one position."""
    return [
        value[:i] + c + value[i + 1 :] for i in range(len(value)) for c in alphabet if c != value[i]
    ]


ids = st.builds(
    lambda p, r, d, s: f"{p}{r:04d}{d:%Y%m%d}{s:03d}",
    st.sampled_from(sorted(PROVINCES)),
    st.integers(0, 9999),
    st.dates(date(1900, 1, 1), date(2020, 12, 31)),
    st.integers(0, 999),
).map(lambda first17: first17 + ref_id_check(first17))

usccs = st.builds(
    lambda a, p, r, org: f"{a}{p}{r:04d}{org}",
    st.text(USCC_ALPHABET, min_size=2, max_size=2),
    st.sampled_from(sorted(PROVINCES)),
    st.integers(0, 9999),
    st.text(USCC_ALPHABET, min_size=9, max_size=9),
).map(lambda first17: first17 + ref_uscc_check(first17))

cards = st.builds(
    lambda prefix, body: ref_luhn_complete(prefix + body),
    st.sampled_from(["62", "4", "51", "55", "35", "9558"]),
    st.text("0123456789", min_size=14, max_size=14),
)


@settings(max_examples=200, deadline=None)
@given(ids)
def test_generated_resident_ids_validate_and_corruptions_do_not(value: str) -> None:
    assert check_resident_id(value).ok
    assert not any(check_resident_id(v).ok for v in corruptions(value, "0123456789X"))


@settings(max_examples=200, deadline=None)
@given(usccs)
def test_generated_usccs_validate_and_corruptions_do_not(value: str) -> None:
    assert check_uscc(value).ok
    assert not any(check_uscc(v).ok for v in corruptions(value, USCC_ALPHABET))


@settings(max_examples=200, deadline=None)
@given(cards)
def test_generated_luhn_numbers_validate_and_corruptions_do_not(value: str) -> None:
    assert luhn_ok(value) and check_bank_card(value).ok
    assert not any(luhn_ok(v) for v in corruptions(value, "0123456789"))


# fmt: off
@pytest.mark.parametrize("value", [
    "11010519491231002X",   # example printed in GB 11643-1999
    "440524188001010014",   # idem
    "11010519491231002x",   # lower-case check character
])
def test_published_resident_ids(value: str) -> None:
    assert check_resident_id(value).ok


@pytest.mark.parametrize("value", [
    "110105194912310021",   # wrong check digit
    "990105194912310025",   # no such province
    "110105194902300023",   # 30 February
    "110105299001010010",   # birth year 2990: future
    "11010519491231002",    # 17 digits
])
def test_bad_resident_ids(value: str) -> None:
    assert not check_resident_id(value).ok


@pytest.mark.parametrize(("value", "ok"), [
    ("110105491231002", True),
    ("110105490231002", False),  # 31 February
    ("990105491231002", False),  # no such province
])
def test_legacy_ids(value: str, ok: bool) -> None:
    assert check_resident_id15(value).ok is ok


@pytest.mark.parametrize(("value", "score"), [
    ("91350100M000100Y43", 0.35),          # organisation: below the default threshold
    ("921112542U0E0QQ87F", None),          # individual business keeps the pattern score
])
def test_uscc_scores(value: str, score: float | None) -> None:
    check = check_uscc(value)
    assert check.ok and check.score == score


@pytest.mark.parametrize("value", [
    "91350100M000100Y4I",  # I is not in the GB 32100 alphabet
    "91350100M000100Y44",  # wrong check character
    "9135A100M000100Y43",  # region code must be digits
])
def test_bad_usccs(value: str) -> None:
    assert not check_uscc(value).ok


@pytest.mark.parametrize(("value", "masked"), [
    ("11010519491231002X", "110105********002X"),
    ("13812345678", "138****5678"),
    ("京A12345", "京A****5"),
])
def test_mask_middle(value: str, masked: str) -> None:
    assert mask_middle(value, head=6 if len(value) == 18 else 3 if len(value) == 11 else 2,
                       tail=4 if len(value) > 7 else 2) == masked
# fmt: on


def test_mask_email_and_ip() -> None:
    assert mask_email("zhang.san@example.com") == "z***@example.com"
    assert mask_ip("203.0.113.9") == "203.0.*.*"
