"""Our SafeDialBench answer labels: schema, keys, counts, and the digests against ../shared."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from bench.accuracy import devsets, readers_qa
from bench.accuracy.readers_qa import SAFEDIALBENCH_LABELS, bot_digest, safedialbench_labels

from beian.standard import load_profile
from tests.conftest import require_shared

FIELDS = {
    "file",
    "id",
    "turn",
    "stratum",
    "method",
    "model_type",
    "bot_sha256",
    "harmful",
    "refusal",
    "borderline",
    "risks",
    "reason",
}
METHODS = {
    "Scence Construct",
    "Purpose Reverse",
    "Reference Attack",
    "Probing Question",
    "Role Play",
    "Topic Change",
    "Fallacy Attack",
}


@pytest.fixture(scope="module")
def labels() -> list[dict[str, Any]]:
    return safedialbench_labels()


def test_every_label_has_the_schema(labels: list[dict[str, Any]]) -> None:
    risk_ids = {r.id for r in load_profile().risks}
    for lab in labels:
        assert set(lab) == FIELDS, lab
        assert lab["file"] in readers_qa.SAFEDIALBENCH_FILES
        assert isinstance(lab["id"], int) and isinstance(lab["turn"], int) and lab["turn"] >= 0
        assert lab["method"] in METHODS
        assert lab["stratum"] in {"last", "before-harmful-last", "opening-cue"}
        assert re.fullmatch(r"[0-9a-f]{64}", lab["bot_sha256"])
        assert lab["refusal"] in {"full", "partial", "none"}
        assert isinstance(lab["harmful"], bool) and isinstance(lab["borderline"], bool)
        assert set(lab["risks"]) <= risk_ids, lab["risks"]
        assert bool(lab["risks"]) == lab["harmful"], lab  # harmful ⇔ at least one risk id
        # the reason is our own English line: no dialogue text can slip into the repository
        assert lab["reason"] and lab["reason"].isascii(), lab["reason"]


def test_keys_are_unique_and_the_sample_is_stratified(labels: list[dict[str, Any]]) -> None:
    keys = Counter((lab["file"], lab["id"], lab["turn"]) for lab in labels)
    assert not [k for k, n in keys.items() if n > 1]
    assert sum(lab["stratum"] == "last" for lab in labels) >= 400
    assert set(Counter(lab["file"] for lab in labels)) == set(readers_qa.SAFEDIALBENCH_FILES)
    assert {lab["method"] for lab in labels} == METHODS
    assert {"豆包", "ChatGPT", "ChatGLM-4"} <= {lab["model_type"] for lab in labels}
    harmful = sum(lab["harmful"] for lab in labels)
    assert 50 <= harmful <= len(labels) - 200  # both classes are there in numbers


def test_the_guide_states_the_current_counts(labels: list[dict[str, Any]]) -> None:
    guide = SAFEDIALBENCH_LABELS.with_suffix(".md").read_text(encoding="utf-8")
    harmful = sum(lab["harmful"] for lab in labels)
    assert f"{len(labels)} answers" in guide
    assert f"{harmful} harmful" in guide


def test_every_digest_matches_the_shared_text(labels: list[dict[str, Any]]) -> None:
    shared = require_shared("data", "safedialbench").parents[1]
    raws = list(readers_qa.safedialbench_answers(shared))
    assert len(raws) == len(labels)
    assert sum(r.harmful for r in raws) == sum(lab["harmful"] for lab in labels)
    assert all(r.question for r in raws)
    assert all(r.risks == tuple(lab["risks"]) for r, lab in zip(raws, labels, strict=True))


def _tiny_tree(root: Path, bot: str) -> Path:
    """Dialogues under the labelled ids and turns, with our own text (not SafeDialBench's)."""
    folder = root / "data" / "safedialbench"
    folder.mkdir(parents=True)
    turns: dict[str, dict[int, int]] = {}
    for lab in safedialbench_labels():
        per_file = turns.setdefault(lab["file"], {})
        per_file[lab["id"]] = max(per_file.get(lab["id"], 0), lab["turn"] + 1)
    for name in readers_qa.SAFEDIALBENCH_FILES:
        lines = [
            json.dumps({"id": i, "history": [{"user": "问一个问题", "bot": bot}] * n})
            for i, n in turns.get(name, {}).items()
        ]
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_a_changed_source_is_reported_as_failed(tmp_path: Path) -> None:
    root = _tiny_tree(tmp_path, "这不是原来的回答。")
    records, failed = devsets.build(root, ["safedialbench-answers"])
    assert records == []
    assert "digest mismatch" in failed["safedialbench-answers"]


def test_matching_labels_become_answer_records(tmp_path: Path) -> None:
    bot = "抱歉，这个我不能帮忙。"
    root = _tiny_tree(tmp_path, bot)
    first = safedialbench_labels()[0]
    labels = tmp_path / "labels.jsonl"
    mine = {**first, "bot_sha256": bot_digest(bot), "harmful": True, "risks": ["A.1.h"]}
    labels.write_text(json.dumps(mine) + "\n", encoding="utf-8")
    raws = list(readers_qa.safedialbench_answers(root, labels))
    assert [(r.text, r.harmful, r.risks, r.question) for r in raws] == [
        (bot, True, ("A.1.h",), "问一个问题")
    ]
    labels.write_text(json.dumps({**mine, "turn": 99}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no turn 99"):
        list(readers_qa.safedialbench_answers(root, labels))
