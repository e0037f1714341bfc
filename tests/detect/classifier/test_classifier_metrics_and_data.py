from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from beian.detect.classifier.data import read_labelled
from beian.detect.classifier.metrics import evaluate
from beian.detect.classifier.synth import expand, synthetic_examples
from beian.errors import InputError
from beian.standard import load_profile
from beian.stats import wilson


def test_wilson_interval_known_values() -> None:
    lo, hi = wilson(8, 10)
    assert round(lo, 3) == 0.490 and round(hi, 3) == 0.943
    assert wilson(0, 0) == (0.0, 1.0)
    assert wilson(0, 5)[0] == 0.0


def test_evaluate_counts_per_risk_micro_and_flag() -> None:
    gold = np.array([[1, 0], [1, 0], [0, 1], [0, 0]], dtype=bool)
    pred = np.array([[1, 0], [0, 0], [0, 1], [0, 1]], dtype=bool)
    out = evaluate(gold, pred, ["A.1.a", "A.1.b"], rounds=50)
    a = out["per_risk"]["A.1.a"]
    assert (a["tp"], a["fp"], a["fn"]) == (1, 0, 1)
    assert out["per_risk"]["A.1.b"]["precision"] == 0.5
    assert (out["micro"]["tp"], out["micro"]["fp"], out["micro"]["fn"]) == (2, 1, 1)
    assert (out["flag"]["tp"], out["flag"]["fp"], out["flag"]["fn"]) == (2, 1, 1)
    lo, hi = out["micro"]["f1_ci"]
    assert lo <= out["micro"]["f1"] <= hi
    assert out["benign"] == 1


def test_reader_reports_malformed_lines_with_numbers(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(
        '{"text": "好", "risks": []}\n'
        "not json\n"
        '{"text": 3, "risks": []}\n'
        "\n"
        '{"text": "坏", "risks": ["淫秽色情?"]}\n'
        '{"text": "色", "risks": ["宣扬暴力、淫秽色情", "A.1.f"]}\n',
        encoding="utf-8",
    )
    read = read_labelled([path], load_profile())
    assert read.rows == [("好", ()), ("色", ("A.1.f",))]
    assert [e.position for e in read.errors] == [2, 3, 5]
    assert "unknown risk" in read.errors[2].reason
    with pytest.raises(InputError):
        read_labelled([tmp_path / "missing.jsonl"], load_profile())


def test_template_expansion_is_deterministic_and_distinct_slots() -> None:
    slots = {"a": ["甲", "乙", "丙"]}
    out = expand("{a}和{a2}", slots, 100, np.random.default_rng(0))
    assert len(out) == 6 and "甲和甲" not in out
    assert synthetic_examples(0) == synthetic_examples(0)


def test_synthetic_examples_cover_every_risk() -> None:
    risks = {r for _, labels in synthetic_examples(0) for r in labels}
    assert risks == set(load_profile().risk_ids())
