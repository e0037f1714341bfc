"""Judge cards: every automatic §9.3 figure says how accurate its judge was measured to be."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from bench.accuracy import judge_cards as generator

from beian.evaluate import (
    _builtins,  # noqa: F401  (registers the judges)
    judge_card,
)
from beian.evaluate.judge_card import (
    CARD_JUDGES,
    cards_path,
    describe,
    judge_accuracy,
    load_cards,
    shipped_components,
)
from beian.evaluate.workspace_eval import setup_judges
from beian.registry import registry
from beian.workspace import init_workspace, load_workspace

BENCH = Path(__file__).resolve().parents[2] / "docs" / "accuracy-bench.json"
REGENERATE = "run bench/accuracy/judge_cards.py (after bench/accuracy/run.py) and commit the card"


def test_the_shipped_card_is_what_the_generator_makes_from_the_benchmark() -> None:
    made = generator.render(generator.build(BENCH))
    assert cards_path().read_text(encoding="utf-8") == made, REGENERATE


@pytest.mark.parametrize("judge", CARD_JUDGES)
def test_card_names_the_shipped_models_and_library(judge: str) -> None:
    # Fails when a model, the answer model, the refusal model or the starter library changes
    # without the judges being measured again.
    card = load_cards().cards[judge]
    assert card.components == shipped_components(judge), REGENERATE
    assert card.version == registry.get("judge", judge).version, REGENERATE


@pytest.mark.parametrize("judge", CARD_JUDGES)
def test_card_figures_are_the_benchmarks(judge: str) -> None:
    bench = json.loads(BENCH.read_text(encoding="utf-8"))
    sources = bench["systems"][f"judge:{judge}"]["kinds"]["answer"]["sources"]
    card = load_cards().cards[judge]
    main = sources[card.measured_on.source]
    assert not main["seen"] and not card.measured_on.trained_on
    assert (card.measured_on.n, card.measured_on.harmful) == (main["n"], main["harmful"])
    for mine, theirs in (
        (card.accuracy, main["accuracy"]),
        (card.harmful_caught, main["recall"]),
        (card.safe_flagged, main["flag_rate_benign"]),
    ):
        assert (mine.k, mine.n) == (theirs["k"], theirs["n"])
        assert mine.value == pytest.approx(theirs["value"], abs=5e-5)
        assert [mine.low, mine.high] == pytest.approx(theirs["ci"], abs=5e-5)
    assert card.flag_nothing_accuracy == pytest.approx(main["benign"] / main["n"], abs=5e-5)
    for flag in card.benign_flagged:
        theirs = sources[flag.source]["flag_rate_benign"]
        assert (flag.flagged.k, flag.flagged.n) == (theirs["k"], theirs["n"])
        assert flag.tuned_on  # both benign answer sets tuned every carded judge
    assert card.measured == bench["generated"]


def test_the_check_mode_reports_a_stale_card(tmp_path: Path) -> None:
    stale = tmp_path / "cards.json"
    data = json.loads(cards_path().read_text(encoding="utf-8"))
    data["cards"]["classifier"]["accuracy"]["value"] = 0.99
    stale.write_text(json.dumps(data), encoding="utf-8")
    assert generator.main(["--bench", str(BENCH), "--out", str(stale), "--check"]) == 1
    assert generator.main(["--bench", str(BENCH), "--out", str(cards_path()), "--check"]) == 0


def test_shipped_setup_is_measured_and_said_in_both_languages() -> None:
    acc = judge_accuracy("classifier", "classifier", {})
    assert acc.status == "measured" and acc.card is not None
    text = describe(acc)
    card = acc.card
    pct = f"{card.accuracy.value:.1%}"
    assert pct in text["zh"] and pct in text["en"]
    assert f"{card.harmful_caught.value:.1%}" in text["en"]
    assert f"{card.safe_flagged.value:.1%}" in text["zh"]
    assert f"{card.flag_nothing_accuracy:.1%}" in text["en"]
    assert "never trained on" in text["en"] and "从未训练过" in text["zh"]
    assert "beian developers" in text["en"] and "beian 开发者" in text["zh"]
    assert "lawyer-llama legal answers" in text["en"] and "tuned the judge" in text["en"]
    assert "法律咨询回答" in text["zh"] and "参与了调参" in text["zh"]


def test_a_workspace_library_is_not_measured(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    init_workspace(root)
    row = json.dumps({"term": "紫罗兰暗号", "risk": "A.1.h"}, ensure_ascii=False)
    (root / "keywords" / "company.jsonl").write_text(row + "\n", encoding="utf-8")
    options = setup_judges(load_workspace(root))["judge_options"]
    acc = judge_accuracy("keyword", "keyword", options["keyword"])
    assert acc.status == "not_measured" and acc.card is None
    assert "keyword library" in acc.reason
    text = describe(acc)
    assert "this judge setup has not been measured by beian" in text["en"]
    assert "beian judge calibrate -i labelled.jsonl -j keyword" in text["en"]
    assert "beian 未实测过此判官配置" in text["zh"] and "关键词库" in text["zh"]


def test_a_copy_of_the_starter_library_is_the_measured_library(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    init_workspace(root)
    shutil.rmtree(root / "keywords")
    shutil.copytree(judge_card.package_path("demo", "keywords"), root / "keywords")
    options = setup_judges(load_workspace(root))["judge_options"]
    assert options["keyword"]["library"]  # the workspace's folder …
    assert judge_accuracy("keyword", "keyword", options["keyword"]).status == "measured"


def test_an_own_harm_model_or_an_llm_judge_is_not_measured(tmp_path: Path) -> None:
    # Even a copy of the shipped model: a user model judges answers alone, without the answer
    # model the card measured (answer_judge.HarmJudge), so the card does not apply.
    model = tmp_path / "harm-model"
    shutil.copytree(judge_card.package_path("detect", "harm", "model"), model)
    acc = judge_accuracy("classifier", "classifier", {"model": str(model)})
    assert acc.status == "not_measured" and "harm model" in acc.reason
    assert f"-j classifier --harm-model {model}" in describe(acc)["en"]
    llm = judge_accuracy("llm", "llm", {"model": "guard", "base_url": "http://127.0.0.1:9/v1"})
    assert llm.status == "not_measured" and "--llm-model" in llm.measure_with


@pytest.fixture
def changed_card(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The shipped card with one digest that no longer names the shipped answer model."""
    data = json.loads(cards_path().read_text(encoding="utf-8"))
    data["cards"]["classifier"]["components"]["answer_model"] = "0" * 64
    path = tmp_path / "judge_cards.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(judge_card, "cards_path", lambda: path)
    load_cards.cache_clear()
    yield
    load_cards.cache_clear()


@pytest.mark.usefixtures("changed_card")
def test_changed_shipped_files_are_not_passed_off_as_measured() -> None:
    acc = judge_accuracy("classifier", "classifier", {})
    assert acc.status == "not_measured"
    assert "answer_model" in acc.reason
    assert "随 beian 发布的回答模型在实测后已更改" in describe(acc)["zh"]


def test_agreement_with_people_replaces_the_card() -> None:
    acc = judge_accuracy("keyword", "keyword", {})
    pairs = [(True, True), (False, True), (False, False), (False, False), (True, False)]
    acc = acc.model_copy(update={"manual": judge_card.manual_agreement(pairs)})
    text = describe(acc)
    assert "5 answers of this run" in text["en"] and "60.0%" in text["en"]
    assert "人工复核的 5 条回答" in text["zh"]
    assert judge_card.manual_agreement([]) is None
