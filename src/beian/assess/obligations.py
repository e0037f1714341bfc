"""``attestations/obligations.yaml``: applicability answers and structured obligation evidence.

``scope`` answers the profile's applicability questions (``public_opinion: {answer: false,
basis: …}``); ``evidence`` holds, per clause, the fields the clause lists (who, which document,
which date …) or ``not_applicable`` / ``nonconforms`` with the reason. Field values are checked
in :mod:`beian.assess.structured`; nothing here decides a verdict.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from beian.assess.attestations import read_model
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
    return read_model(path, ObligationAnswers) if path.is_file() else ObligationAnswers()


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
