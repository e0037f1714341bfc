"""Checksum and plausibility validators, one per identifier scheme.

Each validator takes the *compact* value (separators removed, full-width already folded to
ASCII) and returns a :class:`Check`. A failed check rejects the candidate; a passed one may
override the pattern's score (e.g. a UnionPay BIN is stronger evidence than any Luhn number).
The checksum functions are public so tests and other modules can generate valid values.
"""

from __future__ import annotations

import ipaddress
from datetime import UTC, date, datetime
from typing import NamedTuple

# GB/T 2260 province-level prefixes (first two digits of an administrative division code);
# 71 Taiwan, 81 Hong Kong, 82 Macao; 83 is used by residence permits for Taiwan residents.
PROVINCES: frozenset[str] = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    ]
)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# GB 32100-2015: 31 characters, I O Z S V left out to avoid confusion with digits.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# Mobile number segments allotted by MIIT (first three digits), incl. virtual operators (170/171)
# and IoT-free data segments used for phones (145-149, 162-167, 190-199).
_MOBILE_PREFIXES: frozenset[str] = frozenset(
    [f"13{d}" for d in range(10)]
    + ["145", "146", "147", "148", "149"]
    + [f"15{d}" for d in (0, 1, 2, 3, 5, 6, 7, 8, 9)]
    + ["162", "165", "166", "167"]
    + [f"17{d}" for d in range(9)]
    + [f"18{d}" for d in range(10)]
    + [f"19{d}" for d in (0, 1, 2, 3, 5, 6, 7, 8, 9)]
)

# Card issuer prefixes seen on cards issued in mainland China: UnionPay 62 (and the older 60
# Great Wall/ABC ranges), Visa 4, Mastercard 51-55 and 2221-2720, JCB 35, ICBC legacy 9558.
_OTHER_CARD_PREFIXES = ("60", "4", "51", "52", "53", "54", "55", "35", "9558")


class Check(NamedTuple):
    """Outcome of a validator: ``ok`` rejects or keeps; ``score`` overrides the pattern's."""

    ok: bool
    note: str
    score: float | None = None


REJECT = Check(False, "rejected")


def _today() -> date:
    return datetime.now(tz=UTC).date()


def valid_date(year: int, month: int, day: int) -> bool:
    """Whether the date exists and is not in the future."""
    try:
        d = date(year, month, day)
    except ValueError:
        return False
    return date(1880, 1, 1) <= d <= _today()


