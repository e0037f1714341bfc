"""Shared records: what components produce and what results are built from.

Hot-path values (``Finding``, ``Document``) are frozen slotted dataclasses: a scan creates
millions of them and pydantic validation would cost more than the detection itself. They
serialise through ``to_dict``. Everything written to disk or configured is pydantic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

Verdict = Literal["qualified", "unqualified", "unscored"]
ClauseStatus = Literal["conforms", "nonconforms", "not_applicable", "pending"]


class ComponentSpec(BaseModel):
    """Identifies the exact component (kind, name, version, options) behind a result."""

    model_config = ConfigDict(frozen=True)

    kind: str
    name: str
    version: str
    options: dict[str, Any] = {}

    def label(self) -> str:
        """Short human-readable id such as ``detector:keyword@1``."""
        return f"{self.kind}:{self.name}@{self.version}"


@dataclass(frozen=True, slots=True)
class Finding:
    """One risk found in a text.

    ``start``/``end`` index the ORIGINAL text (before normalisation); both are ``None`` for a
    document-level finding such as a classifier score.
    """

    risk: str
    detector: str
    score: float
    start: int | None = None
    end: int | None = None
    evidence: str = ""
    why: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form used in outputs (``{risk, detector, start, end, score, evidence}``)."""
        out: dict[str, Any] = {
            "risk": self.risk,
            "detector": self.detector,
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 4),
            "evidence": self.evidence,
        }
        if self.why:
            out["why"] = self.why
        return out


@dataclass(frozen=True, slots=True)
class Document:
    """One item of text with where it came from."""

    id: str
    text: str
    source: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)


class ErrorRecord(BaseModel):
    """An input record that could not be processed, with where and why."""

    file: str
    position: int | None = None
    reason: str
    raw: str | None = None
