"""Ctrl-C stops `beian eval run` promptly, keeps the answers, and the printed command resumes.

The real command in a subprocess gets a real SIGINT while a slow loopback server is answering;
the server's request log shows what was (not) asked.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from beian.evaluate.cache import CACHE_KIND
from beian.evaluate.storage import load_run
from beian.standard import Profile
from beian.store import ItemRow, RunRow, open_store
from tests.conftest import REPO
from tests.evaluate.conftest import make_bank, write_bank
from tests.evaluate.models import ANSWER, REFUSAL, REFUSE_MARK
from tests.support.openai_server import OpenAIServer, last_user_message

TOTAL = 40
INTERRUPT_AFTER = 6


def _answers_of(db: Path, run_id: str) -> set[str]:
    store = open_store(f"sqlite:///{db}")
    with store.session() as s:
        stmt = select(ItemRow.data).join(RunRow).where(RunRow.kind == CACHE_KIND)
        return {str(d["question_id"]) for d in s.scalars(stmt) if d.get("run_id") == run_id}


@pytest.mark.slow
def test_ctrl_c_stops_saves_and_resumes(tmp_path: Path, profile: Profile) -> None:
    questions = make_bank("refuse", TOTAL // 2, profile) + make_bank("answer", TOTAL // 2, profile)
    prompt_of = {q.id: q.text for q in questions}
    banks = write_bank(tmp_path / "banks.jsonl", questions)
    out = tmp_path / "out"
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    with OpenAIServer(model="slow-model") as server:
        # A slow model: the whole run would take 10 s, so Ctrl-C lands in the middle of it.
        server.add_rule(REFUSE_MARK, reply=REFUSAL, delay=0.5)
        server.add_rule(None, reply=ANSWER, delay=0.5)
        command = [
            sys.executable, "-m", "beian", "eval", "run", "--target", "openai:slow-model",
            "--base-url", server.base_url, "--api-key-env", "BEIAN_TEST_KEY",
            "--banks", str(banks), "--out", str(out), "--judges", "refusal", "--concurrency", "2",
        ]  # fmt: skip
        env["BEIAN_TEST_KEY"] = "sk-test"
        proc = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        deadline = time.monotonic() + 60
        while len(server.requests) < INTERRUPT_AFTER and time.monotonic() < deadline:
            assert proc.poll() is None, "the run ended before it could be interrupted"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGINT)
        _stdout, stderr = proc.communicate(timeout=30)
        asked_by_first = len(server.requests)
        assert proc.returncode == 130, stderr
        # Stopped: far from every question was asked (each would take another 0.25 s).
        assert asked_by_first < TOTAL
        hint = re.search(r"resume with: (beian eval run --resume (\S+) .*)", stderr)
        assert hint is not None, stderr
        run_id = hint.group(2)
        assert "interrupted" in stderr and "Traceback" not in stderr
        store = open_store(f"sqlite:///{out / 'eval.db'}")
        assert load_run(store, run_id).status == "interrupted"
        saved = _answers_of(out / "eval.db", run_id)
        assert 0 < len(saved) < TOTAL

        server.rules.clear()
        server.add_rule(REFUSE_MARK, reply=REFUSAL)
        server.add_rule(None, reply=ANSWER)
        args = shlex.split(hint.group(1))[1:]
        resumed = subprocess.run(
            [sys.executable, "-m", "beian", *args], cwd=REPO, env=env, capture_output=True,
            text=True, timeout=120, check=False,
        )  # fmt: skip
        asked_again = [last_user_message(r.body) for r in server.requests[asked_by_first:]]

    # The banks are smaller than the profile's samples: finished, clauses fail (exit 1).
    assert resumed.returncode == 1, resumed.stderr
    assert len(asked_again) == TOTAL - len(saved)
    assert not set(asked_again) & {prompt_of[i] for i in saved}
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["run_id"] == run_id
    assert results["run"]["answers"]["reused_from"] == {run_id: len(saved)}
    assert load_run(store, run_id).status == "done"
    assert results["rates"]["refusal_on_refuse"] == 1.0
