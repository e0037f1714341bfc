"""The keyword detector: normalise, match every form at once, then check each hit in context.

A hit survives when (1) no allow-list entry's match covers it entirely (三黄片 covers 黄片),
(2) an ASCII form sits at word boundaries (SM is not inside Smoking), and (3) a two-character
CJK form is not a slice across more common words (大麻 in 大麻烦, 口交 in 路口交通). A second
scan with emoji, symbols or a lone Latin letter between CJK characters removed finds terms split
by them (傻🐶逼, 法a轮功; :mod:`beian.detect.keyword.gaps`). Each finding names the term, the matched original text and why it fired. Scores are priors by
specificity (see :func:`beian.detect.keyword.compile.strength`); the DetectorSet decides whether
a weak hit needs corroboration.

Speed: ``detect_batch`` folds its texts together (:mod:`beian.text.batch`), scans them in one
call of the matcher (:mod:`beian.detect.keyword.engine`: Hyperscan when installed), applies the
context rules to every hit at once (:mod:`beian.detect.keyword.screen`) and only then builds a
``Finding`` per surviving hit. ``detect`` is the same path for one text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Self, TypeVar

import numpy as np
from pydantic import BaseModel, ConfigDict

from beian.detect.base import BaseDetector
from beian.detect.keyword.context import straddling_units
from beian.detect.keyword.engine import Engine, Hits, utf16_lengths
from beian.detect.keyword.forms import Compiled, Forms, Rule, allow_flags, join_rules, with_matchers
from beian.detect.keyword.gaps import scan_gaps
from beian.detect.keyword.screen import Screen
from beian.errors import ConfigError
from beian.records import Finding
from beian.text.batch import Folded, PreparedBatch, Units, fold_texts

if TYPE_CHECKING:
    from beian.library.records import KeywordEntry

T = TypeVar("T")
Row = list[int]
"""One hit: member, pattern, normalised start and end (code units), original start and end."""


class KeywordOptions(BaseModel):
    """Options of the ``keyword`` detector."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    library: str | None = None
    """Path of a keyword library file; ``None`` uses the built-in starter library."""
    normalise: bool = True
    """Fold width, case, script, homoglyphs, zero-width and inserted separators before matching."""
    pinyin: bool = False
    """Also match terms of 3+ characters written in pinyin or with homophones (slower, noisier)."""
    english: bool = True
    """Also match the built-in English harmful-request set (``data/english_requests.jsonl``),
    whatever the library: requests sent in English reach a model as easily as Chinese ones."""
    evasion: bool = True
    """Match specific terms (3+ characters) spelled with common homophones (发轮功) or in pinyin
    (falungong), scoring as the term (:mod:`beian.detect.keyword.evasion`)."""


NO_STARTER = (
    "the keyword detector needs a library: pass library=<path> (no starter library is installed)"
)


def load_entries(library: str | None) -> list[KeywordEntry]:
    """Entries from ``library`` (a path) or, when ``None``, the built-in starter library."""
    if library is not None:
        path = Path(library)
        if not path.exists():
            raise ConfigError(f"keyword library not found: {path}")
        from beian.library.io import load_keywords

        return list(load_keywords(path))
    try:
        from beian.library.starter import starter_keywords
    except ImportError:
        raise ConfigError(NO_STARTER) from None
    return list(starter_keywords())


def _starter_dir() -> Path:
    try:
        from beian.library.starter import starter_dir
    except ImportError:
        raise ConfigError(NO_STARTER) from None
    return starter_dir("keywords")


ENGLISH_FILE = Path(__file__).with_name("data") / "english_requests.jsonl"


def english_entries() -> list[KeywordEntry]:
    """The built-in English harmful-request entries, mapped to the risks of Appendix A.

    Written by the beian developers (not taken from a dataset); each carries its figures
    measured on the benign and harmful tuning sets (``bench/evasion/measure_english.py``).
    """
    from beian.library.io import load_keywords

    return list(load_keywords(ENGLISH_FILE))


def _is_word_unit(unit: int) -> bool:
    """An ASCII letter or digit (what an ASCII keyword must not touch)."""
    return unit < 0x80 and chr(unit).isalnum()


def _boundary_ok(units: Units, start: int, end: int) -> bool:
    """No ASCII letter or digit right before or after ``[start, end)`` (text edges are fine)."""
    if start > 0 and _is_word_unit(int(units[start - 1])):
        return False
    return not (end < len(units) and _is_word_unit(int(units[end])))


