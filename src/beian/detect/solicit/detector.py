"""The ``solicit`` scan: prepare, find contacts and terms in one pass each, then score.

Per text: :func:`~beian.detect.solicit.prepare.prepare` (normalise + emoji glue + numerals),
one multi-pattern pass for every family term and context cue, one regex pass for contact
handles around the terms (:mod:`~beian.detect.solicit.contacts`), then the rules of
:mod:`~beian.detect.solicit.rules` per family. Spans index the original text.

The term pass scans a whole batch at once, as UTF-16 code units, with the keyword detector's
matcher (Hyperscan where installed, else Aho-Corasick over bytes): every occurrence of every
term, as the overlapping Aho-Corasick search over ``str`` reported them, put back in that
search's order (by end, longer first at the same end), so findings are unchanged
(tests/detect/solicit/test_term_scan.py compares the two).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from beian.detect.base import BaseDetector
from beian.detect.keyword.engine import Matcher, make_matcher
from beian.detect.solicit.contacts import CONTACT_MAX_CHARS, Contact, find_in
from beian.detect.solicit.evidence import possible_many
from beian.detect.solicit.lexicon import STRONG, VERY_STRONG, Families, cues
from beian.detect.solicit.prepare import Prepared, prepare_batch
from beian.detect.solicit.rules import Context, Decision, Span, TermHit, decide
from beian.records import Finding
from beian.text.batch import PreparedBatch, normalise_many

_CTA, _NEG, _QUESTION, _REASSURE, _BLOCK, _NOTICE = (
    "cta",
    "neg",
    "question",
    "reassure",
    "block",
    "notice",
)


_CONTEXT = (_CTA, _NEG, _QUESTION, _REASSURE, _BLOCK)
"""The context cues kept as spans, in the order of :class:`Context`'s lists."""
_TERM, _CTA_FLAG, _VERY_STRONG, _PAIR, _CUE_STRONG = 1, 2, 4, 8, 16
"""Per pattern: a family term; a call to action; a very strong term of a family; a strong (or
very strong) term of a family with ``pair``; a strong term of a family with ``cue``
(:meth:`SolicitDetector._needed`)."""


