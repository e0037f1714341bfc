"""``beian detect``: check one text, or stream a JSONL file through a DetectorSet."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

from beian.cli._common import console, err_console, print_json, progress, workspace_option
from beian.cli._jsonl import parse_object_line
from beian.errors import InputError, UserError
from beian.records import ErrorRecord
from beian.scan.strict_json import unencodable

if TYPE_CHECKING:
    from beian.detect.detector_set import DetectorSet, TextVerdict
    from beian.detect.setup import DetectionSetup

BATCH = 256
"""Records checked together: enough for batch detectors, small enough for constant memory."""


@dataclass(slots=True)
class Counts:
    """How many lines went where (input = output + errors)."""

    input: int = 0
    output: int = 0
    errors: int = 0


def verdict_fields(v: TextVerdict) -> dict[str, Any]:
    """The fields added to each output record."""
    return {
        "findings": [f.to_dict() for f in v.findings],
        "risks": list(v.risks),
        "flagged": v.flagged,
    }


def _setup(
    detectors: str, library: Path | None, pinyin: bool, workspace: Path | None
) -> DetectionSetup:
    # Imported here: the detectors pull numpy and the keyword automaton, not needed for --help.
    from beian.detect.setup import resolve_setup

    names = [n.strip() for n in detectors.split(",") if n.strip()]
    if not names:
        raise UserError("--detectors names no detector")
    if library is not None and not library.exists():
        raise InputError(f"keyword library not found: {library}")
    ws = None
    if workspace is not None:  # the workspace code (profiles, YAML) only when one is given
        import os

        from beian.cli._common import check_workspace_path
        from beian.workspace import load_workspace

        ws = load_workspace(check_workspace_path(workspace), os.environ)
    chosen = None if names == ["default"] else names
    extra = {"keyword": {"pinyin": True}} if pinyin else None
    return resolve_setup(ws, detectors=chosen, library=library, options=extra)


def _show(text: str, verdict: TextVerdict) -> None:
    if verdict.findings:
        from rich.table import Table  # only a text with findings draws one

        table = Table("risk", "detector", "span", "score", "evidence", "why", title="findings")
        for f in verdict.findings:
            span = "doc" if f.start is None else f"{f.start}-{f.end}"
            table.add_row(f.risk, f.detector, span, f"{f.score:.2f}", f.evidence, f.why)
        console.print(table)
    label = "[red]unqualified[/red]" if verdict.flagged else "[green]qualified[/green]"
    risks = ", ".join(verdict.risks) or "none"
    console.print(f"verdict: {label}  risks: {risks}  ({len(verdict.findings)} findings)")


def _parse(raw: bytes, field: str) -> tuple[dict[str, Any] | None, str]:
    """The record and its text, or ``(None, reason)`` for a line that cannot be used."""
    record, reason = parse_object_line(raw)
    if record is None:
        return None, reason
    value = record.get(field)
    if value is None:
        return None, f"missing field {field!r}"
    if not isinstance(value, str):
        return None, f"field {field!r} is {type(value).__name__}, not a string"
    return record, value


def _lines(fh: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    for number, raw in enumerate(fh, start=1):
        yield number, raw.rstrip(b"\r\n")


def stream(ds: DetectorSet, source: Path, field: str, out: IO[str], errors: IO[str]) -> Counts:
    """Check every record of ``source``; write results to ``out`` and bad lines to ``errors``."""
    counts = Counts()
    pending: list[tuple[dict[str, Any], str]] = []

    def flush() -> None:
        for (record, _), v in zip(pending, ds.check_batch([t for _, t in pending]), strict=True):
            out.write(json.dumps({**record, **verdict_fields(v)}, ensure_ascii=False) + "\n")
            counts.output += 1
        pending.clear()

    with source.open("rb") as fh, progress("detect", total=source.stat().st_size) as (bar, task):
        for number, raw in _lines(fh):
            counts.input += 1
            bar.advance(task, len(raw) + 1)
            record, text = _parse(raw, field)
            if record is None:
                err = ErrorRecord(file=str(source), position=number, reason=text, raw=_clip(raw))
                errors.write(err.model_dump_json() + "\n")
                counts.errors += 1
                continue
            pending.append((record, text))
            if len(pending) >= BATCH:
                flush()
        flush()
    return counts


def _clip(raw: bytes) -> str:
    return raw[:200].decode("utf-8", errors="replace")


def detect(
    text: Annotated[str | None, typer.Argument(help="Text to check (or use --input).")] = None,
    input_: Annotated[
        Path | None, typer.Option("--input", "-i", help="JSONL file, one object per line.")
    ] = None,
    field: Annotated[str, typer.Option("--field", help="Field holding the text.")] = "text",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="JSONL file to write.")
    ] = None,
    detectors: Annotated[
        str,
        typer.Option(
            "--detectors",
            "-d",
            help="Comma-separated detector names; 'default' = keyword,solicit,harm "
            "(the most accurate CPU setup).",
        ),
    ] = "default",
    errors: Annotated[
        Path | None,
        typer.Option("--errors", help="Where bad lines go (default: OUTPUT.errors.jsonl)."),
    ] = None,
    library: Annotated[
        Path | None,
        typer.Option(
            "--library", help="Keyword library file (default: the workspace's, else starter)."
        ),
    ] = None,
    workspace: Annotated[
        Path | None, workspace_option("Uses its detection setup (\\[detection] in beian.toml).")
    ] = None,
    pinyin: Annotated[
        bool, typer.Option("--pinyin", help="Also match pinyin and homophone spellings.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for TEXT.")] = False,
) -> None:
    """Find risks in TEXT, or add findings/risks/flagged to every record of a JSONL file.

    Examples:

      beian detect "加我薇信 xx123 日结兼职"

      beian detect -i posts.jsonl -o checked.jsonl --field content

      beian detect -i posts.jsonl -o checked.jsonl -d keyword,pii --library kw.xlsx

      beian detect -w my-workspace -i posts.jsonl -o checked.jsonl
    """
    if (text is None) == (input_ is None):
        raise UserError("give either TEXT or --input FILE")
    if text is not None and unencodable(text) is not None:  # C1: undecodable argv bytes
        raise InputError("TEXT is not valid UTF-8 (it holds a lone surrogate)")
    setup = _setup(detectors, library, pinyin, workspace)
    ds = setup.detector_set()
    if text is not None:
        verdict = ds.check(text)
        if as_json:
            print_json(
                {
                    "text": text,
                    "verdict": verdict.verdict,
                    **verdict_fields(verdict),
                    "setup": setup.describe(),
                }
            )
        else:
            _show(text, verdict)
        return
    assert input_ is not None
    if output is None:
        raise UserError("--input needs --output")
    if not input_.is_file():
        raise InputError(f"input file not found: {input_}")
    errors = errors or output.with_name(output.name.removesuffix(".jsonl") + ".errors.jsonl")
    with output.open("w", encoding="utf-8") as out, errors.open("w", encoding="utf-8") as err:
        counts = stream(ds, input_, field, out, err)
    err_console.print(
        f"input {counts.input} = output {counts.output} + errors {counts.errors}"
        + (f" (see {errors})" if counts.errors else ""),
        markup=False,
        highlight=False,
    )
    described = setup.describe()
    err_console.print(
        f"detection setup {described['digest'][:12]} ({described['origin']}): "
        f"{', '.join(described['detectors'])}; library {described['library']}",
        markup=False,
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Attach ``detect`` to the root app."""
    app.command("detect")(detect)
