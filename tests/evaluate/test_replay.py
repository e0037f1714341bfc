"""The replay target with real model answers from ../shared/data (JADE v3 medium, SafeDialBench)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from beian.errors import ConfigError, InputError
from beian.evaluate import EvalConfig, create_target, run_eval
from beian.evaluate.target import Request, TargetError, parse_target_spec, request_for
from beian.library.records import Question
from beian.standard import Profile
from beian.store import FindingRow, ItemRow, open_store
from tests.evaluate.conftest import dialogue_question, jade_rows, safedial_dialogues, write_jsonl


def _jade_banks(rows: list[dict[str, Any]]) -> list[Question]:
    """Every JADE question in the test bank and in the should-refuse bank."""
    return [
        Question(id=f"jade-{r['ID']}", text=r["问题"], bank=bank)
        for bank in ("test", "refuse")
        for r in rows
    ]


def _replay(path: Path, rows: list[dict[str, Any]], column: str) -> Path:
    return write_jsonl(
        path,
        ({"question_id": f"jade-{r['ID']}", "input": r["问题"], "output": r[column]} for r in rows),
    )


def _run(
    tmp_path: Path, name: str, replay: Path, questions: list[Question], profile: Profile
) -> dict[str, Any]:
    config = EvalConfig(target=f"replay:{replay}", sizes={"test": 500, "refuse": 500, "answer": 0})
    store = open_store(f"sqlite:///{tmp_path / 'eval.db'}")
    return run_eval(config, questions, profile, store, tmp_path / name).results.to_json()


@pytest.fixture(scope="module")
def jade(shared_module: Path) -> list[dict[str, Any]]:
    return jade_rows(shared_module)


@pytest.fixture(scope="module")
def shared_module() -> Path:
    from tests.conftest import require_shared

    return require_shared()


def test_real_violating_answers_score_far_worse_than_safe_ones(
    tmp_path: Path, jade: list[dict[str, Any]], profile: Profile
) -> None:
    questions = _jade_banks(jade)
    safe = _run(
        tmp_path, "safe", _replay(tmp_path / "safe.jsonl", jade, "安全有用回答"), questions, profile
    )
    bad = _run(
        tmp_path, "bad", _replay(tmp_path / "bad.jsonl", jade, "违规回答"), questions, profile
    )
    assert safe["samples"]["test"] == bad["samples"]["test"] == 500
    assert safe["errors"]["counts"] == bad["errors"]["counts"] == {}
    # JADE's safe answers mostly open with a refusal; its violating answers comply.
    assert safe["rates"]["refusal_on_refuse"] >= 0.85
    assert bad["rates"]["refusal_on_refuse"] <= 0.05
    # The classifier separates the two sets clearly; the keyword check at least ranks them.
    assert safe["rates"]["classifier"] >= 0.9 > bad["rates"]["classifier"]
    assert safe["rates"]["keyword"] > bad["rates"]["keyword"]
    # 500 < the profile's 1,000: the rates are stated, but the 9.3 clauses cannot pass.
    assert safe["pass"]["9.3.d"] is False
    assert "judged answers" in safe["clauses"]["9.3.d"]["reason"]
    # Refusal rate on 500 should-refuse questions is judged against the profile's threshold.
    gate = profile.quota("9.4.b", "refusal_rate_min").value
    assert safe["pass"]["9.4.b"] is (safe["rates"]["refusal_on_refuse"] >= gate)
    low, high = safe["ci"]["refusal_on_refuse"]["low"], safe["ci"]["refusal_on_refuse"]["high"]
    assert low <= safe["rates"]["refusal_on_refuse"] <= high
    # Stored for the report: key = question id (bank-prefixed when the id repeats across
    # banks), text = question, data.answer = answer, findings behind each unqualified verdict.
    store = open_store(f"sqlite:///{tmp_path / 'eval.db'}")
    with store.session() as s:
        items = list(s.scalars(select(ItemRow).where(ItemRow.run_id == bad["run_id"])))
        by_key = {i.key: i for i in items}
        first = jade[0]
        assert by_key[f"jade-{first['ID']}"].source == "test"
        assert by_key[f"refuse:jade-{first['ID']}"].text == first["问题"]
        assert by_key[f"jade-{first['ID']}"].data["answer"] == first["违规回答"]
        findings = s.scalar(
            select(func.count()).select_from(FindingRow).join(ItemRow)
            .where(ItemRow.run_id == bad["run_id"])
        )  # fmt: skip
    assert (
        findings
        and findings >= bad["counts"]["classifier"]["n"] - bad["counts"]["classifier"]["hits"]
    )


def test_replay_matches_multi_turn_dialogues_by_conversation(
    tmp_path: Path, shared_module: Path
) -> None:
    pairs = [dialogue_question(d) for d in safedial_dialogues(shared_module, 20)]
    rows = [
        {"question": q.text, "history": [m.model_dump() for m in q.history], "answer": bot}
        for q, bot in pairs
    ]
    target, _spec = create_target(f"replay:{write_jsonl(tmp_path / 'dialogues.jsonl', rows)}")
    for q, bot in pairs:
        assert target.generate(request_for(q)).text == bot
    # The same last turn without its history is a different conversation: no answer is made up.
    q, _bot = pairs[0]
    with pytest.raises(TargetError) as exc:
        target.generate(
            Request(id="other", messages=(("system", "s"), ("user", "x"), ("user", q.text)))
        )
    assert not exc.value.retryable


def test_id_match_needs_the_same_question_text(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "r.jsonl",
        [{"id": "q1", "question": "甲", "answer": "A"}, {"id": "q2", "answer": "B"}],
    )
    target, _ = create_target(f"replay:{path}")
    assert target.generate(Request(id="q1", messages=(("user", "甲"),))).text == "A"
    assert target.generate(Request(id="q2", messages=(("user", "随便"),))).text == "B"
    with pytest.raises(TargetError):
        target.generate(Request(id="q1", messages=(("user", "乙"),)))


def test_demo_answers_replay_by_question_id() -> None:
    from beian.library.starter import starter_answers, starter_dir

    target, spec = create_target("replay:answers.jsonl", base_dir=starter_dir("banks"))
    first = starter_answers()[0]
    out = target.generate(Request(id=first["question_id"], messages=(("user", first["input"]),)))
    assert out.text == first["output"]
    assert Path(spec.options["path"]).is_absolute()


def test_spec_errors_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        parse_target_spec("replay")
    with pytest.raises(ConfigError, match="takes no option 'temperature'"):
        parse_target_spec("replay:x.jsonl", {"temperature": 0.5})
    with pytest.raises(InputError):
        create_target(f"replay:{tmp_path / 'missing.jsonl'}")
    with pytest.raises(InputError, match="no answer"):
        create_target(f"replay:{write_jsonl(tmp_path / 'bad.jsonl', [{'id': 'x'}])}")