class SolicitDetector(BaseDetector):
    """Finds spam, ads and solicitation with (disguised) contacts; see :mod:`beian.detect.solicit`."""

    fork_safe = True  # tables and arrays only

    name = "solicit"

    def __init__(
        self, lexicon: Families, families: Sequence[str], min_score: float, report_contacts: bool
    ) -> None:
        self._lexicon = lexicon
        self._families = {name: lexicon.families[name] for name in families}
        self._min_score = min_score
        self._report_contacts = report_contacts
        # one automaton for every term and cue; a pattern may play several roles. Terms are
        # folded like texts so that the data may be written in any form.
        pending: list[tuple[str, tuple[str, int]]] = []
        for name, fam in self._families.items():
            pending += [(term, (name, weight)) for term, weight in fam.weighted()]
        c = cues()
        for role, words in (
            (_CTA, c.call_to_action),
            (_NEG, c.negative),
            (_QUESTION, c.question),
            (_REASSURE, c.reassurance),
            (_BLOCK, c.blockers),
            (_NOTICE, c.notice),
        ):
            pending += [(w, (role, 0)) for w in words]
        # one batch call folds the ~1,200 terms about ten times faster than one call each
        roles: dict[str, list[tuple[str, int]]] = {}
        for folded, (_, role_weight) in zip(
            normalise_many([t for t, _ in pending]), pending, strict=True
        ):
            roles.setdefault(folded, []).append(role_weight)
        self._patterns = list(roles)
        self._roles = [roles[p] for p in self._patterns]
        self._matcher = make_matcher(self._patterns)
        # per pattern, its roles sorted out once: the context lists it feeds (in role order),
        # whether it is a notice cue, and the family terms it is
        self._cue_lists = [
            tuple(_CONTEXT.index(r) for r, _ in rs if r in _CONTEXT) for rs in self._roles
        ]
        self._notices = [any(r == _NOTICE for r, _ in rs) for rs in self._roles]
        self._terms = [
            tuple((r, w) for r, w in rs if r not in _CONTEXT and r != _NOTICE) for rs in self._roles
        ]
        pairs = [name for name, fam in self._families.items() if fam.pair]
        self._pair = np.zeros((len(self._patterns), len(pairs)), dtype=np.intp)
        """Per pattern and family with pairs: 1 when the pattern is a strong term of it."""
        self._flags = np.zeros(len(self._patterns), dtype=np.uint8)
        for pid, terms in enumerate(self._terms):
            for role, weight in terms:
                self._flags[pid] |= _TERM | (_VERY_STRONG if weight == VERY_STRONG else 0)
                if weight == STRONG and self._families[role].cue:
                    self._flags[pid] |= _CUE_STRONG
                if role in pairs and weight >= STRONG:
                    self._flags[pid] |= _PAIR
                    self._pair[pid, pairs.index(role)] = 1
            if _CONTEXT.index(_CTA) in self._cue_lists[pid]:
                self._flags[pid] |= _CTA_FLAG

    def detect(self, text: str) -> list[Finding]:
        """Findings for one text; spans index ``text`` itself."""
        return self.detect_batch([text])[0]

    def detect_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        """Findings for many texts, in order (each exactly as :meth:`detect` gives it)."""
        return self.detect_prepared(PreparedBatch(texts))

    def detect_prepared(self, batch: PreparedBatch) -> list[list[Finding]]:
        """:meth:`detect_batch` on a batch whose fold other detectors of a set share."""
        texts = batch.texts
        preps = prepare_batch(batch)
        prepared = [p.text for p in preps]
        hits = term_arrays(self._matcher, prepared, [p.utf16 for p in preps])
        regions = self._regions_many(hits, [len(t) for t in prepared])
        possible = self._possible(prepared, regions)
        out: list[list[Finding]] = [[] for _ in texts]
        bounds = np.searchsorted(hits.doc, np.arange(len(texts) + 1), side="left").tolist()
        alone = self._alone(hits, len(texts))
        for i in self._needed(hits, possible, alone).tolist():
            contacts = self._contacts(preps[i], possible[i]) if possible[i] else []
            if not contacts and not alone[i]:  # kept for its regions, and none holds a contact
                continue
            lo, hi = bounds[i], bounds[i + 1]
            matches = list(
                zip(
                    hits.pid[lo:hi].tolist(),
                    hits.start[lo:hi].tolist(),
                    hits.end[lo:hi].tolist(),
                    strict=True,
                )
            )
            stage = self._stage(matches)
            if stage is None:  # (only a subclass that needs every text gets here)
                continue
            ctx, terms = stage
            ctx.contacts.extend(contacts)
            out[i] = self._decide(texts[i], preps[i], ctx, terms)
        return out

    def _needed(
        self, hits: Hits, possible: list[list[Span]], alone: npt.NDArray[np.bool_]
    ) -> npt.NDArray[np.intp]:
        """The texts that may have a finding, in order: those with a family term and either a
        region that may hold a contact or what :meth:`_alone` finds. Found on the batch's match
        arrays, so that the other texts build no term list, context or rule; a text kept only
        for its regions goes on only when the contact scan finds a contact there."""
        n = len(possible)
        docs = np.bincount(hits.doc[(self._flags[hits.pid] & _TERM) != 0], minlength=n) > 0
        need = np.fromiter(map(bool, possible), dtype=np.bool_, count=n) | alone
        found: npt.NDArray[np.intp] = np.flatnonzero(docs & need)
        return found

    def _alone(self, hits: Hits, n: int) -> npt.NDArray[np.bool_]:
        """Per text: whether it may fire without a contact: a family whose rule c or rule b can
        fire (a very strong term, two distinct strong terms of a family with pairs), or a call
        to action within ``scoring.window`` of a strong term of a family with ``cue``.

        :func:`~beian.detect.solicit.rules.decide` gives ``None`` for every family of a text
        with no contact and none of these: without a contact, rule a needs a strong term of a
        family with ``cue`` and a call to action near it, and rules b and c need what is listed
        (the live occurrences are a subset of all)."""
        flags = self._flags[hits.pid]
        alone = np.bincount(hits.doc[(flags & _VERY_STRONG) != 0], minlength=n) > 0
        pair = (flags & _PAIR) != 0
        if pair.any():  # two distinct strong terms of one family with pairs
            key = np.sort(hits.doc[pair] * self._pair.shape[0] + hits.pid[pair])
            key = key[np.append(True, key[1:] != key[:-1])]  # (np.unique imports numpy.ma)
            doc, pid = np.divmod(key, self._pair.shape[0])
            counts = np.zeros((n, self._pair.shape[1]), dtype=np.intp)
            np.add.at(counts, doc, self._pair[pid])
            alone |= (counts >= 2).any(axis=1)
        cta = (flags & _CTA_FLAG) != 0
        strong = (flags & _CUE_STRONG) != 0
        if cta.any() and strong.any():
            alone |= self._cta_near(hits, cta, strong, n)
        return alone

    def _cta_near(
        self, hits: Hits, cta: npt.NDArray[np.bool_], strong: npt.NDArray[np.bool_], n: int
    ) -> npt.NDArray[np.bool_]:
        """Per text: whether a call to action lies within ``scoring.window`` of a strong term
        of a family with ``cue`` (:meth:`.rules.Near.near` for every term of the batch)."""
        window = self._lexicon.scoring.window
        step = int(max(hits.end.max(), 0)) + window + 2  # keys of one text stay below the next's
        c_doc, c_lo, c_hi = hits.doc[cta], hits.start[cta], hits.end[cta]
        order = np.lexsort((c_lo, c_doc))
        c_doc, c_lo, c_hi = c_doc[order], c_lo[order], c_hi[order]
        starts = c_doc * step + c_lo
        reach = np.maximum.accumulate(c_doc * step + c_hi)  # within a text: see _regions_many
        h_doc, h_lo, h_hi = hits.doc[strong], hits.start[strong], hits.end[strong]
        k = np.searchsorted(starts, h_doc * step + h_hi + window, side="right") - 1
        ok = k >= 0
        k = np.maximum(k, 0)
        ok &= c_doc[k] == h_doc
        ok &= reach[k] - h_doc * step >= h_lo - window
        near: npt.NDArray[np.bool_] = np.bincount(h_doc[ok], minlength=n) > 0
        return near

    def _regions_many(self, hits: Hits, lengths: list[int]) -> list[list[Span]]:
        """:meth:`_regions` of every text, from the batch's match arrays (``[]``: no term)."""
        out: list[list[Span]] = [[] for _ in lengths]
        term = (self._flags[hits.pid] & _TERM) != 0
        if not term.any():
            return out
        reach = self._lexicon.scoring.window + CONTACT_MAX_CHARS
        doc = hits.doc[term]
        n = np.asarray(lengths, dtype=np.int64)[doc]
        lo = np.maximum(hits.start[term].astype(np.int64) - reach, 0)
        hi = np.minimum(hits.end[term].astype(np.int64) + reach, n)
        order = np.lexsort((lo, doc))
        doc, lo, hi = doc[order], lo[order], hi[order]
        # the furthest end so far; within one text, since every later text's keys are larger
        step = int(max(lengths)) + 1
        furthest = np.maximum.accumulate(doc.astype(np.int64) * step + hi) - doc * step
        first = np.ones(doc.shape[0], dtype=np.bool_)
        first[1:] = (doc[1:] != doc[:-1]) | (lo[1:] > furthest[:-1])
        begins = np.flatnonzero(first)
        ends = np.append(begins[1:], doc.shape[0]) - 1
        for d, a, b in zip(
            doc[begins].tolist(), lo[begins].tolist(), furthest[ends].tolist(), strict=True
        ):
            out[d].append((a, b))
        return out

    def _possible(self, texts: list[str], regions: list[list[Span]]) -> list[list[Span]]:
        """The regions that may hold a contact (:func:`.evidence.possible_many`)."""
        return possible_many(texts, regions)

    def _stage(self, matches: list[Match]) -> tuple[Context, dict[str, list[TermHit]]] | None:
        """The context and the family terms of one text (``None``: no family term)."""
        cta: list[Span] = []
        negative: list[Span] = []
        question: list[Span] = []
        reassure: list[Span] = []
        blockers: list[Span] = []
        spans = (cta, negative, question, reassure, blockers)  # in _CONTEXT order
        notice = False
        terms: dict[str, list[TermHit]] = {}
        cue_lists, notices, term_roles = self._cue_lists, self._notices, self._terms
        for pid, lo, hi in matches:
            for k in cue_lists[pid]:
                spans[k].append((lo, hi))
            if notices[pid]:
                notice = True
            for role, weight in term_roles[pid]:
                terms.setdefault(role, []).append(TermHit(self._patterns[pid], weight, lo, hi))
        if not terms:
            return None
        ctx = Context(
            self._lexicon.scoring, [], cta, negative, question, reassure, blockers, notice
        )
        return ctx, terms

    def _decide(
        self, text: str, prep: Prepared, ctx: Context, terms: dict[str, list[TermHit]]
    ) -> list[Finding]:
        out: list[Finding] = []
        for name, hits in terms.items():
            d = decide(self._families[name], hits, ctx)
            if d is None or d.score < self._min_score:
                continue
            out.extend(self._findings(name, d, prep, text))
        return out

    def _contacts(
        self, prep: Prepared, regions: list[tuple[int, int]]
    ) -> list[tuple[Contact, int, int]]:
        """Contacts in ``regions`` of ``prep.text`` (already checked by :meth:`_possible`),
        with their spans there."""
        return find_in(prep, regions, checked=True)

    def _regions(self, terms: dict[str, list[TermHit]], n: int) -> list[tuple[int, int]]:
        """Merged spans around every term, as wide as a contact may lie from a term to count."""
        reach = self._lexicon.scoring.window + CONTACT_MAX_CHARS
        spans = sorted(
            (max(0, h.start - reach), min(n, h.end + reach)) for hs in terms.values() for h in hs
        )
        merged: list[tuple[int, int]] = []
        for lo, hi in spans:
            if merged and lo <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
            else:
                merged.append((lo, hi))
        return merged

    def _findings(self, name: str, d: Decision, prep: Prepared, text: str) -> list[Finding]:
        start, end = prep.span(d.term.start, d.term.end)
        why = f"{name}: {d.rule}; term {d.term.term!r}"
        if d.contact is not None:
            why += f"; contact {d.contact.type} {d.contact.text!r} at {d.contact.start}"
        elif d.cue is not None:
            why += f"; cue {d.cue!r}"
        out = []
        for risk in self._families[name].risks:
            out.append(
                Finding(
                    risk=risk,
                    detector=self.name,
                    score=d.score,
                    start=start,
                    end=end,
                    evidence=f"{name}:{text[start:end]}",
                    why=why,
                )
            )
            if self._report_contacts and d.contact is not None:
                c = d.contact
                out.append(
                    Finding(
                        risk=risk,
                        detector=self.name,
                        score=d.score,
                        start=c.start,
                        end=c.end,
                        evidence=f"{name}:contact:{c.type}",
                        why=f"{name}: contact handle of the finding at {start}",
                    )
                )
        return out


