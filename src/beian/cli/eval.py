"""``beian eval``: evaluate a model against the banks (§9.3, §9.4), review, calibrate judges.

- ``eval run``: sample the banks, ask the target (answers cached in the store), judge, write
  DIR/results.json and DIR/answers.jsonl;
- ``eval review export`` / ``eval review import``: the manual sampling sheet (§9.3 b);
- ``eval calibrate``: compare a judge with human labels (precision, recall, F1).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from beian.cli._common import console, err_console, print_json
from beian.errors import InputError, UserError

app = typer.Typer(
    help="Model evaluation: §9.3 qualified rates, §9.4 refusal rates.", no_args_is_help=True
)
review_app = typer.Typer(
    help="Manual sampling (§9.3 b): export a review sheet, import verdicts.", no_args_is_help=True
)
app.add_typer(review_app, name="review")

WorkspaceOpt = Annotated[
    Path | None, typer.Option("--workspace", "-w", help="Workspace folder (beian.toml).")
]
StoreOpt = Annotated[
    str | None,
    typer.Option("--store", help="Store URL (default: the workspace's, else DIR/eval.db)."),
]
OutOpt = Annotated[
    Path | None, typer.Option("--out", "-o", help="Folder for results.json and answers.jsonl.")
]


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _workspace(path: Path | None) -> Any:
    if path is None:
        return None
    from beian.workspace import load_workspace

    return load_workspace(path, env=os.environ)


def _store(url: str | None, ws: Any, out: Path | None) -> Any:
    from beian.store import open_store

    if url is None and ws is not None:
        url = ws.store_url()
    if url is None:
        if out is None:
            raise UserError(
                "give --store, --workspace or --out (the store then goes to OUT/eval.db)"
            )
        out.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{(out / 'eval.db').resolve()}"
    return open_store(url)


def _llm_options(model: str | None, base_url: str | None, key_env: str | None) -> dict[str, Any]:
    options: dict[str, Any] = {"model": model or "", "base_url": base_url}
    if key_env is not None:
        options["api_key_env"] = key_env
    return options


def _print_summary(results: dict[str, Any], path: Path) -> None:
    for clause, c in results["clauses"].items():
        state = "not run" if c["pass"] is None else "PASS" if c["pass"] else "FAIL"
        figure = ""
        if c.get("rate") is not None:
            figure = f" {c['rate']:.1%} [{c['low']:.1%}, {c['high']:.1%}] n={c['n']}"
        line = f"{clause} {c['method']}: {state}{figure} ({c.get('reason', '')})"
        console.print(line, markup=False, highlight=False)
    for info in results["sampling"].values():
        if "note" in info:
            err_console.print(f"note: {info['note']}", markup=False, highlight=False)
    errors = results["errors"]["counts"]
    if errors:
        err_console.print(f"questions without an answer: {errors}", markup=False, highlight=False)
    err_console.print(f"results: {path}", markup=False, highlight=False)


@app.command("run")
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
    temperature: Annotated[
        float | None, typer.Option("--temperature", help="Sampling temperature of the target.")
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
    from beian.evaluate.run import EvalConfig, run_eval
    from beian.evaluate.workspace_eval import workspace_config
    from beian.library.io import load_questions
    from beian.standard import load_profile

    ws = _workspace(workspace)
    names = _split(judges)
    if llm_model and "llm" not in names:
        names.append("llm")
    if not names:
        raise UserError("--judges names no judge")
    opts = {"base_url": base_url, "api_key_env": api_key_env, "system_prompt": system_prompt,
            "temperature": temperature, "max_tokens": max_tokens, "timeout": timeout}  # fmt: skip
    overrides: dict[str, Any] = {
        "seed": seed,
        "judges": tuple(names),
        "sizes": {
            b: n
            for b, n in (
                ("test", sample_test),
                ("refuse", sample_refuse),
                ("answer", sample_answer),
            )
            if n is not None
        },
        "runner": {"concurrency": concurrency, "retries": retries, "backoff": backoff},
    }
    judge_options: dict[str, dict[str, Any]] = {}
    if keyword_library is not None:
        judge_options["keyword"] = {"library": str(keyword_library)}
    if "llm" in names:
        if not llm_model:
            raise UserError("the llm judge needs --llm-model (and usually --llm-base-url)")
        judge_options["llm"] = _llm_options(llm_model, llm_base_url, llm_api_key_env)
    if ws is not None and target is None:
        config = workspace_config(ws, **overrides)
    elif target is not None:
        config = EvalConfig(target=target, **overrides)
    else:
        raise UserError("give --target (or --workspace with a [target] in beian.toml)")
    extra = {k: v for k, v in opts.items() if v is not None}
    config = config.model_copy(update={
        "target_options": {**config.target_options, **extra},
        "judge_options": {**config.judge_options, **judge_options},
    })  # fmt: skip
    if banks is None and ws is None:
        raise UserError("give --banks (or --workspace whose banks/ folder holds the banks)")
    profile = ws.profile() if ws is not None else load_profile()
    questions = load_questions(banks if banks is not None else ws.path("banks"), profile=profile)
    if out is None:
        if ws is None:
            raise UserError("give --out DIR (or --workspace: results then go under runs/)")
        from datetime import UTC, datetime

        out = ws.path("runs") / f"eval-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}"
    st = _store(store, ws, out)
    outcome = run_eval(
        config, questions, profile, st, out,
        base_dir=ws.root if ws is not None else Path.cwd(),
        workspace=str(ws.root) if ws is not None else "",
        on_progress=lambda m: err_console.print(m, markup=False, highlight=False),
    )  # fmt: skip
    if as_json:
        print_json(outcome.results)
    else:
        _print_summary(outcome.results, outcome.path)


def _run_id(run_id: str | None, out: Path | None) -> str:
    if run_id:
        return run_id
    if out is not None and (out / "results.json").is_file():
        data = json.loads((out / "results.json").read_text(encoding="utf-8"))
        return str(data["run_id"])
    raise UserError("give --run ID (or --out DIR holding the run's results.json)")


@review_app.command("export")
def review_export(
    sheet: Annotated[
        Path, typer.Option("--sheet", "-s", help="Sheet to write (.csv, .xlsx or .jsonl).")
    ],
    run_id: Annotated[
        str | None, typer.Option("--run", help="Eval run id (default: from OUT/results.json).")
    ] = None,
    out: OutOpt = None,
    workspace: WorkspaceOpt = None,
    store: StoreOpt = None,
) -> None:
    """Write the test-bank answers of a run as a sheet for reviewers to fill in."""
    from beian.evaluate.review import export_sheet

    ws = _workspace(workspace)
    rid = _run_id(run_id, out)
    n = export_sheet(_store(store, ws, out), rid, sheet)
    err_console.print(f"{n} answers to review: {sheet}", markup=False, highlight=False)


@review_app.command("import")
def review_import(
    sheet: Annotated[Path, typer.Option("--sheet", "-s", help="The filled-in review sheet.")],
    run_id: Annotated[
        str | None, typer.Option("--run", help="Eval run id (default: from OUT/results.json).")
    ] = None,
    out: OutOpt = None,
    workspace: WorkspaceOpt = None,
    store: StoreOpt = None,
    reviewer: Annotated[
        str, typer.Option("--reviewer", help="Reviewer for rows that name none.")
    ] = "",
) -> None:
    """Store the reviewers' verdicts as the manual method and recompute the run's results."""
    from beian.evaluate.review import import_sheet
    from beian.evaluate.run import rebuild_results
    from beian.standard import load_profile

    if not sheet.is_file():
        raise InputError(f"review sheet not found: {sheet}")
    ws = _workspace(workspace)
    rid = _run_id(run_id, out)
    st = _store(store, ws, out)
    counts = import_sheet(st, rid, sheet, reviewer=reviewer)
    profile = ws.profile() if ws is not None else load_profile()
    outcome = rebuild_results(st, rid, profile, out)
    err_console.print(
        f"rows {counts.rows}: reviewed {counts.reviewed}, blank {counts.blank}",
        markup=False, highlight=False,
    )  # fmt: skip
    _print_summary(outcome.results, outcome.path)


@app.command("calibrate")
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
