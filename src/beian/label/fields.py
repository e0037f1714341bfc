"""Annex E payloads: serialise, parse and validate the ``AIGC`` object, and provider codes.

Validation follows REGULATION.md §8.7: L-10 (fields, ``Label`` values), L-11 (charset), L-12
(one label per file, checked by the caller that counts carriers) and L-13 (TC260-PG-20252A
provider codes with an embedded GB 32100 Unified Social Credit Code; a provider *name* is a
warning, because Labeling Measures Art 5 allows "名称或者编码").
"""

from __future__ import annotations

import json
import re
from typing import Any

from beian.detect.pii.validators import USCC_ALPHABET, check_uscc, uscc_check_char
from beian.errors import UserError
from beian.label.model import AigcFields, Found, Problem
from beian.label.rules import FIELDS, LABEL_VALUES, REQUIRED_FIELDS

PROVIDER_CODE_RE = re.compile(r"^00[0-9A-Z]{20}[0-9A-Z]{5}$")
"""L-13: 27 characters of 0-9A-Z starting with the format code ``00``."""
CODE_LIKE_RE = re.compile(r"^00[0-9A-Z]{10,}$")
"""A value meant as a provider code (``00`` + many code characters) but of the wrong length."""


def allowed_char(ch: str) -> bool:
    """L-11: GB18030 single-byte printable 0x21, 0x23–0x5B, 0x5D–0x7E, or a (JSON-escaped) quote.

    The quote (0x22) is allowed only escaped as ``\\"``; a decoded value holds it as a plain
    ``"``, which JSON serialisation escapes again, so it is accepted here.
    """
    code = ord(ch)
    return code == 0x21 or code == 0x22 or 0x23 <= code <= 0x5B or 0x5D <= code <= 0x7E


def to_json(fields: AigcFields) -> str:
    """The Annex E object as compact JSON with all seven fields in standard order."""
    return json.dumps(fields.as_dict(), ensure_ascii=True, separators=(",", ":"))


def check_fields(fields: AigcFields) -> None:
    """Refuse to write a label that would not verify (raises :class:`UserError`)."""
    errors = [p for p in validate_object(fields.as_dict()) if p.severity == "error"]
    if errors:
        raise UserError(f"invalid AIGC label: {errors[0].message}")


