"""When a family fires and with what score: the three rules, negative cues and the bonus.

For one family, over its term occurrences that survive the context cues:

- rule c: a very strong term (代开发票, 百家乐平台) fires on its own;
- rule a: a strong term fires next to a contact handle with an id (a number, WeChat id, URL …),
  and, in families with ``cue: true``, next to a call to action, pointer or bare contact cue;
  a weak term fires next to a handle with an id in families with ``weak_with_handle: true``;
- rule b: two distinct strong (or very strong) terms fire together in families with
  ``pair: true``.

"Next to" means within ``scoring.window`` characters. A term is suppressed when a negative cue
(警方, 违法吗, 被骗 …, unless inside a reassurance such as 拒绝诈骗) lies within
``scoring.negative_window`` characters of it, or a question cue (怎么, 吗？ …) does and no
handle with an id is near. The score is the best rule's score from ``families.yaml`` plus
``bonus_per_term`` for each further distinct term of the family, capped at 1. In a text that
holds a ``notice`` cue (an account or transaction notice), families marked ``quiet_in_notices``
keep only their very strong terms.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate

from beian.detect.solicit.contacts import Contact
from beian.detect.solicit.lexicon import STRONG, VERY_STRONG, WEAK, Family, Scoring

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class TermHit:
    """One occurrence of a family term in the prepared text."""

    term: str
    weight: int
    start: int
    end: int


@dataclass(slots=True)
class Context:
    """Everything but the terms that one text holds, in prepared-text positions."""

    scoring: Scoring
    contacts: list[tuple[Contact, int, int]] = field(default_factory=list)
    cta: list[Span] = field(default_factory=list)
    negative: list[Span] = field(default_factory=list)
    question: list[Span] = field(default_factory=list)
    reassure: list[Span] = field(default_factory=list)
    blockers: list[Span] = field(default_factory=list)
    notice: bool = False


@dataclass(frozen=True, slots=True)
class Decision:
    """A family that fired: its score, the rule, the anchoring term and the contact cited."""

    score: float
    rule: str
    term: TermHit
    contact: Contact | None
    cue: str | None


def _gap(a_lo: int, a_hi: int, b_lo: int, b_hi: int) -> int:
    return max(0, b_lo - a_hi, a_lo - b_hi)


def _near(spans: list[Span], lo: int, hi: int, window: int) -> bool:
    return any(_gap(lo, hi, s, e) <= window for s, e in spans)


@dataclass(frozen=True, slots=True)
class Near:
    """Spans indexed for :func:`_near` in logarithmic time (a novel chapter holds hundreds of
    cue and term occurrences: checking every pair was quadratic).

    A span ``[s, e)`` lies within ``window`` of ``[lo, hi)`` exactly when ``s <= hi + window``
    and ``e >= lo - window``: among the spans starting early enough, the furthest end decides.
    """

    starts: list[int]
    reach: list[int]
    """``reach[k]``: the largest end among the ``k + 1`` spans that start first."""

    @classmethod
    def of(cls, spans: list[Span]) -> Near:
        """The index of ``spans`` (any order)."""
        ordered = sorted(spans)
        return cls([s for s, _ in ordered], list(accumulate((e for _, e in ordered), max)))

    def near(self, lo: int, hi: int, window: int) -> bool:
        """``_near(spans, lo, hi, window)`` for ``window >= 0``."""
        k = bisect_right(self.starts, hi + window)
        return k > 0 and self.reach[k - 1] >= lo - window


def _outermost(hits: list[TermHit]) -> list[TermHit]:
    """Occurrences not inside a longer one ("上门" inside "上门服务" is not a second term)."""
    kept: list[TermHit] = []
    reach = -1  # the furthest end of a kept occurrence: all of them start at or before h
    for h in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
        if kept and h.end <= reach:
            continue
        kept.append(h)
        reach = max(reach, h.end)
    return kept


def _nearest(
    contacts: list[tuple[Contact, int, int]],
    hit: TermHit,
    window: int,
    with_id: bool,
    types: list[str] | None = None,
) -> Contact | None:
    best: tuple[int, Contact] | None = None
    for c, lo, hi in contacts:
        if (with_id and not c.has_id) or (types is not None and c.type not in types):
            continue
        gap = _gap(hit.start, hit.end, lo, hi)
        if gap <= window and (best is None or gap < best[0]):
            best = (gap, c)
    return None if best is None else best[1]


def _live(hits: list[TermHit], ctx: Context) -> list[TermHit]:
    """Occurrences that no blocker, negative or question cue suppresses."""
    s = ctx.scoring
    negative = [
        (lo, hi)
        for lo, hi in ctx.negative
        if not any(r_lo <= lo and hi <= r_hi for r_lo, r_hi in ctx.reassure)
    ]
    live = []
    negatives, questions = Near.of(negative), Near.of(ctx.question)
    for h in hits:
        if any(b_lo <= h.start and h.end <= b_hi for b_lo, b_hi in ctx.blockers):
            continue
        if negatives.near(h.start, h.end, s.negative_window):
            continue
        if questions.near(h.start, h.end, s.negative_window) and (
            _nearest(ctx.contacts, h, s.window, with_id=True) is None
        ):
            continue
        live.append(h)
    return live


def _fires_alone(family: Family, hits: list[TermHit]) -> bool:
    """Whether rule c or rule b could fire on ``hits`` with no contact or call to action in the
    text: the live occurrences are a subset of ``hits``, so neither can fire when this is
    False."""
    if any(h.weight == VERY_STRONG for h in hits):
        return True
    return family.pair and len({h.term for h in hits if h.weight >= STRONG}) >= 2


def decide(family: Family, hits: list[TermHit], ctx: Context) -> Decision | None:
    """Whether ``family`` fires given its term occurrences and the text's context."""
    s = ctx.scoring
    if not ctx.contacts and not ctx.cta and not _fires_alone(family, hits):
        return None  # every other rule needs a contact or a call to action near a term
    live = _live(_outermost(hits), ctx)
    if family.quiet_in_notices and ctx.notice:
        live = [h for h in live if h.weight == VERY_STRONG]
    if not live:
        return None
    best: Decision | None = None

    def consider(score: float, rule: str, hit: TermHit, c: Contact | None, cue: str | None) -> None:
        nonlocal best
        if best is None or score > best.score:
            best = Decision(score, rule, hit, c, cue)

    ctas = Near.of(ctx.cta)
    for h in live:
        handle = _nearest(ctx.contacts, h, s.window, True, family.handles)
        cue_contact = handle or _nearest(ctx.contacts, h, s.window, False, family.handles)
        cta = ctas.near(h.start, h.end, s.window)
        cued = cue_contact is not None or cta
        if h.weight == VERY_STRONG:
            if cued:
                consider(
                    s.single_contact,
                    "rule c (very strong term, with contact)",
                    h,
                    cue_contact,
                    None if cue_contact else "call to action",
                )
            else:
                consider(s.single, "rule c (very strong term)", h, None, None)
        elif h.weight == STRONG:
            if handle is not None:
                consider(s.strong_handle, "rule a (strong term + handle)", h, handle, None)
            elif family.cue and cued:
                consider(
                    s.strong_cue,
                    "rule a (strong term + contact cue)",
                    h,
                    cue_contact,
                    None if cue_contact else "call to action",
                )
        elif h.weight == WEAK and handle is not None and family.weak_with_handle:
            consider(s.weak_handle, "rule a (weak term + handle)", h, handle, None)
    strong = [h for h in live if h.weight >= STRONG]
    if family.pair and len({h.term for h in strong}) >= 2:
        consider(s.pair, "rule b (two strong terms)", strong[0], None, None)
    if best is None:
        return None
    distinct = len({h.term for h in live})
    score = min(1.0, best.score + s.bonus_per_term * (distinct - 1))
    return Decision(round(score, 4), best.rule, best.term, best.contact, best.cue)
