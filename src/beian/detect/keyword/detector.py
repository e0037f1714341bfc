"""The keyword detector: normalise, match every form at once, then check each hit in context.

A hit survives when (1) no allow-list entry's match covers it entirely (三黄片 covers 黄片),
(2) an ASCII form sits at word boundaries (SM is not inside Smoking), and (3) a two-character
CJK form is not a slice across more common words (大麻 in 大麻烦, 口交 in 路口交通). Each
finding names the term, the matched original text and why it fired. Scores are priors by
specificity (see :func:`beian.detect.keyword.compile.strength`); the DetectorSet decides whether
a weak hit needs corroboration.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from beian.detect.base import BaseDetector
from beian.detect.keyword.compile import Compiled, Rule, compile_entries
from beian.detect.keyword.context import straddling_word
from beian.errors import ConfigError
from beian.library.records import KeywordEntry
from beian.records import Finding
from beian.text.normalise import Normalised, normalise
from beian.text.pinyin import fold_homophones

Match = tuple[int, int, int]


class KeywordOptions(BaseModel):
    """Options of the ``keyword`` detector."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    library: str | None = None
    """Path of a keyword library file; ``None`` uses the built-in starter library."""
    normalise: bool = True
    """Fold width, case, script, homoglyphs, zero-width and inserted separators before matching."""
    pinyin: bool = False
    """Also match terms of 3+ characters written in pinyin or with homophones (slower, noisier)."""


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
        raise ConfigError(
            "the keyword detector needs a library: pass library=<path> (no starter library "
            "is installed)"
        ) from None
    return list(starter_keywords())


def _boundary_ok(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())


class KeywordDetector(BaseDetector):
    """Multi-pattern keyword matcher with normalisation, allow-lists and context rules."""

    name = "keyword"

    def __init__(
        self, entries: Iterable[KeywordEntry], *, normalise: bool = True, pinyin: bool = False
    ) -> None:
        self._normalise = normalise
        self._compiled: Compiled = compile_entries(entries, normalise=normalise, pinyin=pinyin)

    @classmethod
    def from_options(cls, options: KeywordOptions) -> KeywordDetector:
        """Build from validated options, loading the library they name."""
        return cls(
            load_entries(options.library), normalise=options.normalise, pinyin=options.pinyin
        )

    @property
    def skipped(self) -> tuple[str, ...]:
        """Terms left out of the automaton (single characters)."""
        return self._compiled.skipped

    def detect(self, text: str) -> list[Finding]:
        """Keyword findings for ``text``; spans index the original text."""
        c = self._compiled
        norm = normalise(text) if self._normalise else Normalised(text.lower(), text)
        exact = c.exact.find_matches_as_indexes(norm.text, overlapping=True) if c.exact else []
        homo: list[Match] = []
        if c.homophone is not None and not norm.text.isascii():
            homo = c.homophone.find_matches_as_indexes(fold_homophones(norm.text), overlapping=True)
        if not exact and not homo:
            return []
        return self._resolve(norm, exact, homo)

    def detect_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        """Findings for each text, in order."""
        return [self.detect(t) for t in texts]

    def _resolve(self, norm: Normalised, exact: list[Match], homo: list[Match]) -> list[Finding]:
        c = self._compiled
        allowed = [(s, e) for i, s, e in exact if any(r.allow for r in c.exact_rules[i])]
        allowed += [(s, e) for i, s, e in homo if any(r.allow for r in c.homophone_rules[i])]
        found: dict[tuple[int, int, str], Finding] = {}
        for matches, rules in ((exact, c.exact_rules), (homo, c.homophone_rules)):
            for i, s, e in matches:
                if any(a <= s and e <= b for a, b in allowed):
                    continue
                for rule in rules[i]:
                    finding = self._check(norm, s, e, rule)
                    if finding is None:
                        continue
                    key = (finding.start or 0, finding.end or 0, finding.risk)
                    best = found.get(key)
                    if best is None or finding.score > best.score:
                        found[key] = finding
        return sorted(found.values(), key=lambda f: (f.start or 0, f.end or 0, f.risk))

    def _check(self, norm: Normalised, s: int, e: int, rule: Rule) -> Finding | None:
        if rule.allow:
            return None
        text = norm.text
        if rule.bounded and not _boundary_ok(text, s, e):
            return None
        if rule.short and straddling_word(text, s, e, rule.form) is not None:
            return None
        start, end = norm.span(s, e)
        evidence = norm.original[start:end]
        return Finding(
            risk=rule.risk,
            detector=self.name,
            score=rule.score,
            start=start,
            end=end,
            evidence=evidence,
            why=_why(rule, evidence),
        )


def _why(rule: Rule, evidence: str) -> str:
    parts = [f"term {rule.term}"]
    if rule.how == "variant":
        parts.append(f"variant {rule.form}")
    elif rule.how == "pinyin":
        parts.append(f"pinyin {rule.form}")
    elif rule.how == "homophone":
        parts.append(f"homophone of {rule.form}")
    if rule.how != "homophone" and evidence != rule.form and evidence.lower() != rule.form:
        parts.append("normalised")
    return "; ".join(parts)
