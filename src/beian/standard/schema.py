"""Pydantic schema of a standard profile: risks, topics, clauses and their thresholds."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, model_validator

from beian.standard._base import Confidence
from beian.standard._base import Frozen as _Frozen
from beian.standard.forms import EvidenceField, Interval, Record
from beian.standard.refs import Chapter, ClauseRef, Question, Source

ClauseKind = Literal["automatic", "attestation", "review"]
Modal = Literal["shall", "should"]
Op = Literal[">=", "<=", "=="]
ScopeCondition = Literal["trains", "non_text_media"]
"""What a clause needs of the service to apply: ``trains`` = the provider trains or fine-tunes
a model on its own corpus; ``non_text_media`` = the service generates images, audio or video.
A workspace declares its scope in ``beian.toml`` ``[scope]``; an undeclared scope applies all."""

RISK_ID = re.compile(r"^A\.[1-9]\.[a-z]$")
CATEGORY_ID = re.compile(r"^A\.[1-9]$")
CLAUSE_ID = re.compile(
    r"^[5-9](\.[0-9]+)?\.[a-z]$|^[5-9]\.[0-9]+$"
    # Clauses of sub-profiles (companion standards, statutory obligations): PREFIX-item.
    r"|^[A-Z][A-Z0-9]*-[0-9A-Za-z]+(\.[0-9a-z]+)*$"
)


class Category(_Frozen):
    """One of the top-level risk categories (A.1 … A.5)."""

    id: str = Field(pattern=CATEGORY_ID.pattern)
    name_zh: str
    name_en: str


class Risk(_Frozen):
    """One of the risks of Appendix A, e.g. ``A.1.f``."""

    id: str = Field(pattern=RISK_ID.pattern)
    name_zh: str
    name_en: str
    aliases: tuple[str, ...] = ()
    """Other spellings seen in datasets and later versions, used when mapping labels."""

    @property
    def category(self) -> str:
        """The category id, e.g. ``A.1`` for ``A.1.f``."""
        return self.id.rsplit(".", 1)[0]


class Topic(_Frozen):
    """A non-refusal topic (§8.3 b), e.g. 历史."""

    id: str
    name_en: str
    group: Literal["national", "personal"]


class Threshold(_Frozen):
    """A figure a clause carries: a minimum count, a rate, a cadence in days.

    ``applies_to`` narrows a per-risk quota to category ids (``A.1``) or risk ids, or to
    ``topics`` for per-topic quotas; empty means the figure is a single total.
    """

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    value: float
    op: Op
    unit: Literal[
        "items", "share", "days", "working_days", "seconds", "sources", "clicks", "people", "risks",
        "confidence",
    ]
    modal: Modal = "shall"
    per: Literal["total", "risk", "topic", "source", "sample"] = "total"
    applies_to: tuple[str, ...] = ()
    confidence: Confidence
    note: str = ""

    def check(self, actual: float) -> bool:
        """Whether ``actual`` satisfies this threshold."""
        if self.op == ">=":
            return actual >= self.value
        if self.op == "<=":
            return actual <= self.value
        return actual == self.value


class Clause(_Frozen):
    """One clause of §5–§9 that a self-assessment concludes on."""

    id: str = Field(pattern=CLAUSE_ID.pattern)
    section: str
    title_zh: str
    title_en: str
    kind: ClauseKind
    confidence: Confidence
    thresholds: tuple[Threshold, ...] = ()
    evidence_zh: str = ""
    evidence_en: str = ""
    """What evidence the clause needs, in our own words."""
    refs: tuple[ClauseRef, ...] = ()
    """The clause's number in other sources (GB/T 45654, an article of a regulation)."""
    applies_if: str = ""
    """An applicability question id (``not:<id>`` for the negation); see :class:`Question`."""
    fields: tuple[EvidenceField, ...] = ()
    """Structured evidence; a clause with fields is concluded by the obligations section."""
    intervals: tuple[Interval, ...] = ()
    record: Record | None = None

    @property
    def chapter(self) -> str:
        """The report chapter: ``5`` for ``5.1``, ``IM15`` for ``IM15``."""
        return self.section.split(".")[0]

    scope_if: tuple[ScopeCondition, ...] = ()
    """Conditions of the workspace's declared ``[scope]`` that must all hold for the clause to
    apply (see ``ScopeCondition``); ``applies_if`` is the answered-question counterpart."""

    def threshold(self, key: str) -> Threshold:
        """The threshold named ``key``; KeyError names the clause when it is absent."""
        for t in self.thresholds:
            if t.key == key:
                return t
        raise KeyError(f"clause {self.id} has no threshold {key!r}")


