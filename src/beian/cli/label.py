"""``beian label``: add GB 45438 labels to files and verify them."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from beian.cli._common import console, err_console, print_json, progress
from beian.errors import InputError, UserError

if TYPE_CHECKING:
    # beian.label loads every carrier (XMP, RIFF, PII rules …): the commands import it when they
    # run so that start-up stays cheap.
    from beian.label import LabelSpec, LabelStatus
    from beian.label.model import Position

PRODUCER_ENV = "BEIAN_PRODUCER_CODE"

label_app = typer.Typer(
    help="GB 45438 content labels: add explicit/implicit labels and verify them.",
    no_args_is_help=True,
)


def _files(paths: list[Path]) -> list[tuple[Path, Path]]:
    from beian.label import walk

    try:
        return list(walk(paths))
    except InputError as exc:
        raise UserError(str(exc)) from None


def _spec(
    producer: str | None, label: str, propagator: str, explicit: bool, implicit: bool, **kw: Any
) -> LabelSpec:
    from beian.label import AigcFields, LabelSpec
    from beian.label.fields import check_fields

    code = producer or os.environ.get(PRODUCER_ENV, "")
    do_implicit = implicit or not explicit
    if do_implicit and not code:
        raise UserError(f"--producer CODE (or ${PRODUCER_ENV}) is required for implicit labels")
    fields = AigcFields(
        Label=label, ContentProducer=code or "-", ProduceID="-", ContentPropagator=propagator
    )
    if do_implicit:
        check_fields(fields)  # a bad producer code is a user error before any file is touched
    return LabelSpec(fields=fields, implicit=do_implicit, explicit=explicit, **kw)


@label_app.command("add")
def add(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to label.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for labelled copies.")],
    producer: Annotated[
        str | None,
        typer.Option(help=f"ContentProducer code (TC260-PG-20252A); or ${PRODUCER_ENV}."),
    ] = None,
    explicit: Annotated[
        bool, typer.Option("--explicit", help="Add the visible/audible label.")
    ] = False,
    implicit: Annotated[
        bool,
        typer.Option("--implicit", help="Add the metadata label (default when neither is given)."),
    ] = False,
    label: Annotated[
        str, typer.Option(help="Label value: 1 is, 2 possibly, 3 suspected AIGC.")
    ] = "1",
    produce_id: Annotated[
        str | None, typer.Option(help="ProduceID (default: a new random id per file).")
    ] = None,
    propagator: Annotated[str, typer.Option(help="ContentPropagator code (platforms).")] = "",
    propagate_id: Annotated[str, typer.Option(help="PropagateID (platforms).")] = "",
    text: Annotated[
        str | None, typer.Option(help="Explicit wording (must hold AI + 生成/合成).")
    ] = None,
    position: Annotated[
        str | None, typer.Option(help="start/end, or a corner/edge for images.")
    ] = None,
    seconds: Annotated[float, typer.Option(help="Video prompt duration (≥ 2 s).")] = 3.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print results as JSON.")] = False,
) -> None:
    """Write labelled copies of PATHS into --out (originals are never modified)."""
    from beian.label import Writers, label_file

    pos: Position | None = position  # type: ignore[assignment]  # validated by pydantic below
    try:
        base = _spec(
            producer,
            label,
            propagator,
            explicit,
            implicit,
            text=text,
            position=pos,
            seconds=seconds,
        )
    except ValueError as exc:
        raise UserError(f"invalid option: {exc}") from None
    writers = Writers()
    files = _files(paths)
    results: list[dict[str, Any]] = []
    failed = 0
    with progress("labelling", total=len(files)) as (bar, task):
        for src, rel in files:
            fields = base.fields.model_copy(
                update={
                    "ProduceID": produce_id or uuid.uuid4().hex.upper(),
                    "PropagateID": propagate_id,
                }
            )
            spec = base.model_copy(update={"fields": fields})
            try:
                results.append(label_file(src, out / rel, spec, writers).to_dict())
            except UserError as exc:
                failed += 1
                results.append({"src": str(src), "error": str(exc)})
            bar.advance(task)
    _report_add(results, as_json)
    if failed:
        raise typer.Exit(1)


def _report_add(results: list[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        print_json(results)
        return
    for r in results:
        if "error" in r:
            err_console.print(f"[red]failed[/red] {r['src']}: {r['error']}", highlight=False)
            continue
        what = " + ".join(x for x in (r["implicit"], r["explicit"]) if x)
        console.print(f"[green]labelled[/green] {r['dst']}  ({what})", highlight=False)
        for note in r["notes"]:
            console.print(f"  note: {note}", highlight=False)


@label_app.command("verify")
def verify(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to check.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print results as JSON.")] = False,
    require_explicit: Annotated[
        bool, typer.Option("--require-explicit", help="A missing explicit label is an error.")
    ] = False,
) -> None:
    """Check implicit and explicit labels; exit 1 if any file fails."""
    from beian.label import Writers, verify_file

    writers = Writers(require_explicit=require_explicit)
    files = _files(paths)
    statuses: list[LabelStatus] = []
    with progress("verifying", total=len(files)) as (bar, task):
        for path, _rel in files:
            statuses.append(verify_file(path, writers))
            bar.advance(task)
    if as_json:
        print_json([s.to_dict() for s in statuses])
    else:
        _show(statuses)
    if not all(s.ok for s in statuses):
        raise typer.Exit(1)


def _show(statuses: list[LabelStatus]) -> None:
    table = Table("file", "type", "result", "implicit", "explicit", "problems")
    for s in statuses:
        result = "[green]ok[/green]" if s.ok else "[red]FAIL[/red]"
        carriers = ", ".join(f.carrier for f in s.labels) or "none"
        problems = "\n".join(f"{p.severity}: {p.message} [{p.rule}]" for p in s.problems)
        table.add_row(str(s.path), s.media_type, result, carriers, s.explicit.state, problems)
    console.print(table)
    bad = sum(not s.ok for s in statuses)
    console.print(f"{len(statuses)} files, {len(statuses) - bad} ok, {bad} failed")


@label_app.command("code")
def code(
    uscc: Annotated[str, typer.Argument(help="18-character USCC (or its first 17 characters).")],
    service: Annotated[
        str, typer.Option(help="00000, or 1xxxx generation / 2xxxx dissemination.")
    ] = "00000",
) -> None:
    """Print the TC260-PG-20252A provider code for an organisation's USCC."""
    from beian.label import make_provider_code

    typer.echo(make_provider_code(uscc, service))


def register(app: typer.Typer) -> None:
    """Attach the ``label`` group (add, verify, code)."""
    app.add_typer(label_app, name="label")