Match = tuple[int, int, int]
"""``(pattern id, start, end)`` of a term occurrence, in characters of the scanned text."""
_JOIN = b"\x00\x00"
"""Between two texts of a batch (UTF-16 NUL): no term holds it, so no match crosses it."""


@dataclass(frozen=True, slots=True)
class Hits:
    """Every term occurrence of a batch, as :func:`term_matches` orders them: sorted by text,
    then as each text's list. Positions are characters of the text ``doc``."""

    pid: npt.NDArray[np.intp]
    doc: npt.NDArray[np.intp]
    start: npt.NDArray[np.intp]
    end: npt.NDArray[np.intp]


def term_matches(matcher: Matcher, texts: Sequence[str]) -> list[list[Match]]:
    """Every occurrence of every pattern in each text, in the order of the overlapping
    Aho-Corasick search over the ``str`` (``ahocorasick_rs`` ``find_matches_as_indexes(text,
    overlapping=True)``): by end position, and at one end the longer pattern first (the search
    reports a state's own pattern, then those of its suffix links). Positions are characters.

    The texts are scanned as one array of UTF-16 code units (:func:`term_arrays`)."""
    hits = term_arrays(matcher, texts)
    out: list[list[Match]] = [[] for _ in texts]
    bounds = np.searchsorted(hits.doc, np.arange(len(texts) + 1), side="left").tolist()
    for i in np.unique(hits.doc).tolist():
        lo, hi = bounds[i], bounds[i + 1]
        out[i] = list(
            zip(
                hits.pid[lo:hi].tolist(),
                hits.start[lo:hi].tolist(),
                hits.end[lo:hi].tolist(),
                strict=True,
            )
        )
    return out


