"""What the ``beian eval`` commands share: the workspace/store/out options, opening the store
a run was written to, and finding the run a command is about."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from beian.errors import InputError, UserError

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


def open_workspace(path: Path | None) -> Any:
    """The workspace at ``path`` (``None`` when not given)."""
    if path is None:
        return None
    from beian.workspace import load_workspace

    return load_workspace(path, env=os.environ)


def open_store_for(url: str | None, ws: Any, out: Path | None) -> Any:
    """--store, else the workspace's store, else OUT/eval.db (created for a new run)."""
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


def existing_store(url: str | None, ws: Any, out: Path | None) -> Any:
    """The store a run was written to; OUT/eval.db must exist (never create an empty one)."""
    if url is None and ws is None and out is not None:
        db = out / "eval.db"
        if not db.is_file():
            raise InputError(f"{db} does not exist: {stored_where(out)}")
    return open_store_for(url, ws, out)


def stored_where(out: Path) -> str:
    """Where the run in ``out`` was stored, as a hint: its workspace, when it had one."""
    record = out_record(out)
    if record.get("workspace"):
        return (
            f"run {record.get('id', '?')} was stored in its workspace's store; "
            f"add --workspace {record['workspace']}"
        )
    return "give --workspace or --store where the run was stored"


def out_record(out: Path) -> dict[str, Any]:
    """The run record written next to a run's results (run.json, else results.json's)."""
    for name in ("run.json", "results.json"):
        path = out / name
        if path.is_file():
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            return dict(data.get("run") or {}) if name == "results.json" else data
    return {}


def resolve_run(run_id: str | None, out: Path | None, ws: Any, st: Any) -> str:
    """The run named by --run, else the one in OUT/results.json, else the workspace's newest
    finished run; a run the store does not hold is an error naming where it probably is."""
    from beian.evaluate.selection import choose_eval_run
    from beian.evaluate.storage import load_run

    rid = run_id
    if rid is None and out is not None and (out / "results.json").is_file():
        data = json.loads((out / "results.json").read_text(encoding="utf-8"))
        rid = str(data["run_id"])
    if rid is None and ws is not None:
        run = choose_eval_run(st, ws).run
        if run is None:
            raise InputError(
                f"no finished eval run in {ws.root}; run 'beian eval run -w {ws.root}' first"
            )
        rid = run.id
    if rid is None:
        raise UserError("give --run ID (or --out DIR holding the run's results.json)")
    try:
        load_run(st, rid)
    except InputError:
        hint = f"; {stored_where(out)}" if out is not None and ws is None else ""
        raise InputError(f"no eval run {rid} in this store{hint}") from None
    return rid
