"""Failing requests are loud, stop the run early and never displace a good run in `assess`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from beian.assess import assess
from beian.errors import ConfigError, InputError
from beian.evaluate import EvalConfig, EvalFailed, RunnerOptions, create_target, run_eval
from beian.evaluate.outcomes import EvalOutcome
from beian.evaluate.selection import choose_eval_run
from beian.evaluate.storage import load_run
from beian.evaluate.workspace_eval import run_workspace_eval
from beian.standard import Profile
from beian.store import Store, open_store
from beian.workspace import TargetConfig, WorkspaceConfig, init_workspace
from tests.evaluate.conftest import make_bank, write_bank
from tests.evaluate.models import ANSWER, REFUSAL, REFUSE_MARK
from tests.support.html_page import html_page_server
from tests.support.openai_server import OpenAIServer

FAST = RunnerOptions(concurrency=2, retries=2, backoff=0.01, backoff_max=0.02)
N = 40


@pytest.fixture
def server() -> Iterator[OpenAIServer]:
    with OpenAIServer(model="m", default_reply=ANSWER) as srv:
        srv.add_rule(REFUSE_MARK, reply=REFUSAL)
        yield srv


def _config(base_url: str, **changes: Any) -> EvalConfig:
    return EvalConfig(
        target="openai:m", target_options={"base_url": base_url, "api_key_env": None},
        judges=("refusal",), runner=FAST, **changes,
    )  # fmt: skip


def _questions(profile: Profile) -> list[Any]:
    return make_bank("refuse", N // 2, profile) + make_bank("answer", N // 2, profile)


def _eval(
    config: EvalConfig, store: Store, out: Path, profile: Profile, workspace: str = ""
) -> EvalOutcome:
    return run_eval(config, _questions(profile), profile, store, out, workspace=workspace)


def test_401_fails_the_run_early_with_the_cause(
    server: OpenAIServer, tmp_path: Path, profile: Profile
) -> None:
    server.add_rule(None, status=401)
    server.rules.reverse()  # the 401 rule first: every request is refused
    store = open_store(f"sqlite:///{tmp_path / 'eval.db'}")
    with pytest.raises(EvalFailed) as caught:
        _eval(_config(server.base_url), store, tmp_path / "out", profile)
    exc = caught.value
    failure = exc.record["failure"]
    assert failure["allowed"] == 0  # 2 % of 40
    [first] = failure["first"]
    assert first["error"].startswith("HTTP 401 Unauthorized: scripted 401")
    assert "OPENAI_API_KEY not set" in first["error"]
    assert "401" in str(exc)
    # It stopped instead of asking all 40 questions (a 401 is not retried).
    assert len(server.requests) < N // 2
    assert load_run(store, exc.run_id).status == "failed"
    assert not (tmp_path / "out" / "results.json").exists()
    assert (tmp_path / "out" / "run.json").is_file()


def test_connection_refused_names_the_endpoint(tmp_path: Path, profile: Profile) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'eval.db'}")
    with pytest.raises(EvalFailed) as caught:
        _eval(_config("http://127.0.0.1:9/v1"), store, tmp_path / "out", profile)
    error = caught.value.record["failure"]["first"][0]["error"]
    assert error.startswith("connection refused to http://127.0.0.1:9/v1")
    # An endpoint that cannot be reached fails every question: stop after the first.
    assert caught.value.record["answers"]["not_asked"] == N - 1


def test_a_base_url_that_serves_a_web_page_fails_the_run_with_the_cause(
    tmp_path: Path, profile: Profile
) -> None:
    """J2: HTTP 200 with HTML is a failed request with a reason, not a traceback."""
    store = open_store(f"sqlite:///{tmp_path / 'eval.db'}")
    with html_page_server() as url, pytest.raises(EvalFailed) as caught:
        _eval(_config(url), store, tmp_path / "out", profile)
    error = caught.value.record["failure"]["first"][0]["error"]
    assert "did not answer with JSON" in error and url in error


def test_identical_errors_before_any_answer_stop_whatever_the_budget(
    server: OpenAIServer, tmp_path: Path, profile: Profile
) -> None:
    server.add_rule(None, status=404)  # e.g. a wrong model name
    server.rules.reverse()
    store = open_store(f"sqlite:///{tmp_path / 'eval.db'}")
    with pytest.raises(EvalFailed) as caught:
        _eval(_config(server.base_url, max_failed=0.5), store, tmp_path / "out", profile)
    assert len(server.requests) == 3
    assert caught.value.record["failure"]["first"][0]["error"].startswith("HTTP 404 Not Found")


def test_a_few_failures_within_the_share_are_listed_not_fatal(
    server: OpenAIServer, tmp_path: Path, profile: Profile
) -> None:
    server.add_rule("第3题", status=400)
    server.rules.reverse()
    store = open_store(f"sqlite:///{tmp_path / 'eval.db'}")
    outcome = _eval(_config(server.base_url, max_failed=0.1), store, tmp_path / "out", profile)
    record = outcome.results.to_json()["run"]
    assert record["status"] == "done" and record["failure"]["failed"] == 2  # one per bank
    assert record["failure"]["allowed"] == 4
    assert outcome.results.to_json()["errors"]["counts"] == {"refuse": 1, "answer": 1}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"base_url": "127.0.0.1:18001/v1"}, "has no http:// or https:// scheme"),
        ({"base_url": "http://127.0.0.1:9/v1", "api_key_env": "BEIAN_TEST_UNSET_KEY"},
         "BEIAN_TEST_UNSET_KEY (api_key_env) is not set"),
        ({}, "no --base-url, so the target is api.openai.com"),
    ],
)  # fmt: skip
def test_misconfigured_targets_fail_before_any_request(
    monkeypatch: pytest.MonkeyPatch, options: dict[str, Any], message: str
) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "BEIAN_TEST_UNSET_KEY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigError) as caught:
        create_target("openai:m", options)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_assess_takes_the_newest_finished_run_and_says_which(
    server: OpenAIServer, tmp_path: Path, profile: Profile
) -> None:
    config = WorkspaceConfig(target=TargetConfig(spec="python:tests.evaluate.models:polite"))
    ws = init_workspace(tmp_path / "ws", config=config)
    write_bank(ws.path("banks") / "banks.jsonl", _questions(profile))
    store = open_store(ws.store_url())
    good = run_workspace_eval(ws, store)
    server.add_rule(None, status=401)
    server.rules.reverse()
    with pytest.raises(EvalFailed) as caught:
        _eval(_config(server.base_url), store, tmp_path / "bad", profile, str(ws.root))
    failed = caught.value.run_id

    choice = choose_eval_run(store, ws)
    assert choice.run is not None and choice.run.id == good.run_id
    assert [(s.id, s.status) for s in choice.skipped] == [(failed, "failed")]
    assert "HTTP 401" in choice.skipped[0].cause

    outcome = assess(ws, store, lang="en")
    [note] = outcome.notes
    assert good.run_id in note and failed in note and "ignored" in note
    by_clause = {c.clause: c for c in outcome.clauses}
    assert by_clause["9.4.c"].evidence[0].ref == good.run_id
    # Naming the failed run explicitly is a user error, not a silent fallback.
    with pytest.raises(InputError, match=f"{failed} is failed"):
        assess(ws, store, eval_run=failed)
    chosen = assess(ws, store, lang="en", eval_run=good.run_id)
    assert "as asked" in chosen.notes[0]
