"""Answers are reused only for the same question asked of the same model in the same way.

A real OpenAI-compatible server on 127.0.0.1 and the official client: the server's request log
is what proves whether the model was asked again, not beian's own bookkeeping.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from beian.evaluate import EvalConfig, RunnerOptions, run_eval
from beian.evaluate.outcomes import EvalOutcome
from beian.standard import Profile
from beian.store import Store, open_store
from tests.evaluate.conftest import make_bank
from tests.evaluate.models import ANSWER, REFUSAL, REFUSE_MARK
from tests.support.openai_server import OpenAIServer, Rule

FAST = RunnerOptions(concurrency=2, retries=1, backoff=0.01, backoff_max=0.05)
N = 8


@pytest.fixture
def server() -> Iterator[OpenAIServer]:
    with OpenAIServer(model="xinghe-7b", default_reply=ANSWER) as srv:
        srv.add_rule(REFUSE_MARK, reply=REFUSAL)
        yield srv


def _run(
    server: OpenAIServer, store: Store, out: Path, profile: Profile, **changes: Any
) -> EvalOutcome:
    options = {"base_url": server.base_url, "api_key_env": None, **changes.pop("options", {})}
    config = EvalConfig(
        target="openai:xinghe-7b", target_options=options, judges=("refusal",), runner=FAST,
        **changes,
    )  # fmt: skip
    questions = make_bank("refuse", N // 2, profile) + make_bank("answer", N // 2, profile)
    return run_eval(config, questions, profile, store, out)


def _asked(server: OpenAIServer, since: int) -> int:
    return len(server.requests) - since


def test_same_identity_reuses_and_says_from_which_run(
    server: OpenAIServer, tmp_path: Path, profile: Profile
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'eval.db'}")
    first = _run(server, store, tmp_path / "a", profile)
    assert _asked(server, 0) == N
    assert first.results.to_json()["run"]["answers"]["reused"] == 0
    before = len(server.requests)
    second = _run(server, store, tmp_path / "b", profile)
    # One question is asked again to learn which model answers now; the rest are reused.
    assert _asked(server, before) == 1
    answers = second.results.to_json()["run"]["answers"]
    assert answers["reused"] == N - 1 and answers["asked"] == 1
    assert answers["reused_from"] == {first.run_id: N - 1}
    assert second.run_id != first.run_id
    assert second.results.to_json()["rates"] == first.results.to_json()["rates"]


def test_a_swapped_model_behind_the_same_name_is_asked_again(
    server: OpenAIServer, tmp_path: Path, profile: Profile
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'eval.db'}")
    server.reported_model = "xinghe-7b-2026-11"
    _run(server, store, tmp_path / "a", profile)
    before = len(server.requests)
    # Same URL, same configured name; the deployment now says it is another build and refuses.
    server.reported_model = "xinghe-7b-2026-12"
    server.rules.insert(0, Rule(reply=REFUSAL))
    second = _run(server, store, tmp_path / "b", profile)
    assert _asked(server, before) == N
    record = second.results.to_json()["run"]
    assert record["answers"]["reused"] == 0
    assert record["target"]["model_reported"] == "xinghe-7b-2026-12"
    assert record["target"]["model_configured"] == "xinghe-7b"
    assert record["target"]["model_matches"] is False
    assert second.results.to_json()["rates"]["refusal_on_answer"] == 1.0


@pytest.mark.parametrize(
    "change",
    [
        {"model_version": "v2"},
        {"options": {"temperature": 0.7}},
        {"options": {"top_p": 0.5}},
        {"options": {"seed": 3}},
        {"options": {"max_tokens": 32}},
        {"options": {"system_prompt": "你是星河助手。"}},
        {"fresh": True},
    ],
    ids=["model_version", "temperature", "top_p", "seed", "max_tokens", "system_prompt", "fresh"],
)
def test_a_changed_identity_or_fresh_never_reuses(
    server: OpenAIServer, tmp_path: Path, profile: Profile, change: dict[str, Any]
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'eval.db'}")
    _run(server, store, tmp_path / "a", profile)
    before = len(server.requests)
    second = _run(server, store, tmp_path / "b", profile, **change)
    assert _asked(server, before) == N
    assert second.results.to_json()["run"]["answers"]["reused"] == 0
    sent = server.requests[-1].body
    for key, value in change.get("options", {}).items():
        if key in {"top_p", "seed", "max_tokens", "temperature"}:
            assert sent[key] == value  # the parameter reaches the model, not only the key


def test_the_run_record_names_the_model_banks_and_times(
    server: OpenAIServer, tmp_path: Path, profile: Profile
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'eval.db'}")
    outcome = _run(server, store, tmp_path / "a", profile, model_version="2026-11-30")
    record = outcome.results.to_json()["run"]
    assert record["id"] == outcome.run_id and record["status"] == "done"
    assert outcome.run_id.endswith("-xinghe-7b") and len(outcome.run_id) <= 36
    target = record["target"]
    assert target["endpoint"] == server.base_url
    assert target["model_version"] == "2026-11-30"
    assert target["model_reported"] == "xinghe-7b" and target["model_matches"] is True
    assert target["params"]["temperature"] == 0.0
    assert set(record["banks"]["contents"]) == {"refuse", "answer"}
    assert all(len(b["sha256"]) == 64 for b in record["banks"]["contents"].values())
    assert record["started_at"] <= record["finished_at"]
    stored = store.latest_run("eval")
    assert stored is not None and stored.summary["run"]["target"] == target
    assert (tmp_path / "a" / "run.json").is_file()


def test_new_answers_behind_an_unchanged_identity_are_flagged(
    server: OpenAIServer, tmp_path: Path, profile: Profile
) -> None:
    """The UX review's case: the server was restarted with another model under the same name."""
    store = open_store(f"sqlite:///{tmp_path / 'eval.db'}")
    first = _run(server, store, tmp_path / "a", profile)
    server.rules.insert(0, Rule(reply="对不起，这个问题我无法回答。"))  # v2 words it differently
    said: list[str] = []
    config = EvalConfig(
        target="openai:xinghe-7b", target_options={"base_url": server.base_url, "api_key_env": None},
        judges=("refusal",), runner=FAST,
    )  # fmt: skip
    questions = make_bank("refuse", N // 2, profile) + make_bank("answer", N // 2, profile)
    second = run_eval(config, questions, profile, store, tmp_path / "b", on_progress=said.append)
    answers = second.results.to_json()["run"]["answers"]
    assert answers["reused"] == N - 1  # same identity: reused, and said so …
    assert any(f"{N - 1}/{N} answers reused from run {first.run_id}" in m for m in said)
    # … but the one question asked again came back different, and that is flagged loudly.
    [changed] = answers["changed"]
    assert changed["earlier_run"] == first.run_id
    assert any(m.startswith("warning:") and "--fresh" in m for m in said)
