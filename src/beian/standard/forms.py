"""Structured evidence a clause asks for: the fields of a register, a document or a record.

An obligation is concluded from fields (who, which document, which date …), not from a free
"conforms": every required field must be present and valid, or the clause stays 待确认.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from beian.standard._base import Frozen

FieldType = Literal["text", "person", "date", "int", "bool", "file", "register", "document"]


class DocSection(Frozen):
    """A section a document must contain, found by any of ``any_of`` (case-insensitive)."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_zh: str
    name_en: str
    any_of: tuple[str, ...]


class EvidenceField(Frozen):
    """One structured evidence field of an obligation.

    ``register``: a CSV/JSONL file with ``columns``; ``document``: a text/HTML/DOCX file that
    must contain ``sections``; ``file``: any existing file; ``int`` may be checked against the
    clause threshold named ``threshold``; ``bool`` must be true.
    """

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label_zh: str
    label_en: str
    type: FieldType = "text"
    required: bool = True
    columns: tuple[str, ...] = ()
    sections: tuple[DocSection, ...] = ()
    threshold: str = ""


class Interval(Frozen):
    """A deadline between two date fields, checked against a clause threshold (days)."""

    start: str
    end: str
    threshold: str = ""
    """Threshold key (days); empty = only the order of the two dates is checked."""
    working_days: bool = False
    """Count Monday–Friday only (public holidays are not modelled)."""


Record = Literal["gateway_complaints"]
"""A record beian itself produces that the clause reads as evidence."""
