"""The detector's data files (families, contact cues, context cues), loaded and validated once.

The term lists live in YAML next to this module (``data/``) so that they can be reviewed and
extended without touching code; see ``docs/solicit.md`` for what each list means.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from beian.cachedir import yaml_data

IdKind = Literal["wechat", "number", "handle"]
WEAK, STRONG, VERY_STRONG = 1, 2, 3


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scoring(_Strict):
    """Scores per rule and the windows; see ``families.yaml``."""

    single: float = Field(ge=0, le=1)
    single_contact: float = Field(ge=0, le=1)
    strong_handle: float = Field(ge=0, le=1)
    strong_cue: float = Field(ge=0, le=1)
    pair: float = Field(ge=0, le=1)
    weak_handle: float = Field(ge=0, le=1)
    bonus_per_term: float = Field(ge=0, le=1)
    window: int = Field(gt=0)
    negative_window: int = Field(ge=0)


class Family(_Strict):
    """One solicitation family: its risks, rules and terms by strength."""

    name: dict[str, str]
    risks: list[str] = Field(min_length=1)
    pair: bool
    cue: bool
    weak_with_handle: bool
    handles: list[str] | None = None
    """Handle types that count for this family (``None``: all)."""
    quiet_in_notices: bool = False
    """In an account or transaction notice (a ``notice`` cue anywhere in the text), fire only on
    a very strong term: a bank's balance message with its hotline is not an advertisement."""
    very_strong: list[str] = []
    strong: list[str] = []
    weak: list[str] = []

    def weighted(self) -> list[tuple[str, int]]:
        """``(term, strength)`` pairs, strongest first."""
        return [
            *((t, VERY_STRONG) for t in self.very_strong),
            *((t, STRONG) for t in self.strong),
            *((t, WEAK) for t in self.weak),
        ]


class Families(_Strict):
    """``families.yaml``."""

    scoring: Scoring
    families: dict[str, Family] = Field(min_length=1)


class HandleType(_Strict):
    """Cues of one contact-handle type and the kind of id that may follow them."""

    id: IdKind
    cues: list[str] = []
    id_cues: list[str] = []


class Contacts(_Strict):
    """``contacts.yaml``."""

    types: dict[str, HandleType]
    pointers: list[str]

    @model_validator(mode="after")
    def _no_pointer_type(self) -> Contacts:
        if "pointer" in self.types:
            raise ValueError("'pointer' is reserved for the pointers list")
        return self


class Cues(_Strict):
    """``cues.yaml``."""

    call_to_action: list[str]
    negative: list[str]
    question: list[str]
    reassurance: list[str]
    notice: list[str] = []
    blockers: list[str] = []


def _read(name: str) -> Any:
    text = (
        resources.files("beian.detect.solicit").joinpath("data").joinpath(name).read_text("utf-8")
    )
    # They are read on every start of a command that builds the detector: parsed once by
    # libyaml's safe loader, then from the cache (no PyYAML import).
    return yaml_data(text)


@cache
def families() -> Families:
    """The solicitation families (validated)."""
    return Families.model_validate(_read("families.yaml"))


@cache
def contacts() -> Contacts:
    """The contact-handle cues (validated)."""
    return Contacts.model_validate(_read("contacts.yaml"))


@cache
def cues() -> Cues:
    """The call-to-action, negative, question and reassurance cues (validated)."""
    return Cues.model_validate(_read("cues.yaml"))
