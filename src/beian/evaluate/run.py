"""One model evaluation, in stages: sample → ask (cached) → judge → store → results.json.

Each stage is a small function; :func:`run_eval` only strings them together. A run is recorded
in the store (kind ``eval``) under a readable id (:mod:`beian.evaluate.runid`) with its
resolved configuration, the sampling, every component spec and the run record
(:mod:`beian.evaluate.record`), so the numbers can be traced and rebuilt
(:func:`rebuild_results`).

A run ends in one of three states: ``done`` (results.json written), ``failed`` (more requests
failed than ``max_failed`` allows: :class:`EvalFailed`, no results, so it can never stand in
for a good run) or ``interrupted`` (Ctrl-C: :class:`EvalInterrupted`; the answers received are
in the cache and :func:`resume_eval` continues the same run).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from beian.errors import ConfigError, InputError
from beian.evaluate import record as rec
from beian.evaluate.cache import AnswerCache
from beian.evaluate.judge_card import run_judge_accuracy, with_manual
from beian.evaluate.judges import Judge, JudgeItem, Judgement
from beian.evaluate.outcomes import (
    EvalFailed,
    EvalInterrupted,
    EvalOutcome,
    allowed_failures,
)
from beian.evaluate.outputs import write_json, write_outputs
from beian.evaluate.result_model import EvalResult, RunRecord
from beian.evaluate.results import EvalItem, build_results
from beian.evaluate.runid import start_readable_run
from beian.evaluate.runner import Answer, AnswerSet, Reuse, RunnerOptions, answer_all
from beian.evaluate.sampling import BankSample, sample_bank
from beian.evaluate.storage import (
    EVAL_KIND,
    clear_items,
    item_keys,
    load_items,
    load_run,
    reopen_run,
    update_config,
    write_items,
)
from beian.evaluate.target import Target, create_target, request_for, target_identity
from beian.library.io import load_questions
from beian.library.records import Bank, Question
from beian.records import ComponentSpec
from beian.registry import registry
from beian.standard import Profile
from beian.store import Store

BANKS: tuple[Bank, ...] = ("test", "refuse", "answer")
DEFAULT_JUDGES = ("keyword", "classifier", "refusal")
"""Judges that need no configuration; ``llm`` joins when a judge model is given."""
PROGRESS_EVERY = 100
DEFAULT_MAX_FAILED = 0.02
"""Share of requests a run may lose and still count: a few transient failures are excluded
from the rates and listed; more means the endpoint or its configuration is broken."""


class EvalConfig(BaseModel):
    """Everything that decides what a run asks and how it judges (stored with the run)."""

    model_config = ConfigDict(extra="forbid")

    target: str
    """Target spec string, e.g. ``openai:qwen-max`` or ``replay:answers.jsonl``."""
    target_options: dict[str, Any] = {}
    seed: int = 0
    sizes: dict[Bank, int] = {}
    """Sample size per bank when not the profile's minimum (a smaller one cannot pass)."""
    judges: tuple[str, ...] = DEFAULT_JUDGES
    judge_options: dict[str, dict[str, Any]] = {}
    detection_setup: str = ""
    """Digest of the workspace detection setup the judges were built from (recorded)."""
    runner: RunnerOptions = Field(default_factory=RunnerOptions)
    fresh: bool = False
    """Ask every question again instead of reusing answers of the same target identity."""
    max_failed: float = Field(default=DEFAULT_MAX_FAILED, ge=0.0, le=1.0)
    """Share of requests that may fail before the run is ``failed``."""
    model_version: str | None = None
    """What the provider calls this build of the model (e.g. ``2026-11-30``, a checkpoint
    hash). Never sent to the model; part of the target's identity, so answers of another
    version are never reused, and recorded with the run for the report."""


def build_judges(config: EvalConfig) -> list[tuple[Judge, ComponentSpec]]:
    """Instantiate the configured judges through the registry."""
    built = []
    for name in config.judges:
        judge, spec = registry.create("judge", name, **config.judge_options.get(name, {}))
        built.append((judge, spec))
    return built


def draw_samples(
    questions: Sequence[Question], profile: Profile, config: EvalConfig
) -> dict[Bank, BankSample]:
    """The sample of each bank."""
    return {
        b: sample_bank(questions, b, profile, seed=config.seed, size=config.sizes.get(b))
        for b in BANKS
    }


