"""Compile keyword entries into multi-pattern matchers plus the per-pattern rules to check.

Every surface form (term, variants, optional Latin pinyin) is normalised with the same
function as the texts, so a form and a text agree on width, case and script. Forms that
normalise to the same string share one pattern and carry a tuple of rules. The matchers
(:mod:`beian.detect.keyword.engine`) run on UTF-16 code units.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from beian.detect.keyword.engine import Engine
from beian.detect.keyword.evasion import (
    MIN_HAN,
    MIN_STRONG_PINYIN,
    SPECIFIC_PINYIN,
    homophone_spellings,
    pinyin_spellings,
)
from beian.detect.keyword.forms import Compiled, Forms, How, Rule, with_matchers
from beian.library.records import KeywordEntry
from beian.text.batch import JOIN, normalise_many
from beian.text.pinyin import fold_homophones, latin_pinyin

__all__ = [
    "Compiled",
    "Forms",
    "How",
    "Rule",
    "compile_entries",
    "compile_forms",
    "strength",
    "with_matchers",
]

UNMAPPED_RISK = "A.1.h"
"""Risk of entries that name none: A.1.h is the standard's catch-all (其他法律、行政法规禁止的内容)."""

MIN_PINYIN_HAN = 3
"""Pinyin and homophone forms only for terms this long: 2-character pinyin (dama) is noise."""


def _han_count(form: str) -> int:
    return sum(1 for c in form if "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff")


WEAK_SCORE = 0.5
"""Prior of a hit on an entry marked ``weak``: below the strong-term level, like a 2-char term."""
STRONG_SCORE = 0.8
"""Prior of a hit on an entry marked ``strong`` (a short term of measured high precision, 傻逼):
a 3-character term's level, which flags alone under the default ``keyword_alone`` (0.75)."""


def strength(form: str, how: How) -> float:
    """Prior confidence of a hit on ``form``: long, specific forms are strong, short ones weak."""
    if how == "homophone":
        return 0.4
    if how == "pinyin":
        return 0.5
    if how == "soundalike":
        return 0.4
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

    def rules(self) -> tuple[tuple[Rule, ...], ...]:
        return tuple(tuple(rules) for rules in self.forms.values())


def _rule(entry: KeywordEntry, form: str, how: How, floor: float = 0.0) -> Rule:
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
        score=_score(entry, form, how, floor),
    )


def _score(entry: KeywordEntry, form: str, how: How, floor: float) -> float:
    base = max(strength(form, how), floor)
    if entry.weak:  # scores like a two-character term: never flags alone
        return min(base, WEAK_SCORE)
    if entry.strong and how in ("term", "variant"):  # measured precise: flags alone
        return max(base, STRONG_SCORE)
    return base


def _surfaces(entry: KeywordEntry) -> list[tuple[str, How]]:
    return [(entry.term, "term"), *((v, "variant") for v in entry.variants)]


def _add_evasions(exact: _Table, entry: KeywordEntry, form: str, term_score: float) -> None:
    """The soundalike and pinyin spellings of a specific term (see :mod:`.evasion`)."""
    for spelling in homophone_spellings(form):
        exact.add(spelling, _rule(entry, spelling, "soundalike", term_score))
    _add_pinyin(exact, entry, form, term_score)


def _add_pinyin(exact: _Table, entry: KeywordEntry, form: str, term_score: float) -> None:
    """Pinyin spellings; long ones score as the term, short ones as weak hits. A strong
    two-character term (a measured-precise insult: 傻逼 → shabi) scores as itself."""
    for latin in pinyin_spellings(form):
        letters = sum(c.isalpha() for c in latin)
        specific = letters >= SPECIFIC_PINYIN or (entry.strong and letters >= MIN_STRONG_PINYIN)
        exact.add(latin, _rule(entry, latin, "pinyin", term_score if specific else 0))


def compile_entries(
    entries: Iterable[KeywordEntry],
    *,
    normalise: bool = True,
    pinyin: bool = False,
    evasion: bool = True,
    engine: Engine = "auto",
) -> Compiled:
    """Compile ``entries`` (entries with ``removed`` set are left out); see :func:`compile_forms`."""
    forms = compile_forms(entries, normalise=normalise, pinyin=pinyin, evasion=evasion)
    return with_matchers(forms, engine)


def compile_forms(
    entries: Iterable[KeywordEntry],
    *,
    normalise: bool = True,
    pinyin: bool = False,
    evasion: bool = True,
) -> Forms:
    """The patterns and rules of ``entries`` (entries with ``removed`` set are left out).

    ``pinyin`` adds pinyin and every-homophone forms as weak hits; ``evasion`` adds the common
    homophone and pinyin spellings of specific terms (:mod:`.evasion`) scoring as the term.
    """
    live = [e for e in entries if e.removed is None]
    raw = [s for e in live for s, _ in _surfaces(e)]
    # One batch fold for every form: the same normalisation as texts get, without paying
    # numpy's per-call overhead once per term.
    folded = iter(normalise_many(raw) if normalise else [s.lower() for s in raw])
    exact, homophone = _Table({}), _Table({})
    skipped: list[str] = []
    for entry in live:
        forms = [(next(folded), how) for _, how in _surfaces(entry)]
        forms = [(f, how) for f, how in forms if f.strip()]
        if not forms or all(len(f) < 2 and not entry.allow for f, _ in forms):
            # A single character (干) cannot be judged without a dictionary of every word
            # containing it; peers that match them drown users in false positives.
            skipped.append(entry.term)
            continue
        # A listed variant is the term written another way (cnm for 操你妈): it scores as the
        # term does, however short its own spelling is.
        term_score = strength(forms[0][0], "term") if forms[0][1] == "term" else 0.0
        for form, how in forms:
            if len(form) >= 2 or entry.allow:
                floor = term_score if how == "variant" else 0.0
                exact.add(form, _rule(entry, form, how, floor))
            if evasion and not (entry.weak or entry.allow):
                if _han_count(form) >= MIN_HAN:
                    _add_evasions(exact, entry, form, term_score)
                elif entry.strong and _han_count(form) == len(form) == 2:
                    _add_pinyin(exact, entry, form, STRONG_SCORE)
            if pinyin and _han_count(form) >= MIN_PINYIN_HAN:
                for latin in latin_pinyin(form), latin_pinyin(form, sep=" "):
                    if latin.isascii() and latin != form:
                        exact.add(latin, _rule(entry, latin, "pinyin"))
                homophone.add(fold_homophones(form), _rule(entry, form, "homophone"))
    return Forms(
        exact_patterns=tuple(exact.forms),
        exact_rules=exact.rules(),
        homophone_patterns=tuple(homophone.forms),
        homophone_rules=homophone.rules(),
        skipped=tuple(skipped),
        joinable=not any(JOIN in p for table in (exact, homophone) for p in table.forms),
    )
