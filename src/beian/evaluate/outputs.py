"""The files a run writes next to each other: results.json, answers.jsonl and run.json."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from beian.evaluate.result_model import EvalResult
from beian.evaluate.results import EvalItem


def write_json(path: Path, data: Mapping[str, Any]) -> Path:
    """Write stable, UTF-8 JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def write_outputs(out_dir: Path, results: EvalResult, items: Sequence[EvalItem]) -> Path:
    """results.json and answers.jsonl (each answer with every verdict and its evidence)."""
    path = write_json(out_dir / "results.json", results.to_json())
    with (out_dir / "answers.jsonl").open("w", encoding="utf-8") as fh:
        for it in items:
            row = {
                "key": it.key, "id": it.question_id, "bank": it.bank, "risk": it.risk,
                "topic": it.topic, "question": it.question, "answer": it.answer,
                "error": it.error,
                "verdicts": {m: {"verdict": j.verdict, **j.evidence} for m, j in it.verdicts.items()},
            }  # fmt: skip
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path
