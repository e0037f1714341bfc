"""Wilson intervals, rates and confusion matrices (pure functions)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from beian.evaluate.metrics import confusion, rate, rate_of
from beian.stats import wilson


def test_wilson_matches_the_textbook_values() -> None:
    # 90/100 → 0.8256–0.9448 (Wilson 1927; e.g. Newcombe 1998, method 3).
    low, high = wilson(90, 100)
    assert low == pytest.approx(0.8256, abs=1e-4)
    assert high == pytest.approx(0.9448, abs=1e-4)
    # At the edges the interval stays inside [0, 1] and is not degenerate.
    assert wilson(0, 300)[0] == 0.0 and 0 < wilson(0, 300)[1] < 0.02
    assert wilson(300, 300)[1] == 1.0 and 0.98 < wilson(300, 300)[0] < 1


@given(st.integers(min_value=1, max_value=5000), st.data())
def test_wilson_contains_the_point_estimate(n: int, data: st.DataObject) -> None:
    hits = data.draw(st.integers(min_value=0, max_value=n))
    low, high = wilson(hits, n)
    assert 0.0 <= low <= hits / n <= high <= 1.0


def test_empty_sample_has_no_rate_not_a_zero() -> None:
    r = rate(0, 0)
    assert r.rate is None
    assert r.to_dict()["rate"] is None
    assert (r.low, r.high) == (0.0, 1.0)


def test_invalid_proportions_are_rejected() -> None:
    with pytest.raises(ValueError):
        wilson(5, 4)
    with pytest.raises(ValueError):
        wilson(-1, 4)


def test_rate_of_flags() -> None:
    r = rate_of([True, True, False, True])
    assert (r.hits, r.n, r.rate) == (3, 4, 0.75)


def test_confusion_metrics() -> None:
    c = confusion(
        [(True, True)] * 8 + [(True, False)] * 2 + [(False, True)] * 4 + [(False, False)] * 6
    )
    assert (c.tp, c.fp, c.fn, c.tn) == (8, 2, 4, 6)
    assert c.precision == pytest.approx(0.8)
    assert c.recall == pytest.approx(8 / 12)
    assert c.f1 == pytest.approx(2 * 0.8 * (8 / 12) / (0.8 + 8 / 12))
    assert c.accuracy == pytest.approx(14 / 20)
    empty = confusion([(False, False)])
    assert empty.precision is None and empty.recall is None and empty.f1 is None
