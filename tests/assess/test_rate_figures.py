"""Rate figures: the JSON a clause carries and what the report reads from it stay fixed.

The expected strings were taken from the code before rate figures were typed (golden): the
typed model must produce the same keys, in the same order, with the same values, and the
renderer must read the same rates from them.
"""

from __future__ import annotations

import json

import pytest

from beian.assess.evidence import Msg
from beian.assess.sections.model_eval import _conclude
from beian.evaluate.result_model import ClauseResult
from beian.report.render import figures as fig
from beian.report.render.figures import Rate
from beian.standard import load_profile

RESULTS = {
    "passed": ClauseResult(method="keyword", required_n=1000, threshold=0.9, op=">=", n=1200,
                           hits=1150, rate=1150 / 1200, low=0.945, high=0.97, passed=True),
    "failed": ClauseResult(method="refusal_on_answer", required_n=300, threshold=0.05, op="<=",
                           n=400, hits=40, rate=0.1, low=0.074, high=0.133, passed=False),
    "no_answer": ClauseResult(method="keyword", required_n=1000, threshold=0.9, op=">=", n=0,
                              hits=0, rate=None, passed=False),
    "not_run": ClauseResult(method="manual", required_n=1000, threshold=0.9, op=">="),
}  # fmt: skip
GOLDEN_JSON = {
    "passed": '{"n": 1200, "hits": 1150, "rate": 0.9583333333333334, "low": 0.945, "high": 0.97, '
    '"required_n": 1000, "threshold": 0.9, "op": ">="}',
    "failed": '{"n": 400, "hits": 40, "rate": 0.1, "low": 0.074, "high": 0.133, '
    '"required_n": 300, "threshold": 0.05, "op": "<="}',
    "no_answer": '{"n": 0, "hits": 0, "rate": null, "required_n": 1000, "threshold": 0.9, '
    '"op": ">="}',
    "not_run": "{}",
}
RATE = Msg(zh="比率", en="rate")
GOLDEN_RATES = {
    "passed": [Rate(RATE, 1150 / 1200, (0.945, 0.97), 0.9, ">=", 1200, True)],
    "failed": [Rate(RATE, 0.1, (0.074, 0.133), 0.05, "<=", 400, False)],
    "no_answer": [],
    "not_run": [],
}


@pytest.mark.parametrize("case", sorted(RESULTS))
def test_eval_rate_figures_keep_their_json_and_their_reading(case: str) -> None:
    ev = _conclude("9.3.b", RESULTS[case], [])
    assert json.dumps(ev.figures, ensure_ascii=False) == GOLDEN_JSON[case]
    assert fig.rates(ev.figures, load_profile().clause("9.3.b")) == GOLDEN_RATES[case]


def test_chart_rates_read_labels_intervals_and_profile_thresholds() -> None:
    clause = load_profile().clause("9.2.b")
    figures = {
        "qualified": {"rate": 0.96, "ci": [0.95, 0.97], "n": 4000, "key": "qualified_rate_min",
                      "label": {"zh": "技术抽检合格率", "en": "technical sample qualified rate"}},
        "rates": [{"rate": 0.01, "low": 0.0, "high": 0.02, "n": 50, "threshold": 0.05,
                   "op": "<=", "passed": False, "label": "来源 A"}],
        "odd": {"rate": 0.5, "ci": [0.1, 0.2, 0.3]},
    }  # fmt: skip
    threshold = clause.threshold("qualified_rate_min")
    assert fig.rates(figures, clause) == [
        Rate(Msg(zh="来源 A", en="来源 A"), 0.01, (0.0, 0.02), 0.05, "<=", 50, False),
        Rate(Msg(zh="odd", en="odd"), 0.5, None, None, None, None, None),
        Rate(
            Msg(zh="技术抽检合格率", en="technical sample qualified rate"),
            0.96,
            (0.95, 0.97),
            threshold.value,
            threshold.op,
            4000,
            threshold.value <= 0.96,
        ),
    ]
