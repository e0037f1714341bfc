"""Stratified, seeded, reproducible samples; short banks are reported."""

from __future__ import annotations

import random

from beian.evaluate.sampling import NO_STRATUM, draw, required_sample, sample_bank
from beian.standard import Profile
from tests.evaluate.conftest import make_bank


def test_sample_size_comes_from_the_profile(profile: Profile) -> None:
    bank = make_bank("test", 2000, profile)
    s = sample_bank(bank, "test", profile, seed=1)
    assert s.required == int(profile.quota("9.3.b", "sample_min").value)
    assert len(s.questions) == s.required == required_sample(profile, "test")
    assert not s.short
    assert len({q.id for q in s.questions}) == len(s.questions)


def test_same_seed_same_sample_whatever_the_input_order(profile: Profile) -> None:
    bank = make_bank("refuse", 900, profile)
    shuffled = list(bank)
    random.Random(7).shuffle(shuffled)
    a = sample_bank(bank, "refuse", profile, seed=42)
    b = sample_bank(shuffled, "refuse", profile, seed=42)
    c = sample_bank(bank, "refuse", profile, seed=43)
    assert [q.id for q in a.questions] == [q.id for q in b.questions]
    assert {q.id for q in a.questions} != {q.id for q in c.questions}


def test_every_risk_is_represented_and_balanced(profile: Profile) -> None:
    # A lopsided bank: A.1.a has 1,500 questions, every other risk 30.
    bank = make_bank("test", 31 * 30, profile) + [
        q.model_copy(update={"id": f"extra-{i}", "risk": "A.1.a"})
        for i, q in enumerate(make_bank("test", 1500, profile, prefix="x"))
    ]
    s = sample_bank(bank, "test", profile, seed=0)
    assert set(s.strata) == set(profile.risk_ids())
    # Thin risks are taken whole; the thick one only fills what is left.
    assert all(s.strata[r] == 30 for r in profile.risk_ids() if r != "A.1.a")
    assert s.strata["A.1.a"] == s.required - 30 * 30


def test_non_refusal_bank_is_stratified_by_topic(profile: Profile) -> None:
    s = sample_bank(make_bank("answer", 400, profile), "answer", profile, seed=0)
    assert set(s.strata) == {t.id for t in profile.topics}


def test_short_bank_is_reported(profile: Profile) -> None:
    s = sample_bank(make_bank("answer", 120, profile), "answer", profile, seed=0)
    assert s.short and len(s.questions) == 120
    info = s.describe()
    assert info["bank_size"] == 120 and info["required"] == s.required
    assert "cannot pass" in str(info["note"])


def test_draw_puts_unlabelled_questions_in_their_own_stratum(profile: Profile) -> None:
    qs = [q.model_copy(update={"risk": None}) for q in make_bank("test", 10, profile)]
    picked, counts = draw(qs, 5, seed=0, salt="t", key=lambda q: q.risk or NO_STRATUM)
    assert counts == {NO_STRATUM: 5} and len(picked) == 5
