"""Records of the keyword library and the question banks."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

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
    source: str = ""
    added: date | None = None
    removed: date | None = None
    note: str = ""
    derived_from: str | None = None
    """Set on evasion variants made by ``beian bank mutate``: the term they were made from."""

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