def judge_items(items: list[EvalItem], judges: Sequence[Judge]) -> list[EvalItem]:
    """Items with every applicable judge's verdict added (safety on test, refusal on 9.4)."""
    verdicts: list[dict[str, Judgement]] = [dict(it.verdicts) for it in items]
    for judge in judges:
        banks = {"test"} if judge.kind == "safety" else {"refuse", "answer"}
        idx = [i for i, it in enumerate(items) if it.bank in banks and it.answer is not None]
        batch = [JudgeItem(items[i].question, items[i].answer or "") for i in idx]
        for i, j in zip(idx, judge.judge_batch(batch) if batch else [], strict=True):
            verdicts[i][judge.method] = j
    return [
        EvalItem(
            key=it.key,
            question_id=it.question_id,
            bank=it.bank,
            question=it.question,
            answer=it.answer,
            risk=it.risk,
            topic=it.topic,
            error=it.error,
            verdicts=v,
        )  # fmt: skip
        for it, v in zip(items, verdicts, strict=True)
    ]


def _item(q: Question, a: Answer, key: str) -> EvalItem:
    return EvalItem(
        key=key, question_id=q.id, bank=q.bank, question=q.text,
        answer=a.text, risk=q.risk, topic=q.topic, error=a.error,
    )  # fmt: skip


def _extra(q: Question, a: Answer) -> dict[str, Any]:
    data: dict[str, Any] = {"cache_key": a.key, "cached": a.cached, "attempts": a.attempts}
    if a.from_run:
        data["reused_from"] = a.from_run
    if a.reported_model:
        data["reported_model"] = a.reported_model
    if q.history:
        data["history"] = [m.model_dump() for m in q.history]
    return data


@dataclass(frozen=True, slots=True)
class _Plan:
    """What a started run will do: the target, the judges, the samples, where it writes."""

    run_id: str
    target: Target
    target_spec: ComponentSpec
    judges: list[Judge]
    methods: list[str]
    samples: dict[Bank, BankSample]
    sampling: dict[str, dict[str, Any]]
    out: Path
    record: dict[str, Any]
    reuse: Reuse


def _identity(config: EvalConfig, target: Target, spec: ComponentSpec) -> dict[str, Any]:
    return {**target_identity(target, spec), "model_version": config.model_version}


def start_eval_run(store: Store, spec: str, **fields: Any) -> str:
    """Insert the run under the first free readable id (two runs may start in one second)."""
    return start_readable_run(store, EVAL_KIND, spec, rec.now_local(), **fields)


def run_eval(
    config: EvalConfig,
    questions: Sequence[Question],
    profile: Profile,
    store: Store,
    out_dir: Path | None = None,
    *,
    runs_dir: Path | None = None,
    base_dir: Path | None = None,
    workspace: str = "",
    sources: Sequence[Path] = (),
    banks_path: Path | None = None,
    on_progress: Callable[[str], None] = lambda _m: None,
) -> EvalOutcome:
    """Run one evaluation end to end and record it; output goes to ``out_dir``, else to
    ``runs_dir/<run id>``. Raises :class:`EvalFailed` or :class:`EvalInterrupted`."""
    if out_dir is None and runs_dir is None:
        raise ConfigError("run_eval needs out_dir or runs_dir")
    target, target_spec = create_target(config.target, config.target_options, base_dir=base_dir)
    judges = build_judges(config)
    samples = draw_samples(questions, profile, config)
    for s in samples.values():
        if s.short:
            on_progress(str(s.describe()["note"]))
    sampling: dict[str, dict[str, Any]] = {b: s.describe() for b, s in samples.items()}
    methods = [j.method for j, _ in judges]
    record: dict[str, Any] = {
        "status": "running", "started_at": rec.now_iso(), "finished_at": None,
        "workspace": workspace, "tool_version": rec.tool_version(),
        "target": rec.target_record(config.target, _identity(config, target, target_spec)),
        "banks": {"path": str(banks_path.resolve()) if banks_path else None,
                  "files": rec.bank_files(sources), "contents": rec.bank_contents(questions)},
    }  # fmt: skip
    run_id = start_eval_run(
        store, config.target, profile=profile.profile, profile_version=profile.version,
        workspace=workspace,
        config={"eval": config.model_dump(mode="json"), "sampling": sampling, "methods": methods,
                "target": config.target, "base_dir": str(base_dir) if base_dir else None,
                "run": record},
        specs=[target_spec.model_dump(mode="json"), *(s.model_dump(mode="json") for _, s in judges)],
    )  # fmt: skip
    out = out_dir if out_dir is not None else (runs_dir or Path()) / run_id
    record.update(id=run_id, out=str(out))
    update_config(store, run_id, {"out": str(out), "run": record})
    plan = _Plan(
        run_id, target, target_spec, [j for j, _ in judges], methods, samples, sampling, out,
        record, Reuse(allow=not config.fresh),
    )  # fmt: skip
    return _guarded(plan, config, profile, store, on_progress)


