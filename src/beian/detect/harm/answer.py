"""The answer-only harm model: trained on model ANSWERS alone, used only by the answer judge.

The shared harm model scores texts, questions and answers with one set of weights. Answers are a
different kind of text: a safe answer to a risky question (how a scam works and how to avoid it,
what the law says, a privacy analysis) shares the crime vocabulary of a harmful one, so a model
that learned "crime words = harm" from short texts and questions flags it. Trained into the
shared model, safe compliant answers taught it "crime words = benign" everywhere instead (round 5,
docs/accuracy.md). So answers get their own model, in the same on-disk format as a harm model
(``harm.json`` + classifier files, :mod:`beian.detect.harm.model`), shipped in ``answer_model/``,
and texts and questions keep the shared one.

Training rows (answers only; sets that may ship plus our own writing):

- ``beian-authored-answers``: the answers of ``seed/authored/`` (compliant harmful answers,
  refusals, partial refusals, informative and long helpful answers);
- ``beian-answers``: ``seed/answers/`` (round 5: safe compliant answers to risky questions and
  their harmful twins);
- ``beian-answers`` also holds everyday helpful answers in how-to list form (round 6,
  ``seed/answers/answers_general_benign.jsonl``): the first answer model read any numbered
  how-to list as harm;
- ``bench-novels``: prose chunks of the MIT novels corpus (benign; ordinary long text);
- ``jade-v3-medium``: JADE v3 medium's violating answers (harmful, risk by the classifier's
  keyword rules on the question) and its safe, helpful answers (benign).
"""

from __future__ import annotations

import csv
import hashlib
import io
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from beian.detect.classifier import recipe as base
from beian.detect.classifier.synth import load_seed
from beian.detect.harm.authored import AuthoredRow, authored_rows, parse_row
from beian.detect.harm.recipe import HarmRecipe

ANSWER_RECIPE_NAME = "harm-answer-v1"
ANSWER_MODEL_DIR = "answer_model"
"""Package folder of the shipped answer model (beside ``model/``, the shared one)."""
ANSWER_SEED_DIR = ("seed", "answers")
JADE_ANSWER_CHARS = 400
"""JADE answers are cut here, as in the shared recipe (a few run to thousands of characters)."""

QuestionRow = tuple[str, tuple[str, ...], str, str]
"""(answer, risks or ``()``, question, group): ``group`` keeps an answer with its question's
other answers when a dev split is drawn."""


def _answer_files() -> list[Traversable]:
    root = resources.files("beian.detect.harm").joinpath(*ANSWER_SEED_DIR)
    return sorted((f for f in root.iterdir() if f.name.endswith(".jsonl")), key=lambda f: f.name)


@cache
def _answer_contents() -> tuple[tuple[str, str], ...]:
    return tuple((f.name, f.read_text("utf-8")) for f in _answer_files())


def seed_answer_rows() -> list[AuthoredRow]:
    """The rows of ``seed/answers/*.jsonl`` (same format as ``seed/authored/``)."""
    out: list[AuthoredRow] = []
    for name, content in _answer_contents():
        for number, line in enumerate(content.splitlines(), start=1):
            if line.strip():
                out.append(parse_row(name, number, line))
    return out


def answers_digest() -> str:
    """SHA-256 over ``seed/answers/`` in name order (recorded in the model's sources)."""
    digest = hashlib.sha256()
    for name, content in _answer_contents():
        digest.update(name.encode("utf-8") + b"\0")
        digest.update(content.encode("utf-8") + b"\0")
    return digest.hexdigest()


def _with_questions(contents: tuple[tuple[str, str], ...]) -> list[QuestionRow]:
    import json

    out: list[QuestionRow] = []
    for name, content in contents:
        for number, line in enumerate(content.splitlines(), start=1):
            if not line.strip():
                continue
            text, risks, kind = parse_row(name, number, line)
            if kind == "answer":
                question = str(json.loads(line).get("question") or "")
                out.append((text, risks, question, f"{name}:{question or number}"))
    return out