def id_check_char(first17: str) -> str:
    """GB 11643-1999 check character (ISO 7064 MOD 11-2) for the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def check_resident_id(value: str) -> Check:
    """18-digit resident ID: province prefix, birth date and MOD 11-2 check digit."""
    v = value.upper()
    if len(v) != 18 or not v[:17].isdigit() or v[:2] not in PROVINCES:
        return REJECT
    if not valid_date(int(v[6:10]), int(v[10:12]), int(v[12:14])):
        return REJECT
    if id_check_char(v[:17]) != v[17]:
        return REJECT
    return Check(True, "gb11643 check digit, birth date, region")


def check_resident_id15(value: str) -> Check:
    """Legacy 15-digit ID (before 1999): province prefix and a 19yy birth date; no checksum."""
    if len(value) != 15 or not value.isdigit() or value[:2] not in PROVINCES:
        return REJECT
    if not valid_date(1900 + int(value[6:8]), int(value[8:10]), int(value[10:12])):
        return REJECT
    return Check(True, "birth date, region (no checksum)")


def luhn_ok(digits: str) -> bool:
    """Whether ``digits`` passes the Luhn (mod 10) check."""
    total = 0
    for i, c in enumerate(reversed(digits)):
        n = int(c)
        if i % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def luhn_check_digit(payload: str) -> str:
    """The Luhn check digit that makes ``payload + digit`` valid."""
    for d in "0123456789":
        if luhn_ok(payload + d):
            return d
    raise AssertionError("unreachable: one digit always completes a Luhn number")


def check_bank_card(value: str) -> Check:
    """16-19 digits, Luhn, and a known issuer prefix; UnionPay 62 scores higher."""
    if not 16 <= len(value) <= 19 or not value.isdigit() or not luhn_ok(value):
        return REJECT
    if value.startswith("62"):
        return Check(True, "luhn, unionpay bin 62", 0.6)
    mc2 = 2221 <= int(value[:4]) <= 2720
    if mc2 or value.startswith(_OTHER_CARD_PREFIXES):
        return Check(True, "luhn, issuer prefix")
    return REJECT


def uscc_check_char(first17: str) -> str:
    """GB 32100-2015 check character for the first 17 characters."""
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def check_uscc(value: str) -> Check:
    """Unified Social Credit Code: alphabet, region code and GB 32100 check character.

    Codes of individual businesses (registration type ``92``) identify a natural person and keep
    the pattern's score; other codes name organisations, which are not personal information,
    so their score drops below the default threshold (see the package docstring).
    """
    v = value.upper()
    if len(v) != 18 or any(c not in _USCC_VALUE for c in v):
        return REJECT
    region = v[2:8]
    if not region.isdigit() or (region[:2] not in PROVINCES and region[:2] != "10"):
        return REJECT
    if uscc_check_char(v[:17]) != v[17]:
        return REJECT
    if v.startswith("92"):
        return Check(True, "gb32100 check char, individual business")
    return Check(True, "gb32100 check char, organisation", 0.35)


def check_mobile(value: str) -> Check:
    """11-digit mobile number (after an optional 86/0086 prefix) in an allotted segment."""
    core = value.lstrip("+")
    if len(core) > 11 and core.startswith(("0086", "86")):
        core = core[4:] if core.startswith("0086") else core[2:]
    if len(core) != 11 or core[:3] not in _MOBILE_PREFIXES:
        return REJECT
    return Check(True, "mobile segment")


def check_landline(value: str) -> Check:
    """Area code (010/02x three digits, else four) followed by a 7-8 digit local number."""
    area = 3 if value[1] in "12" else 4
    local = value[area:]
    if local[:1] in ("", "0", "1"):
        return REJECT
    ok = len(local) == 8 if area == 3 else len(local) in (7, 8)
    return Check(True, f"area code {value[:area]}") if ok else REJECT


def check_plate(value: str) -> Check:
    """Licence plate: ordinary plates carry at most two letters after the issuing-office letter."""
    tail = value[2:]
    if len(tail) == 6:  # new-energy: D/F first or last, only digits elsewhere
        return Check(True, "new-energy plate")
    letters = sum(c.isalpha() and c.isascii() for c in tail)
    return Check(True, "ordinary plate") if letters <= 2 else REJECT


def check_ipv4(value: str) -> Check:
    """Valid dotted quad; private, loopback and reserved addresses are weak evidence."""
    try:
        ip = ipaddress.IPv4Address(value)
    except ValueError:
        return REJECT
    if ip.is_global:
        return Check(True, "global ipv4")
    return Check(True, "non-global ipv4", 0.3)


def check_ipv6(value: str) -> Check:
    """Valid IPv6 text form with at least two non-empty groups and a digit."""
    groups = [g for g in value.split(":") if g]
    if len(groups) < 2 or not any(c.isdigit() for c in value):
        return REJECT
    try:
        ip = ipaddress.IPv6Address(value)
    except ValueError:
        return REJECT
    if ip.is_global:
        return Check(True, "global ipv6")
    return Check(True, "non-global ipv6", 0.3)


def check_email(value: str) -> Check:
    """Local part without leading, trailing or doubled dots."""
    local = value.split("@", 1)[0]
    if local.startswith(".") or local.endswith(".") or ".." in value:
        return REJECT
    return Check(True, "address syntax")
