"""``beian eval review``: the manual sampling sheet (§9.3 b) of one stored run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from beian.cli.eval_common import (
    OutOpt,
    StoreOpt,
    WorkspaceOpt,
    existing_store,
    open_workspace,
    resolve_run,
)
from beian.cli.eval_show import EPILOGS, print_summary, say
from beian.errors import InputError, UserError

review_app = typer.Typer(
    help="Manual sampling (§9.3 b): export a review sheet, import verdicts.", no_args_is_help=True
)


@review_app.command("export", epilog=EPILOGS["review export"])
def review_export(
    sheet: Annotated[
        Path, typer.Option("--sheet", "-s", help="Sheet to write (.csv, .xlsx or .jsonl).")
    ],
    run_id: Annotated[
        str | None,
        typer.Option(
            "--run", help="Eval run id (default: OUT/results.json, else the newest finished run)."
        ),
    ] = None,
    out: OutOpt = None,
    workspace: WorkspaceOpt = None,
    store: StoreOpt = None,
) -> None:
    """Write the test-bank answers of a run as a sheet for reviewers to fill in."""
    from beian.evaluate.review import export_sheet

    ws = open_workspace(workspace)
    if run_id is None and out is None and ws is None:
        raise UserError("give --run ID (or --out DIR holding the run's results.json)")
    st = existing_store(store, ws, out)
    rid = resolve_run(run_id, out, ws, st)
    n = export_sheet(st, rid, sheet)
    say(f"{n} answers of run {rid} to review: {sheet}")


@review_app.command("import", epilog=EPILOGS["review import"])
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
    ws = open_workspace(workspace)
    if run_id is None and out is None and ws is None:
        raise UserError("give --run ID (or --out DIR holding the run's results.json)")
    st = existing_store(store, ws, out)
    rid = resolve_run(run_id, out, ws, st)
    counts = import_sheet(st, rid, sheet, reviewer=reviewer)
    profile = ws.profile() if ws is not None else load_profile()
    outcome = rebuild_results(st, rid, profile, out)
    say(f"rows {counts.rows}: reviewed {counts.reviewed}, blank {counts.blank}")
    print_summary(outcome.results, outcome.path)
