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
import io
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import numpy as np

from beian.detect.base import decision_score
from beian.detect.classifier import recipe as base
from beian.detect.classifier.synth import load_seed
from beian.detect.harm.authored import (
    AUTHORED_DIR,
    AuthoredRow,
    contents_digest,
    parse_row,
    rows_of,
    seed_contents,
)
from beian.detect.harm.model import (
    FloatArray,
    HarmModel,
    attributed_columns,
    load_harm_model,
    logit,
)
from beian.detect.harm.recipe import HarmRecipe
from beian.records import Finding

ANSWER_RECIPE_NAME = "harm-answer-v1"
ANSWER_MODEL_DIR = "answer_model"
"""Package folder of the shipped answer model (beside ``model/``, the shared one)."""
ANSWER_SEED_DIR = ("seed", "answers")
JADE_ANSWER_CHARS = 400
"""JADE answers are cut here, as in the shared recipe (a few run to thousands of characters)."""

QuestionRow = tuple[str, tuple[str, ...], str, str]
"""(answer, risks or ``()``, question, group): ``group`` keeps an answer with its question's
other answers when a dev split is drawn."""


def _answer_contents() -> tuple[tuple[str, str], ...]:
    return seed_contents(ANSWER_SEED_DIR)


def seed_answer_rows() -> list[AuthoredRow]:
    """The rows of ``seed/answers/*.jsonl`` (same format as ``seed/authored/``)."""
    return rows_of(_answer_contents())


def answers_digest() -> str:
    """SHA-256 over ``seed/answers/`` in name order (recorded in the model's sources)."""
    return contents_digest(_answer_contents())


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
    return _with_questions(seed_contents(AUTHORED_DIR))


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
    """All labelled rows of the shipped answer model, each answer with its question as context
    (:func:`with_context`); ``seeds_only``: our own answers alone (they ship with the package).

    Row order (JADE, authored, ``seed/answers``, novels) is part of the recipe: the trainer's
    shuffle depends on it, and the shipped model is the one the round-6 variants measured.
    """
    from beian.detect.harm.authored import authored_digest

    recipe = HarmRecipe()
    if not seeds_only:
        path = jade_path(shared)
        recipe.add("jade-v3-medium (answers)", "jade-v3-medium", _ctx(jade_answer_rows(path)), path)
    own = _ctx(authored_answer_rows())
    recipe.add("beian-authored (answers)", "beian-authored", own, None, authored_digest())
    seed = _ctx(round5_answer_rows())
    recipe.add("beian-answers (seed/answers)", "beian-answers", seed, None, answers_digest())
    if not seeds_only:
        novels = novels_path(shared)
        prose = _ctx(novel_answer_rows(novels))
        recipe.add("bench/corpus.jsonl.gz (prose chunks)", "bench-novels", prose, novels)
    return recipe


def _ctx(rows: list[QuestionRow]) -> list[tuple[str, tuple[str, ...]]]:
    return [(with_context(t, q), r) for t, r, q, _g in rows]


CJK = (0x4E00, 0x9FFF)
CJK_CONTEXT = 0x20000
"""Question CJK characters move here (CJK Extension B: NFKC-stable, rare in answers)."""
OTHER_CONTEXT = 0xF0000
"""Question letters and digits move into the supplementary private-use plane."""


def context(question: str) -> str:
    """``question`` moved to code points no answer n-gram shares, so the hashed n-grams of the
    question are features of their own (the answer model's question context)."""
    out: list[str] = []
    for ch in question:
        code = ord(ch)
        if CJK[0] <= code <= CJK[1]:
            out.append(chr(CJK_CONTEXT + code - CJK[0]))
        elif ch.isalnum():
            out.append(chr(OTHER_CONTEXT + min(code, 0xFFFD)))
    return "".join(out)


def with_context(answer: str, question: str) -> str:
    """What the answer model reads: the answer, a line break, the moved question."""
    return f"{answer}\n{context(question)}" if question else answer


def answer_model_dir() -> str:
    """Directory of the shipped answer model."""
    return str(resources.files("beian.detect.harm").joinpath(ANSWER_MODEL_DIR))


def fused_probability(answer_p: FloatArray, shared_p: FloatArray) -> FloatArray:
    """The mean of the two calibrated logits, as a probability (round-6 variant (d))."""
    a = logit(answer_p.astype(np.float64))
    b = logit(shared_p.astype(np.float64))
    out: FloatArray = (1.0 / (1.0 + np.exp(-(a + b) / 2))).astype(np.float32)
    return out


