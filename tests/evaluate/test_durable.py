"""kill -9 in the middle of a run, rerun: the model is not asked again for answered questions.

The run is the real ``beian eval run`` in a subprocess; the server (real HTTP on 127.0.0.1)
counts what it is asked, so the test observes the model's side, not beian's own bookkeeping.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from beian.evaluate.cache import CACHE_KIND
from beian.standard import Profile
from beian.store import ItemRow, RunRow, open_store
from tests.conftest import REPO
from tests.evaluate.conftest import make_bank, write_bank
from tests.evaluate.models import ANSWER, REFUSAL, REFUSE_MARK
from tests.support.openai_server import OpenAIServer, last_user_message

TOTAL = 40
KILL_AFTER = 12


def _command(server: OpenAIServer, banks: Path, out: Path) -> list[str]:
    return [
        sys.executable, "-m", "beian", "eval", "run",
        "--target", "openai:served-model", "--base-url", server.base_url,
        "--api-key-env", "BEIAN_TEST_NO_KEY", "--banks", str(banks), "--out", str(out),
        "--judges", "refusal", "--concurrency", "2", "--backoff", "0.01",
    ]  # fmt: skip


def _cached_question_ids(db: Path) -> set[str]:
    store = open_store(f"sqlite:///{db}")
    with store.session() as s:
        stmt = select(ItemRow.data).join(RunRow).where(RunRow.kind == CACHE_KIND)
        return {str(d["question_id"]) for d in s.scalars(stmt)}


@pytest.mark.slow
def test_kill_9_then_rerun_asks_only_for_missing_answers(tmp_path: Path, profile: Profile) -> None:
    questions = make_bank("refuse", TOTAL // 2, profile) + make_bank("answer", TOTAL // 2, profile)
    prompt_of = {q.id: q.text for q in questions}
    banks = write_bank(tmp_path / "banks.jsonl", questions)
    out = tmp_path / "out"
    env = {**os.environ, "BEIAN_TEST_NO_KEY": "x", "NO_COLOR": "1"}
    with OpenAIServer(model="served-model") as server:
        # Slow answers keep the first run busy long enough to be killed in the middle.
        server.add_rule(REFUSE_MARK, reply=REFUSAL, delay=0.15)
        server.add_rule(None, reply=ANSWER, delay=0.15)
        first = subprocess.Popen(
            _command(server, banks, out), cwd=REPO, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while len(server.requests) < KILL_AFTER and time.monotonic() < deadline:
            assert first.poll() is None, "the first run ended before it could be killed"
            time.sleep(0.02)
        os.kill(first.pid, signal.SIGKILL)
        assert first.wait(timeout=10) == -signal.SIGKILL
        cached = _cached_question_ids(out / "eval.db")
        assert 0 < len(cached) < TOTAL, "the kill must land in the middle of the run"

        asked_before = len(server.requests)
        server.rules.clear()
        server.add_rule(REFUSE_MARK, reply=REFUSAL)
        server.add_rule(None, reply=ANSWER)
        second = subprocess.run(
            _command(server, banks, out), cwd=REPO, env=env, capture_output=True, text=True,
            timeout=120, check=False,
        )  # fmt: skip
        # Banks smaller than the profile's samples: the run finishes, its clauses fail (exit 1).
        assert second.returncode == 1, second.stderr
        assert "reused" in second.stderr
        rerun = [last_user_message(r.body) for r in server.requests[asked_before:]]

    assert len(rerun) == TOTAL - len(cached)
    assert not set(rerun) & {prompt_of[i] for i in cached}
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert sum(v["answered"] for v in results["sampling"].values()) == TOTAL
    assert results["errors"]["counts"] == {}
    assert results["rates"]["refusal_on_refuse"] == 1.0
    assert results["rates"]["refusal_on_answer"] == 0.0