class KeywordDetector(BaseDetector):
    """Multi-pattern keyword matcher with normalisation, allow-lists and context rules."""

    fork_safe = True  # tables and arrays only

    name = "keyword"

    def __init__(
        self,
        entries: Iterable[KeywordEntry],
        *,
        normalise: bool = True,
        pinyin: bool = False,
        evasion: bool = True,
        engine: Engine = "auto",
    ) -> None:
        # The library's compiler (normalisation of every entry, pypinyin) is imported only
        # when a library is compiled, not when one is loaded from the cache.
        from beian.detect.keyword.compile import compile_entries

        self._setup(
            compile_entries(
                entries, normalise=normalise, pinyin=pinyin, evasion=evasion, engine=engine
            ),
            normalise=normalise,
        )

    def _setup(self, compiled: Compiled, *, normalise: bool, screen: Screen | None = None) -> None:
        self._normalise = normalise
        self._compiled = c = compiled
        rules = join_rules(c.exact_rules, c.homophone_rules)
        self._allow = allow_flags(rules)
        self._any_allow = any(self._allow)
        self._all_rules = rules
        # per pattern: its rules with their "why" prefix, built on its first hit rather than
        # per finding, nor for the tens of thousands of patterns a run never meets
        self._rules: list[tuple[tuple[Rule, str], ...] | None] = [None] * len(rules)
        self._screen = screen if screen is not None else Screen.build(rules)
        # window kept around a filler for the second scan (see .gaps): the longest pattern
        # (only patterns with a CJK character can span a gap between two CJK characters; the
        # long ASCII phrases and pinyin spellings would only widen the windows)
        wide = ~np.fromiter(map(str.isascii, c.exact_patterns), np.bool_, len(c.exact_patterns))
        self._longest = int(utf16_lengths(c.exact_patterns)[wide].max(initial=0))

    @classmethod
    def from_forms(
        cls,
        forms: Forms,
        *,
        normalise: bool = True,
        engine: Engine = "auto",
        screen: Screen | None = None,
    ) -> Self:
        """A detector over an already compiled library (see :mod:`.cache`); ``screen``: the
        :class:`Screen` of its rules, when already built."""
        detector = cls.__new__(cls)
        detector._setup(with_matchers(forms, engine), normalise=normalise, screen=screen)
        return detector

    @classmethod
    def from_options(cls, options: KeywordOptions) -> KeywordDetector:
        """Build from validated options: the compiled library comes from the on-disk cache
        when this library was compiled before with the same options and code (:mod:`.cache`)."""
        from beian.detect.keyword.cache import cached_forms, library_key

        sources = [Path(options.library) if options.library is not None else _starter_dir()]
        if not sources[0].exists():
            raise ConfigError(f"keyword library not found: {sources[0]}")
        if options.english:
            sources.append(ENGLISH_FILE)
        flags = f"normalise={options.normalise} pinyin={options.pinyin} evasion={options.evasion}"

        def build() -> Forms:
            from beian.detect.keyword.compile import compile_forms

            entries = load_entries(options.library)
            if options.english:
                entries += english_entries()
            return compile_forms(
                entries,
                normalise=options.normalise,
                pinyin=options.pinyin,
                evasion=options.evasion,
            )

        forms, screen = cached_forms(library_key(sources, flags), build)
        return cls.from_forms(forms, normalise=options.normalise, screen=screen)

    @property
    def reads_normalised(self) -> bool:
        """Whether the detector only ever sees normalised text (see ``DetectorSet``)."""
        return self._normalise

    @property
    def skipped(self) -> tuple[str, ...]:
        """Terms left out of the automaton (single characters)."""
        return self._compiled.skipped

    @property
    def engine(self) -> str:
        """Name of the matcher in use (``hyperscan`` or ``aho-corasick``)."""
        return self._compiled.exact.name if self._compiled.exact is not None else "none"

    def detect(self, text: str) -> list[Finding]:
        """Keyword findings for ``text``; spans index the original text."""
        return self.detect_batch([text])[0]

    def detect_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        """Findings for each text, in order (texts are normalised and scanned together)."""
        out: list[list[Finding]] = [[] for _ in texts]
        c = self._compiled
        if c.exact is None and c.homophone is None:
            return out
        for group in fold_texts(texts, fold=self._normalise, join=c.joinable):
            self._scan(group, texts, out, self._resolve)
        return out

    def detect_terms_batch(self, texts: Sequence[str]) -> list[list[tuple[Finding, str]]]:
        """``detect_batch`` with the library term behind each finding: the library's precision
        check (:mod:`beian.library.precision`) measures this matcher, not a copy of it."""
        out: list[list[tuple[Finding, str]]] = [[] for _ in texts]
        c = self._compiled
        if c.exact is None and c.homophone is None:
            return out
        for group in fold_texts(texts, fold=self._normalise, join=c.joinable):
            self._scan(group, texts, out, self._resolve_terms)
        return out

    def detect_prepared(self, batch: PreparedBatch) -> list[list[Finding]]:
        """``detect_batch(batch.texts)``, leaving the fold in ``batch`` for other detectors."""
        texts = batch.texts
        out: list[list[Finding]] = [[] for _ in texts]
        c = self._compiled
        if c.exact is None and c.homophone is None:
            return out
        for group in batch.folded(fold=self._normalise, join=c.joinable):
            self._scan(group, texts, out, self._resolve)
        return out

    def _scan(
        self,
        group: Folded,
        texts: Sequence[str],
        out: list[list[T]],
        resolve: Callable[[Units, str, list[Row]], list[T]],
    ) -> None:
        c = self._compiled
        parts: list[Hits] = []
        if c.exact is not None:
            parts.append(c.exact.scan(group.units))
            if self._normalise:  # emoji / a letter inside a term: 傻🐶逼, 法a轮功 (see .gaps)
                gap = scan_gaps(c.exact, group.units, self._longest)
                if len(gap[0]):
                    parts.append(gap)
        if c.homophone is not None:
            units, back = group.homophones()
            pid, start, end = c.homophone.scan(units)
            if back is not None:
                start, end = back[start], back[end - 1] + 1
            parts.append((pid + len(c.exact_rules), start, end))
        pid, start, end = (
            parts[0] if len(parts) == 1 else (np.concatenate(x) for x in zip(*parts, strict=True))
        )
        if len(pid):
            keep = self._screen.keep(group.units, pid, start, end)
            pid, start, end = pid[keep], start[keep], end[keep]
        if not len(pid):
            return
        member, lo, hi = group.spans(start, end)
        # exact hits before homophone ones, each in text order (the order they were resolved in)
        order = np.lexsort((pid, end, start, pid >= len(c.exact_rules), member))
        rows = np.stack([member, pid, start, end, lo, hi], axis=1)[order].tolist()
        units = group.units
        for k, hits in groupby(rows, key=itemgetter(0)):
            index = group.members[k]
            out[index] = resolve(units, texts[index], list(hits))

    def _resolve(self, units: Units, text: str, hits: list[Row]) -> list[Finding]:
        return [f for f, _term in self._resolve_terms(units, text, hits)]

    def _resolve_terms(self, units: Units, text: str, hits: list[Row]) -> list[tuple[Finding, str]]:
        allow, screened = self._allow, self._screen.screened
        allowed = [(s, e) for _, i, s, e, _, _ in hits if allow[i]] if self._any_allow else []
        found: dict[tuple[int, int, str], tuple[Finding, str]] = {}
        for _, i, s, e, lo, hi in hits:
            if allowed and any(a <= s and e <= b for a, b in allowed):
                continue
            checked = screened[i]
            live = self._rules[i]
            if live is None:
                live = self._rules[i] = tuple(
                    (r, _why(r, r.form)) for r in self._all_rules[i] if not r.allow
                )
            for rule, why in live:
                if not checked and not _context_ok(units, s, e, rule):
                    continue
                key = (lo, hi, rule.risk)
                best = found.get(key)
                if best is None or rule.score > best[0].score:
                    evidence = text[lo:hi]
                    if evidence != rule.form and rule.how != "homophone":
                        why = _why(rule, evidence)
                    finding = Finding(rule.risk, self.name, rule.score, lo, hi, evidence, why)
                    found[key] = (finding, rule.term)
        return sorted(found.values(), key=_finding_order)


def _finding_order(pair: tuple[Finding, str]) -> tuple[int, int, str]:
    f = pair[0]
    return (f.start or 0, f.end or 0, f.risk)


def _context_ok(units: Units, start: int, end: int, rule: Rule) -> bool:
    """The per-rule checks, for patterns whose rules disagree (see :mod:`.screen`)."""
    if rule.bounded and not _boundary_ok(units, start, end):
        return False
    return not (rule.short and straddling_units(units, start, end, rule.form) is not None)


def _why(rule: Rule, evidence: str) -> str:
    parts = [f"term {rule.term}"]
    if rule.how == "variant":
        parts.append(f"variant {rule.form}")
    elif rule.how == "pinyin":
        parts.append(f"pinyin {rule.form}")
    elif rule.how == "homophone":
        parts.append(f"homophone of {rule.form}")
    elif rule.how == "soundalike":
        parts.append(f"soundalike {rule.form}")
    if rule.how != "homophone" and evidence != rule.form and evidence.lower() != rule.form:
        parts.append("normalised")
    return "; ".join(parts)
