"""``beian gateway``: the OpenAI-compatible safety gateway and its complaint register.

- ``gateway serve``: run the gateway in front of an upstream model (docs/gateway.md);
- ``gateway complaints``: list complaints received through ``POST /v1/complaints``;
- ``gateway log``: the newest audit rows;
- ``gateway keys`` / ``gateway audit``: API keys and the audit chain (gateway_admin.py).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from beian.cli._common import console, err_console, print_json, workspace_option

app = typer.Typer(
    help="OpenAI-compatible safety gateway: screening, labels, audit log, complaints.",
    no_args_is_help=True,
)

WorkspaceOpt = Annotated[Path | None, workspace_option("Its store and profile are the defaults.")]
ConfigOpt = Annotated[Path | None, typer.Option("--config", "-c", help="Gateway YAML config.")]
StoreOpt = Annotated[
    str | None, typer.Option("--store", help="Audit store URL (overrides config).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _gateway(
    config: Path | None, workspace: Path | None, upstream: str | None, store: str | None
) -> Any:
    from beian.gateway import build_gateway, load_config

    cfg = load_config(config, upstream_url=upstream, store=store)
    from beian.detect.setup import resolve_setup

    store_url: str | None = None
    profile: str | None = None
    ws = None
    if workspace is not None:
        from beian.workspace import load_workspace

        ws = load_workspace(workspace, env=os.environ)
        store_url, profile = ws.store_url(), ws.config.profile
    setup = resolve_setup(ws)
    return build_gateway(cfg, store_url=store_url, profile=profile, setup=setup, env=os.environ)


@app.command("serve")
def serve_cmd(
    upstream: Annotated[
        str | None,
        typer.Option("--upstream", help="Upstream base URL, e.g. http://127.0.0.1:8000/v1."),
    ] = None,
    workspace: WorkspaceOpt = None,
    host: Annotated[str, typer.Option("--host", help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to bind.")] = 8080,
    config: ConfigOpt = None,
    store: StoreOpt = None,
    log_level: Annotated[str, typer.Option("--log-level", help="uvicorn log level.")] = "info",
) -> None:
    """Serve /v1/chat/completions, /v1/models, /v1/complaints and /healthz."""
    from beian.gateway.serve import serve

    gw = _gateway(config, workspace, upstream, store)
    names = ", ".join(d.name for d in gw.screener.detectors.detectors)
    if gw.screener.input_detectors is not None:
        names += f"; input: {', '.join(d.name for d in gw.screener.input_detectors.detectors)}"
    answers = gw.screener.answers
    if answers is None:
        names += "; answers as text"
    else:
        names += "; answers as answers" + (f" ({answers.harm_model})" if answers.harm_model else "")
    err_console.print(
        f"beian gateway on http://{host}:{port}/v1 → {gw.upstream.base_url} "
        f"(detectors: {names}; "
        f"audit pruned {gw.pruned} rows)",
        markup=False,
        highlight=False,
    )
    if gw.config.auth.mode == "open":
        err_console.print(
            "警告：auth.mode 为 open，任何能连上本端口的人都可调用，用户标识由客户端自称。仅限本机使用。\n"
            "warning: auth.mode is open: anyone reaching this port may call it and names their "
            "own user. Local use only; issue keys with 'beian gateway keys create'.",
            markup=False,
            highlight=False,
        )
    serve(gw, host=host, port=port, log_level=log_level)


@app.command("complaints")
def complaints_cmd(
    workspace: WorkspaceOpt = None,
    config: ConfigOpt = None,
    store: StoreOpt = None,
    status: Annotated[
        str | None, typer.Option("--status", help="Only this status (open …).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List complaints with their handling deadlines."""
    rows = _audit(config, workspace, store).complaints(status)
    data = [
        {
            "ticket_id": r.id,
            "status": r.status,
            "created_at": r.created_at.isoformat(),
            "due_at": r.due_at.isoformat(),
            "request_id": r.request_id,
            "contact": r.contact,
            "content": r.content,
        }
        for r in rows
    ]
    if as_json:
        print_json(data)
        return
    table = Table("ticket", "status", "created", "due", "request", "content", title="complaints")
    for d in data:
        table.add_row(
            d["ticket_id"],
            d["status"],
            d["created_at"][:19],
            d["due_at"][:19],
            d["request_id"] or "",
            d["content"][:40],
        )
    console.print(table)


@app.command("log")
def log_cmd(
    workspace: WorkspaceOpt = None,
    config: ConfigOpt = None,
    store: StoreOpt = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="How many rows.")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """The newest audit rows: decision, risks, user, latency."""
    rows = _audit(config, workspace, store).requests(limit)
    data = [
        {
            "id": r.id,
            "time": r.created_at.isoformat(),
            "user": r.user_id,
            "route": r.route,
            "decision": r.decision,
            "input_risks": r.input_risks,
            "output_risks": r.output_risks,
            "sanction": r.sanction,
            "latency_ms": r.latency_ms,
            "upstream_status": r.upstream_status,
        }
        for r in rows
    ]
    if as_json:
        print_json(data)
        return
    table = Table("time", "user", "route", "decision", "risks", "ms", title="gateway log")
    for d in data:
        risks = ",".join(d["input_risks"] + d["output_risks"])
        table.add_row(
            d["time"][:19], d["user"], d["route"], d["decision"], risks, f"{d['latency_ms']:.1f}"
        )
    console.print(table)


def _audit(config: Path | None, workspace: Path | None, store: str | None) -> Any:
    """The audit log alone (no detectors, no upstream): for the read-only commands."""
    from beian.gateway.audit import AuditLog
    from beian.gateway.config import load_config
    from beian.store import open_store

    cfg = load_config(config, store=store)
    url = cfg.store
    if url is None and workspace is not None:
        from beian.workspace import load_workspace

        url = load_workspace(workspace, env=os.environ).store_url()
    return AuditLog(open_store(url or "sqlite:///beian-gateway.db"), cfg.audit)


def register(root: typer.Typer) -> None:
    """Attach the ``gateway`` group (with ``keys`` and ``audit``) to the root app."""
    from beian.cli import gateway_admin

    gateway_admin.register(app)
    root.add_typer(app, name="gateway")
