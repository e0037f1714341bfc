"""What an assessment says about one clause, and the bilingual text it is said in."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from beian.records import ClauseStatus

Lang = Literal["zh", "en"]

STATUS_LABELS: dict[str, dict[str, str]] = {
    "conforms": {"zh": "符合", "en": "Conforms"},
    "nonconforms": {"zh": "不符合", "en": "Does not conform"},
    "not_applicable": {"zh": "不适用", "en": "Not applicable"},
    "pending": {"zh": "待确认", "en": "Pending"},
}


class Msg(BaseModel):
    """A sentence in Chinese and English: every user-facing string of a report is one."""

    model_config = ConfigDict(frozen=True)

    zh: str
    en: str

    def get(self, lang: Lang) -> str:
        """The text in ``lang``."""
        return self.zh if lang == "zh" else self.en


class EvidenceRef(BaseModel):
    """A file or a stored run that a conclusion rests on."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["file", "run"]
    ref: str
    sha256: str = ""
    note: str = ""


class ClauseEvidence(BaseModel):
    """The conclusion on one clause, with the evidence found and what is still missing."""

    clause: str
    status: ClauseStatus
    section: str
    summary: Msg
    figures: dict[str, Any] = {}
    evidence: list[EvidenceRef] = []
    missing: list[Msg] = []
    alternative: str = ""
    explanation: str = ""


def pending(clause: str, section: str, why: Msg) -> ClauseEvidence:
    """A clause that cannot be concluded yet, and why."""
    return ClauseEvidence(
        clause=clause, status="pending", section=section, summary=why, missing=[why]
    )