class Profile(_Frozen):
    """A versioned standard profile: the standard as data."""

    profile: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")
    version: str
    standard_zh: str
    standard_en: str
    source_versions: tuple[str, ...]
    categories: tuple[Category, ...]
    risks: tuple[Risk, ...]
    topics: tuple[Topic, ...]
    clauses: tuple[Clause, ...]
    scope_zh: str = ""
    scope_en: str = ""
    sources: tuple[Source, ...] = ()
    chapters: tuple[Chapter, ...] = ()
    """Chapter titles that override the built-in ones (§5 …) or name new chapters."""
    questions: tuple[Question, ...] = ()
    includes: tuple[str, ...] = ()
    """Clause sets merged in (``profiles/sets/<name>.yaml``), recorded for the report."""

    @model_validator(mode="after")
    def _references(self) -> Profile:
        sources = {s.id for s in self.sources}
        questions = {q.id for q in self.questions}
        for c in self.clauses:
            bad = [r.source for r in c.refs if r.source not in sources]
            if bad:
                raise ValueError(f"clause {c.id} cites unknown sources {bad}")
            if c.applies_if and c.applies_if.removeprefix("not:") not in questions:
                raise ValueError(f"clause {c.id} applies_if names unknown question")
            keys = {f.key for f in c.fields}
            for i in c.intervals:
                if not {i.start, i.end} <= keys:
                    raise ValueError(f"clause {c.id}: interval names unknown fields")
            named = [f.threshold for f in c.fields if f.threshold]
            named += [i.threshold for i in c.intervals if i.threshold]
            known = {t.key for t in c.thresholds}
            if any(n not in known for n in named):
                raise ValueError(f"clause {c.id}: a field names an unknown threshold")
        return self

    def chapter_info(self, chapter: str) -> Chapter | None:
        """The profile's own title and layout for ``chapter``, if it gives one."""
        for ch in self.chapters:
            if ch.id == chapter:
                return ch
        return None

    def question(self, question_id: str) -> Question:
        """The applicability question ``question_id``; KeyError when absent."""
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(f"profile {self.profile} has no question {question_id!r}")

    @model_validator(mode="after")
    def _consistent(self) -> Profile:
        cats = {c.id for c in self.categories}
        seen: set[str] = set()
        for r in self.risks:
            if r.category not in cats:
                raise ValueError(f"risk {r.id} belongs to no category of this profile")
            if r.id in seen:
                raise ValueError(f"risk {r.id} listed twice")
            seen.add(r.id)
        ids = [c.id for c in self.clauses]
        dupes = {i for i in ids if ids.count(i) > 1}
        if dupes:
            raise ValueError(f"clauses listed twice: {sorted(dupes)}")
        targets = cats | seen | {"topics"} | {t.id for t in self.topics}
        for c in self.clauses:
            for t in c.thresholds:
                bad = [a for a in t.applies_to if a not in targets]
                if bad:
                    raise ValueError(f"clause {c.id} threshold {t.key}: unknown targets {bad}")
        return self

    def risk(self, risk_id: str) -> Risk:
        """The risk with id ``risk_id``; KeyError when the profile has none."""
        for r in self.risks:
            if r.id == risk_id:
                return r
        raise KeyError(f"profile {self.profile} has no risk {risk_id!r}")

    def clause(self, clause_id: str) -> Clause:
        """The clause with id ``clause_id``; KeyError when the profile has none."""
        for c in self.clauses:
            if c.id == clause_id:
                return c
        raise KeyError(f"profile {self.profile} has no clause {clause_id!r}")

    def risk_ids(self) -> list[str]:
        """All risk ids in profile order."""
        return [r.id for r in self.risks]

    def risks_in(self, targets: tuple[str, ...]) -> list[str]:
        """Risk ids named by ``targets`` (category ids expand to their risks)."""
        out = [r.id for r in self.risks if r.id in targets or r.category in targets]
        return out

    def quota(self, clause_id: str, key: str) -> Threshold:
        """Shortcut for ``clause(clause_id).threshold(key)``."""
        return self.clause(clause_id).threshold(key)

    def resolve_risk(self, name: str) -> str | None:
        """Map an id, a Chinese/English name or an alias to a risk id, or ``None``."""
        key = name.strip().replace(",", "，")
        for r in self.risks:
            names = (r.id, r.name_zh, r.name_en, *r.aliases)
            if key in names or key.lower() in {n.lower() for n in names}:
                return r.id
        return None
