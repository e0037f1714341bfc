"""The typed results of an eval run: ``results.json`` and the store's ``runs.summary``.

:func:`beian.evaluate.results.build_results` makes an :class:`EvalResult`; the run writes its
JSON form (:meth:`EvalResult.to_json`) to ``results.json`` and the store, and ``beian assess``
and the CLI read it back with :meth:`EvalResult.load`. The JSON form keeps the documented
contract (``design/evaluate.md``): keys appear exactly when they were set, so a result read from
an earlier version's file and written again is the same JSON, and keys this version does not
know are kept (``extra="allow"``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from beian.evaluate.judge_card import JudgeAccuracy
from beian.evaluate.metrics import Rate


class Part(BaseModel):
    """A part of a stored result: lenient about keys it does not know (see module doc)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


def _pass_field() -> Any:
    # "pass" is a Python keyword: the field is ``passed`` in code and ``pass`` in JSON.
    return Field(
        default=None, validation_alias=AliasChoices("pass", "passed"), serialization_alias="pass"
    )


class RateFigures(Part):
    """``hits`` of ``n``, the rate (``None`` for an empty sample) and its 95 % interval."""

    n: int
    hits: int
    rate: float | None = None
    low: float = 0.0
    high: float = 1.0

    @classmethod
    def of(cls, r: Rate) -> RateFigures:
        """The JSON figures of ``r`` (rounded to 4 places, as results.json always had them)."""
        return cls(
            n=r.n,
            hits=r.hits,
            rate=None if r.rate is None else round(r.rate, 4),
            low=round(r.low, 4),
            high=round(r.high, 4),
        )


class Count(Part):
    """The raw count behind a rate (the assessing profile recomputes everything from these)."""

    n: int
    hits: int


class Interval(Part):
    low: float
    high: float
    level: float = 0.95


class ClauseResult(Part):
    """One §9.3/§9.4 clause: method, sample, rate against the profile's gate, pass and why.

    ``passed`` is ``None`` when the method was not run (then no ``n``/``rate`` either)."""

    method: str
    required_n: int
    threshold: float
    op: str
    n: int | None = None
    hits: int | None = None
    rate: float | None = None
    low: float | None = None
    high: float | None = None
    passed: bool | None = _pass_field()
    reason: str = ""


class Stratum(Part):
    """One risk (or topic) of one bank: its size and a rate per method that ran."""

    n: int
    keyword: RateFigures | None = None
    classifier: RateFigures | None = None
    llm: RateFigures | None = None
    manual: RateFigures | None = None
    refusal: RateFigures | None = None


class BankSampling(Part):
    """How one bank was sampled against the profile's minimum, and how many were answered."""

    required: int = 0
    requested: int = 0
    bank_size: int = 0
    drawn: int = 0
    strata: dict[str, int] = {}
    answered: int = 0
    note: str | None = None


class AnswerError(Part):
    id: str
    bank: str
    error: str | None = None


class Errors(Part):
    """Answers that could not be obtained: counts per bank and the first ones listed."""

    counts: dict[str, int] = {}
    first: list[AnswerError] = []


class ProfileRef(Part):
    name: str
    version: str = ""


class TargetRecord(Part):
    """What was tested (F06): the target as configured and as the server reported it."""

    spec: str | None = None
    plugin: str | None = None
    name: str | None = None
    endpoint: str | None = None
    model_configured: str | None = None
    model_reported: str | None = None
    models_reported: dict[str, int] = {}
    model_matches: bool | None = None
    model_version: str | None = None
    params: dict[str, Any] = {}
    system_prompt_sha256: str | None = None


class BankFile(Part):
    name: str
    path: str | None = None
    sha256: str = ""
    bytes: int | None = None
    modified: str | None = None


class BanksRecord(Part):
    path: str | None = None
    files: list[BankFile] = []
    contents: dict[str, dict[str, Any]] = {}


class FailureRecord(Part):
    """The failure budget of the run and its first distinct errors."""

    allowed_share: float = 0.0
    allowed: int = 0
    failed: int = 0
    endpoint_broken: bool = False
    first: list[dict[str, Any]] = []


class RunRecord(Part):
    """The run record (``beian.evaluate.record``): which model was asked what, and when."""

    id: str | None = None
    status: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    workspace: str | None = None
    out: str | None = None
    tool_version: str | None = None
    target: TargetRecord | None = None
    banks: BanksRecord | None = None
    answers: dict[str, Any] | None = None
    failure: FailureRecord | None = None

    def period(self) -> str:
        """``start – end`` of the run (just the start when it has not ended)."""
        start, end = self.started_at, self.finished_at
        return f"{start} – {end}" if start and end else str(start or "")


class EvalResult(Part):
    """The results of one eval run (``results.json``, plus ``path`` in the store's copy)."""

    profile: ProfileRef
    target: str
    run_id: str
    methods: list[str] = []
    samples: dict[str, int] = {}
    sampling: dict[str, BankSampling] = {}
    rates: dict[str, float] = {}
    counts: dict[str, Count] = {}
    ci: dict[str, Interval] = {}
    passed: dict[str, bool | None] = Field(
        default={}, validation_alias=AliasChoices("pass", "passed"), serialization_alias="pass"
    )
    clauses: dict[str, ClauseResult] = {}
    per_risk: dict[str, dict[str, Stratum]] = {}
    per_topic: dict[str, Stratum] = {}
    errors: Errors = Errors()
    unscored: dict[str, int] = {}
    run: RunRecord | None = None
    detection_setup: str | None = None
    judge_accuracy: dict[str, JudgeAccuracy] = {}
    """Per safety method: how accurate its judge was measured to be (the judge card), or why
    it was not, and its agreement with people's verdicts on this run (``judge_card``)."""
    path: str | None = None
    """Where results.json was written (the store's copy only)."""

    @classmethod
    def load(cls, data: Mapping[str, Any] | None) -> Self:
        """Validate a stored result (``results.json`` or ``runs.summary``)."""
        return cls.model_validate(dict(data or {}))

    def to_json(self) -> dict[str, Any]:
        """The JSON form: the keys that were set, ``pass`` by its name."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)

    def all_pass(self) -> bool:
        """No clause failed (a method not run, ``None``, does not fail the run)."""
        return all(v is not False for v in self.passed.values())