def term_arrays(
    matcher: Matcher, texts: Sequence[str], utf16: Sequence[bytes | None] | None = None
) -> Hits:
    """:func:`term_matches` as arrays for the whole batch (no list per text); ``utf16``: the
    texts already encoded (``surrogatepass``), where known (:attr:`.Prepared.utf16`).

    The texts are scanned as one array of UTF-16 code units; a text holding characters beyond
    the BMP has its positions mapped back from code units to characters: by counting the
    surrogate pairs before each position, for the whole batch at once, when every pair of the
    code units is one character of the text (else, a text holding a lone surrogate next to
    another, text by text through its code points)."""
    known = utf16 if utf16 is not None else [None] * len(texts)
    encoded = [
        e if e is not None else t.encode("utf-16-le", "surrogatepass")
        for t, e in zip(texts, known, strict=True)
    ]
    units_of = np.fromiter((len(e) // 2 for e in encoded), dtype=np.intp, count=len(encoded))
    offsets = np.cumsum(units_of + 1) - (units_of + 1)  # + 1: the NUL after every text
    units = np.frombuffer(_JOIN.join(encoded), dtype=np.uint16)
    empty = np.zeros(0, dtype=np.intp)
    if not units.size:
        return Hits(empty, empty, empty, empty)
    pid, start, end = matcher.scan(units)
    if not pid.size:
        return Hits(empty, empty, empty, empty)
    doc = np.searchsorted(offsets, start, side="right") - 1
    order = np.lexsort((start, end, doc))  # at one end the earlier start (longer) first
    pid, doc, start, end = pid[order], doc[order], start[order], end[order]
    start = start - offsets[doc]
    end = end - offsets[doc]
    lengths = np.fromiter(map(len, texts), dtype=np.intp, count=len(texts))
    if not np.array_equal(units_of, lengths):  # characters beyond the BMP: units -> characters
        start, end = _to_characters(texts, units, offsets, units_of - lengths, doc, start, end)
    return Hits(pid, doc, start, end)


def _to_characters(
    texts: Sequence[str],
    units: npt.NDArray[np.uint16],
    offsets: npt.NDArray[np.intp],
    astral: npt.NDArray[np.intp],
    doc: npt.NDArray[np.intp],
    start: npt.NDArray[np.intp],
    end: npt.NDArray[np.intp],
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Positions in code units of each text (``astral``: its characters beyond the BMP) as
    positions in characters, :func:`_characters` for the whole batch at once.

    A position ``u`` begins character ``u`` minus the surrogate pairs whose second unit lies
    before ``u``. That holds when every pair of a high and a low surrogate in the units is one
    character of the text: each text's count of pairs must equal its ``astral`` (a lone high
    surrogate right before a lone low one would read as a pair); else text by text."""
    high = np.flatnonzero(units[:-1] - np.uint16(0xD800) < 0x400)  # (uint16: wraps below)
    seconds = high[units[high + 1] - np.uint16(0xDC00) < 0x400] + 1
    owner = np.searchsorted(offsets, seconds, side="right") - 1
    if np.array_equal(np.bincount(owner, minlength=len(texts)), astral):
        before = np.searchsorted(seconds, offsets)  # pairs of the texts before each text
        s = start - (np.searchsorted(seconds, start + offsets[doc]) - before[doc])
        e = end - (np.searchsorted(seconds, end + offsets[doc]) - before[doc])
        return s, e
    start, end = start.copy(), end.copy()
    bounds = np.searchsorted(doc, np.arange(len(texts) + 1), side="left").tolist()
    for i in np.flatnonzero(astral).tolist():
        lo, hi = bounds[i], bounds[i + 1]
        start[lo:hi] = _characters(texts[i], start[lo:hi])
        end[lo:hi] = _characters(texts[i], end[lo:hi])
    return start, end


def _characters(text: str, units: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
    """Character positions of code-unit positions that fall on character boundaries."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    width = 1 + (codes >= 0x10000).astype(np.intp)
    first = np.concatenate([[0], np.cumsum(width)])  # code unit where each character begins
    found: npt.NDArray[np.intp] = np.searchsorted(first, units)
    return found
