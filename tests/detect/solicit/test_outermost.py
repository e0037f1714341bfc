"""One-pass and indexed versions of the solicitation rules answer exactly like their definitions."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from beian.detect.solicit.rules import Near, TermHit, _near, _outermost


def _pairwise(hits: list[TermHit]) -> list[TermHit]:
    """The definition: drop an occurrence inside one kept before it (sorted by start, longest
    first)."""
    kept: list[TermHit] = []
    for h in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
        if kept and h.end <= max(k.end for k in kept if k.start <= h.start):
            continue
        kept.append(h)
    return kept


spans = st.tuples(st.integers(0, 60), st.integers(1, 8)).map(
    lambda p: TermHit(f"t{p[1]}", 2, p[0], p[0] + p[1])
)


@given(st.lists(spans, max_size=40))
def test_one_pass_equals_the_pairwise_definition(hits: list[TermHit]) -> None:
    assert _outermost(hits) == _pairwise(hits)


def test_a_term_inside_a_longer_one_is_not_a_second_term() -> None:
    long, inner, after = (
        TermHit("上门服务", 2, 0, 4),
        TermHit("上门", 2, 0, 2),
        TermHit("x", 1, 5, 6),
    )
    assert _outermost([inner, after, long]) == [long, after]


span_lists = st.lists(
    st.tuples(st.integers(0, 80), st.integers(1, 6)).map(lambda p: (p[0], p[0] + p[1])),
    max_size=30,
)


@given(span_lists, st.integers(0, 90), st.integers(1, 6), st.integers(0, 30))
def test_the_near_index_answers_like_the_pairwise_check(
    spans: list[tuple[int, int]], lo: int, size: int, window: int
) -> None:
    assert Near.of(spans).near(lo, lo + size, window) == _near(spans, lo, lo + size, window)
