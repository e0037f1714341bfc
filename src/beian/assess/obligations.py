"""``attestations/obligations.yaml``: applicability answers and structured obligation evidence.

``scope`` answers the profile's applicability questions (``public_opinion: {answer: false,
basis: …}``); ``evidence`` holds, per clause, the fields the clause lists (who, which document,
which date …) or ``not_applicable`` / ``nonconforms`` with the reason. Field values are checked
in :mod:`beian.assess.structured`; nothing here decides a verdict.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from beian.errors import ConfigError
from beian.standard import Profile

FILE_NAME = "obligations.yaml"
FieldValue = str | int | float | bool | date | None
RESERVED = ("not_applicable", "nonconforms", "alternative")
"""Keys of an evidence entry that are not fields: a reason for 不适用 / 不符合 and a measure."""


class ScopeAnswer(BaseModel):
    """The answer to one applicability question; a "no" needs its ``basis``."""

    model_config = ConfigDict(extra="forbid")

    answer: bool | None = None
    basis: str = ""


class ObligationAnswers(BaseModel):
    """The whole file."""

    model_config = ConfigDict(extra="forbid")

    scope: dict[str, ScopeAnswer] = {}
    evidence: dict[str, dict[str, FieldValue]] = {}


def load(folder: Path) -> ObligationAnswers:
    """The answers in ``folder`` (empty when there is no file); a bad file is a ConfigError."""
    path = folder / FILE_NAME
    if not path.is_file():
        return ObligationAnswers()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return ObligationAnswers.model_validate(data)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc.__class__.__name__})") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{path}: {where}: {first['msg']}") from None


def template(profile: Profile) -> str:
    """A commented starting file listing every question and every structured field."""
    lines = [
        "# 适用性问题与法定义务的结构化证据 / applicability answers and structured evidence.",
        "# scope: answer true/false; a false answer needs a basis (the reason it does not apply).",
        "# evidence: one entry per clause; files are relative to this folder. Instead of fields,",
        "# an entry may give not_applicable: <reason> or nonconforms: <reason> (+ alternative).",
        "scope:",
    ]
    for q in profile.questions:
        lines += [f"  # {q.text_zh}", f"  {q.id}: {{answer: null, basis: ''}}"]
    lines.append("evidence:")
    for c in profile.clauses:
        if c.fields:
            lines.append(f"  {c.id}:  # {c.title_zh}")
            lines += [f"    {f.key}: null  # {f.label_zh} ({f.type})" for f in c.fields]
    return "\n".join(lines) + "\n"
