"""``beian eval``: evaluate a model against the banks (§9.3, §9.4), review, calibrate judges.

- ``eval run``: sample the banks, ask the target (answers of the same target identity reused
  from the store), judge, write DIR/results.json, DIR/answers.jsonl and DIR/run.json;
- ``eval list``: the workspace's (or store's) eval runs with their status and model;
- ``eval review export`` / ``eval review import``: the manual sampling sheet (§9.3 b);
- ``eval calibrate``: compare a judge with human labels (precision, recall, F1).

Exit status of ``eval run``: 0 every measured clause passes, 1 a clause fails or the run
failed (too many requests failed), 2 a user error, 130 interrupted (Ctrl-C; resumable).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from beian.cli._common import console, print_json
from beian.cli.eval_common import (
    OutOpt,
    StoreOpt,
    WorkspaceOpt,
    existing_store,
    open_store_for,
    open_workspace,
)
from beian.cli.eval_review import review_app
from beian.cli.eval_show import (
    EPILOGS,
    clauses_pass,
    describe_answers,
    describe_target,
    print_failed,
    print_interrupted,
    print_summary,
    resume_hint,
    say,
)
from beian.errors import UserError

app = typer.Typer(
    help="Model evaluation: §9.3 qualified rates, §9.4 refusal rates.", no_args_is_help=True
)
app.add_typer(review_app, name="review")


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _llm_options(model: str | None, base_url: str | None, key_env: str | None) -> dict[str, Any]:
    options: dict[str, Any] = {"model": model or "", "base_url": base_url}
    if key_env is not None:
        options["api_key_env"] = key_env
    return options


@app.command("run", epilog=EPILOGS["run"])
def run(
    target: Annotated[
        str | None,
        typer.Option(
            "--target",
            "-t",
            help="openai:MODEL, replay:PATH or python:module:function (default: the workspace's).",
        ),
    ] = None,
    workspace: WorkspaceOpt = None,
    out: OutOpt = None,
    banks: Annotated[
        Path | None,
        typer.Option(
            "--banks", help="Question bank file or folder (default: the workspace's banks/)."
        ),
    ] = None,
    store: StoreOpt = None,
    seed: Annotated[
        int, typer.Option(help="Sampling seed (same seed and banks → same sample).")
    ] = 0,
    judges: Annotated[
        str,
        typer.Option("--judges", "-j", help="Comma-separated: keyword, classifier, refusal, llm."),
    ] = "keyword,classifier,refusal",
    keyword_library: Annotated[
        Path | None,
        typer.Option(
            "--keyword-library",
            help="Keyword library of the keyword judge (default: the workspace's keywords/, else the starter).",
        ),
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint of the target.")
    ] = None,
    api_key_env: Annotated[
        str | None, typer.Option("--api-key-env", help="Env var holding the target's API key.")
    ] = None,
    system_prompt: Annotated[
        str | None, typer.Option("--system-prompt", help="System prompt sent with every question.")
    ] = None,
    model_version: Annotated[
        str | None,
        typer.Option(
            "--model-version",
            help="Your name for this build of the model; answers of another version are never reused.",
        ),
    ] = None,
    temperature: Annotated[
        float | None, typer.Option("--temperature", help="Sampling temperature of the target.")
    ] = None,
    top_p: Annotated[float | None, typer.Option("--top-p", help="top_p of the target.")] = None,
    gen_seed: Annotated[
        int | None, typer.Option("--gen-seed", help="Generation seed sent to the target.")
    ] = None,
    max_tokens: Annotated[
        int | None, typer.Option("--max-tokens", help="Answer length limit.")
    ] = None,
    timeout: Annotated[
        float | None, typer.Option("--timeout", help="Seconds per request attempt.")
    ] = None,
    concurrency: Annotated[int, typer.Option("--concurrency", help="Requests in flight.")] = 4,
    retries: Annotated[int, typer.Option("--retries", help="Retries on 429/5xx/timeouts.")] = 4,
    backoff: Annotated[
        float, typer.Option("--backoff", help="First backoff in seconds (doubles).")
    ] = 1.0,
    max_failed: Annotated[
        float | None,
        typer.Option(
            "--max-failed",
            help="Share of requests that may fail before the run is failed (default 0.02).",
        ),
    ] = None,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Ask every question again; reuse no stored answer.")
    ] = False,
    resume: Annotated[
        str | None,
        typer.Option("--resume", help="Continue an interrupted run (its stored settings apply)."),
    ] = None,
    sample_test: Annotated[
        int | None,
        typer.Option("--sample-test", help="Test-bank sample (default: the profile's minimum)."),
    ] = None,
    sample_refuse: Annotated[
        int | None, typer.Option("--sample-refuse", help="Should-refuse sample.")
    ] = None,
    sample_answer: Annotated[
        int | None, typer.Option("--sample-answer", help="Non-refusal sample.")
    ] = None,
    llm_model: Annotated[
        str | None, typer.Option("--llm-model", help="Model of the LLM judge (adds the llm judge).")
    ] = None,
    llm_base_url: Annotated[
        str | None, typer.Option("--llm-base-url", help="Endpoint of the LLM judge.")
    ] = None,
    llm_api_key_env: Annotated[
        str | None, typer.Option("--llm-api-key-env", help="Env var with the judge's key.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print results.json to stdout.")] = False,
) -> None:
    """Ask the target the sampled questions, judge the answers, write DIR/results.json."""
    from beian.evaluate.outcomes import EvalFailed, EvalInterrupted

    ws = open_workspace(workspace)
    progress = say
    try:
        if resume is not None:
            outcome = _resume(open_store_for(store, ws, out), resume, ws, progress)
        else:
            opts = {"base_url": base_url, "api_key_env": api_key_env,
                    "system_prompt": system_prompt,
                    "temperature": temperature, "top_p": top_p, "seed": gen_seed,
                    "max_tokens": max_tokens, "timeout": timeout}  # fmt: skip
            overrides: dict[str, Any] = {
                "seed": seed, "fresh": fresh,
                "sizes": {b: n for b, n in (("test", sample_test), ("refuse", sample_refuse),
                                            ("answer", sample_answer)) if n is not None},
                "runner": {"concurrency": concurrency, "retries": retries, "backoff": backoff},
            }  # fmt: skip
            for key, value in (("max_failed", max_failed), ("model_version", model_version)):
                if value is not None:
                    overrides[key] = value
            config = _config(target, ws, overrides, opts, judges, keyword_library,
                             (llm_model, llm_base_url, llm_api_key_env))  # fmt: skip
            outcome = _start(config, ws, store, banks, out, progress)
    except EvalFailed as exc:
        print_failed(exc)
        raise typer.Exit(1) from None
    except EvalInterrupted as exc:
        print_interrupted(exc, resume_hint(exc.run_id, ws, store, out))
        raise typer.Exit(130) from None
    except KeyboardInterrupt:
        say("interrupted before the run started; nothing was asked")
        raise typer.Exit(130) from None
    if as_json:
        print_json(outcome.results.to_json())
    else:
        print_summary(outcome.results, outcome.path, notes=False)
    raise typer.Exit(0 if clauses_pass(outcome.results) else 1)


def _config(
    target: str | None,
    ws: Any,
    overrides: dict[str, Any],
    opts: dict[str, Any],
    judges: str,
    keyword_library: Path | None,
    llm: tuple[str | None, str | None, str | None],
) -> Any:
    from beian.evaluate.run import EvalConfig
    from beian.evaluate.workspace_eval import setup_judges, workspace_config

    if target is not None and target.split(":", 1)[0].lower() in {"http", "https"}:
        # F45: a URL is where the model is, not which target plugin talks to it
        raise UserError(
            f"--target {target}: give the plugin and model, e.g. "
            f"--target openai:MODEL --base-url {target}"
        )
    names = _split(judges)
    if llm[0] and "llm" not in names:
        names.append("llm")
    if not names:
        raise UserError("--judges names no judge")
    overrides = {**overrides, "judges": tuple(names)}
    judge_options: dict[str, dict[str, Any]] = {}
    if keyword_library is not None:
        judge_options["keyword"] = {"library": str(keyword_library)}
    if "llm" in names:
        if not llm[0]:
            raise UserError("the llm judge needs --llm-model (and usually --llm-base-url)")
        judge_options["llm"] = _llm_options(*llm)
    if ws is not None and target is None:
        config = workspace_config(ws, **overrides)
    elif target is not None:
        config = EvalConfig(target=target, **{**setup_judges(ws), **overrides})
    else:
        raise UserError("give --target (or --workspace with a [target] in beian.toml)")
    extra = {k: v for k, v in opts.items() if v is not None}
    return config.model_copy(update={
        "target_options": {**config.target_options, **extra},
        "judge_options": {**config.judge_options, **judge_options},
    })  # fmt: skip


def _start(
    config: Any, ws: Any, store: str | None, banks: Path | None, out: Path | None, progress: Any
) -> Any:
    from beian.evaluate.run import run_eval
    from beian.library.io import read_questions
    from beian.standard import load_profile

    if banks is None and ws is None:
        raise UserError("give --banks (or --workspace whose banks/ folder holds the banks)")
    if out is None and ws is None:
        raise UserError("give --out DIR (or --workspace: results then go under runs/)")
    profile = ws.profile() if ws is not None else load_profile()
    bank_path = banks if banks is not None else ws.path("banks")
    loaded = read_questions(bank_path, profile=profile)
    return run_eval(
        config, loaded.items, profile, open_store_for(store, ws, out), out,
        runs_dir=ws.path("runs") if ws is not None else None,
        base_dir=ws.root if ws is not None else Path.cwd(),
        workspace=str(ws.root) if ws is not None else "",
        sources=loaded.files, banks_path=bank_path, on_progress=progress,
    )  # fmt: skip


def _resume(st: Any, run_id: str, ws: Any, progress: Any) -> Any:
    from beian.evaluate.run import resume_eval
    from beian.evaluate.storage import load_run
    from beian.standard import load_profile

    run = load_run(st, run_id)
    profile = ws.profile() if ws is not None else load_profile(run.profile)
    return resume_eval(st, run_id, profile, on_progress=progress)


@app.command("list", epilog=EPILOGS["list"])
def list_runs(
    workspace: WorkspaceOpt = None,
    out: OutOpt = None,
    store: StoreOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the runs as JSON.")] = False,
) -> None:
    """List eval runs, newest first: id, status, target and model, answers, cause of failure."""
    from beian.evaluate.storage import list_runs as stored_runs

    ws = open_workspace(workspace)
    st = existing_store(store, ws, out)
    rows = stored_runs(st, str(ws.root) if ws is not None else None)
    if as_json:
        print_json(rows)
        return
    if not rows:
        say("no eval runs")
        return
    for r in rows:
        line = f"{r['id']}  {r['status']:<11}  {r['started_at'][:19]}  {describe_target(r)}"
        if r.get("answers"):
            line += f"  {describe_answers(r)}"
        if r.get("cause"):
            line += f"  ({r['cause']})"
        console.print(line, markup=False, highlight=False, soft_wrap=True)


@app.command("calibrate", epilog=EPILOGS["calibrate"])
def calibrate(
    input_: Annotated[
        Path, typer.Option("--input", "-i", help="JSONL of answers with human labels.")
    ],
    judge: Annotated[
        list[str] | None,
        typer.Option(
            "--judge",
            "-j",
            help="Judge(s) to calibrate (repeat or comma-separate; default: keyword, classifier, refusal).",
        ),
    ] = None,
    keyword_library: Annotated[
        Path | None, typer.Option("--keyword-library", help="Keyword library of the keyword judge.")
    ] = None,
    harm_model: Annotated[
        Path | None,
        typer.Option("--harm-model", help="Your harm model (classifier and harm judges)."),
    ] = None,
    safety_detectors: Annotated[
        str | None, typer.Option("--safety-detectors", help="Detectors of the harm judge.")
    ] = None,
    safety_harm: Annotated[
        str | None,
        typer.Option("--safety-harm", help="Harm on answers of the harm judge: answer or shared."),
    ] = None,
    llm_model: Annotated[
        str | None, typer.Option("--llm-model", help="Model of the LLM judge.")
    ] = None,
    llm_base_url: Annotated[
        str | None, typer.Option("--llm-base-url", help="Endpoint of the LLM judge.")
    ] = None,
    llm_api_key_env: Annotated[
        str | None, typer.Option("--llm-api-key-env", help="Env var with the judge's key.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", help="Also write the report to this JSON file.")
    ] = None,
) -> None:
    """Compare judges with human labels: precision, recall, F1 and confusion matrix."""
    from beian.evaluate import _builtins  # noqa: F401  (registers the judges)
    from beian.evaluate.calibrate import calibrate as run_calibration
    from beian.evaluate.calibrate import read_labelled
    from beian.registry import registry

    names = [n for item in (judge or ["keyword,classifier,refusal"]) for n in _split(item)]
    labelled = read_labelled(input_)
    options: dict[str, dict[str, Any]] = {}
    if keyword_library is not None:
        options["keyword"] = {"library": str(keyword_library)}
        options["harm"] = {"library": str(keyword_library)}
    if harm_model is not None:
        options["classifier"] = {"model": str(harm_model)}
        options.setdefault("harm", {})["harm_model"] = str(harm_model)
    if safety_detectors is not None:
        detectors = _split(safety_detectors)
        if not detectors:
            raise UserError("--safety-detectors names no detector")
        options.setdefault("harm", {})["detectors"] = detectors
    if safety_harm is not None:
        options.setdefault("harm", {})["answer_harm"] = safety_harm
    if "llm" in names:
        if not llm_model:
            raise UserError("the llm judge needs --llm-model (and usually --llm-base-url)")
        options["llm"] = _llm_options(llm_model, llm_base_url, llm_api_key_env)
    report: dict[str, Any] = {"input": str(input_), "labelled": len(labelled), "judges": {}}
    for name in names:
        built, spec = registry.create("judge", name, **options.get(name, {}))
        report["judges"][name] = {**run_calibration(built, labelled), "spec": spec.label()}
    if output is not None:
        output.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print_json(report)


def register(root: typer.Typer) -> None:
    """Attach the ``eval`` group (run, calibrate, review export/import) to the root app."""
    root.add_typer(app, name="eval")
