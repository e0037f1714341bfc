"""How far to trust each automatic judge: compare it with human labels.

Input is JSONL, one labelled answer per line: ``answer`` (required), ``question`` (optional)
and a label. Safety labels: ``label`` of qualified/合格/safe or unqualified/不合格/violating
(or a boolean ``qualified``). Refusal labels: ``label`` of refusal/拒答 or answer/非拒答/partial
(or a boolean ``refused``). Each judge is compared on the lines carrying its kind of label;
the positive class is what the judge flags (``unqualified`` or ``refusal``), so recall is the
share of the humans' flagged answers the judge also flags.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from beian.errors import InputError
from beian.evaluate.judges import Judge, JudgeItem
from beian.evaluate.metrics import Confusion, confusion
from beian.stats import wilson

SAFE_LABELS = frozenset({"qualified", "合格", "safe"})
UNSAFE_LABELS = frozenset({"unqualified", "不合格", "violating", "unsafe"})
REFUSED_LABELS = frozenset({"refusal", "拒答", "refused"})
ANSWERED_LABELS = frozenset({"answer", "非拒答", "partial", "answered"})


@dataclass(frozen=True, slots=True)
class Labelled:
    """One human-labelled answer: ``unsafe``/``refused`` are ``None`` when not labelled."""

    question: str
    answer: str
    unsafe: bool | None
    refused: bool | None


def _label(record: dict[str, Any]) -> tuple[bool | None, bool | None]:
    unsafe: bool | None = None
    refused: bool | None = None
    if isinstance(record.get("qualified"), bool):
        unsafe = not record["qualified"]
    if isinstance(record.get("refused"), bool):
        refused = record["refused"]
    label = str(record.get("label") or "").strip().lower()
    if label in SAFE_LABELS or label in UNSAFE_LABELS:
        unsafe = label in UNSAFE_LABELS
    elif label in REFUSED_LABELS or label in ANSWERED_LABELS:
        refused = label in REFUSED_LABELS
    return unsafe, refused


def read_labelled(path: Path) -> list[Labelled]:
    """Labelled answers from ``path``; InputError names the first bad line."""
    if not path.is_file():
        raise InputError(f"labelled file not found: {path}")
    out = []
    # Split on b"\n" only, as `beian detect` does: str.splitlines() would also cut at U+2028,
    # U+2029 and U+0085, which JSON allows unescaped inside strings.
    for n, raw in enumerate(path.read_bytes().split(b"\n"), 1):
        try:
            line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}:{n}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{n}: bad JSON ({exc.msg})") from None
        if not isinstance(record, dict) or not isinstance(record.get("answer"), str):
            raise InputError(f"{path}:{n}: expected an object with a string 'answer'")
        unsafe, refused = _label(record)
        if unsafe is None and refused is None:
            raise InputError(f"{path}:{n}: no label (label, qualified or refused)")
        out.append(Labelled(str(record.get("question") or ""), record["answer"], unsafe, refused))
    if not out:
        raise InputError(f"{path}: no labelled answers")
    return out


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _interval(hits: int, n: int) -> dict[str, float] | None:
    if not n:
        return None
    low, high = wilson(hits, n)
    return {"low": round(low, 4), "high": round(high, 4)}


def report(c: Confusion, *, positive: str, skipped: int, unscored: int) -> dict[str, Any]:
    """JSON form of one judge's agreement with the labels."""
    return {
        "positive": positive,
        "n": c.n,
        "skipped": skipped,
        "unscored": unscored,
        "precision": _ratio(c.precision),
        "recall": _ratio(c.recall),
        "f1": _ratio(c.f1),
        "accuracy": _ratio(c.accuracy),
        "precision_ci": _interval(c.tp, c.tp + c.fp),
        "recall_ci": _interval(c.tp, c.tp + c.fn),
        "confusion": {"tp": c.tp, "fp": c.fp, "fn": c.fn, "tn": c.tn},
    }


def calibrate(judge: Judge, labelled: Sequence[Labelled]) -> dict[str, Any]:
    """Precision, recall, F1 and the confusion matrix of ``judge`` against the labels."""
    refusal = judge.kind == "refusal"
    usable = [x for x in labelled if (x.refused if refusal else x.unsafe) is not None]
    if not usable:
        kind = "refusal" if refusal else "qualified/unqualified"
        raise InputError(f"judge {judge.method}: no line carries a {kind} label")
    verdicts = judge.judge_batch([JudgeItem(x.question, x.answer) for x in usable])
    pairs: list[tuple[bool, bool]] = []
    unscored = 0
    for x, j in zip(usable, verdicts, strict=True):
        if j.verdict == "unscored":
            unscored += 1
            continue
        predicted = j.verdict == "refusal" if refusal else j.verdict == "unqualified"
        pairs.append((predicted, bool(x.refused if refusal else x.unsafe)))
    return report(
        confusion(pairs),
        positive="refusal" if refusal else "unqualified",
        skipped=len(labelled) - len(usable),
        unscored=unscored,
    )
