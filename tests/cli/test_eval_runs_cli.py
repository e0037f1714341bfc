"""``beian eval`` runs as a user files them: loud failures, readable ids, review of the right
run, ``assess --eval-run``, and an example in every ``--help``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from beian.cli.main import run
from beian.standard import load_profile
from beian.workspace import TargetConfig, WorkspaceConfig, init_workspace
from tests.evaluate.conftest import make_bank, write_bank
from tests.evaluate.models import ANSWER
from tests.support.openai_server import OpenAIServer

PROFILE = load_profile()


def cli(*args: str) -> int:
    with pytest.raises(SystemExit) as exc:
        run(list(args))
    code = exc.value.code
    return code if isinstance(code, int) else (0 if code is None else 1)


@pytest.fixture
def refusing_server() -> Iterator[OpenAIServer]:
    with OpenAIServer(model="m", default_reply=ANSWER) as srv:
        srv.add_rule(None, status=401)
        yield srv


@pytest.mark.parametrize(
    "command",
    [["run"], ["list"], ["review", "export"], ["review", "import"], ["calibrate"]],
    ids=" ".join,
)
def test_every_eval_command_has_an_example(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("eval", *command, "--help") == 0
    text = capsys.readouterr().out
    assert "Examples:" in text and f"beian eval {' '.join(command)}" in text


def test_a_401_run_exits_1_with_the_cause_and_is_listed_as_failed(
    refusing_server: OpenAIServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    banks = write_bank(tmp_path / "b.jsonl", make_bank("answer", 10, PROFILE))
    out = tmp_path / "out"
    code = cli(
        "eval", "run", "-t", "openai:m", "--base-url", refusing_server.base_url,
        "--banks", str(banks), "--out", str(out), "-j", "refusal", "--backoff", "0.01",
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1
    assert "failed: the endpoint answered no request (1 failed, then the run stopped)" in err
    assert "1× HTTP 401 Unauthorized: scripted 401" in err and "Traceback" not in err
    assert len(refusing_server.requests) == 1  # stopped at the first non-retryable failure
    assert cli("eval", "list", "--out", str(out), "--json") == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["status"] == "failed" and "HTTP 401" in listed["cause"]
    assert listed["id"].endswith("-m") and listed["target"]["endpoint"] == refusing_server.base_url


def test_review_export_finds_the_run_or_says_where_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = WorkspaceConfig(target=TargetConfig(spec="python:tests.evaluate.models:polite"))
    ws = init_workspace(tmp_path / "ws", config=config)
    write_bank(ws.path("banks") / "b.jsonl", make_bank("test", 5, PROFILE))
    out = tmp_path / "eval-out"
    assert cli("eval", "run", "-w", str(ws.root), "--out", str(out), "-j", "keyword") == 1
    capsys.readouterr()
    sheet = tmp_path / "review.csv"
    # The run lives in the workspace's store: say so instead of writing an empty sheet.
    assert cli("eval", "review", "export", "--out", str(out), "--sheet", str(sheet)) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and f"--workspace {ws.root}" in err and "\n" not in err
    assert not (out / "eval.db").exists() and not sheet.exists()
    # With the workspace, and no --run, the newest finished run is exported.
    assert cli("eval", "review", "export", "-w", str(ws.root), "--sheet", str(sheet)) == 0
    assert "5 answers of run" in capsys.readouterr().err
    empty = init_workspace(tmp_path / "empty", config=config)
    assert cli("eval", "review", "export", "-w", str(empty.root), "--sheet", str(sheet)) == 2
    assert "no finished eval run" in capsys.readouterr().err


def test_assess_with_an_unknown_eval_run_is_a_user_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = init_workspace(tmp_path / "ws")
    code = cli("assess", "-w", str(ws.root), "--eval-run", "20260101-000000-nope", "--no-report")
    err = capsys.readouterr().err.strip()
    assert code == 2 and "no eval run '20260101-000000-nope'" in err and "\n" not in err
