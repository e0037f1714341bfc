"""One model evaluation, in stages: sample → ask (cached) → judge → store → results.json.

Each stage is a small function; :func:`run_eval` only strings them together. A run is recorded
in the store (kind ``eval``) with its resolved configuration, the sampling and every component
spec, so the numbers can be traced and rebuilt (:func:`rebuild_results`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from beian.evaluate.cache import AnswerCache
from beian.evaluate.judges import Judge, JudgeItem, Judgement
from beian.evaluate.results import EvalItem, build_results
from beian.evaluate.runner import Answer, RunnerOptions, answer_all
from beian.evaluate.sampling import BankSample, sample_bank
from beian.evaluate.storage import EVAL_KIND, item_keys, load_items, load_run, write_items
from beian.evaluate.target import Target, create_target, request_for
from beian.library.records import Bank, Question
from beian.records import ComponentSpec
from beian.registry import registry
from beian.standard import Profile
from beian.store import Store

BANKS: tuple[Bank, ...] = ("test", "refuse", "answer")
DEFAULT_JUDGES = ("keyword", "classifier", "refusal")
"""Judges that need no configuration; ``llm`` joins when a judge model is given."""
PROGRESS_EVERY = 100


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
    runner: RunnerOptions = Field(default_factory=RunnerOptions)


@dataclass(frozen=True, slots=True)
class EvalOutcome:
    """A finished run: its id, results.json content and where it was written."""

    run_id: str
    results: dict[str, Any]
    path: Path


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
    if q.history:
        data["history"] = [m.model_dump() for m in q.history]
    return data


def write_outputs(out_dir: Path, results: Mapping[str, Any], items: Sequence[EvalItem]) -> Path:
    """results.json and answers.jsonl (each answer with every verdict and its evidence)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "results.json"
    text = json.dumps(results, ensure_ascii=False, indent=2) + "\n"
    path.write_text(text, encoding="utf-8")
    with (out_dir / "answers.jsonl").open("w", encoding="utf-8") as fh:
        for it in items:
            row = {
                "key": it.key, "id": it.question_id, "bank": it.bank, "risk": it.risk,
                "topic": it.topic, "question": it.question, "answer": it.answer,
                "error": it.error,
                "verdicts": {m: {"verdict": j.verdict, **j.evidence} for m, j in it.verdicts.items()},
            }  # fmt: skip
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


@dataclass(frozen=True, slots=True)
class _Plan:
    """What a started run will do: the target, the judges and the samples."""

    run_id: str
    target: Target
    target_spec: ComponentSpec
    judges: list[Judge]
    methods: list[str]
    samples: dict[Bank, BankSample]
    sampling: dict[str, dict[str, Any]]


def run_eval(
    config: EvalConfig,
    questions: Sequence[Question],
    profile: Profile,
    store: Store,
    out_dir: Path,
    *,
    base_dir: Path | None = None,
    workspace: str = "",
    on_progress: Callable[[str], None] = lambda _m: None,
) -> EvalOutcome:
    """Run one evaluation end to end and record it; see the module docstring for the stages."""
    target, target_spec = create_target(config.target, config.target_options, base_dir=base_dir)
    judges = build_judges(config)
    samples = draw_samples(questions, profile, config)
    for s in samples.values():
        if s.short:
            on_progress(str(s.describe()["note"]))
    sampling: dict[str, dict[str, Any]] = {b: s.describe() for b, s in samples.items()}
    methods = [j.method for j, _ in judges]
    run_id = store.start_run(
        EVAL_KIND,
        profile=profile.profile,
        profile_version=profile.version,
        workspace=workspace,
        config={"eval": config.model_dump(mode="json"), "sampling": sampling, "methods": methods,
                "target": config.target, "out": str(out_dir)},
        specs=[target_spec.model_dump(mode="json"), *(s.model_dump(mode="json") for _, s in judges)],
    )  # fmt: skip
    plan = _Plan(run_id, target, target_spec, [j for j, _ in judges], methods, samples, sampling)
    try:
        return _execute(plan, config, profile, store, out_dir, on_progress)
    except BaseException:
        # Ctrl-C or a bug: the run must not look finished; answers already cached stay cached.
        store.finish_run(run_id, {"error": "interrupted or failed"}, status="failed")
        raise


def _execute(
    plan: _Plan,
    config: EvalConfig,
    profile: Profile,
    store: Store,
    out_dir: Path,
    on_progress: Callable[[str], None],
) -> EvalOutcome:
    asked = [q for s in plan.samples.values() for q in s.questions]
    done = [0]

    def tick(_a: Answer) -> None:
        done[0] += 1
        if done[0] % PROGRESS_EVERY == 0 or done[0] == len(asked):
            on_progress(f"answers {done[0]}/{len(asked)}")

    answers = answer_all(
        plan.target, plan.target_spec, [request_for(q) for q in asked],
        cache=AnswerCache(store), options=config.runner, on_answer=tick,
    )  # fmt: skip
    on_progress("judging")
    pairs = list(zip(asked, answers, strict=True))
    keys = item_keys([(q.bank, q.id) for q in asked])
    items = judge_items(
        [_item(q, a, k) for (q, a), k in zip(pairs, keys, strict=True)], plan.judges
    )
    write_items(store, plan.run_id, items, [_extra(q, a) for q, a in pairs])
    results = build_results(
        profile, target=config.target, run_id=plan.run_id, sampling=plan.sampling, items=items,
        methods=plan.methods,
    )  # fmt: skip
    path = write_outputs(out_dir, results, items)
    store.finish_run(plan.run_id, {**results, "path": str(path)})
    return EvalOutcome(plan.run_id, results, path)


def rebuild_results(
    store: Store, run_id: str, profile: Profile, out_dir: Path | None = None
) -> EvalOutcome:
    """Recompute a stored run's results (e.g. after importing manual verdicts) and rewrite them."""
    run = load_run(store, run_id)
    items = load_items(store, run_id)
    cfg = run.config or {}
    results = build_results(
        profile, target=str(cfg.get("target", "")), run_id=run_id,
        sampling=cfg.get("sampling", {}), items=items, methods=list(cfg.get("methods", [])),
    )  # fmt: skip
    where = out_dir or Path(str(cfg.get("out", "")))
    path = write_outputs(where, results, items)
    store.finish_run(run_id, {**results, "path": str(path)}, status=run.status)
    return EvalOutcome(run_id, results, path)