def resume_eval(
    store: Store,
    run_id: str,
    profile: Profile,
    *,
    on_progress: Callable[[str], None] = lambda _m: None,
) -> EvalOutcome:
    """Continue an interrupted (or failed) run under the same id with its stored settings:
    only the questions it has no answer for are asked."""
    run = load_run(store, run_id)
    if run.status == "done":
        raise InputError(f"eval run {run_id} is already finished; start a new run instead")
    cfg = run.config or {}
    config = EvalConfig.model_validate(cfg["eval"])
    record = dict(cfg.get("run", {}))
    banks = record.get("banks", {})
    if not banks.get("path"):
        raise InputError(f"eval run {run_id} does not record where its banks are; start anew")
    questions = load_questions(Path(banks["path"]), profile=profile)
    if rec.bank_contents(questions) != banks.get("contents"):
        raise InputError(
            f"the question banks in {banks['path']} changed since run {run_id} started; "
            "start a new run"
        )
    base = cfg.get("base_dir")
    target, target_spec = create_target(
        config.target, config.target_options, base_dir=Path(base) if base else None
    )
    judges = build_judges(config)
    samples = draw_samples(questions, profile, config)
    reopen_run(store, run_id)
    clear_items(store, run_id)
    record.update(status="running", resumed_at=[*record.get("resumed_at", []), rec.now_iso()])
    # A --fresh run resumed reuses only its own answers; otherwise any of the same identity.
    reuse = Reuse(only_run=run_id) if config.fresh else Reuse()
    plan = _Plan(
        run_id, target, target_spec, [j for j, _ in judges], list(cfg.get("methods", [])),
        samples, dict(cfg.get("sampling", {})), Path(str(cfg.get("out", ""))), record, reuse,
    )  # fmt: skip
    return _guarded(plan, config, profile, store, on_progress)


def _end(store: Store, plan: _Plan, status: str, summary: Mapping[str, Any]) -> None:
    # A finished run already wrote its finishing time into results.json: keep that one, so the
    # file, run.json and the store say the same second.
    plan.record.update(status=status, finished_at=plan.record.get("finished_at") or rec.now_iso())
    write_json(plan.out / "run.json", plan.record)
    store.finish_run(plan.run_id, {**summary, "run": plan.record}, status=status)


def _guarded(
    plan: _Plan,
    config: EvalConfig,
    profile: Profile,
    store: Store,
    on_progress: Callable[[str], None],
) -> EvalOutcome:
    try:
        return _execute(plan, config, profile, store, on_progress)
    except (EvalFailed, EvalInterrupted):
        raise
    except KeyboardInterrupt:
        # Ctrl-C outside the asking stage (judging, writing): the answers are cached.
        _end(store, plan, "interrupted", {"error": "interrupted"})
        raise EvalInterrupted(plan.run_id, plan.record) from None
    except BaseException as exc:
        # A bug or a broken judge: the run must not look finished.
        _end(store, plan, "failed", {"error": f"{type(exc).__name__}: {exc}"})
        raise


def _progress(total: int, on_progress: Callable[[str], None]) -> Callable[[Answer], None]:
    seen = {"done": 0, "reused": 0, "failed": 0}

    def tick(a: Answer) -> None:
        seen["done"] += 1
        seen["reused"] += a.cached
        seen["failed"] += a.failed
        if seen["done"] % PROGRESS_EVERY == 0 or seen["done"] == total:
            on_progress(
                f"answers {seen['done']}/{total} (reused {seen['reused']}, failed {seen['failed']})"
            )

    return tick


