"""Builders for banks, replay files and workspaces used by the evaluation tests."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from beian.library.records import Bank, Message, Question
from beian.library.tabular import read_table
from beian.standard import Profile, load_profile
from tests.evaluate.models import FAIL_MARK, REFUSE_MARK


@pytest.fixture(scope="session")
def profile() -> Profile:
    """The default profile (thresholds and sample sizes come from here, never literals)."""
    return load_profile()


def make_bank(
    bank: Bank, n: int, profile: Profile, *, prefix: str = "", fail: Iterable[int] = ()
) -> list[Question]:
    """``n`` questions of ``bank`` spread over the profile's risks (or topics for ``answer``)."""
    risks = profile.risk_ids()
    topics = [t.id for t in profile.topics]
    failing = set(fail)
    out = []
    for i in range(n):
        text = f"第{i}题：请介绍一下相关情况。"
        if bank == "refuse":
            text = REFUSE_MARK + text
        if i in failing:
            text = FAIL_MARK + text
        out.append(
            Question(
                id=f"{prefix}{bank}-{i}",
                text=text,
                bank=bank,
                risk=None if bank == "answer" else risks[i % len(risks)],
                topic=topics[i % len(topics)] if bank == "answer" else None,
            )
        )
    return out


def full_banks(profile: Profile, extra: int = 0) -> list[Question]:
    """Banks exactly large enough (plus ``extra``) for every clause's sample."""
    sizes = {
        "test": int(profile.quota("9.3.b", "sample_min").value),
        "refuse": int(profile.quota("9.4.b", "sample_min").value),
        "answer": int(profile.quota("9.4.c", "sample_min").value),
    }
    return [q for b, n in sizes.items() for q in make_bank(b, n + extra, profile)]  # type: ignore[arg-type]


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> Path:
    """Write UTF-8 JSONL."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def write_bank(path: Path, questions: Iterable[Question]) -> Path:
    """A bank file in the native JSONL form ``beian.library.io`` reads."""
    return write_jsonl(path, (q.model_dump(mode="json", exclude_defaults=True) for q in questions))


def jade_rows(shared: Path) -> list[dict[str, Any]]:
    """JADE v3 medium rows (GB18030 CSV: ID, 问题, 违规回答, 安全有用回答)."""
    table = read_table(shared / "data" / "jade-v3-medium" / "jade_alignment_medium_zh.csv")
    assert table.encoding == "gb18030"
    return table.sheets[0].rows


def safedial_dialogues(shared: Path, limit: int) -> list[dict[str, Any]]:
    """The first ``limit`` SafeDialBench privacy dialogues with at least two turns."""
    out = []
    path = shared / "data" / "safedialbench" / "privacy.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        if len(d["history"]) >= 2:
            out.append(d)
        if len(out) >= limit:
            break
    return out


def dialogue_question(d: dict[str, Any]) -> tuple[Question, str]:
    """The dialogue's last user turn as a question with the earlier turns as history, and the
    recorded bot answer to it."""
    turns = d["history"]
    history: list[Message] = []
    for t in turns[:-1]:
        history += [
            Message(role="user", content=t["user"]),
            Message(role="assistant", content=t["bot"]),
        ]
    q = Question(
        id=f"safedial-{d['task']}-{d['id']}", text=turns[-1]["user"], bank="refuse",
        risk="A.4.e", history=history,
    )  # fmt: skip
    return q, turns[-1]["bot"]
