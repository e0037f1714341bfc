"""Cohen's kappa, pace and item states against hand-computed values."""

from __future__ import annotations

import pytest

from beian.web.agreement import cohen_kappa, overview, per_hour
from beian.web.states import ItemState, Review, disputed


def test_kappa_matches_the_textbook_example() -> None:
    # 50 items: both yes 20, a yes/b no 5, a no/b yes 10, both no 15 (Wikipedia's example)
    pairs = [(True, True)] * 20 + [(True, False)] * 5 + [(False, True)] * 10 + [(False, False)] * 15
    observed, kappa = cohen_kappa(pairs)
    assert observed == pytest.approx(0.7)
    assert kappa == pytest.approx(0.4)


def test_kappa_edges() -> None:
    assert cohen_kappa([]) == (0.0, None)
    assert cohen_kappa([(True, True)] * 5) == (1.0, None)  # one category only: undefined
    assert cohen_kappa([(True, False), (False, True)])[1] == pytest.approx(-1.0)


def test_pace_caps_breaks() -> None:
    assert per_hour([0.0], 300) is None
    assert per_hour([0.0, 10.0, 20.0], 300) == pytest.approx(360.0)
    # an hour's lunch between two verdicts counts as the 300 s cap
    assert per_hour([0.0, 10.0, 3610.0], 300) == pytest.approx(2 / 310 * 3600)


def _r(user: str, verdict: str, at: float, role: str = "reviewer") -> Review:
    return Review(user, role, verdict, "", "", at)


def test_disputes_and_overview() -> None:
    assert disputed([("reviewer", "qualified"), ("reviewer", "unqualified")])
    assert not disputed([("reviewer", "qualified"), ("reviewer", "skipped")])
    assert not disputed(
        [("reviewer", "qualified"), ("reviewer", "unqualified"), ("adjudicator", "qualified")]
    )
    q, u = "qualified", "unqualified"
    states = [
        ItemState(1, "k1", "A.1.a", (_r("a", q, 0), _r("b", q, 1)), None, q, "decided"),
        ItemState(2, "k2", "A.1.a", (_r("a", q, 10), _r("b", u, 11)), None, None, "disputed"),
        ItemState(3, "k3", "A.1.b", (_r("a", u, 20),), None, None, "pending"),
    ]
    ov = overview(states, min_items=2, idle_cap=300)
    assert (ov.items, ov.decided, ov.disputed, ov.qualified, ov.rate) == (3, 1, 1, 1, 1.0)
    pair = [k for k in ov.kappas if not k.risk]
    assert pair[0].pair == ("a", "b") and pair[0].n == 2 and pair[0].observed == 0.5
    # A.1.a has two shared items (enough at min_items=2); A.1.b has none shared
    assert [k.risk for k in ov.kappas if k.risk] == ["A.1.a"]
    assert {p.reviewer: p.reviews for p in ov.pace} == {"a": 3, "b": 2}