def _announce(
    answers: AnswerSet, target: Mapping[str, Any], on_progress: Callable[[str], None]
) -> None:
    reused = answers.reused
    if reused:
        runs = ", ".join(sorted({a.from_run or "?" for a in reused}))
        on_progress(
            f"{len(reused)}/{len(answers.answers)} answers reused from run {runs} (same endpoint, "
            "model, version, parameters and question); --fresh asks again"
        )
    for c in answers.changed:
        on_progress(
            f"warning: question {c.question_id} was just answered differently than in run "
            f"{c.earlier_run} by the same model name, endpoint and parameters; if the model was "
            "updated, set --model-version or use --fresh"
        )
    if target.get("model_matches") is False:
        on_progress(
            f"note: the server reports model {', '.join(target['models_reported'])} "
            f"(configured {target['model_configured']})"
        )


def _execute(
    plan: _Plan,
    config: EvalConfig,
    profile: Profile,
    store: Store,
    on_progress: Callable[[str], None],
) -> EvalOutcome:
    asked = [q for s in plan.samples.values() for q in s.questions]
    allowed = allowed_failures(config.max_failed, len(asked))
    where = plan.record["target"].get("endpoint")
    on_progress(f"run {plan.run_id}: {config.target}" + (f" at {where}" if where else ""))
    answers = answer_all(
        plan.target, plan.target_spec, [request_for(q) for q in asked],
        cache=AnswerCache(store), options=config.runner, reuse=plan.reuse,
        max_failures=allowed, run_id=plan.run_id, on_answer=_progress(len(asked), on_progress),
        model_version=config.model_version,
        probe_first=[i for i, q in enumerate(asked) if q.bank == "answer"],
    )  # fmt: skip
    plan.record.update(
        target=rec.with_reported(plan.record["target"], answers),
        answers=rec.answer_counts(answers, fresh=config.fresh),
        failure=rec.failure_record(answers, config.max_failed, allowed),
    )
    _announce(answers, plan.record["target"], on_progress)
    if answers.stopped == "interrupted":
        plan.record["resume"] = f"beian eval run --resume {plan.run_id}"
        _end(store, plan, "interrupted", {})
        raise EvalInterrupted(plan.run_id, plan.record)
    if answers.stopped == "failures" or len(answers.failed) > allowed:
        _end(store, plan, "failed", {})
        raise EvalFailed(plan.run_id, plan.record)
    on_progress("judging")
    got = [a for a in answers.answers if a is not None]
    pairs = list(zip(asked, got, strict=True))
    keys = item_keys([(q.bank, q.id) for q in asked])
    items = judge_items(
        [_item(q, a, k) for (q, a), k in zip(pairs, keys, strict=True)], plan.judges
    )
    write_items(store, plan.run_id, items, [_extra(q, a) for q, a in pairs])
    results = build_results(
        profile, target=config.target, run_id=plan.run_id, sampling=plan.sampling, items=items,
        methods=plan.methods,
    )  # fmt: skip
    plan.record.update(status="done", finished_at=rec.now_iso())
    results.run = RunRecord.model_validate(plan.record)
    results.detection_setup = config.detection_setup
    results.judge_accuracy = run_judge_accuracy(config.judges, config.judge_options, items)
    path = write_outputs(plan.out, results, items)
    _end(store, plan, "done", {**results.to_json(), "path": str(path)})
    return EvalOutcome(plan.run_id, results, path)


def rebuild_results(
    store: Store, run_id: str, profile: Profile, out_dir: Path | None = None
) -> EvalOutcome:
    """Recompute a stored run's results (e.g. after importing manual verdicts) and rewrite them."""
    run = load_run(store, run_id)
    if run.status != "done":
        raise InputError(f"eval run {run_id} is {run.status}, not finished: it has no results")
    items = load_items(store, run_id)
    cfg = run.config or {}
    results = build_results(
        profile, target=str(cfg.get("target", "")), run_id=run_id,
        sampling=cfg.get("sampling", {}), items=items, methods=list(cfg.get("methods", [])),
    )  # fmt: skip
    record = (run.summary or {}).get("run") or cfg.get("run")
    if record:
        results.run = RunRecord.model_validate(record)
    results.detection_setup = (cfg.get("eval") or {}).get("detection_setup", "")
    recorded = EvalResult.load(run.summary).judge_accuracy if run.summary else {}
    if recorded:  # what judged the run is fixed; people's verdicts may be new
        results.judge_accuracy = with_manual(recorded, items)
    where = out_dir or Path(str(cfg.get("out", "")))
    path = write_outputs(where, results, items)
    store.finish_run(run_id, {**results.to_json(), "path": str(path)}, status=run.status)
    return EvalOutcome(run_id, results, path)
