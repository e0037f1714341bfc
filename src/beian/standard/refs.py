"""Where a clause comes from: sources, clause numbers in other standards, report chapters and
the applicability questions a workspace answers.

A clause of the TC260-003 profile may also carry its GB/T 45654 number (``refs``); an
obligation of a sub-profile carries the article it implements. ``exact: false`` says the number
is only known to the level given (e.g. "Annex B" without the item): the report says so rather
than guess a number.
"""

from __future__ import annotations

from beian.standard._base import Confidence, Frozen


class Source(Frozen):
    """A standard or regulation clauses point to, e.g. ``gbt45654`` → GB/T 45654-2025."""

    id: str
    name_zh: str
    name_en: str


class ClauseRef(Frozen):
    """A clause's number in another source, with how sure we are of it."""

    source: str
    number: str = ""
    """The clause/article number as far as it is known (``B.1.3``, ``附录B``, ``第十五条``)."""
    exact: bool = True
    """``False``: the item number inside ``number`` was not verified. ``True`` with an empty
    ``number`` cites the source as a whole (a notice without articles)."""
    confidence: Confidence
    note: str = ""


class Chapter(Frozen):
    """A report chapter: TC260's §5–§9, or one article/obligation of a sub-profile."""

    id: str
    title_zh: str
    title_en: str
    standalone: bool = False
    """Rendered as its own top-level report section (e.g. the Art 17 security assessment)."""
    obligation: bool = False
    """A statutory obligation outside the standard: grouped under "other obligations"."""


class Question(Frozen):
    """An applicability question the workspace answers in ``attestations/obligations.yaml``.

    Clauses name it in ``applies_if`` (or ``not:<id>``); a "no" with a reason makes them
    不适用, no answer leaves them 待确认.
    """

    id: str
    text_zh: str
    text_en: str
    confidence: Confidence
    source: str = ""
    """Source id the question comes from (e.g. the GB/T 45654 scope statement)."""
