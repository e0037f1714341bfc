"""What ``beian eval`` prints: run summaries, failures, the resume hint, help examples.

Kept apart from the command definitions so ``cli/eval.py`` stays about options and flow.
Messages go to stderr (results.json goes to stdout with ``--json``), one fact per line.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from beian.cli._common import console, err_console

if TYPE_CHECKING:
    from beian.evaluate.result_model import EvalResult

Example = tuple[str, str]
"""(command line, purpose 中文 / English); the purpose may be empty."""

_EXAMPLES: dict[str, tuple[Example, ...]] = {
    "run": (
        (
            "beian eval run -w my-service -t openai:xinghe-7b --base-url http://127.0.0.1:8000/v1",
            "评估本地部署的模型 / evaluate a model served on your machine",
        ),
        (
            "beian eval run -w my-service --model-version 2026-11-30",
            "注明模型版本，其他版本的回答不会复用 / name the build; other builds' answers are never reused",
        ),
        (
            "beian eval run --target replay:answers.jsonl --banks banks/ --out eval-out",
            "用已录制的回答 / from recorded answers",
        ),
        ("beian eval run -w my-service --fresh", "重新提问，不复用回答 / ask again, reuse nothing"),
        (
            "beian eval run --resume 20261203-131255-xinghe-7b -w my-service",
            "Ctrl-C 后继续 / continue after Ctrl-C",
        ),
    ),
    "list": (
        ("beian eval list -w my-service", "评估运行及状态 / runs with status, model, answers"),
        ("beian eval list --out eval-out --json", ""),
    ),
    "review export": (
        (
            "beian eval review export -w my-service --sheet review.xlsx",
            "最新完成的运行 / the newest finished run",
        ),
        (
            "beian eval review export --out eval-out --sheet review.csv",
            "eval-out/ 中的运行 / the run in eval-out/",
        ),
    ),
    "review import": (
        (
            "beian eval review import -w my-service --sheet review.xlsx --reviewer 张三",
            "导入人工研判 / store the reviewers' verdicts",
        ),
        ("beian eval review import --out eval-out --sheet review.csv", ""),
    ),
    "calibrate": (
        ("beian eval calibrate --input labelled.jsonl", "判定方法的精确率与召回率 / judge P/R/F1"),
        (
            "beian eval calibrate --input labelled.jsonl --judge keyword --keyword-library my-service/keywords",
            "",
        ),
    ),
}

_RUN_NOTES = """
Answers are reused only for the same endpoint, reported model, model version, generation
parameters, system prompt and question; the summary says how many and from which run.
Exit status: 0 measured clauses pass, 1 a clause fails or the run failed, 2 user error,
130 interrupted (resumable).
"""


def _epilog(examples: tuple[Example, ...]) -> str:
    lines = ["示例 / Examples:"]
    for command, purpose in examples:
        lines.append(f"  {command}")
        if purpose:
            lines.append(f"      {purpose}")
    return "\n".join(lines) + "\n"


EPILOGS = {name: _epilog(examples) for name, examples in _EXAMPLES.items()}
EPILOGS["run"] += _RUN_NOTES


def say(text: str) -> None:
    """One plain line on stderr (no Rich markup: model names may contain brackets)."""
    err_console.print(text, markup=False, highlight=False)


def describe_target(record: dict[str, Any]) -> str:
    """``openai:M at URL model X (configured Y) version V`` from a run record."""
    t = record.get("target", {})
    parts = [str(t.get("spec", ""))]
    if t.get("endpoint"):
        parts.append(f"at {t['endpoint']}")
    if t.get("model_reported"):
        same = t.get("model_matches") is not False
        parts.append(
            f"model {t['model_reported']}"
            + ("" if same else f" (configured {t.get('model_configured')})")
        )
    if t.get("model_version"):
        parts.append(f"version {t['model_version']}")
    return " ".join(parts)


def describe_answers(record: dict[str, Any]) -> str:
    """How many answers were obtained, asked, reused (from which runs) and failed."""
    a = record.get("answers", {})
    text = (
        f"answers {a.get('answered', 0)} of {a.get('total', 0)} questions "
        f"(asked {a.get('asked', 0)})"
    )
    if a.get("reused"):
        runs = ", ".join(f"{n} from {r}" for r, n in a.get("reused_from", {}).items())
        text += f", reused {a['reused']} ({runs})"
    if a.get("failed"):
        text += f", failed {a['failed']}"
    return text


def print_judge_card(results: EvalResult, method: str, *, ran: bool = True) -> None:
    """Under an automatic judge's clause: how accurate that judge was measured to be (Chinese,
    then English), or why it was not (the judge card, :mod:`beian.evaluate.judge_card`)."""
    from beian.evaluate.judge_card import describe

    acc = results.judge_accuracy.get(method)
    if acc is None or not ran:
        return
    text = describe(acc)
    for lang in ("zh", "en"):
        console.print(f"  {text[lang]}", markup=False, highlight=False, soft_wrap=True)


def print_summary(results: EvalResult, path: Path, *, notes: bool = True) -> None:
    """Per clause PASS/FAIL with the figures (stdout), then notes and the run (stderr).
    ``notes=False`` when the sample notes were already printed as the run started."""
    for clause, c in results.clauses.items():
        state = "not run" if c.passed is None else "PASS" if c.passed else "FAIL"
        figure = ""
        if c.rate is not None:
            figure = f" {c.rate:.1%} [{c.low or 0:.1%}, {c.high or 0:.1%}] n={c.n}"
        reason = c.reason
        why = f" ({reason})" if reason and reason != "method not run" else ""  # F08: said once
        line = f"{clause} {c.method}: {state}{figure}{why}"
        console.print(line, markup=False, highlight=False)
        print_judge_card(results, c.method, ran=c.passed is not None)
    for info in results.sampling.values() if notes else ():
        if info.note:
            say(f"note: {info.note}")
    errors = results.errors.counts
    if errors:
        listed = ", ".join(f"{bank} {n}" for bank, n in errors.items())
        say(f"questions without an answer: {listed} (the target gave none)")
    if results.run is not None:
        record = results.run.model_dump(mode="json", exclude_unset=True)
        say(f"run {results.run.id or results.run_id}: {describe_target(record)}")
        say(describe_answers(record))
    say(f"results: {path}")


def resume_hint(run_id: str, ws: Any, store: str | None, out: Path | None) -> str:
    """The command that resumes ``run_id`` from the same store."""
    where = ""
    if ws is not None:
        where = f" --workspace {ws.root}"
    elif store is not None:
        where = f" --store {store}"
    elif out is not None:
        where = f" --out {out}"
    return f"beian eval run --resume {run_id}{where}"


def print_failed(exc: Any) -> None:
    """Why the run failed: the endpoint or the failure budget, and the first distinct errors."""
    from beian.evaluate.outcomes import failure_reason

    failure = exc.record.get("failure", {})
    say(
        f"error: eval run {exc.run_id} failed: {failure_reason(failure)} (--max-failed); "
        "stored as failed, 'beian assess' will not use it"
    )
    for e in failure.get("first", []):
        say(f"  {e['count']}× {e['error']}")


def print_interrupted(exc: Any, hint: str) -> None:
    """What was saved and how to resume."""
    got = exc.record.get("answers", {})
    say(
        f"interrupted: eval run {exc.run_id} stopped with {got.get('answered', 0)}/"
        f"{got.get('total', '?')} answers saved (status interrupted)"
    )
    say(f"resume with: {hint}")


def clauses_pass(results: EvalResult) -> bool:
    """No clause measured and failed (clauses not run do not fail the command)."""
    return results.all_pass()
