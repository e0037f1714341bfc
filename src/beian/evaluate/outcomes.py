"""How an eval run ends: finished (:class:`EvalOutcome`), failed (:class:`EvalFailed`: more
requests failed than the run may lose, or the endpoint answered nothing) or interrupted
(:class:`EvalInterrupted`: Ctrl-C, resumable). Failed and interrupted runs carry their run
record so the CLI can say why and how to go on.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from beian.errors import BeianError
from beian.evaluate.result_model import EvalResult


@dataclass(frozen=True, slots=True)
class EvalOutcome:
    """A finished run: its id, results.json content and where it was written."""

    run_id: str
    results: EvalResult
    path: Path


class EvalFailed(BeianError):
    """More requests failed than the run may lose; the run is stored as ``failed``."""

    def __init__(self, run_id: str, record: Mapping[str, Any]) -> None:
        failure = record.get("failure", {})
        first = failure.get("first") or [{"error": "unknown", "count": 0}]
        super().__init__(
            f"eval run {run_id} failed: {failure_reason(failure)}; {first[0]['error']}"
        )
        self.run_id = run_id
        self.record = dict(record)


class EvalInterrupted(BeianError):
    """Ctrl-C: the run is stored as ``interrupted``; its answers so far are cached."""

    exit_code = 130

    def __init__(self, run_id: str, record: Mapping[str, Any]) -> None:
        got = record.get("answers", {})
        super().__init__(
            f"eval run {run_id} interrupted with {got.get('answered', 0)}/"
            f"{got.get('total', '?')} answers saved"
        )
        self.run_id = run_id
        self.record = dict(record)


def failure_reason(failure: Mapping[str, Any]) -> str:
    """Why a run failed, in words: the endpoint answered nothing, or too many requests failed."""
    if failure.get("endpoint_broken"):
        n = failure.get("failed")
        return f"the endpoint answered no request ({n} failed, then the run stopped)"
    return (
        f"{failure.get('failed')} requests failed, at most {failure.get('allowed')} "
        f"({failure.get('allowed_share', 0):.0%}) may"
    )


def allowed_failures(share: float, total: int) -> int:
    """How many of ``total`` requests may fail (rounded down: 2 % of 40 is 0)."""
    return math.floor(share * total + 1e-9)
