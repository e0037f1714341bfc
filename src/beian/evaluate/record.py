"""The run record: which model was asked what, when, and how the run ended.

An assessor's first questions are "which model, which version, through which endpoint, with
which banks, when"; the record answers them and travels with the run (the store's run
``config["run"]``, ``run.json`` in the output folder and ``results.json["run"]``), so the
report can print them. Field names are a contract with the report layer:

``id, status, started_at, finished_at, workspace, out, tool_version,
target {spec, plugin, name, endpoint, model_configured, model_reported, models_reported,
model_matches, model_version, params, system_prompt_sha256},
banks {path, files [{name, path, sha256, bytes, modified}], contents {bank: {questions, sha256}}},
answers {total, answered, asked, reused, reused_from, failed, not_asked, fresh},
failure {allowed_share, allowed, failed, first [{error, count}]}, resume``.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from beian import __version__
from beian.digest import sha256_file
from beian.evaluate.runner import AnswerSet
from beian.library.records import Question

FIRST_ERRORS = 3
"""Distinct errors shown when a run fails: enough to see the cause, few enough to read."""


def now_local() -> datetime:
    """The current local time (run ids and records use the clock the user reads)."""
    return datetime.now(UTC).astimezone()


def now_iso() -> str:
    """The current time, ISO 8601 with its UTC offset (local time: what the user reads)."""
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


def bank_files(files: Sequence[Path]) -> list[dict[str, Any]]:
    """Each bank file with its SHA-256, size and modification time (banks carry no version
    field of their own; the digest is what identifies the exact questions asked)."""
    out = []
    for f in files:
        stat = f.stat()
        modified = datetime.fromtimestamp(stat.st_mtime, UTC).astimezone()
        out.append({
            "name": f.name, "path": str(f.resolve()), "sha256": sha256_file(f),
            "bytes": stat.st_size, "modified": modified.isoformat(timespec="seconds"),
        })  # fmt: skip
    return out


def bank_contents(questions: Sequence[Question]) -> dict[str, dict[str, Any]]:
    """Per bank: how many questions and a digest of their content, independent of file format
    and order (the same questions saved as XLSX or JSONL have the same digest)."""
    by_bank: dict[str, list[str]] = {}
    for q in questions:
        row = json.dumps(q.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)
        by_bank.setdefault(q.bank, []).append(row)
    return {
        bank: {
            "questions": len(rows),
            "sha256": hashlib.sha256("\n".join(sorted(rows)).encode("utf-8")).hexdigest(),
        }
        for bank, rows in sorted(by_bank.items())
    }


def target_record(spec: str, identity: Mapping[str, Any]) -> dict[str, Any]:
    """What the configuration says about the target (the reported model is added later)."""
    plugin, _, rest = spec.partition(":")
    prompt = identity.get("system_prompt")
    return {
        "spec": spec,
        "plugin": plugin,
        "name": rest,
        "endpoint": identity.get("endpoint"),
        "model_configured": identity.get("model"),
        "model_reported": None,
        "models_reported": {},
        "model_matches": None,
        "model_version": identity.get("model_version"),
        "params": identity.get("params", {}),
        "system_prompt_sha256": (
            hashlib.sha256(prompt.encode("utf-8")).hexdigest() if isinstance(prompt, str) else None
        ),
    }


def with_reported(target: dict[str, Any], answers: AnswerSet) -> dict[str, Any]:
    """``target`` with the model ids the server reported and whether they match the config."""
    if not answers.reported:
        return target
    top = answers.reported.most_common(1)[0][0]
    configured = target.get("model_configured")
    return {
        **target,
        "model_reported": top,
        "models_reported": dict(answers.reported),
        "model_matches": None if configured is None else set(answers.reported) == {configured},
    }


def answer_counts(answers: AnswerSet, *, fresh: bool) -> dict[str, Any]:
    """How many answers were obtained, asked, reused (and from which runs) or failed."""
    got = [a for a in answers.answers if a is not None]
    reused = answers.reused
    return {
        "total": len(answers.answers),
        "answered": sum(1 for a in got if a.text is not None),
        "asked": sum(1 for a in got if not a.cached),
        "reused": len(reused),
        "reused_from": dict(Counter(a.from_run or "?" for a in reused)),
        "failed": len(answers.failed),
        "not_asked": len(answers.answers) - len(got),
        "fresh": fresh,
        "changed": [{"question_id": c.question_id, "earlier_run": c.earlier_run}
                    for c in answers.changed],
    }  # fmt: skip


def failure_record(answers: AnswerSet, share: float, allowed: int) -> dict[str, Any]:
    """The failure budget and the first distinct errors with how often each happened."""
    errors = Counter(a.error or "" for a in answers.failed)
    first = [{"error": e, "count": n} for e, n in errors.most_common(FIRST_ERRORS)]
    answered = any(a is not None and a.text is not None for a in answers.answers)
    return {
        "allowed_share": share,
        "allowed": allowed,
        "failed": len(answers.failed),
        "endpoint_broken": answers.stopped == "failures" and not answered,
        "first": first,
    }


def tool_version() -> str:
    """The beian version that made the run."""
    return __version__
