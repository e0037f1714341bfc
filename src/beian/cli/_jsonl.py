"""Reading JSONL input line by line, turning every unusable line into a reason."""

from __future__ import annotations

from typing import Any

from beian.scan.strict_json import loads_strict, unencodable


def parse_object_line(raw: bytes) -> tuple[dict[str, Any] | None, str]:
    """The JSON object on one line, or ``(None, reason)`` when the line cannot be used."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8: {exc.reason} at byte {exc.start}"
    if not line.strip():
        return None, "blank line"
    record, problem = loads_strict(line)
    if problem is not None:
        return None, "bad JSON" + problem.removeprefix("invalid JSON")
    if not isinstance(record, dict):
        return None, f"not a JSON object but {type(record).__name__}"
    bad = unencodable(record)  # C1: a lone surrogate escape fails this line, not the run
    if bad is not None:
        return None, bad
    return record, ""
