"""``beian report``: render a stored assessment, the attestation questionnaire, filing drafts."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer
from pydantic import ValidationError

from beian.cli._common import (
    console,
    err_console,
    legacy_workspace_argument,
    pick_workspace,
    workspace_option,
)
from beian.errors import InputError, UserError

if TYPE_CHECKING:
    # The assessment pulls the store (SQLAlchemy) and the renderers pull openpyxl/PIL/WeasyPrint:
    # imported by the commands that use them so that start-up stays cheap.
    from beian.assess import Assessment
    from beian.assess.evidence import Lang
    from beian.workspace import Workspace

report_app = typer.Typer(
    help="Render the self-assessment report and filing drafts.", no_args_is_help=True
)
questionnaire_app = typer.Typer(
    help="The attestation questionnaire as XLSX: export, fill in, import.", no_args_is_help=True
)
report_app.add_typer(questionnaire_app, name="questionnaire")

LangOpt = Annotated[
    str | None, typer.Option("--lang", help="zh or en (default: the assessment's).")
]
DOSSIER_HELP = (
    "Read the workspace files the report lists (attestations, keywords, banks) from DIR now. "
    "Default: those recorded when the run was assessed."
)


def _lang(value: str | None, default: str) -> Lang:
    lang = value or default
    if lang not in ("zh", "en"):
        raise UserError(f"--lang must be zh or en, not {lang!r}")
    return cast("Lang", lang)


def load_assessment(run_dir: Path) -> Assessment:
    """The assessment stored in ``run_dir/assessment.json``."""
    from beian.assess import Assessment

    path = run_dir / "assessment.json" if run_dir.is_dir() else run_dir
    if not path.is_file():
        raise InputError(f"{path}: no assessment.json (run 'beian assess' first)")
    try:
        return Assessment.model_validate_json(path.read_text(encoding="utf-8"))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{path}: {where}: {first['msg']}") from None


def _workspace(outcome: Assessment, workspace: Path | None) -> Workspace:
    from beian.workspace import load_workspace

    return load_workspace(workspace or Path(outcome.workspace), env=os.environ)


def _ready(outcome: Assessment, workspace: Path | None) -> Assessment:
    """``outcome`` with the dossier inputs it was assessed with; ``--workspace`` (or an
    assessment stored before they were recorded) reads them from that workspace now."""
    from beian.assess import with_dossier

    if outcome.dossier is not None and workspace is None:
        return outcome
    return with_dossier(outcome, _workspace(outcome, workspace), refresh=True)


def _write(
    run_dir: Path, lang: str | None, out: Path | None, workspace: Path | None, **options: Any
) -> dict[str, Path]:
    from beian.assess import profile_of
    from beian.report.render import write_reports

    outcome = _ready(load_assessment(run_dir), workspace)
    folder = out or (run_dir if run_dir.is_dir() else run_dir.parent) / "report"
    language = _lang(lang, outcome.inputs().language)
    warn = err_console.print
    return write_reports(
        outcome, profile_of(outcome), folder, language,
        on_warning=lambda m: warn(f"warning: {m}", markup=False, highlight=False), **options,
    )  # fmt: skip


def _print(paths: dict[str, Path]) -> None:
    for key, path in paths.items():
        typer.echo(f"{key}: {path}")


@report_app.command("render")
def render(
    run_dir: Annotated[Path, typer.Argument(help="A run folder holding assessment.json.")],
    lang: LangOpt = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Output folder (default: RUN_DIR/report).")
    ] = None,
    workspace: Annotated[Path | None, workspace_option(DOSSIER_HELP)] = None,
) -> None:
    """Render HTML, PDF, Markdown, JSON, XLSX attachments and the filing draft of a stored run."""
    _print(_write(run_dir, lang, out, workspace))


@report_app.command("filing")
def filing(
    run_dir: Annotated[Path, typer.Argument(help="A run folder holding assessment.json.")],
    lang: LangOpt = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Output folder (default: RUN_DIR/report).")
    ] = None,
    workspace: Annotated[Path | None, workspace_option(DOSSIER_HELP)] = None,
) -> None:
    """Write the filing draft (algorithm-filing fields, LLM dossier checklist) and attachments."""
    _print(_write(run_dir, lang, out, workspace, formats=("xlsx", "filing")))


@questionnaire_app.command("export")
def questionnaire_export(
    legacy: Annotated[Path | None, legacy_workspace_argument()] = None,
    workspace: Annotated[Path | None, workspace_option("Default: the current folder.")] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="XLSX file (default: attestations/questionnaire.xlsx)."),
    ] = None,
) -> None:
    """Write the attestations (or a blank template) as an XLSX questionnaire to fill in."""
    from beian.assess import attestations
    from beian.workspace import load_workspace

    ws = load_workspace(pick_workspace(workspace, legacy) or Path("."), env=os.environ)
    folder = ws.path("attestations")
    path = attestations.export_questionnaire(
        folder, ws.profile(), out or folder / "questionnaire.xlsx"
    )
    console.print(f"questionnaire written: {path}", highlight=False)


@questionnaire_app.command("import")
def questionnaire_import(
    file: Annotated[Path, typer.Argument(help="A filled-in XLSX questionnaire.")],
    legacy: Annotated[Path | None, legacy_workspace_argument()] = None,
    workspace: Annotated[Path | None, workspace_option("Default: the current folder.")] = None,
) -> None:
    """Read a filled-in questionnaire and write attestations/attestations.yaml."""
    from beian.assess import attestations
    from beian.workspace import load_workspace

    ws = load_workspace(pick_workspace(workspace, legacy) or Path("."), env=os.environ)
    if not file.is_file():
        raise InputError(f"{file}: no such file")
    path = attestations.import_questionnaire(file, ws.path("attestations"), ws.profile())
    console.print(f"attestations written: {path}", highlight=False)


def register(app: typer.Typer) -> None:
    """Attach the ``report`` group (render, filing, questionnaire export/import)."""
    app.add_typer(report_app, name="report")
