"""Read labelled JSONL (``{"text": ..., "risks": [...]}``) with per-line errors, never silently.

Risk labels may be ids (``A.1.f``) or any name or alias the profile knows; ``[]`` is benign.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from beian.errors import InputError
from beian.records import ErrorRecord
from beian.standard import Profile


@dataclass(slots=True)
class LabelledRows:
    """Rows read from one or more files plus the lines that could not be used."""

    rows: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    errors: list[ErrorRecord] = field(default_factory=list)


def _parse(line: str, profile: Profile) -> tuple[str, tuple[str, ...]]:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg})") from None
    if not isinstance(obj, dict):
        raise ValueError("a line must be a JSON object")
    text, risks = obj.get("text"), obj.get("risks")
    if not isinstance(text, str):
        raise ValueError('"text" must be a string')
    if not isinstance(risks, list) or not all(isinstance(r, str) for r in risks):
        raise ValueError('"risks" must be a list of risk ids or names ([] for benign)')
    ids = []
    for name in risks:
        rid = profile.resolve_risk(name)
        if rid is None:
            raise ValueError(f"unknown risk {name!r}")
        ids.append(rid)
    return text, tuple(sorted(set(ids)))


def read_labelled(paths: list[Path], profile: Profile) -> LabelledRows:
    """All usable rows of ``paths``; bad lines become :class:`ErrorRecord` with their line number."""
    out = LabelledRows()
    for path in paths:
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        except UnicodeDecodeError:
            raise InputError(f"{path}: not UTF-8 text") from None
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                out.rows.append(_parse(line, profile))
            except ValueError as exc:
                out.errors.append(
                    ErrorRecord(file=str(path), position=number, reason=str(exc), raw=line[:200])
                )
    return out
