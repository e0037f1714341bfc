"""The PII scan: pre-check, fold full-width, find windows, match, validate, score, resolve.

Speed comes from doing as little as possible per text in Python:

1. The pre-check (:mod:`beian.detect.pii.triggers`) drops every text without an ASCII or
   full-width digit or an ``@``; in prose that is most texts. :meth:`PiiDetector.detect_batch`
   runs it on many texts at once and gets every trigger position with it;
   :meth:`PiiDetector.detect_prepared` reuses the code units of a batch another detector
   (keyword) already encoded.
2. Full-width digits, letters and ``@+-.`` are folded to ASCII only when a full-width digit or
   ``@`` is present, and only those characters are touched (``re.sub`` over runs of them, not a
   per-character ``translate`` of the whole text). The mapping is one character to one
   character, so every offset found in the folded text is an offset in the original.
3. ``_SEED`` finds each digit or ``@`` (or starts at the positions the batch pre-check found) and the run of ASCII (plus a few separators) after it;
   ``_RUN_BEFORE`` extends the run backwards over at most ``_LOOKBACK`` characters. The entity
   regexes run only inside those windows (``finditer(text, pos, endpos)``; look-behinds still
   see the real text before ``pos``, so a window cut inside a long token cannot fake a match).
   A window starts three characters early so plates (province, letter, separator) are caught,
   and runs shorter than any entity ("第1章") are skipped.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from beian.detect.base import BaseDetector
from beian.detect.pii.recognizers import Pattern, Recognizer
from beian.detect.pii.triggers import (
    Triggers,
    batch_triggers,
    folded_triggers,
    has_ascii_trigger,
    has_fullwidth_trigger,
)
from beian.records import Finding

if TYPE_CHECKING:
    from beian.text.batch import PreparedBatch

_FULLWIDTH_RUN = re.compile("[\uff10-\uff19\uff20-\uff3a\uff41-\uff5a\uff0b\uff0d\uff0e]+")
_FOLD = {
    **{0xFF10 + i: ord("0") + i for i in range(10)},
    **{0xFF21 + i: ord("A") + i for i in range(26)},
    **{0xFF41 + i: ord("a") + i for i in range(26)},
    0xFF20: ord("@"),
    0xFF0B: ord("+"),
    0xFF0D: ord("-"),
    0xFF0E: ord("."),
}
_RUN_CHARS = " -~\u00b7\u2022\uff08\uff09"
_SEED = re.compile(f"[0-9@][{_RUN_CHARS}]*")
_RUN_BEFORE = re.compile(f"[{_RUN_CHARS}]*$")
_LOOKBACK = 72  # an entity's first digit or @ is at most this far in (e-mail local part ≤ 64)
_LEAD = 3  # province character + letter + separator before the ASCII part of a plate
_MIN_RUN = 6  # the shortest entities: "a@b.cn", "A12345" after a province character
_CTX_BEFORE = 24
_CTX_AFTER = 10
_GLUE_BEFORE = re.compile("[0-9][ -]")
_GLUE_AFTER = re.compile("[ -][0-9]")


def fold(text: str) -> str:
    """Full-width digits, letters and ``@+-.`` folded to ASCII.

    Length-preserving, so offsets in the result are offsets in ``text``.
    """
    return _FULLWIDTH_RUN.sub(_fold_run, text)


def _fold_run(m: re.Match[str]) -> str:
    return m.group().translate(_FOLD)


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    score: float
    entity: str
    evidence: str
    why: str


class PiiDetector(BaseDetector):
    """Finds mainland-China personal identifiers; see :mod:`beian.detect.pii`."""

    fork_safe = True  # tables and arrays only

    name = "pii"

    def __init__(
        self, recognizers: Iterable[Recognizer], risks: dict[str, str], min_score: float
    ) -> None:
        self._recognizers = tuple(recognizers)
        self._risks = risks
        self._min_score = min_score

    def detect(self, text: str) -> list[Finding]:
        """Findings for one text; spans index ``text`` itself."""
        fullwidth = has_fullwidth_trigger(text)
        if not fullwidth and not has_ascii_trigger(text):
            return []
        return self._scan(text, fullwidth, None)

    def detect_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        """Findings for many texts, in order; the pre-check runs once over the whole batch."""
        out: list[list[Finding]] = [[] for _ in texts]
        for t in batch_triggers(texts):
            out[t.index] = self._scan(texts[t.index], t.fullwidth, t.seeds)
        return out

    def detect_prepared(self, batch: PreparedBatch) -> list[list[Finding]]:
        """``detect_batch(batch.texts)``, with the pre-check on code units already encoded."""
        groups = batch.any_folded()
        if groups is None:
            return self.detect_batch(batch.texts)
        texts = batch.texts
        out: list[list[Finding]] = [[] for _ in texts]
        rest: list[int] = []  # members of groups folded on code points: no raw units
        for group in groups:
            if group.raw is None:
                rest.extend(group.members)
                continue
            self._scan_all(texts, folded_triggers(group), out)
        if rest:
            rest.sort()
            found = self.detect_batch([texts[i] for i in rest])
            for i, f in zip(rest, found, strict=True):
                out[i] = f
        return out

    def _scan_all(
        self, texts: Sequence[str], triggers: Iterable[Triggers], out: list[list[Finding]]
    ) -> None:
        for t in triggers:
            out[t.index] = self._scan(texts[t.index], t.fullwidth, t.seeds)

    def _scan(self, text: str, fullwidth: bool, seeds: list[int] | None) -> list[Finding]:
        norm = fold(text) if fullwidth else text
        hits = [h for h in self._candidates(norm, seeds) if h.score >= self._min_score]
        return [
            Finding(
                risk=self._risks[h.entity],
                detector=self.name,
                score=h.score,
                start=h.start,
                end=h.end,
                evidence=h.evidence,
                why=h.why,
            )
            for h in _resolve(hits)
        ]

    def _candidates(self, norm: str, seeds: list[int] | None) -> Iterator[_Hit]:
        for lo, hi in _windows(norm, seeds):
            for rec in self._recognizers:
                if rec.needs is not None and rec.needs.search(norm, lo, hi) is None:
                    continue
                for pat in rec.patterns:
                    for m in pat.regex.finditer(norm, lo, hi):
                        hit = _judge(rec, pat, norm, m.start(), m.end())
                        if hit is not None:
                            yield hit


def _windows(text: str, seeds: list[int] | None) -> Iterator[tuple[int, int]]:
    """``(pos, endpos)`` of each ASCII run holding a digit or ``@``, in order, not overlapping.

    ``seeds``, when given, are the offsets of every digit and ``@`` of ``text``.
    """
    done = 0
    for seed in _SEED.finditer(text) if seeds is None else _seeded(text, seeds):
        first, hi = seed.span()
        floor = max(done, first - _LOOKBACK)
        before = _RUN_BEFORE.search(text, floor, first)
        start = before.start() if before is not None else first
        if hi - start >= _MIN_RUN:
            yield max(floor, start - _LEAD), hi
            done = hi


def _seeded(text: str, seeds: list[int]) -> Iterator[re.Match[str]]:
    """The matches ``_SEED.finditer(text)`` gives, started only at the given trigger offsets."""
    end = 0
    for pos in seeds:
        if pos >= end:  # finditer resumes where the previous seed ended
            seed = _SEED.match(text, pos)
            assert seed is not None, "a seed offset holds a digit or @"
            end = seed.end()
            yield seed


def _judge(rec: Recognizer, pat: Pattern, text: str, start: int, end: int) -> _Hit | None:
    raw = text[start:end]
    value = raw.translate(rec.strip) if rec.strip else raw
    if value != raw and _glued(text, start, end):
        return None
    check = rec.validate(value)
    if not check.ok:
        return None
    before = text[max(0, start - _CTX_BEFORE) : start]
    if rec.negative is not None and rec.negative.search(before):
        return None
    score = pat.score if check.score is None else check.score
    why = f"pattern {pat.name}; {check.note}"
    if rec.context is not None:
        ctx = rec.context.search(before) or rec.context.search(text, end, end + _CTX_AFTER)
        if ctx is not None:
            score = min(1.0, score + rec.boost)
            why += f"; context {ctx.group()!r}"
    evidence = f"{rec.entity}:{rec.mask(value)}"
    return _Hit(start, end, round(score, 4), rec.entity, evidence, why)


def _glued(text: str, start: int, end: int) -> bool:
    """A separated number ("138 1234 5678") that continues a digit group is part of a longer one."""
    return bool(
        _GLUE_BEFORE.fullmatch(text, max(0, start - 2), start)
        or _GLUE_AFTER.match(text, end, end + 2)
    )


def _resolve(hits: list[_Hit]) -> list[_Hit]:
    """Keep the best of overlapping hits: higher score, then longer span; output in text order."""
    hits.sort(key=lambda h: (-h.score, h.start - h.end, h.start))
    starts: list[int] = []
    ends: list[int] = []
    kept: list[_Hit] = []
    for h in hits:
        i = bisect_left(starts, h.start)
        if i > 0 and ends[i - 1] > h.start:
            continue
        if i < len(starts) and starts[i] < h.end:
            continue
        starts.insert(i, h.start)
        ends.insert(i, h.end)
        kept.insert(i, h)
    return kept
