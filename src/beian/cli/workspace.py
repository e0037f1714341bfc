"""``beian init`` and ``beian assess``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from beian.cli._common import console, err_console, print_json

if TYPE_CHECKING:
    # The assessment and store pull SQLAlchemy/Alembic, the renderers openpyxl/PIL/WeasyPrint:
    # the commands import them when they run so that start-up stays cheap.
    from beian.assess import Assessment
    from beian.report.evidence import ClauseEvidence, Lang
    from beian.standard import Profile

_STYLE = {"conforms": "green", "nonconforms": "red", "not_applicable": "cyan", "pending": "yellow"}


def init(
    directory: Annotated[Path, typer.Argument(help="Folder for the new workspace.")],
    demo: Annotated[
        bool, typer.Option("--demo", help="Fill it with the bundled demo data.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing beian.toml.")
    ] = False,
    provider: Annotated[str, typer.Option(help="Provider (company) name.")] = "",
    service: Annotated[str, typer.Option(help="Service name.")] = "",
    profile: Annotated[str, typer.Option(help="Standard profile name or file.")] = "tc260-003-2024",
    language: Annotated[str, typer.Option(help="Report language: zh or en.")] = "zh",
) -> None:
    """Create a workspace: beian.toml and folders for corpus, keywords, banks, attestations, labels, runs."""
    from beian.report import attestations
    from beian.workspace import CONFIG_NAME, WorkspaceConfig, init_workspace

    config = None
    if not demo:
        config = WorkspaceConfig.model_validate(
            {"provider": provider, "service": service, "profile": profile, "language": language}
        )
    ws = init_workspace(directory, demo=demo, config=config, force=force)
    attestations.write_template(ws.path("attestations"), ws.profile())
    console.print(f"workspace ready: {ws.root / CONFIG_NAME}")


def _ensure_demo() -> Path:
    from beian.report import attestations
    from beian.workspace import CONFIG_NAME, default_demo_dir, init_workspace

    root = default_demo_dir()
    if not (root / CONFIG_NAME).is_file():
        err_console.print(f"creating the demo workspace in {root}")
        ws = init_workspace(root, demo=True)
        attestations.write_template(ws.path("attestations"), ws.profile())
    return root


def _figures(r: ClauseEvidence) -> str:
    figures = ", ".join(f"{k}={v}" for k, v in r.figures.items())
    refs = ", ".join(e.ref for e in r.evidence[:3]) + (" …" if len(r.evidence) > 3 else "")
    return "; ".join(p for p in (figures, refs) if p)


def _table(outcome: Assessment, profile: Profile, lang: Lang) -> Table:
    from beian.report.evidence import STATUS_LABELS

    zh = lang == "zh"
    title = f"{outcome.profile} {outcome.profile_version} — " + (
        "自评估就绪情况" if zh else "assessment readiness"
    )
    table = Table(
        "条款" if zh else "clause",
        "要求" if zh else "requirement",
        "状态" if zh else "status",
        "证据与数据" if zh else "evidence and figures",
        "待补 / 说明" if zh else "missing / notes",
        title=title,
    )
    for r in outcome.clauses:
        clause = profile.clause(r.clause)
        label = STATUS_LABELS[r.status][lang]
        notes = "; ".join(m.get(lang) for m in r.missing[:2]) or r.summary.get(lang)
        table.add_row(
            r.clause,
            clause.title_zh if zh else clause.title_en,
            f"[{_STYLE[r.status]}]{label}[/]",
            _figures(r),
            notes,
        )
    return table


def assess_cmd(
    workspace: Annotated[
        Path | None, typer.Argument(help="Workspace folder (default: the bundled demo).")
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="zh or en (default: the workspace's).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the assessment as JSON.")] = False,
    no_report: Annotated[
        bool, typer.Option("--no-report", help="Skip writing the HTML/PDF/Markdown report.")
    ] = False,
) -> None:
    """Assess a workspace clause by clause against its profile and write the report."""
    from beian.assess import assess
    from beian.report.evidence import STATUS_LABELS
    from beian.report.render import write_reports
    from beian.store import open_store
    from beian.workspace import load_workspace

    root = workspace if workspace is not None else _ensure_demo()
    ws = load_workspace(root, env=os.environ, overrides={"language": lang})
    language = ws.config.language
    store = open_store(ws.store_url())
    with console.status("assessing…") as status:
        outcome = assess(
            ws, store, lang=language, on_progress=lambda m: status.update(f"assessing: {m}")
        )
    if as_json:
        print_json(outcome.model_dump(mode="json"))
        return
    console.print(_table(outcome, ws.profile(), language))
    totals = ", ".join(
        f"{STATUS_LABELS[k][language]} {v}" for k, v in sorted(outcome.totals.items())
    )
    console.print(totals)
    if no_report:
        out = ws.path("runs") / outcome.run_id / "assessment.json"
        console.print(
            ("结果已写入 " if language == "zh" else "written to ") + str(out), soft_wrap=True
        )
        return
    with console.status("writing the report…"):
        paths = write_reports(
            outcome,
            ws,
            ws.path("runs") / outcome.run_id / "report",
            language,
            on_warning=lambda m: err_console.print(f"warning: {m}", markup=False),
        )
    console.print(
        ("报告已写入 " if language == "zh" else "report written to ") + str(paths["html"]),
        soft_wrap=True,
    )
    if "pdf" in paths:
        console.print("PDF: " + str(paths["pdf"]), soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Attach ``init`` and ``assess`` to the root app."""
    app.command("init")(init)
    app.command("assess")(assess_cmd)
