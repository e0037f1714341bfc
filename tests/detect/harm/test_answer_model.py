"""The answer-only harm model: shipped files, question context, deterministic training."""

from __future__ import annotations

import numpy as np
import pytest

from beian.detect.harm.answer import (
    ANSWER_RECIPE_NAME,
    CJK_CONTEXT,
    answer_model_dir,
    build_answer_recipe,
    context,
    fused_probability,
    harm_column_only,
    with_context,
)
from beian.detect.harm.model import HARM_COLUMN, load_harm_model
from beian.detect.harm.train import train_harm
from beian.standard import load_profile

RISKS = load_profile("tc260-003-2024").risk_ids()
NO_SHIP = {"alpaca-zh", "lawyer-llama-legal", "safedialbench"}


def test_shipped_answer_model_loads_with_its_harm_column_only() -> None:
    model = load_harm_model(answer_model_dir())
    assert model.meta.recipe == ANSWER_RECIPE_NAME
    assert model.classifier.risks == (HARM_COLUMN,)
    assert model.risks == ()
    assert set(model.meta.train_sources) >= {"jade-v3-medium", "beian-answers", "beian-authored"}
    assert not set(model.meta.train_sources) & NO_SHIP
    p = model.score(["好的，这是一个回答。"]).harm
    assert p.shape == (1,) and 0.0 <= float(p[0]) <= 1.0


def test_question_context_shares_no_character_with_answers() -> None:
    moved = context("怎么做红烧肉 abc 12？")
    assert moved and all(ord(c) >= CJK_CONTEXT for c in moved)
    assert "？" not in moved and " " not in moved
    assert with_context("回答", "") == "回答"
    assert with_context("回答", "问题").startswith("回答\n")


def test_fusion_is_the_mean_of_logits() -> None:
    a = np.array([0.9, 0.1, 0.5], dtype=np.float32)
    b = np.array([0.9, 0.9, 0.5], dtype=np.float32)
    assert fused_probability(a, b) == pytest.approx([0.9, 0.5, 0.5], abs=1e-5)


def _train_seeds() -> tuple[np.ndarray, np.ndarray, float]:
    recipe = build_answer_recipe(None, seeds_only=True)
    model = train_harm(recipe, RISKS, bits=12, epochs=2, uniform=True)
    return model.classifier.weights, model.classifier.bias, model.meta.platt_a


def test_training_is_deterministic_and_the_harm_column_stands_alone() -> None:
    w1, b1, a1 = _train_seeds()
    w2, b2, a2 = _train_seeds()
    assert np.array_equal(w1, w2) and np.array_equal(b1, b2) and a1 == a2
    recipe = build_answer_recipe(None, seeds_only=True)
    assert {r.source for r in recipe.rows} == {"beian-authored", "beian-answers"}
    full = train_harm(recipe, RISKS, bits=12, epochs=2, uniform=True)
    alone = harm_column_only(full)
    texts = ["先准备好东西，趁没人的时候动手。", "番茄炒蛋要先炒鸡蛋。"]
    assert alone.classifier.risks == (HARM_COLUMN,)
    assert np.array_equal(alone.score(texts).harm, full.score(texts).harm)
