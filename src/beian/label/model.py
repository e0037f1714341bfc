"""Records of the label engine: what to write (``LabelSpec``) and what was found (``LabelStatus``).

``LabelSpec`` is configured by users (CLI, YAML), so it is pydantic with ``extra="forbid"``.
Results are small frozen dataclasses with ``to_dict`` for JSON output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from beian.label.rules import FIELDS

Severity = Literal["error", "warning", "info"]
Position = Literal[
    "start", "end", "top-left", "top-right", "bottom-left", "bottom-right", "top", "bottom"
]
ExplicitState = Literal["detected", "declared", "absent", "not_checked", "not_applicable"]


class AigcFields(BaseModel):
    """The seven Annex E fields of one implicit label (all strings; empty = not set).

    An empty ``ContentProducer`` in a ``LabelSpec`` means "none given": the writer then only adds
    propagation fields to the label the file already has.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    Label: str = "1"
    ContentProducer: str = ""
    ProduceID: str = ""
    ReservedCode1: str = ""
    ContentPropagator: str = ""
    PropagateID: str = ""
    ReservedCode2: str = ""

    def as_dict(self) -> dict[str, str]:
        """Fields in Annex E order."""
        return {name: getattr(self, name) for name in FIELDS}


class LabelSpec(BaseModel):
    """What ``apply`` writes: the implicit label fields and whether to add each label kind."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fields: AigcFields
    implicit: bool = True
    explicit: bool = False
    text: str | None = None
    """Explicit wording; ``None`` = the media type's default (it must pass L-01)."""
    position: Position | None = None
    """Where the explicit label goes; ``None`` = start (text, audio) or bottom-right (images)."""
    height_ratio: float | None = Field(default=None, gt=0.0, le=0.5)
    """Glyph height of the image / video prompt as a share of the shortest side (``None`` = the
    profile's minimum; a smaller value is refused by the writer, which knows the profile)."""
    seconds: float = Field(default=3.0, gt=0.0, le=60.0)
    """How long the video prompt stays on screen from the first frame (≥ the profile's minimum)."""
    force: bool = False
    """Replace another producer's (or an unreadable) implicit label; the writer audits it."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason a file does not conform, with the rule it breaks (``L-xx`` of REGULATION §8.7)."""

    code: str
    message: str
    rule: str = ""
    severity: Severity = "error"

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form."""
        return {
            "code": self.code,
            "severity": self.severity,
            "rule": self.rule,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class Found:
    """One implicit label occurrence: where it sits and its raw payload text."""

    carrier: str
    payload: str | dict[str, Any]
    """JSON text, or an already-structured mapping (Markdown front matter)."""
    standard: bool = True
    """Whether the carrier is the one the practice guide names for this format."""


@dataclass(frozen=True, slots=True)
class ExplicitStatus:
    """What the verifier could tell about the explicit (visible / audible) label."""

    state: ExplicitState
    detail: str = ""
    position: str = ""


@dataclass(frozen=True, slots=True)
class LabelResult:
    """Outcome of ``apply``: the written file and what went into it."""

    src: Path
    dst: Path
    media_type: str
    implicit: str = ""
    """Carrier the implicit label was written to ("" = none written)."""
    explicit: str = ""
    """Short description of the explicit label written ("" = none)."""
    notes: tuple[str, ...] = ()
    audit: str = ""
    """Audit log the replacement of an existing label was recorded in ("" = none replaced)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "src": str(self.src),
            "dst": str(self.dst),
            "media_type": self.media_type,
            "implicit": self.implicit,
            "explicit": self.explicit,
            "notes": list(self.notes),
            "audit": self.audit,
        }


@dataclass(frozen=True, slots=True)
class LabelStatus:
    """Outcome of ``verify`` for one file."""

    path: Path
    media_type: str
    labels: tuple[Found, ...] = ()
    fields: dict[str, Any] | None = None
    explicit: ExplicitStatus = ExplicitStatus("not_checked")
    problems: tuple[Problem, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when no problem has severity ``error``."""
        return not any(p.severity == "error" for p in self.problems)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "path": str(self.path),
            "media_type": self.media_type,
            "ok": self.ok,
            "implicit": {
                "count": len(self.labels),
                "carriers": [f.carrier for f in self.labels],
                "fields": self.fields,
            },
            "explicit": {
                "state": self.explicit.state,
                "detail": self.explicit.detail,
                "position": self.explicit.position,
            },
            "problems": [p.to_dict() for p in self.problems],
        }
