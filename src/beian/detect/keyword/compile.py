"""Compile keyword entries into Aho-Corasick automata plus the per-pattern rules to check.

Every surface form (term, variants, optional Latin pinyin) is normalised with the same
function as the texts, so a form and a text agree on width, case and script. Forms that
normalise to the same string share one automaton pattern and carry a tuple of rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import ahocorasick_rs

from beian.library.records import KeywordEntry
from beian.text.normalise import normalise_term
from beian.text.pinyin import fold_homophones, latin_pinyin

How = Literal["term", "variant", "pinyin", "homophone"]

UNMAPPED_RISK = "A.1.h"
"""Risk of entries that name none: A.1.h is the standard's catch-all (其他法律、行政法规禁止的内容)."""

DFA_MAX_PATTERNS = 20_000
"""Above this the DFA's build time and memory outgrow its ~10 % speed gain over the NFA."""

MIN_PINYIN_HAN = 3
"""Pinyin and homophone forms only for terms this long: 2-character pinyin (dama) is noise."""


@dataclass(frozen=True, slots=True)
class Rule:
    """What a matched pattern means and which checks it must pass."""

    term: str
    risk: str
    form: str
    how: How
    allow: bool
    bounded: bool
    """ASCII form: only counts at word boundaries (SM must not fire inside Smoking)."""
    short: bool
    """Two-character CJK form: subject to the context rule (大麻 not inside 大麻烦)."""
    score: float


def _han_count(form: str) -> int:
    return sum(1 for c in form if "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff")


def strength(form: str, how: How) -> float:
    """Prior confidence of a hit on ``form``: long, specific forms are strong, short ones weak."""
    if how == "homophone":
        return 0.4
    if how == "pinyin":
        return 0.5
    han = _han_count(form)
    size = han + sum(1 for c in form if c.isascii() and c.isalnum()) / 2
    if size >= 4:
        return 0.9
    if size >= 3:
        return 0.8
    if size >= 2:
        return 0.5
    return 0.4


@dataclass(slots=True)
class _Table:
    forms: dict[str, list[Rule]]

    def add(self, form: str, rule: Rule) -> None:
        self.forms.setdefault(form, []).append(rule)

    def automaton(self) -> tuple[ahocorasick_rs.AhoCorasick | None, tuple[tuple[Rule, ...], ...]]:
        if not self.forms:
            return None, ()
        patterns = list(self.forms)
        impl = ahocorasick_rs.Implementation.DFA if len(patterns) <= DFA_MAX_PATTERNS else None
        ac = ahocorasick_rs.AhoCorasick(patterns, implementation=impl)
        return ac, tuple(tuple(self.forms[p]) for p in patterns)


@dataclass(frozen=True, slots=True)
class Compiled:
    """The automata and, per pattern index, the rules behind it."""

    exact: ahocorasick_rs.AhoCorasick | None
    exact_rules: tuple[tuple[Rule, ...], ...]
    homophone: ahocorasick_rs.AhoCorasick | None
    homophone_rules: tuple[tuple[Rule, ...], ...]
    skipped: tuple[str, ...]
    """Terms not compiled (single characters, or empty after normalisation)."""


def _rule(entry: KeywordEntry, form: str, how: How) -> Rule:
    bounded = form.isascii()
    short = not bounded and len(form) == 2 and _han_count(form) == 2
    return Rule(
        term=entry.term,
        risk=entry.risk or UNMAPPED_RISK,
        form=form,
        how=how,
        allow=entry.allow,
        bounded=bounded,
        short=short,
        score=strength(form, how),
    )


def _forms(entry: KeywordEntry, normalise: bool) -> list[tuple[str, How]]:
    fold = normalise_term if normalise else str.lower
    out: list[tuple[str, How]] = [(fold(entry.term), "term")]
    out.extend((fold(v), "variant") for v in entry.variants)
    return [(f, how) for f, how in out if f.strip()]


def compile_entries(
    entries: Iterable[KeywordEntry], *, normalise: bool = True, pinyin: bool = False
) -> Compiled:
    """Compile ``entries`` (entries with ``removed`` set are left out)."""
    exact, homophone = _Table({}), _Table({})
    skipped: list[str] = []
    for entry in entries:
        if entry.removed is not None:
            continue
        forms = _forms(entry, normalise)
        if not forms or all(len(f) < 2 and not entry.allow for f, _ in forms):
            # A single character (干) cannot be judged without a dictionary of every word
            # containing it; peers that match them drown users in false positives.
            skipped.append(entry.term)
            continue
        for form, how in forms:
            if len(form) >= 2 or entry.allow:
                exact.add(form, _rule(entry, form, how))
            if pinyin and _han_count(form) >= MIN_PINYIN_HAN:
                for latin in latin_pinyin(form), latin_pinyin(form, sep=" "):
                    if latin.isascii() and latin != form:
                        exact.add(latin, _rule(entry, latin, "pinyin"))
                homophone.add(fold_homophones(form), _rule(entry, form, "homophone"))
    ex, ex_rules = exact.automaton()
    ho, ho_rules = homophone.automaton()
    return Compiled(ex, ex_rules, ho, ho_rules, tuple(skipped))
