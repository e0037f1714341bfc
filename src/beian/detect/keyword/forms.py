"""What a compiled keyword library is made of: patterns, the rules behind each, the matchers.

Kept apart from :mod:`beian.detect.keyword.compile` (which reads library entries, normalises
them and spells their evasions with pypinyin) so that a detector loaded from the cache
(:mod:`.cache`) imports none of that.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, overload

from beian.detect.keyword.engine import Engine, Matcher, make_matcher

How = Literal["term", "variant", "pinyin", "homophone", "soundalike"]

RuleFields = tuple[str, str, str, How, bool, bool, bool, float]
"""A :class:`Rule`'s fields in declaration order (term, risk, form, how, allow, bounded, short,
score)."""


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

    def fields(self) -> RuleFields:
        """The fields, in the order the constructor takes them."""
        fields = (self.term, self.risk, self.form, self.how)
        return (*fields, self.allow, self.bounded, self.short, self.score)

    def __reduce__(self) -> tuple[type[Rule], RuleFields]:
        # A compiled library holds tens of thousands of rules: unpickling through the
        # constructor takes half the time of the default slotted-dataclass state restore.
        return Rule, self.fields()


RuleLists = Sequence[tuple[Rule, ...]]
"""The rules behind each pattern, by pattern id."""


class RuleTable(Sequence[tuple[Rule, ...]]):
    """The rules of each pattern kept as plain fields, each pattern's :class:`Rule` objects
    made on first access.

    A cached library holds about 15,000 rules and a run meets a few hundred of them: making
    them all when the cache loads was two thirds of the load. Indexing answers exactly what the
    tuple of rule tuples it was made from answers; ``allowed`` lists the patterns with an
    allow-list rule (what the detector needs of every pattern up front).
    """

    __slots__ = ("_fields", "_made", "allowed")

    def __init__(
        self, fields: Sequence[tuple[RuleFields, ...]], allowed: tuple[int, ...] | None = None
    ) -> None:
        self._fields = fields
        self._made: list[tuple[Rule, ...] | None] = [None] * len(fields)
        if allowed is None:
            allowed = tuple(i for i, fs in enumerate(fields) if any(f[4] for f in fs))
        self.allowed = allowed

    @classmethod
    def of(cls, rules: RuleLists) -> RuleTable:
        """The table of ``rules`` (a tuple of rule tuples, or another table)."""
        if isinstance(rules, RuleTable):
            return rules
        return cls(tuple(tuple(r.fields() for r in rs) for rs in rules))

    def __len__(self) -> int:
        return len(self._fields)

    @overload
    def __getitem__(self, index: int) -> tuple[Rule, ...]: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[tuple[Rule, ...], ...]: ...

    def __getitem__(self, index: int | slice) -> tuple[Rule, ...] | tuple[tuple[Rule, ...], ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        made = self._made[index]
        if made is None:
            made = self._made[index] = tuple(Rule(*f) for f in self._fields[index])
        return made

    def __iter__(self) -> Iterator[tuple[Rule, ...]]:
        return (self[i] for i in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RuleTable):
            return self._fields == other._fields
        if isinstance(other, tuple):
            return tuple(self) == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __reduce__(self) -> tuple[type[RuleTable], tuple[object, ...]]:
        return RuleTable, (self._fields, self.allowed)


def join_rules(first: RuleLists, second: RuleLists) -> RuleLists:
    """``first`` followed by ``second`` (the pattern ids of the second shifted by ``len(first)``)."""
    if isinstance(first, RuleTable) and isinstance(second, RuleTable):
        allowed = first.allowed + tuple(i + len(first) for i in second.allowed)
        return RuleTable((*first._fields, *second._fields), allowed)
    return (*first, *second)


def allow_flags(rules: RuleLists) -> list[bool]:
    """Per pattern: whether one of its rules is an allow-list rule."""
    if isinstance(rules, RuleTable):
        flags = [False] * len(rules)
        for i in rules.allowed:
            flags[i] = True
        return flags
    return [any(r.allow for r in rs) for rs in rules]


@dataclass(frozen=True, slots=True)
class Compiled:
    """The matchers and, per pattern index, the rules behind it."""

    exact: Matcher | None
    exact_rules: RuleLists
    homophone: Matcher | None
    homophone_rules: RuleLists
    skipped: tuple[str, ...]
    """Terms not compiled (single characters, or empty after normalisation)."""
    exact_patterns: tuple[str, ...] = ()
    """The normalised form behind each exact pattern id (``exact_rules`` is parallel)."""
    homophone_patterns: tuple[str, ...] = ()
    """The homophone-folded form behind each homophone pattern id."""
    joinable: bool = True
    """No pattern contains U+0000, so texts may be scanned joined by it (see beian.text.batch)."""


@dataclass(frozen=True, slots=True)
class Forms:
    """A compiled library before its matchers are built: every pattern and the rules behind it.

    Plain data, so it can be cached on disk (:mod:`.cache`): building it normalises every
    surface form and spells the evasions (pypinyin), which costs far more than loading it.
    """

    exact_patterns: tuple[str, ...]
    exact_rules: RuleLists
    homophone_patterns: tuple[str, ...]
    homophone_rules: RuleLists
    skipped: tuple[str, ...]
    joinable: bool


def with_matchers(forms: Forms, engine: Engine = "auto") -> Compiled:
    """The matchers over ``forms``' patterns (Hyperscan databases come from their cache)."""
    exact, homophone = forms.exact_patterns, forms.homophone_patterns
    return Compiled(
        exact=make_matcher(list(exact), engine) if exact else None,
        exact_rules=forms.exact_rules,
        homophone=make_matcher(list(homophone), engine) if homophone else None,
        homophone_rules=forms.homophone_rules,
        skipped=forms.skipped,
        exact_patterns=exact,
        homophone_patterns=homophone,
        joinable=forms.joinable,
    )