def decode(found: Found) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The Annex E object of one occurrence, unwrapping ``{"AIGC": {...}}``, or problems."""
    payload: Any = found.payload
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except json.JSONDecodeError as exc:
            msg = f"{found.carrier}: value is not JSON ({exc.msg} at column {exc.colno})"
            return None, [Problem("bad-json", msg, "L-10")]
    if isinstance(payload, dict) and set(payload) == {"AIGC"}:
        payload = payload["AIGC"]
        if isinstance(payload, str):
            return decode(Found(found.carrier, payload, found.standard))
    if not isinstance(payload, dict):
        msg = f"{found.carrier}: value is a JSON {type(payload).__name__}, not an object"
        return None, [Problem("not-object", msg, "L-10")]
    return payload, []


def validate_object(obj: dict[str, Any]) -> list[Problem]:
    """Every L-10 / L-11 / L-13 problem of one decoded Annex E object."""
    problems: list[Problem] = []
    for name in FIELDS:
        if name not in obj:
            if name in REQUIRED_FIELDS:
                problems.append(Problem("missing-field", f"{name} is missing", "L-10"))
            else:
                msg = f"{name} is absent (Annex E lists it; write it empty when unused)"
                problems.append(Problem("absent-field", msg, "L-10", "warning"))
    for name in obj:
        if name not in FIELDS:
            msg = f"unknown field {name!r} (not in Annex E)"
            problems.append(Problem("unknown-field", msg, "L-10", "warning"))
    for name, value in obj.items():
        problems.extend(_check_value(name, value))
    label = obj.get("Label")
    if isinstance(label, str) and label and label not in LABEL_VALUES:
        msg = f"Label is {label!r}; it must be one of {', '.join(LABEL_VALUES)}"
        problems.append(Problem("bad-label-value", msg, "L-10"))
    for name, role in (("ContentProducer", "1"), ("ContentPropagator", "2")):
        value = obj.get(name)
        if isinstance(value, str) and value and _charset_ok(value):
            problems.extend(check_provider_code(value, name, role))
    return problems


def _charset_ok(value: str) -> bool:
    return all(allowed_char(c) for c in value)


def _check_value(name: str, value: Any) -> list[Problem]:
    if not isinstance(value, str):
        msg = f"{name} is a JSON {type(value).__name__}; Annex E values are strings"
        return [Problem("not-string", msg, "L-10")]
    if not value:
        if name in REQUIRED_FIELDS:
            return [Problem("missing-field", f"{name} is empty", "L-10")]
        return []
    for i, ch in enumerate(value):
        if not allowed_char(ch):
            what = "a space" if ch == " " else f"U+{ord(ch):04X} {ch!r}"
            msg = f"{name} holds {what} at position {i}; only printable ASCII without space/backslash is allowed"
            return [Problem("bad-charset", msg, "L-11")]
    return []


def check_provider_code(code: str, name: str = "ContentProducer", role: str = "1") -> list[Problem]:
    """L-13 problems of a TC260-PG-20252A provider code (``role`` "1" generation, "2" dissemination)."""
    if not PROVIDER_CODE_RE.match(code):
        if CODE_LIKE_RE.match(code):
            msg = (
                f"{name} {code!r} looks like a TC260-PG-20252A code but has {len(code)} "
                "characters (27 expected)"
            )
            return [Problem("bad-provider-code", msg, "L-13")]
        # Labeling Measures Art 5 asks for the provider's "名称或者编码"; the 27-character code
        # is PG-20252A, a recommended guide, so a (charset-valid) name is accepted with a warning.
        msg = (
            f"{name} {code!r} is a name, not a TC260-PG-20252A code; Labeling Measures Art 5 "
            "allows a name or a code, the recommended guide PG-20252A prefers the code"
        )
        return [Problem("provider-name", msg, "L-13", "warning")]
    problems: list[Problem] = []
    subject, uscc, service = code[2:4], code[4:22], code[22:]
    if subject == "11":
        if not check_uscc(uscc).ok:
            msg = f"{name}: embedded Unified Social Credit Code {uscc} fails the GB 32100 check"
            problems.append(Problem("bad-uscc", msg, "L-13"))
    else:
        msg = f"{name}: subject type {subject!r} is not '11' (organisation + USCC); not verified"
        problems.append(Problem("unverified-subject", msg, "L-13", "warning"))
    if service != "00000":
        if service[0] not in "12":
            msg = f"{name}: service code {service!r} must be 00000 or start with 1 or 2"
            problems.append(Problem("bad-service-code", msg, "L-13"))
        elif service[0] != role:
            kind = "generation" if service[0] == "1" else "dissemination"
            msg = f"{name}: service code {service!r} marks a {kind} service"
            problems.append(Problem("service-role", msg, "L-13", "warning"))
    return problems


def make_uscc(first17: str) -> str:
    """A Unified Social Credit Code with its GB 32100 check character appended."""
    value = first17.upper()
    if len(value) != 17 or any(c not in USCC_ALPHABET for c in value):
        raise UserError(f"{first17!r} is not 17 characters of the USCC alphabet")
    return value + uscc_check_char(value)


def make_provider_code(uscc: str, service: str = "00000") -> str:
    """A TC260-PG-20252A provider code for an organisation identified by its USCC."""
    value = uscc.upper()
    if len(value) == 17:
        value = make_uscc(value)
    code = f"0011{value}{service.upper()}"
    problems = [p for p in check_provider_code(code) if p.severity == "error"]
    if problems:
        raise UserError(problems[0].message)
    return code
