"""Readers of the question, answer and attribution sources (data README §2 and §3).

Questions: harmful = "should refuse", benign = "should answer". Answers carry their question;
harmful = a violating answer. CHiSafetyBench items only test which risk a system names.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.accuracy import riskmap
from bench.accuracy.readers_text import Raw, _jsonl, data


def _s_eval(shared: Path, name: str) -> Iterator[Raw]:
    for rec in _jsonl(data(shared, "s-eval", name)):
        yield Raw(str(rec["prompt"]), True, riskmap.S_EVAL.get(str(rec["risk_type"]), ()))


def s_eval_base(shared: Path) -> Iterator[Raw]:
    """S-Eval base risk prompts (LLM-generated harmful questions)."""
    return _s_eval(shared, "S-Eval_base_risk_zh_full.jsonl")


def s_eval_attack(shared: Path) -> Iterator[Raw]:
    """S-Eval jailbreak rewrites of base prompts (10 attack styles)."""
    return _s_eval(shared, "S-Eval_attack_zh_small.jsonl")


def xsafety(shared: Path) -> Iterator[Raw]:
    """XSafety zh prompts of every file but ``commonsense`` (headerless CSV with a BOM)."""
    for name, risks in riskmap.XSAFETY.items():
        path = data(shared, "xsafety-zh", f"{name}.csv")
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.reader(fh):
                if row:
                    yield Raw(row[0], True, risks)


def multijail(shared: Path) -> Iterator[Raw]:
    """MultiJail red-team prompts, zh column, ids from their topic tags."""
    with data(shared, "multijail", "MultiJail.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            tags = ast.literal_eval(row["tags"]) if row["tags"].startswith("[") else []
            yield Raw(row["zh"], True, riskmap.multijail_risks(str(t) for t in tags))


def _jade(shared: Path) -> list[dict[str, str]]:
    path = data(shared, "jade-v3-medium", "jade_alignment_medium_zh.csv")
    with path.open(encoding="gb18030", newline="") as fh:  # JADE ships GB18030, not UTF-8
        return list(csv.DictReader(fh))


def jade_questions(shared: Path) -> Iterator[Raw]:
    """JADE v3 medium questions (should refuse; no per-row risk)."""
    for row in _jade(shared):
        yield Raw(row["问题"], True)


def jade_answers(shared: Path) -> Iterator[Raw]:
    """JADE answers: the violating one (harmful) and the safe, helpful one, with the question."""
    for row in _jade(shared):
        yield Raw(row["违规回答"], True, question=row["问题"])
        yield Raw(row["安全有用回答"], False, question=row["问题"])


def cvalues(shared: Path) -> Iterator[Raw]:
    """CValues responsibility prompts: sensitive but answerable (should answer)."""
    for rec in _jsonl(data(shared, "cvalues", "cvalues_responsibility_prompts.jsonl")):
        yield Raw(str(rec["prompt"]), False)


def _joined(instruction: Any, extra: Any) -> str:
    return f"{instruction}\n{extra}" if extra else str(instruction)


def _lawyer_pairs(shared: Path) -> Iterator[tuple[str, str]]:
    """(question, answer) of the three Lawyer LLaMA files."""
    folder = data(shared, "lawyer-llama-legal")
    for rec in json.loads((folder / "zixun_gpt4.json").read_text("utf-8")):
        yield str(rec["query"]), str(rec["response"])
    for rec in json.loads((folder / "fakao_gpt4.json").read_text("utf-8")):
        yield str(rec["input"]), str(rec["output"])
    for turns in json.loads((folder / "legal_advice.json").read_text("utf-8")):
        for rec in turns:
            yield _joined(rec["instruction"], rec.get("input")), str(rec["output"])


def lawyer_questions(shared: Path) -> Iterator[Raw]:
    """Legal questions, many from real users: benign, full of crimes and penalties."""
    for question, _ in _lawyer_pairs(shared):
        yield Raw(question, False)


def lawyer_answers(shared: Path) -> Iterator[Raw]:
    """GPT-4 / ChatGPT legal answers (benign, law-citing), with their question."""
    for question, answer in _lawyer_pairs(shared):
        yield Raw(answer, False, question=question)


def cmmlu(shared: Path) -> Iterator[Raw]:
    """CMMLU question stems (benign knowledge questions), test and dev, every subject."""
    for split in ("test", "dev"):
        for path in sorted(data(shared, "cmmlu", split).glob("*.csv")):
            with path.open(encoding="utf-8-sig", newline="") as fh:
                for row in csv.DictReader(fh):
                    yield Raw(row["Question"], False)


def _alpaca(shared: Path) -> Iterator[dict[str, Any]]:
    for name in ("alpaca_zh_translated.jsonl", "alpaca_zh_supplement.jsonl"):
        yield from _jsonl(data(shared, "alpaca-zh", name))


def alpaca_questions(shared: Path) -> Iterator[Raw]:
    """Alpaca-zh instructions (with their input): benign requests."""
    for rec in _alpaca(shared):
        yield Raw(_joined(rec["instruction"], rec.get("input")), False)


def alpaca_answers(shared: Path) -> Iterator[Raw]:
    """Alpaca-zh outputs (benign), with their instruction as the question."""
    for rec in _alpaca(shared):
        yield Raw(str(rec["output"]), False, question=_joined(rec["instruction"], rec.get("input")))


SAFEDIALBENCH_LABELS = Path(__file__).resolve().parent / "data" / "safedialbench_labels.jsonl"
"""Our labels of SafeDialBench bot turns: keys and digests only, no dialogue text (see the
``.md`` beside it for the rules)."""
SAFEDIALBENCH_FILES = ("legality.jsonl", "privacy.jsonl")


def safedialbench_labels(path: Path = SAFEDIALBENCH_LABELS) -> list[dict[str, Any]]:
    """The label records, in file order; ``ValueError`` on a malformed line."""
    return list(_jsonl(path))


def bot_digest(text: str) -> str:
    """SHA-256 (hex) of a bot turn's UTF-8 text, as stored in the labels."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def safedialbench_answers(shared: Path, labels: Path = SAFEDIALBENCH_LABELS) -> Iterator[Raw]:
    """Labelled SafeDialBench bot turns (real Doubao / ChatGPT / GLM-4 answers to multi-turn
    jailbreaks), with that turn's user message as the question.

    The labels are ours (``bench/accuracy/data/safedialbench_labels.md``); the text comes from
    the shared folder. A label whose dialogue, turn or text digest does not match the shared
    file raises ``ValueError``, so a changed source fails loudly instead of being measured.
    """
    dialogues: dict[tuple[str, int], list[Any]] = {}
    for name in SAFEDIALBENCH_FILES:
        for rec in _jsonl(data(shared, "safedialbench", name)):
            history = rec["history"]
            if not isinstance(history, list):
                raise ValueError(f"safedialbench {name}: dialogue {rec['id']} has no history list")
            dialogues[(name, int(str(rec["id"])))] = history
    for lab in safedialbench_labels(labels):
        key = (str(lab["file"]), int(lab["id"]))
        turn = int(lab["turn"])
        history = dialogues.get(key)
        if history is None or not 0 <= turn < len(history):
            raise ValueError(f"safedialbench: no turn {turn} in {key[0]} dialogue {key[1]}")
        answer = str(history[turn]["bot"])
        if bot_digest(answer) != lab["bot_sha256"]:
            raise ValueError(
                f"safedialbench: digest mismatch for {key[0]} dialogue {key[1]} turn {turn} "
                "(the shared file changed; re-check the labels)"
            )
        harmful = bool(lab["harmful"])
        risks = tuple(str(r) for r in lab["risks"]) if harmful else ()
        yield Raw(answer, harmful, risks, question=str(history[turn]["user"]))


def chisafetybench(shared: Path) -> Iterator[Raw]:
    """CHiSafetyBench items with their TC260 risk (by name); for attribution only."""
    for name in ("chisafetybench_mcq_dev.json", "chisafetybench_v0_extra_dev.json"):
        for area in json.loads(data(shared, "chisafetybench", name).read_text("utf-8")):
            for item in area["infos"]:
                rid = riskmap.risk_id_by_name(str(item["category"]))
                if rid is None:
                    raise ValueError(f"{name}: unknown risk name {item['category']!r}")
                yield Raw(str(item["question"]), True, (rid,))
