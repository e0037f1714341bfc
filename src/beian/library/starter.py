"""The starter assets shipped for the demo workspace (built by scripts/build_starter_assets.py).

``demo/keywords/`` holds a curated lexicon from the categorised files of konsheng/
Sensitive-lexicon (MIT); ``demo/banks/`` holds question banks from SafetyBench-zh (MIT),
CValues (Apache-2.0) and JADE v3 medium (MIT), plus ``answers.jsonl``: JADE question → answer
pairs for a replay target. They fall short of several §8 quotas on purpose: no shippable
source covers every risk, and nothing is invented to hide that (``beian library check``
shows the shortfalls).
"""

from __future__ import annotations

import json
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from beian.library.records import Bank, KeywordEntry, Question


def _demo(*parts: str) -> Traversable:
    return resources.files("beian").joinpath("demo", *parts)


def starter_dir(kind: str) -> Path:
    """Folder of the shipped ``keywords`` or ``banks`` (package data is a plain directory)."""
    return Path(str(_demo(kind)))


def starter_keywords() -> list[KeywordEntry]:
    """The shipped starter lexicon."""
    # Imported here: the readers pull the standard's schema, which the keyword detector does
    # not need when it only asks for the folder (its compiled forms come from the cache).
    from beian.library.io import load_keywords

    return load_keywords(starter_dir("keywords"))


def starter_questions(bank: Bank | None = None) -> list[Question]:
    """The shipped starter questions, optionally of one bank (test, refuse, answer)."""
    from beian.library.io import load_questions

    questions = load_questions(starter_dir("banks"))
    return [q for q in questions if bank is None or q.bank == bank]


def starter_answers() -> list[dict[str, str]]:
    """Replay pairs ``{question_id, input, output, label, source}`` (label: violating | safe)."""
    text = _demo("banks", "answers.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]
