"""Run several detectors on a text and reach ONE verdict with its evidence.

Keyword hits are never trusted alone unless they are strong (long, specific terms). A weak
hit (short or pinyin/homophone) counts only when corroborated: by the classifier's or the harm
model's document score for the same risk, or by a second hit of a distinct term of the same
risk. Other detectors (classifier, harm, solicit, pii, ...) count on their own score. The rule is documented in
``design/detector-set.md``.

>>> ds = DetectorSet.from_names(["keyword"], options={"keyword": {"library": "kw.csv"}})
... # doctest: +SKIP
>>> ds.check("...").verdict  # doctest: +SKIP
'qualified'
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from beian.detect.base import Detector
from beian.detect.keyword.engine import make_matcher
from beian.detect.readings import Screened, screen
from beian.records import ComponentSpec, Finding
from beian.registry import Registry, registry
from beian.text.batch import JOIN, PreparedBatch, fold_texts, normalise_many
from beian.text.normalise import normalise
from beian.text.reading import evasion_reading

KEYWORD_DETECTORS = frozenset({"keyword"})
"""Detectors whose hits need corroboration unless strong."""
CORROBORATING_DETECTORS = frozenset({"classifier", "harm"})
"""Detectors whose document-level per-risk score corroborates weak keyword hits."""


class ScoringOptions(BaseModel):
    """How findings become a verdict (calibration of beian's detectors, not the standard's)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: float = Field(default=0.5, ge=0, le=1)
    """A risk is flagged when its combined score reaches this."""
    thresholds: dict[str, float] = {}
    """Per-risk overrides of ``threshold``, e.g. ``{"A.1.f": 0.7}``."""
    keyword_alone: float = Field(default=0.75, ge=0, le=1)
    """A keyword hit at least this strong counts without corroboration."""
    corroboration: float = Field(default=0.3, ge=0, le=1)
    """Classifier score for the same risk that corroborates weak keyword hits."""
    distinct_hits: int = Field(default=2, ge=2)
    """Weak hits of this many distinct terms of one risk corroborate each other ..."""
    window: int = Field(default=100, ge=1)
    """... when they start within this many characters of each other (a 10k-character
    novel chapter holds unrelated weak words far apart; corroboration must be local)."""
    allow: list[str] = []
    """Phrases whose span findings are dropped (matched after normalisation)."""

    def threshold_for(self, risk: str) -> float:
        """The flag threshold of ``risk``."""
        return self.thresholds.get(risk, self.threshold)


@dataclass(frozen=True, slots=True)
class TextVerdict:
    """One text's verdict, the risks that made it, and all findings (evidence)."""

    verdict: Literal["qualified", "unqualified"]
    risks: tuple[str, ...]
    findings: tuple[Finding, ...]
    scores: Mapping[str, float]
    """Combined score per risk that had any finding."""

    @property
    def flagged(self) -> bool:
        """Whether the text is unqualified."""
        return self.verdict == "unqualified"


def _noisy_or(scores: Iterable[float]) -> float:
    miss = 1.0
    for s in scores:
        miss *= 1.0 - s
    return 1.0 - miss


def merge_findings(findings: Iterable[Finding], text: str) -> list[Finding]:
    """Merge overlapping span findings of the same risk and detector into one (union span)."""
    spans: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    out: list[Finding] = []
    for f in findings:
        if f.start is None or f.end is None:
            out.append(f)
        else:
            spans[(f.risk, f.detector)].append(f)
    for group in spans.values():
        group.sort(key=lambda f: (f.start or 0, -(f.end or 0)))
        cur = group[0]
        for f in group[1:]:
            assert f.start is not None and f.end is not None and cur.end is not None
            if f.start < cur.end:
                end = max(cur.end, f.end)
                whys = cur.why.split(" | ") + [w for w in [f.why] if w not in cur.why.split(" | ")]
                cur = Finding(
                    risk=cur.risk,
                    detector=cur.detector,
                    score=max(cur.score, f.score),
                    start=cur.start,
                    end=end,
                    evidence=text[cur.start : end],
                    why=" | ".join(w for w in whys if w),
                )
            else:
                out.append(cur)
                cur = f
        out.append(cur)
    out.sort(key=lambda f: (f.start is None, f.start or 0, f.risk, f.detector))
    return out


class _AllowPhrases:
    """``ScoringOptions.allow`` as one matcher over normalised text, for many texts at once."""

    def __init__(self, phrases: Sequence[str]) -> None:
        needles = [n for n in dict.fromkeys(normalise_many(phrases)) if n]
        self._join = not any(JOIN in n for n in needles)
        self._matcher = make_matcher(needles) if needles else None

    def spans(self, texts: Sequence[str]) -> list[list[tuple[int, int]]]:
        """Original spans of every occurrence of every phrase, per text (after normalisation)."""
        out: list[list[tuple[int, int]]] = [[] for _ in texts]
        if self._matcher is None:
            return out
        for group in fold_texts(texts, join=self._join):
            _, start, end = self._matcher.scan(group.units)
            if not len(start):
                continue
            member, lo, hi = group.spans(start, end)
            for k, a, b in zip(member.tolist(), lo.tolist(), hi.tolist(), strict=True):
                out[group.members[k]].append((a, b))
        return out


