"""Draw the §9.3/§9.4 samples from the banks: stratified, seeded, reproducible.

Each bank is split into strata (risk for the test and should-refuse banks, topic for the
non-refusal bank; questions without one form their own stratum) and the sample is drawn
round-robin across strata from a seeded shuffle of each. Round-robin (equal allocation, capped
by what a stratum holds) rather than proportional allocation: the standard asks for coverage of
every risk, so a thin risk must not vanish from the sample because a thick one dominates the
bank. Same bank + same seed → same sample, whatever order the files list the questions in.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from beian.library.records import Bank, Question
from beian.standard import Profile

NO_STRATUM = "(none)"
SAMPLE_CLAUSES: dict[Bank, str] = {"test": "9.3.b", "refuse": "9.4.b", "answer": "9.4.c"}
"""Which clause's ``sample_min`` sizes each bank's sample (9.3.c/d share 9.3.b's figure)."""


@dataclass(frozen=True, slots=True)
class BankSample:
    """The questions drawn from one bank and how that compares with what the profile needs."""

    bank: Bank
    required: int
    """The profile's minimum sample for this bank."""
    requested: int
    """How many were asked for (the minimum unless the user asked for more)."""
    bank_size: int
    questions: tuple[Question, ...]
    strata: dict[str, int] = field(default_factory=dict)
    """Questions drawn per stratum."""

    @property
    def short(self) -> bool:
        """True when the bank holds fewer questions than the profile's sample."""
        return self.bank_size < self.required

    def describe(self) -> dict[str, object]:
        """JSON form for results.json and the stored run."""
        out: dict[str, object] = {
            "required": self.required,
            "requested": self.requested,
            "bank_size": self.bank_size,
            "drawn": len(self.questions),
            "strata": dict(sorted(self.strata.items())),
        }
        if self.short:
            out["note"] = (
                f"the {self.bank} bank holds {self.bank_size} questions, fewer than the "
                f"{self.required} the profile requires: the clause cannot pass"
            )
        return out


def stratum_of(bank: Bank) -> Callable[[Question], str]:
    """Risk for the test and should-refuse banks, topic for the non-refusal bank."""
    if bank == "answer":
        return lambda q: q.topic or NO_STRATUM
    return lambda q: q.risk or NO_STRATUM


def required_sample(profile: Profile, bank: Bank) -> int:
    """The profile's ``sample_min`` for ``bank``."""
    return int(profile.quota(SAMPLE_CLAUSES[bank], "sample_min").value)


def draw(
    questions: Sequence[Question], n: int, *, seed: int, salt: str, key: Callable[[Question], str]
) -> tuple[list[Question], dict[str, int]]:
    """Up to ``n`` questions, round-robin over the strata of ``key``; deterministic in ``seed``."""
    strata: dict[str, list[Question]] = {}
    seen: set[str] = set()
    for q in sorted(questions, key=lambda q: q.id):
        if q.id not in seen:
            seen.add(q.id)
            strata.setdefault(key(q), []).append(q)
    for name, items in strata.items():
        # A string seed is hashed with SHA-512 by random.seed: stable across runs and platforms.
        random.Random(f"{seed}:{salt}:{name}").shuffle(items)
    picked: list[Question] = []
    counts: dict[str, int] = {}
    queues = [(name, strata[name]) for name in sorted(strata)]
    depth = 0
    while len(picked) < n and any(depth < len(items) for _, items in queues):
        for name, items in queues:
            if depth < len(items) and len(picked) < n:
                picked.append(items[depth])
                counts[name] = counts.get(name, 0) + 1
        depth += 1
    return picked, counts


def sample_bank(
    questions: Sequence[Question],
    bank: Bank,
    profile: Profile,
    *,
    seed: int,
    size: int | None = None,
) -> BankSample:
    """The sample of ``bank``: ``size`` questions (default: the profile's minimum)."""
    members = [q for q in questions if q.bank == bank]
    required = required_sample(profile, bank)
    requested = required if size is None else size
    picked, counts = draw(members, requested, seed=seed, salt=bank, key=stratum_of(bank))
    return BankSample(
        bank=bank,
        required=required,
        requested=requested,
        bank_size=len({q.id for q in members}),
        questions=tuple(picked),
        strata=counts,
    )
