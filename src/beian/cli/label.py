"""``beian label``: add GB 45438 labels to files and verify them."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from beian.cli._common import (
    check_workspace_path,
    console,
    err_console,
    print_json,
    progress,
    workspace_option,
)
from beian.errors import InputError, UserError

if TYPE_CHECKING:
    # beian.label loads every carrier (XMP, RIFF, PII rules …): the commands import it when they
    # run so that start-up stays cheap.
    from beian.label import AigcFields, LabelSpec, LabelStatus
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
    from beian.label.fields import check_provider_code

    code = producer or os.environ.get(PRODUCER_ENV, "")
    do_implicit = implicit or not explicit
    if do_implicit and not (code or propagator):
        raise UserError(
            f"--producer CODE (or ${PRODUCER_ENV}) is required for implicit labels; a platform "
            "adding only propagation fields to labelled files gives --propagator CODE"
        )
    # A bad code is a user error before any file is touched; the rest is checked per file,
    # once the label the file already carries is known.
    for name, value, role in (
        ("ContentProducer", code, "1"),
        ("ContentPropagator", propagator, "2"),
    ):
        problems = check_provider_code(value, name, role) if value and do_implicit else []
        bad = [p for p in problems if p.severity == "error"]
        if bad:
            raise UserError(f"invalid AIGC label: {bad[0].message}")
        for p in problems:
            err_console.print(f"warning: {p.message}", markup=False, highlight=False)
    fields = AigcFields(Label=label, ContentProducer=code, ContentPropagator=propagator)
    return LabelSpec(fields=fields, implicit=do_implicit, explicit=explicit, **kw)


def _figures(workspace: Path | None, profile: str | None) -> dict[str, Any]:
    """Writer options holding the label figures of the workspace's (or the named) profile."""
    from beian.label.rules import figure_options
    from beian.standard import load_profile
    from beian.workspace import load_workspace

    if workspace is not None and profile is not None:
        raise UserError("give either -w WORKSPACE or --profile, not both")
    if workspace is not None:
        return figure_options(load_workspace(check_workspace_path(workspace)).profile())
    if profile is not None:
        return figure_options(load_profile(profile))
    return {}


PROFILE_HELP = "Profile (name or YAML file) whose label figures apply (default: tc260-003-2024)."


@label_app.command("add")
def add(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to label.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder for labelled copies (never an input).")
    ] = None,
    in_place: Annotated[
        bool, typer.Option("--in-place", help="Replace the originals (instead of --out).")
    ] = False,
    producer: Annotated[
        str | None,
        typer.Option(help=f"ContentProducer code (TC260-PG-20252A) or name; or ${PRODUCER_ENV}."),
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
    propagator: Annotated[
        str, typer.Option(help="ContentPropagator code (platforms); keeps the producer's fields.")
    ] = "",
    propagate_id: Annotated[
        str, typer.Option(help="PropagateID (default with --propagator: a new random id).")
    ] = "",
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Replace another producer's label (logged in the audit file)."
        ),
    ] = False,
    text: Annotated[
        str | None, typer.Option(help="Explicit wording (must hold AI + 生成/合成).")
    ] = None,
    position: Annotated[
        str | None, typer.Option(help="start/end, or a corner/edge for images.")
    ] = None,
    seconds: Annotated[float, typer.Option(help="Video prompt duration (≥ 2 s).")] = 3.0,
    workspace: Annotated[
        Path | None, workspace_option("Its profile's label figures apply.")
    ] = None,
    profile: Annotated[str | None, typer.Option(help=PROFILE_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print results as JSON.")] = False,
) -> None:
    """Write labelled copies of PATHS into --out; originals change only with --in-place.

    A file already labelled by another producer keeps its ContentProducer/ProduceID and gets
    --propagator's propagation fields; --force replaces the label and records it in
    .beian-label-audit.jsonl beside the output.
    """
    from beian.label import Writers, label_file
    from beian.label.targets import plan

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
            force=force,
        )
    except ValueError as exc:
        raise UserError(f"invalid option: {exc}") from None
    writers = Writers(**_figures(workspace, profile))
    pairs = plan(_files(paths), out, in_place)
    results: list[dict[str, Any]] = []
    failed = 0
    with progress("labelling", total=len(pairs)) as (bar, task):
        for src, dst in pairs:
            spec = base.model_copy(update={"fields": _per_file(base, produce_id, propagate_id)})
            try:
                results.append(label_file(src, dst, spec, writers).to_dict())
            except UserError as exc:
                failed += 1
                results.append({"src": str(src), "error": str(exc)})
            bar.advance(task)
    _report_add(results, as_json)
    if failed:
        raise typer.Exit(1)


def _per_file(base: LabelSpec, produce_id: str | None, propagate_id: str) -> AigcFields:
    """The spec's fields with this file's ProduceID / PropagateID."""
    fields = base.fields
    return fields.model_copy(
        update={
            "ProduceID": produce_id or uuid.uuid4().hex.upper() if fields.ContentProducer else "",
            "PropagateID": propagate_id
            or (uuid.uuid4().hex.upper() if fields.ContentPropagator else ""),
        }
    )


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
        if r["audit"]:
            console.print(f"  audit: {r['audit']}", highlight=False)


@label_app.command("verify")
def verify(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to check.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print results as JSON.")] = False,
    require_explicit: Annotated[
        bool,
        typer.Option(
            "--require-explicit",
            help="A missing, or unconfirmable (no beian stamp record), explicit label is an error.",
        ),
    ] = False,
    workspace: Annotated[
        Path | None, workspace_option("Its profile's label figures apply.")
    ] = None,
    profile: Annotated[str | None, typer.Option(help=PROFILE_HELP)] = None,
) -> None:
    """Check implicit and explicit labels; exit 1 if any file fails (empty, unsupported and
    damaged files fail too)."""
    from beian.label import Writers, verify_file

    writers = Writers(require_explicit=require_explicit, **_figures(workspace, profile))
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