def risk_scores(findings: Sequence[Finding], scoring: ScoringOptions) -> dict[str, float]:
    """Combined score per risk under the corroboration rule (see module docstring)."""
    by_risk: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_risk[f.risk].append(f)
    scores: dict[str, float] = {}
    for risk, group in by_risk.items():
        keyword: list[Finding] = []
        best = support = top_keyword = 0.0
        for f in group:  # one pass: other detectors and strong keyword hits count alone
            if f.detector in KEYWORD_DETECTORS:
                keyword.append(f)
                top_keyword = max(top_keyword, f.score)
                if f.score >= scoring.keyword_alone:
                    best = max(best, f.score)
            else:
                best = max(best, f.score)
                if f.detector in CORROBORATING_DETECTORS:
                    support = max(support, f.score)
        if keyword and support >= scoring.corroboration:
            best = max(best, _noisy_or([top_keyword, support]))
        best = max(best, _clustered(keyword, scoring, floor=best))
        scores[risk] = round(best, 4)
    return scores


_START = attrgetter("start")


def _clustered(keyword: Sequence[Finding], scoring: ScoringOptions, floor: float = 0.0) -> float:
    """Best noisy-or score of ``distinct_hits`` distinct terms found within ``window``.

    Returns 0.0 early when no window could score above ``floor`` (the score already reached).
    """
    spans = [f for f in keyword if f.start is not None]
    if len(spans) < scoring.distinct_hits:
        return 0.0
    spans.sort(key=_START)  # findings arrive merged, i.e. already in order: a linear pass
    keys = [_term_key(f.evidence) for f in spans]
    overall: dict[str, float] = {}
    for key, g in zip(keys, spans, strict=True):
        overall[key] = max(overall.get(key, 0.0), g.score)
    if len(overall) < scoring.distinct_hits:
        return 0.0
    # No window can beat the best distinct terms of the whole text: stop once one reaches it
    # (with many hits of one strength, the first qualifying window usually does).
    ceiling = _noisy_or(sorted(overall.values(), reverse=True)[: scoring.distinct_hits])
    if ceiling <= floor:
        return 0.0
    starts = [f.start or 0 for f in spans]
    scores = [f.score for f in spans]
    best = 0.0
    lo = 0
    for hi, start in enumerate(starts):
        if best >= ceiling:
            break
        while start - starts[lo] > scoring.window:
            lo += 1
        if hi + 1 < len(starts) and starts[hi + 1] - starts[lo] <= scoring.window:
            continue  # the next window holds this one: only score windows that cannot grow
        if scoring.distinct_hits == 2:
            best = max(best, _best_pair(keys, scores, lo, hi + 1))
            continue
        distinct: dict[str, float] = {}
        for key, score in zip(keys[lo : hi + 1], scores[lo : hi + 1], strict=True):
            distinct[key] = max(distinct.get(key, 0.0), score)
        if len(distinct) >= scoring.distinct_hits:
            top = sorted(distinct.values(), reverse=True)[: scoring.distinct_hits]
            best = max(best, _noisy_or(top))
    return best


def _best_pair(keys: Sequence[str], scores: Sequence[float], lo: int, hi: int) -> float:
    """Noisy-or of the two best distinct terms in ``[lo, hi)`` (0.0 with fewer than two).

    One pass keeping the best term's score and the best score of any other term: the common
    ``distinct_hits=2`` case of the general rule, without building a dict per window.
    """
    top_key, top, second = keys[lo], scores[lo], -1.0
    for i in range(lo + 1, hi):
        key, score = keys[i], scores[i]
        if key == top_key:
            top = max(top, score)
        elif score > top:
            top_key, top, second = key, score, top
        else:
            second = max(second, score)
    return _noisy_or((top, second)) if second >= 0 else 0.0


@lru_cache(maxsize=1 << 16)
def _term_key(evidence: str) -> str:
    """Normalised evidence: two hits are the same term when these agree (cached: terms repeat)."""
    return normalise(evidence).text


