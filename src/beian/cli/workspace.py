"""``beian init`` and ``beian assess``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from beian.cli._common import (
    check_workspace_path,
    console,
    err_console,
    legacy_workspace_argument,
    pick_workspace,
    print_json,
    workspace_option,
)
from beian.cli.assess_view import details_table, summary_lines
from beian.errors import UserError

# The assessment and store pull SQLAlchemy/Alembic, the renderers openpyxl/PIL/WeasyPrint:
# the commands import them when they run so that start-up stays cheap.


def init(
    directory: Annotated[Path | None, legacy_workspace_argument()] = None,
    workspace: Annotated[Path | None, workspace_option("The folder to create.")] = None,
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
    from beian.assess import attestations
    from beian.workspace import CONFIG_NAME, WorkspaceConfig, init_workspace

    root = pick_workspace(workspace, directory)
    if root is None:
        raise UserError("name the folder to create: beian init -w DIR")
    config = None
    if not demo:
        config = WorkspaceConfig.model_validate(
            {"provider": provider, "service": service, "profile": profile, "language": language}
        )
    ws = init_workspace(root, demo=demo, config=config, force=force)
    attestations.write_template(ws.path("attestations"), ws.profile())
    console.print(f"workspace ready: {ws.root / CONFIG_NAME}", soft_wrap=True)
    _next_steps(ws.root, demo)


def _next_steps(root: Path, demo: bool) -> None:
    """F41: what to do next, with the syntax of the one setting every new workspace needs."""
    w = str(root)
    steps = [
        "下一步 / next steps:",
        f"  beian library import 关键词.xlsx --into {w}/keywords   # 关键词库 / keyword library",
        f"  beian bank check -w {w}                               # 测试题库 / question banks",
        "  在 beian.toml 填写被测模型 / name the model under test in beian.toml:",
        "    [target]",
        '    spec = "openai:MODEL"',
        '    base_url = "http://127.0.0.1:8000/v1"',
        f"  beian assess -w {w}                                   # 逐条评估 / assess",
    ]
    if demo:
        steps = ["下一步 / next step:", f"  beian assess -w {w}"]
    for line in steps:
        console.print(line, markup=False, highlight=False, soft_wrap=True)


def _ensure_demo() -> Path:
    from beian.assess import attestations
    from beian.workspace import CONFIG_NAME, default_demo_dir, init_workspace

    root = default_demo_dir()
    if not (root / CONFIG_NAME).is_file():
        err_console.print(f"creating the demo workspace in {root}")
        ws = init_workspace(root, demo=True)
        attestations.write_template(ws.path("attestations"), ws.profile())
    return root


def _shown(path: Path) -> str:
    """``path`` relative to the current folder when it lies inside it (shorter to read)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def assess_cmd(
    legacy: Annotated[Path | None, legacy_workspace_argument()] = None,
    workspace: Annotated[
        Path | None, workspace_option("Default: the bundled demo workspace.")
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="zh or en (default: the workspace's).")
    ] = None,
    details: Annotated[
        bool, typer.Option("--details", help="Print the evidence table (figures, gaps).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the assessment as JSON.")] = False,
    no_report: Annotated[
        bool, typer.Option("--no-report", help="Skip writing the HTML/PDF/Markdown report.")
    ] = False,
    eval_run: Annotated[
        str | None,
        typer.Option(
            "--eval-run",
            metavar="ID",
            help="Eval run to conclude §9.3/§9.4 from (default: the newest finished one).",
        ),
    ] = None,
    scan_run: Annotated[
        str | None,
        typer.Option(
            "--scan-run",
            metavar="ID",
            help="Corpus scan to conclude §5.1 a/§9.2 b from (default: the newest of the register).",
        ),
    ] = None,
) -> None:
    """Assess a workspace clause by clause against its profile and write the report."""
    from beian.assess import assess
    from beian.report.render import write_reports
    from beian.store import open_store
    from beian.workspace import load_workspace

    chosen = pick_workspace(workspace, legacy)
    root = check_workspace_path(chosen) if chosen is not None else _ensure_demo()
    ws = load_workspace(root, env=os.environ, overrides={"language": lang})
    language = ws.config.language
    store = open_store(ws.store_url())
    with console.status("assessing…") as status:
        outcome = assess(
            ws,
            store,
            lang=language,
            on_progress=lambda m: status.update(f"assessing: {m}"),
            eval_run=eval_run,
            scan_run=scan_run,
        )
    for note in outcome.notes:  # which eval run was taken, and which were ignored
        err_console.print(note, markup=False, highlight=False)
    if as_json:
        # The dossier inputs (keyword and question rows) stay in assessment.json: too long here.
        print_json(outcome.model_dump(mode="json", exclude={"dossier"}))
        return
    if details:
        console.print(details_table(outcome, ws.profile(), language))
    for line in summary_lines(outcome, language, console.width):
        console.print(line, no_wrap=True, overflow="ellipsis")
    zh = language == "zh"
    if no_report:
        out = ws.path("runs") / outcome.run_id / "assessment.json"
        console.print(("结果：" if zh else "result: ") + _shown(out), soft_wrap=True)
        return
    with console.status("writing the report…"):
        paths = write_reports(
            outcome,
            ws.profile(),
            ws.path("runs") / outcome.run_id / "report",
            language,
            on_warning=lambda m: err_console.print(f"warning: {m}", markup=False),
        )
    # Paths are never cut (they must stay copyable); each stands on its own line.
    console.print(("报告：" if zh else "report: ") + _shown(paths["html"]), soft_wrap=True)
    if "pdf" in paths:
        console.print("PDF：" if zh else "PDF: ", _shown(paths["pdf"]), sep="", soft_wrap=True)
    if not details:
        hint = "逐条证据与数据：--details" if zh else "evidence and figures: --details"
        console.print(hint, style="dim", soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Attach ``init`` and ``assess`` to the root app."""
    app.command("init")(init)
    app.command("assess")(assess_cmd)
