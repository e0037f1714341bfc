"""Run several detectors on a text and reach ONE verdict with its evidence.

Keyword hits are never trusted alone unless they are strong (long, specific terms). A weak
hit (short or pinyin/homophone) counts only when corroborated: by the classifier's document
score for the same risk, or by a second hit of a distinct term of the same risk. Other
detectors (classifier, pii, ...) count on their own score. The rule is documented in
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
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from beian.detect.base import Detector
from beian.records import ComponentSpec, Finding
from beian.registry import Registry, registry
from beian.text.normalise import normalise

KEYWORD_DETECTORS = frozenset({"keyword"})
"""Detectors whose hits need corroboration unless strong."""
CORROBORATING_DETECTORS = frozenset({"classifier"})
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


def _allowed_spans(text: str, phrases: Sequence[str]) -> list[tuple[int, int]]:
    norm = normalise(text)
    spans: list[tuple[int, int]] = []
    for phrase in phrases:
        needle = normalise(phrase).text
        if not needle:
            continue
        at = norm.text.find(needle)
        while at >= 0:
            spans.append(norm.span(at, at + len(needle)))
            at = norm.text.find(needle, at + 1)
    return spans


def risk_scores(findings: Sequence[Finding], scoring: ScoringOptions) -> dict[str, float]:
    """Combined score per risk under the corroboration rule (see module docstring)."""
    by_risk: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_risk[f.risk].append(f)
    scores: dict[str, float] = {}
    for risk, group in by_risk.items():
        keyword = [f for f in group if f.detector in KEYWORD_DETECTORS]
        other = [f.score for f in group if f.detector not in KEYWORD_DETECTORS]
        support = max(
            (f.score for f in group if f.detector in CORROBORATING_DETECTORS), default=0.0
        )
        best = max(other, default=0.0)
        strong = [f.score for f in keyword if f.score >= scoring.keyword_alone]
        best = max(best, *strong) if strong else best
        if keyword and support >= scoring.corroboration:
            best = max(best, _noisy_or([max(f.score for f in keyword), support]))
        best = max(best, _clustered(keyword, scoring))
        scores[risk] = round(best, 4)
    return scores


def _clustered(keyword: Sequence[Finding], scoring: ScoringOptions) -> float:
    """Best noisy-or score of ``distinct_hits`` distinct terms found within ``window``."""
    spans = sorted((f for f in keyword if f.start is not None), key=lambda f: f.start or 0)
    best = 0.0
    lo = 0
    for hi, f in enumerate(spans):
        while (f.start or 0) - (spans[lo].start or 0) > scoring.window:
            lo += 1
        distinct: dict[str, float] = {}
        for g in spans[lo : hi + 1]:
            key = normalise(g.evidence).text
            distinct[key] = max(distinct.get(key, 0.0), g.score)
        if len(distinct) >= scoring.distinct_hits:
            top = sorted(distinct.values(), reverse=True)[: scoring.distinct_hits]
            best = max(best, _noisy_or(top))
    return best


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
        return self._verdict(text, [f for d in self.detectors for f in d.detect(text)])

    def check_batch(self, texts: Sequence[str]) -> list[TextVerdict]:
        """Verdicts for many texts, in order (detectors use their batch path)."""
        per_text: list[list[Finding]] = [[] for _ in texts]
        for d in self.detectors:
            for i, found in enumerate(d.detect_batch(texts)):
                per_text[i].extend(found)
        return [self._verdict(t, f) for t, f in zip(texts, per_text, strict=True)]

    def _verdict(self, text: str, findings: list[Finding]) -> TextVerdict:
        if self.scoring.allow and findings:
            spans = _allowed_spans(text, self.scoring.allow)
            findings = [f for f in findings if not _inside(f, spans)]
        merged = merge_findings(findings, text)
        scores = risk_scores(merged, self.scoring)
        risks = tuple(
            sorted(r for r, s in scores.items() if s > 0 and s >= self.scoring.threshold_for(r))
        )
        return TextVerdict(
            verdict="unqualified" if risks else "qualified",
            risks=risks,
            findings=tuple(merged),
            scores=scores,
        )


def _inside(f: Finding, spans: Sequence[tuple[int, int]]) -> bool:
    if f.start is None or f.end is None:
        return False
    return any(a <= f.start and f.end <= b for a, b in spans)