class DetectorSet:
    """A configured set of detectors producing one verdict per text."""

    def __init__(
        self,
        detectors: Sequence[Detector],
        *,
        scoring: ScoringOptions | None = None,
        specs: Sequence[ComponentSpec] = (),
    ) -> None:
        self.detectors = list(detectors)
        self.scoring = scoring or ScoringOptions()
        self.specs = list(specs)
        self._allow = _AllowPhrases(self.scoring.allow) if self.scoring.allow else None
        # Every detector sees only normalised text (``reads_normalised``): readings that only
        # fold traditional script or drop invisible characters tell it nothing new.
        self._normalised = all(getattr(d, "reads_normalised", False) for d in self.detectors)

    @property
    def fork_safe(self) -> bool:
        """Whether every detector may be copied by ``fork`` (``BaseDetector.fork_safe``)."""
        return all(getattr(d, "fork_safe", False) for d in self.detectors)

    @classmethod
    def from_names(
        cls,
        names: Sequence[str],
        options: Mapping[str, Mapping[str, Any]] | None = None,
        *,
        scoring: ScoringOptions | Mapping[str, Any] | None = None,
        plugins: Registry = registry,
    ) -> DetectorSet:
        """Build each named detector through the registry with ``options[name]``."""
        options = options or {}
        built = [plugins.create("detector", n, **dict(options.get(n, {}))) for n in names]
        if scoring is not None and not isinstance(scoring, ScoringOptions):
            scoring = ScoringOptions(**scoring)
        return cls([d for d, _ in built], scoring=scoring, specs=[s for _, s in built])

    def check(self, text: str) -> TextVerdict:
        """Verdict for one text."""
        if evasion_reading(text, normalised=self._normalised) is not None:  # screen it too
            return self.check_batch([text])[0]
        findings = [f for d in self.detectors for f in d.detect(text)]
        allowed = self._allow.spans([text])[0] if self._allow is not None and findings else []
        return self._verdict(text, findings, allowed)

    def check_batch(self, texts: Sequence[str]) -> list[TextVerdict]:
        """Verdicts for many texts, in order (detectors use their batch path).

        Detectors with ``detect_prepared`` (:class:`~beian.detect.base.PreparedDetector`) share
        one :class:`PreparedBatch`: the keyword detector's fold is reused by PII's pre-check.
        """
        screened = screen(texts, self._findings, normalised=self._normalised)
        return [self._screened_verdict(t, s) for t, s in zip(texts, screened, strict=True)]

    def _allowed(self, text: str, findings: Sequence[Finding]) -> list[tuple[int, int]]:
        return self._allow.spans([text])[0] if self._allow is not None and findings else []

    def _screened_verdict(self, text: str, s: Screened) -> TextVerdict:
        """The verdict on the text and, when it has a reading, on the reading (its own words,
        its own positions): a risk flagged on either is flagged; evidence is reported on the
        original."""
        own = s.own if s.reading is None else [f for f in s.own or [] if f.start is not None]
        mine = self._verdict(text, own, self._allowed(text, own)) if own else None
        if s.reading is None:
            return mine or self._verdict(text, [], [])
        found = list(s.on_reading)
        theirs = self._verdict(s.reading.text, found, self._allowed(s.reading.text, found))
        scores = dict(theirs.scores)
        for risk, score in (mine.scores if mine else {}).items():
            scores[risk] = max(score, scores.get(risk, 0.0))
        risks = tuple(sorted({*theirs.risks, *(mine.risks if mine else ())}))
        reported = s.reported()
        return TextVerdict(
            verdict="unqualified" if risks else "qualified",
            risks=risks,
            findings=tuple(merge_findings(reported, text)) if reported else (),
            scores=scores,
        )

    def _findings(self, texts: Sequence[str]) -> list[list[Finding]]:
        """Every detector's findings for each text (one shared :class:`PreparedBatch`)."""
        per_text: list[list[Finding]] = [[] for _ in texts]
        batch = PreparedBatch(texts)
        for d in self.detectors:
            prepared = getattr(d, "detect_prepared", None)
            found = prepared(batch) if prepared is not None else d.detect_batch(texts)
            for i, f in enumerate(found):
                per_text[i].extend(f)
        return per_text

    def _verdict(
        self, text: str, findings: list[Finding], allowed: Sequence[tuple[int, int]]
    ) -> TextVerdict:
        if allowed:
            findings = [f for f in findings if not _inside(f, allowed)]
        if not findings:  # most texts: nothing to merge or score
            return TextVerdict(verdict="qualified", risks=(), findings=(), scores={})
        return scored_verdict(merge_findings(findings, text), self.scoring)


def scored_verdict(findings: Sequence[Finding], scoring: ScoringOptions) -> TextVerdict:
    """The verdict on a text's (merged) findings: unqualified for every risk whose score
    reaches its threshold under ``scoring``."""
    scores = risk_scores(findings, scoring)
    risks = tuple(sorted(r for r, s in scores.items() if s > 0 and s >= scoring.threshold_for(r)))
    return TextVerdict(
        verdict="unqualified" if risks else "qualified",
        risks=risks,
        findings=tuple(findings),
        scores=scores,
    )


def _inside(f: Finding, spans: Sequence[tuple[int, int]]) -> bool:
    if f.start is None or f.end is None:
        return False
    return any(a <= f.start and f.end <= b for a, b in spans)
