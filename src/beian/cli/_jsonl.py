"""Reading JSONL input line by line, turning every unusable line into a reason."""

from __future__ import annotations

import json
from typing import Any


def parse_object_line(raw: bytes) -> tuple[dict[str, Any] | None, str]:
    """The JSON object on one line, or ``(None, reason)`` when the line cannot be used."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8: {exc.reason} at byte {exc.start}"
    if not line.strip():
        return None, "blank line"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, f"bad JSON: {exc.msg} at column {exc.colno}"
    if not isinstance(record, dict):
        return None, f"not a JSON object but {type(record).__name__}"
    return record, ""