class AnswerHarm:
    """Harm findings on answers: the answer model (with the question as context) and the shared
    harm model, fused by the mean of their logits; risks attributed by the shared model.

    Findings carry the detector name ``harm``, so the DetectorSet's corroboration rules treat
    them as they treat the harm detector's.
    """

    name = "harm"

    def __init__(
        self,
        shared: HarmModel,
        answer: HarmModel,
        threshold: float,
        *,
        report_from: float = 0.2,
        max_risks: int = 3,
    ) -> None:
        from beian.standard.index import risk_labels

        self.shared = shared
        self.answer = answer
        self.threshold = threshold
        self.report_from = report_from
        self.max_risks = max_risks
        self._thresholds = shared.classifier.threshold_vector()[1:]  # the attribution columns
        self._names = risk_labels(shared.risks)
        self.label = f"{answer.meta.recipe} + {shared.meta.recipe}"

    def probabilities(self, texts: Sequence[str], questions: Sequence[str]) -> FloatArray:
        """Fused harm probability of each (judged answer, question)."""
        return self._scored(texts, questions)[0]

    def _scored(
        self, texts: Sequence[str], questions: Sequence[str]
    ) -> tuple[FloatArray, FloatArray]:
        """Fused probabilities and the shared model's attribution rows (one pass of each
        model: the shared pass gives both)."""
        ctx = [with_context(t, q) for t, q in zip(texts, questions, strict=True)]
        shared = self.shared.score(texts)
        return fused_probability(self.answer.score(ctx).harm, shared.harm), shared.attribution

    def findings(self, texts: Sequence[str], questions: Sequence[str]) -> list[list[Finding]]:
        """Document-level findings per text (none for an empty text)."""
        out: list[list[Finding]] = [[] for _ in texts]
        todo = [i for i, t in enumerate(texts) if t.strip()]
        if not todo:
            return out
        chosen = [texts[i] for i in todo]
        fused, attributions = self._scored(chosen, [questions[i] for i in todo])
        p = fused.tolist()
        decisions = [decision_score(x, self.threshold) for x in p]
        for k, d in enumerate(decisions):
            if d < self.report_from:
                continue
            cols = attributed_columns(attributions[k], self._thresholds, self.max_risks)
            out[todo[k]] = [self._finding(c, p[k], d, float(attributions[k][c])) for c in cols]
        return out

    def _finding(self, col: int, p: float, decision: float, attribution: float) -> Finding:
        risk = self.shared.risks[col]
        verb = ">=" if p >= self.threshold else "<"
        return Finding(
            risk=risk,
            detector=self.name,
            score=round(decision, 4),
            evidence=f"{self._names[col]} p={p:.3f}",
            why=f"answer harm probability {p:.4f} {verb} operating point {self.threshold:.3f} "
            f"({self.label}: answer model with the question as context, fused with the shared "
            f"harm model); attributed to {risk} by the shared model (attribution "
            f"{attribution:.2f})",
        )


def load_answer_harm(
    threshold: float, shared_dir: str | None = None, answer_dir: str | None = None
) -> AnswerHarm:
    """The fused answer scorer from the shipped models (or user directories)."""
    shared = load_harm_model(shared_dir)
    answer = load_harm_model(answer_dir or answer_model_dir())
    return AnswerHarm(shared, answer, threshold)


def harm_column_only(model: HarmModel) -> HarmModel:
    """``model`` with its harm column alone (the answer model attributes nothing: the shared
    model does). Each column of the trainer is its own logistic regression, so the harm column's
    weights and scores are exactly those of the full model; the file is 32 times smaller."""
    from beian.detect.classifier.model import ClassifierModel

    clf = model.classifier
    first = clf.risks[0]
    meta = clf.meta.model_copy(
        update={
            "risks": (first,),
            "thresholds": {first: clf.meta.thresholds[first]},
            "train_counts": {
                k: v for k, v in clf.meta.train_counts.items() if k in (first, "benign")
            },
        }
    )
    weights = np.ascontiguousarray(clf.weights[:, :1])
    bias = np.ascontiguousarray(clf.bias[:1])
    return HarmModel(ClassifierModel(weights=weights, bias=bias, meta=meta), model.meta)
