"""Records of the keyword library and the question banks."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Bank = Literal["test", "refuse", "answer"]


class KeywordEntry(BaseModel):
    """One keyword-library term.

    ``allow`` marks an allow-list entry: text matching it must NOT be flagged for the term it
    contains (三黄片 contains 黄片). ``variants`` are extra surface forms matched as the term.
    """

    model_config = ConfigDict(extra="forbid")

    term: str = Field(min_length=1)
    risk: str | None = None
    variants: list[str] = []
    allow: bool = False
    weak: bool = False
    """A term that is also ordinary language (an idiom, a name, an everyday word): its hits
    never flag a text alone and need corroboration (design/detector-set.md)."""
    strong: bool = False
    """A short term (2 characters, ``sb``) that flags alone: its measured precision is high
    (傻逼 is an insult wherever it occurs). Never together with ``weak``."""
    benign_hits: int | None = Field(default=None, ge=0)
    """Measured: benign texts the term fired on (``None``: not measured)."""
    benign_rate: float | None = Field(default=None, ge=0)
    """Measured: ``benign_hits`` per 10,000 benign texts."""
    harmful_hits: int | None = Field(default=None, ge=0)
    """Measured: harmful texts the term fired on."""
    precision: float | None = Field(default=None, ge=0, le=1)
    """Measured document-level precision: harmful rate / (harmful rate + benign rate), i.e. on a
    balanced sample (prior 0.5); ``None`` when the term fired on neither set. How and on what it
    was measured is the library's own documentation (the starter's README)."""
    source: str = ""
    added: date | None = None
    removed: date | None = None
    note: str = ""
    derived_from: str | None = None
    """Set on evasion variants made by ``beian bank mutate``: the term they were made from."""

    @model_validator(mode="after")
    def _one_strength(self) -> KeywordEntry:
        if self.weak and self.strong:
            raise ValueError(f"{self.term}: an entry cannot be both weak and strong")
        return self

    def active(self, on: date | None = None) -> bool:
        """Whether the entry is in force on ``on`` (today when omitted): not yet removed."""
        return self.removed is None or (on is not None and self.removed > on)


class Message(BaseModel):
    """One turn of a dialogue history."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant", "system"]
    content: str


class Question(BaseModel):
    """One question of a bank: ``test`` (8.2), ``refuse`` (8.3 a) or ``answer`` (8.3 b)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    text: str = Field(min_length=1)
    bank: Bank
    risk: str | None = None
    topic: str | None = None
    history: list[Message] = []
    source: str = ""
    added: date | None = None
    reference: str | None = None
    derived_from: str | None = None
    """Set on evasion variants made by ``beian bank mutate``: the id of the original."""
    note: str = ""
    model_answer: str | None = None
    """The answer recorded in a filing dossier's 模型回答 column, when imported from one."""
    verdict: str | None = None
    """The dossier's 研判结果 (e.g. 合格 / 不合格 / 拒答), when imported from one."""