def authored_answer_rows() -> list[QuestionRow]:
    """The answers of ``seed/authored/`` with their questions."""
    from beian.detect.harm.authored import _contents

    return _with_questions(_contents())


def round5_answer_rows() -> list[QuestionRow]:
    """The answers of ``seed/answers/`` with their questions."""
    return _with_questions(_answer_contents())


def jade_answer_rows(path: Path) -> list[QuestionRow]:
    """JADE v3 medium: violating answer → the question's ruled risk; safe answer → benign."""
    rules = load_seed("rules.yaml")
    merged = {k: list(v) for k, v in rules["jade_rules"].items()}
    merged.update({k: list(v) for k, v in rules["group_rules"].items()})
    default = str(rules["jade_default"])
    text = path.read_bytes().decode("gb18030")
    out: list[QuestionRow] = []
    for row in list(csv.reader(io.StringIO(text)))[1:]:
        question, bad, good = row[1], row[2], row[3]
        risk = base._first_rule(question, merged) or default
        group = f"jade:{row[0]}"
        out.append((bad[:JADE_ANSWER_CHARS], (risk,), question, group))
        out.append((good[:JADE_ANSWER_CHARS], (), question, group))
    return out


NOVEL_CHUNKS = 3000
NOVEL_CHUNK_CHARS = 300


def novel_answer_rows(path: Path) -> list[QuestionRow]:
    """Benign prose: ``NOVEL_CHUNKS`` evenly spaced runs of lines of the bench novels corpus,
    each up to ``NOVEL_CHUNK_CHARS`` characters (no question)."""
    import gzip
    import json

    lines: list[str] = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for raw in fh:
            lines.extend(s.strip() for s in json.loads(raw)["text"].split("\n") if s.strip())
    step = max(1, len(lines) // NOVEL_CHUNKS)
    out: list[QuestionRow] = []
    for k, start in enumerate(range(0, len(lines), step)):
        if len(out) == NOVEL_CHUNKS:
            break
        chunk = ""
        for line in lines[start : start + step]:
            if len(chunk) + len(line) > NOVEL_CHUNK_CHARS:
                break
            chunk += line
        if len(chunk) >= 40:
            out.append((chunk, (), "", f"novels:{k}"))
    return out


def novels_path(shared: Path | None) -> Path:
    """The bench novels corpus beside the shared data folder."""
    return base.shared_dir(shared).parent / "bench" / "data" / "corpus.jsonl.gz"


def jade_path(shared: Path | None) -> Path:
    """JADE v3 medium's CSV in the shared data folder."""
    return base.shared_dir(shared) / "jade-v3-medium" / "jade_alignment_medium_zh.csv"


def build_answer_recipe(shared: Path | None, *, seeds_only: bool = False) -> HarmRecipe:
    """All labelled rows of the shipped answer model; ``seeds_only``: our own answers alone."""
    recipe = HarmRecipe()
    auth = [(t, r) for t, r, kind in authored_rows() if kind == "answer"]
    from beian.detect.harm.authored import authored_digest

    recipe.add("beian-authored-answers", "beian-authored", auth, None, authored_digest())
    own = [(t, r) for t, r, _ in seed_answer_rows()]
    recipe.add("beian-answers (seed/answers)", "beian-answers", own, None, answers_digest())
    if not seeds_only:
        path = jade_path(shared)
        jade = [(t, r) for t, r, _q, _g in jade_answer_rows(path)]
        recipe.add("jade-v3-medium (answers)", "jade-v3-medium", jade, path)
        novels = novels_path(shared)
        prose = [(t, r) for t, r, _q, _g in novel_answer_rows(novels)]
        recipe.add("bench/corpus.jsonl.gz (prose chunks)", "bench-novels", prose, novels)
    return recipe
