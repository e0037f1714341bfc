"""``beian judge``: judge model answers (refusal, safety, optional LLM judge) in a JSONL file.

Each input line is a JSON object with ``answer`` (and usually ``question``). The output copies
every record and adds, per selected judge:

- ``refusal``: ``refused`` (bool, outcome is a full refusal), ``refusal`` (refusal / partial /
  answer), ``refusal_score`` and ``refusal_evidence`` (which pattern fired where);
- ``safety``: a DetectorSet over the answer; ``qualified`` (no risk found) and ``risks``;
- ``llm``: an OpenAI-compatible judge; ``llm_verdict``, ``llm_risks`` (and ``llm_error`` when
  unscored). With both safety and llm, ``risks`` is their union and ``qualified`` is false when
  either finds a risk; when the only risk judge is unscored, ``qualified`` is ``null``.

The judges are the eval's registered ``judge`` plugins (``refusal``, ``harm`` as ``safety``,
``llm``) and the combination rule is :mod:`beian.evaluate.answer_records`: ``beian judge`` and
``beian eval run`` judge an answer the same way.

Lines that cannot be used go to the errors file with their line number; the counts printed at
the end always add up (input = output + errors).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

from beian.cli._common import err_console, progress, workspace_option
from beian.cli._jsonl import parse_object_line
from beian.errors import InputError, UserError
from beian.records import ErrorRecord

if TYPE_CHECKING:
    from beian.evaluate.answer_records import AnswerJudges

JUDGES = ("refusal", "safety", "llm")
SAFETY_HARM = ("answer", "shared")
"""``--safety-harm``: harm on answers from the answer model fused with the shared one (round 6,
the default), or from the shared harm model alone (the rounds 4-5 judge)."""
"""As :data:`beian.evaluate.answer_records.ANSWER_JUDGES` (kept here: --help must not import it)."""
DEFAULT_SAFETY_DETECTORS = "keyword,solicit,harm"
BATCH = 64
"""Records judged together: the safety DetectorSet has a batch path; LLM calls run in parallel."""


@dataclass(slots=True)
class Counts:
    """Where the lines went, and what the judges said."""

    input: int = 0
    output: int = 0
    errors: int = 0
    refused: int = 0
    partial: int = 0
    unqualified: int = 0
    unscored: int = 0


def parse_record(raw: bytes) -> tuple[dict[str, Any] | None, str]:
    """The record, or ``(None, reason)`` for a line that cannot be judged."""
    record, reason = parse_object_line(raw)
    if record is None:
        return None, reason
    answer = record.get("answer")
    if not isinstance(answer, str):
        return (
            None,
            "missing field 'answer'" if answer is None else "field 'answer' is not a string",
        )
    question = record.get("question")
    if question is not None and not isinstance(question, str):
        return None, "field 'question' is not a string"
    return record, ""


def judge_records(
    judges: AnswerJudges, records: list[dict[str, Any]], counts: Counts
) -> list[dict[str, Any]]:
    """Output records for a batch of valid input records (the judging is ``beian.evaluate``'s)."""
    from beian.evaluate.answer_records import judge_answers
    from beian.evaluate.judges import JudgeItem

    items = [JudgeItem(r.get("question") or "", r["answer"]) for r in records]
    out = [dict(r) for r in records]
    for rec, v in zip(out, judge_answers(judges, items), strict=True):
        if v.refusal is not None:
            outcome = v.refusal.verdict
            rec["refused"] = outcome == "refusal"
            rec["refusal"] = outcome
            rec["refusal_score"] = v.refusal.evidence["score"]
            rec["refusal_evidence"] = v.refusal.evidence["evidence"]
            counts.refused += outcome == "refusal"
            counts.partial += outcome == "partial"
        if v.safety is not None:
            rec["judged"] = v.safety.evidence["judged"]
        if v.llm is not None:
            rec["llm_verdict"] = v.llm.verdict
            rec["llm_risks"] = list(v.llm.evidence.get("risks", []))
            if v.llm.evidence.get("error"):
                rec["llm_error"] = v.llm.evidence["error"]
            counts.unscored += v.llm.verdict == "unscored"
        if v.judged_safety:
            rec["qualified"] = v.qualified
            rec["risks"] = list(v.risks)
            counts.unqualified += v.qualified is False
    return out


def _lines(fh: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    for number, raw in enumerate(fh, start=1):
        yield number, raw.rstrip(b"\r\n")


def stream(judges: AnswerJudges, source: Path, out: IO[str], errors: IO[str]) -> Counts:
    """Judge every record of ``source``; results to ``out``, unusable lines to ``errors``."""
    counts = Counts()
    pending: list[dict[str, Any]] = []

    def flush() -> None:
        for rec in judge_records(judges, pending, counts):
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            counts.output += 1
        pending.clear()

    with source.open("rb") as fh, progress("judge", total=source.stat().st_size) as (bar, task):
        for number, raw in _lines(fh):
            counts.input += 1
            bar.advance(task, len(raw) + 1)
            record, reason = parse_record(raw)
            if record is None:
                clip = raw[:200].decode("utf-8", errors="replace")
                err = ErrorRecord(file=str(source), position=number, reason=reason, raw=clip)
                errors.write(err.model_dump_json() + "\n")
                counts.errors += 1
                continue
            pending.append(record)
            if len(pending) >= BATCH:
                flush()
        flush()
    return counts


def build_judges(
    names: list[str],
    *,
    safety_detectors: str,
    llm_options: dict[str, Any],
    concurrency: int,
    workspace: Path | None = None,
    safety_harm: str = "answer",
) -> AnswerJudges:
    """The selected eval judges (``refusal``, ``harm`` as safety, ``llm``) from the registry;
    with ``workspace``, the safety judge uses its keyword library and harm model, as its eval."""
    from beian.evaluate.answer_records import build_answer_judges

    detectors = [n.strip() for n in safety_detectors.split(",") if n.strip()]
    if "safety" in names and not detectors:
        raise UserError("--safety-detectors names no detector")
    if "llm" in names and not llm_options.get("model"):
        raise UserError("the llm judge needs --llm-model (and usually --llm-base-url)")
    if safety_harm not in SAFETY_HARM:
        raise UserError(
            f"--safety-harm must be one of {', '.join(SAFETY_HARM)}, not {safety_harm!r}"
        )
    safety = {"detectors": detectors, "answer_harm": safety_harm, **_workspace_safety(workspace)}
    return build_answer_judges(
        names,
        # refusal-aware: a refusal that names its topic is judged without its refusal sentences
        safety_options=safety,
        llm_options={**llm_options, "concurrency": concurrency},
    )


def _workspace_safety(workspace: Path | None) -> dict[str, Any]:
    """The safety judge's library and harm model from the workspace's detection setup."""
    if workspace is None:
        return {}
    import os

    from beian.cli._common import check_workspace_path
    from beian.detect.setup import resolve_setup
    from beian.workspace import load_workspace

    setup = resolve_setup(load_workspace(check_workspace_path(workspace), os.environ))
    out: dict[str, Any] = {}
    if setup.library is not None:
        out["library"] = setup.library
    if setup.options.get("harm", {}).get("model"):
        out["harm_model"] = setup.options["harm"]["model"]
    return out


def _judge_names(judges: str, llm_model: str | None) -> list[str]:
    names = [n.strip() for n in judges.split(",") if n.strip()]
    unknown = [n for n in names if n not in JUDGES]
    if unknown:
        raise UserError(f"unknown judge {unknown[0]!r} (known: {', '.join(JUDGES)})")
    if llm_model and "llm" not in names:
        names.append("llm")  # giving an LLM model is asking for the LLM judge
    if not names:
        raise UserError("--judges names no judge")
    return names


EXAMPLES = """示例 / Examples:
  beian judge -i qa.jsonl -o judged.jsonl
      拒答、合格与风险 / refused, qualified and risks per answer
  beian judge -i qa.jsonl -o judged.jsonl -j refusal
      只判拒答 / the refusal judge only
  beian judge -w my-service -i qa.jsonl -o judged.jsonl
      用工作区的关键词库 / with the workspace's keyword library
  beian judge -i qa.jsonl -o judged.jsonl --llm-model M --llm-base-url URL
      再加 LLM 判官 / add an OpenAI-compatible LLM judge
  beian judge calibrate -i labelled.jsonl -j refusal,classifier
      与人工标注比较 / compare judges with human labels
输入每行 / an input line: {"question": "...", "answer": "..."}
"""
"""The help epilog; single newlines survive Typer's rich help, so one command per line."""

CALIBRATE_EXAMPLES = """示例 / Examples:
  beian judge calibrate -i labelled.jsonl
      默认判官 / the default judges: keyword, classifier, refusal
  beian judge calibrate -i labelled.jsonl -j llm \\
      --llm-model M --llm-base-url URL
标注每行 / a labelled line: {"answer": "...", "label": "不合格"}
  或 / or {"answer": "...", "refused": true}
"""

judge_app = typer.Typer(
    help="Judge answers (refusal, safety, LLM); `beian judge calibrate` measures a judge.",
    invoke_without_command=True,
    epilog=EXAMPLES,
)


@judge_app.callback(invoke_without_command=True)
def judge(
    ctx: typer.Context,
    input_: Annotated[
        Path | None, typer.Option("--input", "-i", help="JSONL with question/answer.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="JSONL file to write.")
    ] = None,
    judges: Annotated[
        str, typer.Option("--judges", "-j", help="Comma-separated: refusal, safety, llm.")
    ] = "refusal,safety",
    errors: Annotated[
        Path | None,
        typer.Option("--errors", help="Where bad lines go (default: OUTPUT.errors.jsonl)."),
    ] = None,
    safety_detectors: Annotated[
        str, typer.Option("--safety-detectors", help="Detectors of the safety judge.")
    ] = DEFAULT_SAFETY_DETECTORS,
    safety_harm: Annotated[
        str,
        typer.Option(
            "--safety-harm",
            help="Harm on answers: answer (answer model with the question, fused with the "
            "shared model) or shared (the shared harm model alone).",
        ),
    ] = "answer",
    llm_base_url: Annotated[
        str | None,
        typer.Option("--llm-base-url", help="OpenAI-compatible endpoint of the LLM judge."),
    ] = None,
    llm_model: Annotated[
        str | None, typer.Option("--llm-model", help="Model of the LLM judge.")
    ] = None,
    llm_api_key_env: Annotated[
        str | None, typer.Option("--llm-api-key-env", help="Env var holding the judge's API key.")
    ] = None,
    llm_timeout: Annotated[float, typer.Option("--llm-timeout", help="Seconds per call.")] = 60.0,
    llm_retries: Annotated[int, typer.Option("--llm-retries", help="Retries on 429/5xx.")] = 2,
    concurrency: Annotated[int, typer.Option("--concurrency", help="Parallel LLM calls.")] = 4,
    workspace: Annotated[
        Path | None, workspace_option("The safety judge uses its keyword library and harm model.")
    ] = None,
) -> None:
    """Add refused/refusal, qualified and risks to every question/answer record of a JSONL file."""
    if ctx.invoked_subcommand is not None:
        return
    if input_ is None or output is None:
        raise UserError("beian judge needs --input and --output (or a subcommand: calibrate)")
    names = _judge_names(judges, llm_model)
    if not input_.is_file():
        raise InputError(f"input file not found: {input_}")
    llm_options: dict[str, Any] = {
        "base_url": llm_base_url,
        "model": llm_model or "",
        "timeout": llm_timeout,
        "max_retries": llm_retries,
    }
    if llm_api_key_env is not None:
        llm_options["api_key_env"] = llm_api_key_env
    built = build_judges(
        names,
        safety_detectors=safety_detectors,
        llm_options=llm_options,
        concurrency=concurrency,
        workspace=workspace,
        safety_harm=safety_harm,
    )
    errors = errors or output.with_name(output.name.removesuffix(".jsonl") + ".errors.jsonl")
    with output.open("w", encoding="utf-8") as out, errors.open("w", encoding="utf-8") as err:
        counts = stream(built, input_, out, err)
    summary = f"input {counts.input} = output {counts.output} + errors {counts.errors}"
    if counts.errors:
        summary += f" (see {errors})"
    details = []
    if built.refusal is not None:
        details.append(f"refused {counts.refused}, partial {counts.partial}")
    if built.safety is not None or built.llm is not None:
        details.append(f"unqualified {counts.unqualified}")
    if built.llm is not None:
        details.append(f"llm unscored {counts.unscored}")
    if details:
        summary += "; " + "; ".join(details)
    err_console.print(summary, markup=False, highlight=False)
    if built.safety is not None:
        _print_card(safety_detectors, safety_harm, workspace)


def _print_card(safety_detectors: str, safety_harm: str, workspace: Path | None) -> None:
    """How accurate the safety judge was measured to be (Chinese, then English), or why it
    was not: the judge card of :mod:`beian.evaluate.judge_card`."""
    from beian.evaluate.judge_card import describe, judge_accuracy

    detectors = [n.strip() for n in safety_detectors.split(",") if n.strip()]
    options = {"detectors": detectors, "answer_harm": safety_harm, **_workspace_safety(workspace)}
    text = describe(judge_accuracy("safety", "harm", options))
    for lang in ("zh", "en"):
        err_console.print(text[lang], markup=False, highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Attach ``judge`` (and ``judge calibrate``, the same as ``eval calibrate``) to the root app."""
    from beian.cli.eval import calibrate

    judge_app.command("calibrate", epilog=CALIBRATE_EXAMPLES)(calibrate)
    app.add_typer(judge_app, name="judge")
