"""The openai target against a real OpenAI-compatible server on 127.0.0.1 (official client),
with injected 429/500 errors and slow responses; retries belong to the runner."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from beian.evaluate import EvalConfig, RunnerOptions, create_target, run_eval
from beian.evaluate.runner import answer_all
from beian.evaluate.target import Request
from beian.standard import Profile
from beian.store import open_store
from tests.evaluate.conftest import dialogue_question, make_bank, safedial_dialogues
from tests.evaluate.models import ANSWER, REFUSAL, REFUSE_MARK
from tests.support.openai_server import OpenAIServer, Rule, last_user_message

FAST = RunnerOptions(concurrency=2, retries=3, backoff=0.01, backoff_max=0.05)


@pytest.fixture
def server() -> Iterator[OpenAIServer]:
    with OpenAIServer(model="served-model", default_reply=ANSWER) as srv:
        srv.add_rule(REFUSE_MARK, reply=REFUSAL)
        yield srv


def _ask(server: OpenAIServer, prompts: list[str], **options: Any) -> list[Any]:
    target, spec = create_target(
        "openai:served-model", {"base_url": server.base_url, "api_key_env": None, **options}
    )
    requests = [Request(id=f"q{i}", messages=(("user", p),)) for i, p in enumerate(prompts)]
    return answer_all(target, spec, requests, cache=None, options=FAST).answers


def _posts(server: OpenAIServer) -> list[Any]:
    return [r for r in server.requests if r.path.endswith("/chat/completions")]


def test_429_is_retried_after_the_servers_retry_after(server: OpenAIServer) -> None:
    server.fail_next(429, count=2)
    [answer] = _ask(server, ["你好"])
    assert answer.text == ANSWER and answer.error is None
    assert answer.attempts == 3
    assert [r.status for r in _posts(server)] == [429, 429, 200]


def test_500_is_retried_with_backoff(server: OpenAIServer) -> None:
    server.fail_next(500)
    server.fail_next(503)
    [answer] = _ask(server, ["你好"])
    assert answer.text == ANSWER and answer.attempts == 3
    assert [r.status for r in _posts(server)] == [500, 503, 200]


def test_slow_response_times_out_and_is_retried(server: OpenAIServer) -> None:
    server.delay_next(3.0)
    [answer] = _ask(server, ["慢一点"], timeout=0.5)
    assert answer.text == ANSWER and answer.attempts == 2
    assert len(_posts(server)) == 2


def test_retries_run_out_and_the_question_keeps_its_error(server: OpenAIServer) -> None:
    server.fail_next(500, count=FAST.retries + 1)
    [answer] = _ask(server, ["你好"])
    assert answer.text is None and answer.error is not None and "HTTP 500" in answer.error
    assert len(_posts(server)) == FAST.retries + 1


def test_client_errors_are_not_retried(server: OpenAIServer) -> None:
    server.add_rule("坏请求", status=400)
    good, bad = _ask(server, ["好请求", "坏请求"])
    assert good.text == ANSWER
    assert bad.text is None and "HTTP 400" in (bad.error or "")
    assert sum(1 for r in _posts(server) if last_user_message(r.body) == "坏请求") == 1


def test_model_system_prompt_temperature_and_key_are_sent(
    server: OpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BEIAN_TEST_TARGET_KEY", "sk-test-123")
    target, spec = create_target(
        "openai:served-model",
        {"base_url": server.base_url, "api_key_env": "BEIAN_TEST_TARGET_KEY",
         "system_prompt": "你是一个安全的助手。", "temperature": 0.3, "max_tokens": 64},
    )  # fmt: skip
    out = target.generate(Request(id="q", messages=(("user", "你好"),)))
    assert out.text == ANSWER and out.finish_reason == "stop"
    [req] = _posts(server)
    assert req.headers["authorization"] == "Bearer sk-test-123"
    assert req.body["model"] == "served-model"
    assert req.body["temperature"] == 0.3 and req.body["max_tokens"] == 64
    assert req.body["messages"][0] == {"role": "system", "content": "你是一个安全的助手。"}
    assert "sk-test-123" not in json.dumps(spec.options)  # the key never enters a spec


def test_full_run_with_llm_judge_over_http(
    server: OpenAIServer, tmp_path: Path, profile: Profile
) -> None:
    def judge_calls(body: dict[str, Any]) -> bool:
        return "安全评估员" in body["messages"][0]["content"]

    server.rules.insert(0, Rule(match=judge_calls, reply="无风险。\nVERDICT: qualified"))
    questions = [
        *make_bank("test", 12, profile),
        *make_bank("refuse", 6, profile),
        *make_bank("answer", 6, profile),
    ]
    config = EvalConfig(
        target="openai:served-model",
        target_options={"base_url": server.base_url, "api_key_env": None},
        judges=("keyword", "classifier", "refusal", "llm"),
        judge_options={"llm": {"base_url": server.base_url, "model": "guard", "api_key_env": None}},
        runner=FAST,
    )
    store = open_store(f"sqlite:///{tmp_path / 'eval.db'}")
    outcome = run_eval(config, questions, profile, store, tmp_path / "out")
    r = outcome.results.to_json()
    assert r["samples"] == {"test": 12, "refuse": 6, "answer": 6}
    assert r["rates"]["llm"] == 1.0 and r["counts"]["llm"]["n"] == 12
    assert r["rates"]["refusal_on_refuse"] == 1.0 and r["rates"]["refusal_on_answer"] == 0.0
    # Banks far smaller than the profile's samples: the clauses cannot pass, and the run says so.
    assert r["pass"]["9.4.b"] is False and "judged answers" in r["clauses"]["9.4.b"]["reason"]
    assert all("note" in r["sampling"][b] for b in ("test", "refuse", "answer"))
    judged = [x for x in _posts(server) if judge_calls(x.body)]
    assert len(judged) == 12


def test_dialogue_history_is_sent_as_a_multi_turn_conversation(
    server: OpenAIServer, shared: Path, tmp_path: Path, profile: Profile
) -> None:
    pairs = [dialogue_question(d) for d in safedial_dialogues(shared, 5)]
    for q, bot in pairs:
        server.recorded[q.text] = bot
    config = EvalConfig(
        target="openai:served-model",
        target_options={"base_url": server.base_url, "api_key_env": None},
        judges=("refusal",),
        runner=FAST,
    )
    store = open_store(f"sqlite:///{tmp_path / 'eval.db'}")
    run_eval(config, [q for q, _ in pairs], profile, store, tmp_path / "out")
    sent = {last_user_message(r.body): r.body["messages"] for r in _posts(server)}
    for q, _bot in pairs:
        messages = sent[q.text]
        assert len(messages) == len(q.history) + 1 >= 3
        assert [m["role"] for m in messages[:2]] == ["user", "assistant"]
        assert messages[:-1] == [m.model_dump() for m in q.history]
    rows = [
        json.loads(x) for x in (tmp_path / "out" / "answers.jsonl").read_text("utf-8").splitlines()
    ]
    recorded = {q.id: bot for q, bot in pairs}
    assert all(row["answer"] == recorded[row["id"]] for row in rows)
