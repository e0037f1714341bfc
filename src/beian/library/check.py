"""Check a keyword library or question bank against the profile's §8 quotas.

Which clause governs which population is structure (8.1 → keywords, 8.2 → the test bank,
8.3 a → should-refuse, 8.3 b → non-refusal, 8.3 c → both refusal banks); every figure comes
from the clause's thresholds, read generically by ``per`` / ``applies_to`` / ``unit``. Counts
leave out removed entries, allow-list entries and derived evasion variants: variants test
robustness, they do not make a bank bigger.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from pydantic import BaseModel

from beian.library.cadence import Cadence, check_cadence
from beian.library.dedup import exact_duplicates, near_duplicates, normalise
from beian.library.history import Event, update_dates
from beian.library.kinds import is_multiple_choice
from beian.library.precision import BenignHit, benign_hits
from beian.library.records import Bank, KeywordEntry, Question
from beian.standard.schema import Clause, Profile, Threshold

KEYWORD_CLAUSES = ("8.1.a", "8.1.b", "8.1.c")
BANK_CLAUSES: dict[Bank, tuple[str, ...]] = {
    "test": ("8.2.a", "8.2.b", "8.2.d"),
    "refuse": ("8.3.a", "8.3.c"),
    "answer": ("8.3.b", "8.3.c"),
}


class Shortfall(BaseModel):
    """A threshold the library does not meet."""

    clause: str
    key: str
    what: str
    op: str
    required: float
    actual: float | None
    """None when nothing could be measured (no update recorded)."""
    modal: str


class Counts(BaseModel):
    """Totals of one population (the keyword library, or one bank)."""

    total: int = 0
    per_risk: dict[str, int] = {}
    per_topic: dict[str, int] = {}


class Duplicates(BaseModel):
    """Exact (after normalisation) and near duplicates."""

    exact: list[dict[str, object]] = []
    near: list[dict[str, object]] = []


class CheckReport(BaseModel):
    """What ``beian library check`` / ``beian bank check`` print (``--json`` is this model)."""

    kind: str
    profile: str
    as_of: date
    total: int
    per_risk: dict[str, int]
    per_topic: dict[str, int]
    banks: dict[str, Counts] = {}
    duplicates: Duplicates
    shortfalls: list[Shortfall]
    cadence: dict[str, Cadence]
    unknown_risks: dict[str, int] = {}
    unlabelled: int = 0
    derived: int = 0
    removed: int = 0
    allow: int = 0
    short_terms: list[str] = []
    empty_rows: list[str] = []
    benign_hits: list[dict[str, object]] = []
    notes: list[str] = []

    @property
    def ok(self) -> bool:
        """True when every quota (sizes, coverage, cadence) is met."""
        return not self.shortfalls


def _clauses(profile: Profile, ids: Sequence[str]) -> list[Clause]:
    # A user's profile may remove clauses; what it removed is simply not checked.
    return [c for c in profile.clauses if c.id in ids]


def _targets(profile: Profile, t: Threshold) -> list[str]:
    if t.per == "risk":
        return profile.risks_in(t.applies_to) if t.applies_to else profile.risk_ids()
    topics = [x.id for x in profile.topics]
    if not t.applies_to or "topics" in t.applies_to:
        return topics
    return [a for a in t.applies_to if a in topics]


def _count_shortfalls(
    clause: Clause, counts: Counts, label: str, profile: Profile
) -> list[Shortfall]:
    out: list[Shortfall] = []
    for t in clause.thresholds:
        if t.unit != "items":
            continue
        if t.per == "total":
            measured = {"total": counts.total}
        elif t.per == "risk":
            measured = {rid: counts.per_risk.get(rid, 0) for rid in _targets(profile, t)}
        elif t.per == "topic":
            measured = {tid: counts.per_topic.get(tid, 0) for tid in _targets(profile, t)}
        else:
            continue
        for target, actual in measured.items():
            if not t.check(actual):
                what = f"{label} total" if target == "total" else f"{label} for {target}"
                out.append(
                    Shortfall(
                        clause=clause.id,
                        key=t.key,
                        what=what,
                        op=t.op,
                        required=t.value,
                        actual=actual,
                        modal=t.modal,
                    )  # fmt: skip
                )
    return out


def _cadence(
    clause: Clause, days: list[date], as_of: date, label: str
) -> tuple[Cadence | None, list[Shortfall]]:
    for t in clause.thresholds:
        if t.unit == "days":
            found = check_cadence(clause.id, days, t.value, as_of)
            if found.ok:
                return found, []
            return found, [
                Shortfall(
                    clause=clause.id,
                    key=t.key,
                    op=t.op,
                    required=t.value,
                    modal=t.modal,
                    what=f"{label}: longest interval between updates (days)",
                    actual=None
                    if found.longest_interval_days is None
                    else found.longest_interval_days,
                )  # fmt: skip
            ]
    return None, []


def _text_of(item: KeywordEntry | Question) -> str:
    return item.term if isinstance(item, KeywordEntry) else item.text


def _tally(items: Sequence[KeywordEntry] | Sequence[Question]) -> Counts:
    """Counts of distinct items by normalised text (the matcher's normaliser): 10,000 copies of
    one keyword are one keyword toward 8.1 a. A text filed under two risks counts once in the
    total and once for each risk."""
    pairs: list[tuple[str, KeywordEntry | Question]] = [
        (normalise(_text_of(i)) or _text_of(i), i) for i in items
    ]
    keys = [k for k, _i in pairs]
    risks = Counter(r for _k, r in {(k, i.risk) for k, i in pairs if i.risk})
    topics = Counter(
        t for _k, t in {(k, i.topic) for k, i in pairs if isinstance(i, Question) and i.topic}
    )
    return Counts(
        total=len(set(keys)), per_risk=dict(sorted(risks.items())), per_topic=dict(topics)
    )


def _unknown(
    items: Sequence[KeywordEntry] | Sequence[Question], profile: Profile
) -> dict[str, int]:
    known = set(profile.risk_ids())
    return dict(Counter(i.risk for i in items if i.risk and i.risk not in known))


def check_keywords(
    entries: Sequence[KeywordEntry],
    profile: Profile,
    *,
    as_of: date,
    events: Sequence[Event] = (),
    benign: Sequence[str] | None = None,
    empty_rows: Sequence[str] = (),
) -> CheckReport:
    """Totals, per-risk coverage, duplicates, precision and cadence of a keyword library."""
    live = [e for e in entries if e.removed is None or e.removed > as_of]
    counted = [e for e in live if not e.allow and e.derived_from is None]
    counts = _tally(counted)
    shortfalls: list[Shortfall] = []
    cadence: dict[str, Cadence] = {}
    days = update_dates(events, entries)
    for clause in _clauses(profile, KEYWORD_CLAUSES):
        shortfalls += _count_shortfalls(clause, counts, "keywords", profile)
        found, late = _cadence(clause, days, as_of, "keyword library")
        if found is not None:
            cadence[clause.id] = found
        shortfalls += late
    groups = exact_duplicates([e.term for e in live if not e.allow])
    deny = [e for e in live if not e.allow]
    exact: list[dict[str, object]] = [
        {
            "text": g.key,
            "count": len(g.indexes),
            "items": [f"{deny[i].term} ({deny[i].risk or '-'})" for i in g.indexes],
        }  # fmt: skip
        for g in groups
    ]
    hits = benign_hits(live, benign)
    return CheckReport(
        kind="keywords",
        profile=profile.profile,
        as_of=as_of,
        total=counts.total,
        per_risk=counts.per_risk,
        per_topic={},
        duplicates=Duplicates(exact=exact),
        shortfalls=shortfalls,
        cadence=cadence,
        unknown_risks=_unknown(counted, profile),
        unlabelled=sum(e.risk is None for e in counted),
        derived=sum(e.derived_from is not None for e in live),
        removed=len(entries) - len(live),
        allow=sum(e.allow for e in live),
        short_terms=sorted({e.term for e in live if len(normalise(e.term)) <= 1}),
        empty_rows=list(empty_rows),
        benign_hits=[_hit_json(h) for h in hits],
    )


def _hit_json(h: BenignHit) -> dict[str, object]:
    return {
        "term": h.term,
        "risk": h.risk,
        "texts": h.texts,
        "share": h.share,
        "example": h.example,
    }


def check_questions(
    questions: Sequence[Question],
    profile: Profile,
    *,
    as_of: date,
    events: Sequence[Event] = (),
    empty_rows: Sequence[str] = (),
    near_threshold: float = 0.8,
    banks_required: Sequence[Bank] | None = None,
) -> CheckReport:
    """Per-bank totals and coverage, duplicates and cadence of a question-bank file or folder.

    Only the banks present are checked unless ``banks_required`` names them (a file holding
    just the test bank is not failed for lacking the refusal banks).
    """
    originals = [q for q in questions if q.derived_from is None]
    present = {q.bank for q in originals}
    wanted = set(banks_required) if banks_required is not None else present
    notes = [
        f"{b} bank not in the input: not checked (require it with --bank {b})"
        for b in BANK_CLAUSES
        if b not in wanted
    ]
    shortfalls: list[Shortfall] = []
    cadence: dict[str, Cadence] = {}
    banks: dict[str, Counts] = {}
    labels = {
        "test": "test questions",
        "refuse": "should-refuse questions",
        "answer": "non-refusal questions",
    }
    for bank, clause_ids in BANK_CLAUSES.items():
        if bank not in wanted:
            continue
        members = [q for q in originals if q.bank == bank]
        if bank == "test":  # 8.2 counts prompts that make the model generate (kinds.py)
            choice = [q for q in members if is_multiple_choice(q.text)]
            members = [q for q in members if not is_multiple_choice(q.text)]
            if choice:
                notes.append(
                    f"test bank: {len(choice)} multiple-choice classification items not "
                    "counted as generated-content test questions (8.2 a)"
                )
        counts = banks[bank] = _tally(members)
        for clause in _clauses(profile, clause_ids):
            shortfalls += _count_shortfalls(clause, counts, labels[bank], profile)
            found, late = _cadence(clause, update_dates(events, members), as_of, f"{bank} bank")
            if found is not None:
                cadence[f"{clause.id}:{bank}"] = found
            shortfalls += late
    total = _tally(originals)
    texts = [q.text for q in questions]
    dup = Duplicates(
        exact=[
            {
                "text": g.key[:60],
                "count": len(g.indexes),
                "items": [questions[i].id for i in g.indexes],
            }
            for g in exact_duplicates(texts)
        ],
        near=[
            {"a": questions[p.a].id, "b": questions[p.b].id, "similarity": p.similarity}
            for p in near_duplicates(texts, near_threshold)
        ],
    )
    return CheckReport(
        kind="questions",
        profile=profile.profile,
        as_of=as_of,
        total=total.total,
        per_risk=total.per_risk,
        per_topic=total.per_topic,
        banks=banks,
        duplicates=dup,
        shortfalls=shortfalls,
        cadence=cadence,
        unknown_risks=_unknown(originals, profile),
        unlabelled=sum(q.risk is None and q.topic is None for q in originals),
        derived=len(questions) - len(originals),
        empty_rows=list(empty_rows),
        notes=notes,
    )
