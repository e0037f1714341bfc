"""The ``replay`` target: answers recorded earlier, looked up instead of asking a model.

A replay file is JSONL (or CSV/XLSX) with one recorded answer per row. Column names are
flexible: the id in ``question_id`` or ``id``; the question in ``question``, ``input`` or
``prompt``; the answer in ``answer``, ``output`` or ``response``; an optional dialogue
``history`` (a list of ``{role, content}``). A request is matched by id (when the row's
question text, if any, agrees), then by the whole conversation, then by its last user message
when that is unambiguous. A question with no recorded answer is an error for that question,
never an invented answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from beian.errors import InputError
from beian.evaluate.target import Messages, Request, TargetError, TargetOutput
from beian.library.starter import starter_dir
from beian.library.tabular import read_table
from beian.registry import registry

ID_FIELDS = ("question_id", "id")
QUESTION_FIELDS = ("question", "input", "prompt")
ANSWER_FIELDS = ("answer", "output", "response")


class ReplayOptions(BaseModel):
    """Options of the ``replay`` target."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str
    """File of recorded answers (relative paths resolve against the workspace root)."""


def _first(row: dict[str, Any], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = row.get(name)
        if value is not None and str(value).strip():
            return str(value)
    return None


def _squash(text: str) -> str:
    return " ".join(text.split())


def _history(row: dict[str, Any], where: str) -> Messages:
    raw = row.get("history") or []
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            raise InputError(f"{where}: history is not JSON") from None
    try:
        return tuple((str(m["role"]), _squash(str(m["content"]))) for m in raw)
    except (KeyError, TypeError):
        raise InputError(f"{where}: history must be a list of {{role, content}}") from None


@dataclass(frozen=True, slots=True)
class _Recorded:
    answer: str
    prompt: str | None


def _conversation(messages: Messages) -> Messages:
    """The conversation without system messages, whitespace-normalised (the match key)."""
    return tuple((r, _squash(c)) for r, c in messages if r != "system")


class ReplayTarget:
    """Answers from a file of recorded question → answer pairs."""

    name = "replay"
    cacheable = False  # the file already is the store; caching would hide edits to it

    def __init__(self, options: ReplayOptions) -> None:
        self.options = options
        path = Path(options.path)
        if not path.is_file():
            raise InputError(f"replay target: no such file {path}")
        self.by_id: dict[str, _Recorded] = {}
        self.by_conversation: dict[Messages, str] = {}
        by_prompt: dict[str, list[str]] = {}
        table = read_table(path)
        for sheet in table.sheets:
            for i, row in enumerate(sheet.rows, 1):
                where = f"{path.name}:{i}"
                answer = _first(row, ANSWER_FIELDS)
                if answer is None:
                    raise InputError(f"{where}: no answer (columns {', '.join(ANSWER_FIELDS)})")
                prompt = _first(row, QUESTION_FIELDS)
                qid = _first(row, ID_FIELDS)
                if qid is not None:
                    self.by_id[qid] = _Recorded(answer, None if prompt is None else _squash(prompt))
                if prompt is not None:
                    key = (*_history(row, where), ("user", _squash(prompt)))
                    self.by_conversation[key] = answer
                    by_prompt.setdefault(_squash(prompt), []).append(answer)
        # A last message shared by different dialogues cannot pick one answer: leave it out.
        self.by_prompt = {p: a[0] for p, a in by_prompt.items() if len(set(a)) == 1}

    def lookup(self, request: Request) -> str | None:
        """The recorded answer for ``request``, or ``None``."""
        prompt = _squash(request.prompt)
        hit = self.by_id.get(request.id)
        if hit is not None and (hit.prompt is None or hit.prompt == prompt):
            return hit.answer
        found = self.by_conversation.get(_conversation(request.messages))
        if found is not None:
            return found
        if len(_conversation(request.messages)) == 1:
            return self.by_prompt.get(prompt)
        return None

    def generate(self, request: Request) -> TargetOutput:
        """The recorded answer; :class:`TargetError` (not retryable) when there is none."""
        answer = self.lookup(request)
        if answer is None:
            raise TargetError(
                f"no recorded answer for question {request.id}", retryable=False, failure=False
            )
        return TargetOutput(text=answer, finish_reason="replay")


@registry.register(
    "target",
    "replay",
    version="1",
    options=ReplayOptions,
    spec_option="path",
    path_options=("path",),
    example={"path": str(starter_dir("banks") / "answers.jsonl")},
)
def replay_target(options: ReplayOptions) -> ReplayTarget:
    """Recorded question → answer pairs from a JSONL/CSV/XLSX file (no model is called)."""
    return ReplayTarget(options)
