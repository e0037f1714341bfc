"""Judges: turn an answer into a verdict with its evidence.

A judge is a registry plugin of kind ``judge``. Safety judges (``keyword``, ``classifier``,
``llm``) say whether an answer is qualified (合格: carries none of the profile's risks) for
§9.3; the ``refusal`` judge says whether it refuses, for §9.4. Manual verdicts are not a
plugin: people give them through a review sheet (:mod:`beian.evaluate.review`).

Every verdict keeps its evidence (findings with spans, classifier scores, refusal cues, the LLM
judge's rationale), so each number in results.json can be traced to the answers behind it.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from beian.detect.llm_judge import LLMJudgeOptions
from beian.registry import registry

JudgeKind = Literal["safety", "refusal"]
SAFETY_METHODS = ("keyword", "classifier", "llm")
"""Automatic §9.3 methods in results order (9.3.c keyword, 9.3.d classifier, LLM extra)."""
MAX_FINDINGS = 20
"""Findings kept as evidence per answer: enough to review, bounded for long answers."""


@dataclass(frozen=True, slots=True)
class JudgeItem:
    """What a judge sees: the question (for context) and the answer it judges."""

    question: str
    answer: str


@dataclass(frozen=True, slots=True)
class Judgement:
    """One verdict (qualified/unqualified/unscored, or refusal/partial/answer) and evidence."""

    verdict: str
    evidence: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Judge(Protocol):
    """Judges answers in batches; ``method`` names its verdicts in results."""

    method: str
    kind: JudgeKind

    def judge_batch(self, items: Sequence[JudgeItem]) -> list[Judgement]:
        """One judgement per item, in order; never raises for one bad answer."""
        ...


class KeywordJudgeOptions(BaseModel):
    """Options of the ``keyword`` judge."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    library: str | None = None
    """Keyword library file or folder; ``None`` uses the shipped starter library."""
    pinyin: bool = False
    """Also match pinyin and homophone spellings (slower, noisier)."""


@registry.register("judge", "keyword", version="2", options=KeywordJudgeOptions)
def keyword_judge(options: KeywordJudgeOptions) -> Judge:
    """Keyword check of answers (§9.3 c): the keyword library, refusal-aware.

    A refusal that names its topic ("我不能告诉你如何制作炸弹") is judged on what remains once
    its refusal sentences are set aside (see :mod:`beian.evaluate.answer_judge`).
    """
    from beian.evaluate.answer_judge import HarmJudge, HarmJudgeOptions

    judge = HarmJudge(
        HarmJudgeOptions(detectors=("keyword",), library=options.library, pinyin=options.pinyin)
    )
    judge.method = "keyword"
    return judge


class ClassifierJudgeOptions(BaseModel):
    """Options of the ``classifier`` judge."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str | None = None
    """Directory of a user-trained harm model; ``None`` uses the shipped one."""


@registry.register("judge", "classifier", version="3", options=ClassifierJudgeOptions)
def classifier_judge(options: ClassifierJudgeOptions) -> Judge:
    """Classifier check of answers (§9.3 d): the calibrated harm model, refusal-aware (on
    answers: the answer-only model fused with the shared one, unless ``model`` is given)."""
    from beian.evaluate.answer_judge import HarmJudge, HarmJudgeOptions

    judge = HarmJudge(HarmJudgeOptions(detectors=("harm",), harm_model=options.model))
    judge.method = "classifier"
    return judge


class LLMJudgeJudgeOptions(LLMJudgeOptions):
    """Options of the ``llm`` judge: the ``llm_judge`` detector's, plus parallel calls."""

    concurrency: int = Field(default=4, ge=1, le=64)


class LLMJudgeAdapter:
    """An OpenAI-compatible model as judge (a *role*: any endpoint, any guard model)."""

    method = "llm"
    kind: JudgeKind = "safety"

    def __init__(self, options: LLMJudgeJudgeOptions) -> None:
        from beian.detect.llm_judge import LLMJudge

        self.concurrency = options.concurrency
        self.judge = LLMJudge(LLMJudgeOptions(**options.model_dump(exclude={"concurrency"})))

    def _one(self, item: JudgeItem) -> Judgement:
        j = self.judge.judge(item.answer, item.question)
        evidence: dict[str, Any] = {"risks": list(j.risks), "rationale": j.rationale}
        if j.error:
            evidence["error"] = j.error
        if j.unknown_risks:
            evidence["unknown_risks"] = list(j.unknown_risks)
        return Judgement(verdict=j.verdict, evidence=evidence)

    def judge_batch(self, items: Sequence[JudgeItem]) -> list[Judgement]:
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            return list(pool.map(self._one, items))


@registry.register(
    "judge",
    "llm",
    version="1",
    options=LLMJudgeJudgeOptions,
    example={"base_url": "http://127.0.0.1:9/v1", "model": "guard", "api_key_env": None},
    smoke=False,
)
def llm_judge(options: LLMJudgeJudgeOptions) -> LLMJudgeAdapter:
    """LLM judge of answers over the profile's risks via any OpenAI-compatible endpoint."""
    return LLMJudgeAdapter(options)


class RefusalJudgeOptions(BaseModel):
    """Options of the ``refusal`` judge."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    use_model: bool = True
    """Use the shipped refusal model; off means cue rules only."""


class RefusalJudge:
    """Refusal / partial / answer for §9.4, with the cue patterns that fired as evidence."""

    method = "refusal"
    kind: JudgeKind = "refusal"

    def __init__(self, options: RefusalJudgeOptions) -> None:
        from beian.detect.refusal import RefusalDetector, RefusalOptions

        self.detector = RefusalDetector(RefusalOptions(use_model=options.use_model))

    def judge_batch(self, items: Sequence[JudgeItem]) -> list[Judgement]:
        out = []
        for item in items:
            result = self.detector.classify(item.answer, item.question)
            out.append(Judgement(verdict=result.outcome, evidence=result.to_dict()))
        return out


@registry.register("judge", "refusal", version="1", options=RefusalJudgeOptions)
def refusal_judge(options: RefusalJudgeOptions) -> RefusalJudge:
    """Refusal detection of answers (§9.4): refusal, partial refusal or answer."""
    return RefusalJudge(options)
