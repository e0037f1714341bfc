"""``beian gateway keys`` and ``beian gateway audit``: who may call, and proof of what happened.

- ``keys create/list/revoke``: gateway API keys, each bound to a user id, stored hashed;
- ``audit verify``: recompute the hash chain and check every audit row (exit 1 on tampering);
- ``audit prune``: apply the retention period now, keeping the chain verifiable.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from beian.cli._common import console, err_console, print_json, workspace_option

keys_app = typer.Typer(
    help="Gateway API keys / 网关密钥: create, list, revoke.", no_args_is_help=True
)
audit_app = typer.Typer(help="Audit chain / 审计链: verify, prune.", no_args_is_help=True)

WorkspaceOpt = Annotated[Path | None, workspace_option("Its store is the gateway's store.")]
ConfigOpt = Annotated[Path | None, typer.Option("--config", "-c", help="Gateway YAML config.")]
StoreOpt = Annotated[
    str | None, typer.Option("--store", help="Gateway store URL (overrides config).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _say(zh: str, en: str) -> None:
    err_console.print(f"{zh}\n{en}", markup=False, highlight=False)


def open_gateway_store(config: Path | None, workspace: Path | None, store: str | None) -> Any:
    """The store ``gateway serve`` would use with the same options (config, then workspace)."""
    from beian.gateway.config import load_config
    from beian.store import open_store

    cfg = load_config(config, store=store)
    url = cfg.store
    if url is None and workspace is not None:
        from beian.workspace import load_workspace

        url = load_workspace(workspace, env=os.environ).store_url()
    return cfg, open_store(url or "sqlite:///beian-gateway.db")


@keys_app.command("create")
def create_cmd(
    user: Annotated[str, typer.Option("--user", "-u", help="User id the key speaks for.")],
    workspace: WorkspaceOpt = None,
    config: ConfigOpt = None,
    store: StoreOpt = None,
    name: Annotated[str, typer.Option("--name", help="What the key is for.")] = "",
    rpm: Annotated[
        int | None, typer.Option("--rpm", help="Requests per minute (default: auth config).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Issue a key for USER; it is printed once and stored only as its SHA-256."""
    from beian.gateway.keys import KeyStore

    _, st = open_gateway_store(config, workspace, store)
    issued = KeyStore(st).create(user, name, rpm)
    if as_json:
        print_json({"key_id": issued.key_id, "user_id": issued.user_id, "key": issued.secret})
        return
    _say(
        f"已为用户 {issued.user_id} 创建密钥 {issued.key_id}。密钥只显示这一次，请立即保存：",
        f"Key {issued.key_id} created for user {issued.user_id}. It is shown once; store it now:",
    )
    typer.echo(issued.secret)


@keys_app.command("list")
def list_cmd(
    workspace: WorkspaceOpt = None,
    config: ConfigOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Keys with their user, limits and state (never the key itself)."""
    from beian.gateway.keys import KeyStore

    _, st = open_gateway_store(config, workspace, store)
    data: list[dict[str, Any]] = [
        {
            "key_id": r.id,
            "user_id": r.user_id,
            "name": r.name,
            "created_at": r.created_at.isoformat(),
            "revoked_at": r.revoked_at.isoformat() if r.revoked_at else None,
            "requests_per_minute": r.requests_per_minute,
        }
        for r in KeyStore(st).list()
    ]
    if as_json:
        print_json(data)
        return
    table = Table("key id", "user", "name", "created", "state", "rpm", title="gateway keys")
    for d in data:
        state = "revoked 已吊销" if d["revoked_at"] else "active 有效"
        rpm = str(d["requests_per_minute"] or "")
        table.add_row(d["key_id"], d["user_id"], d["name"], d["created_at"][:19], state, rpm)
    console.print(table)


@keys_app.command("revoke")
def revoke_cmd(
    key_id: Annotated[str, typer.Argument(help="Key id as shown by 'keys list'.")],
    workspace: WorkspaceOpt = None,
    config: ConfigOpt = None,
    store: StoreOpt = None,
) -> None:
    """Revoke a key (running gateways stop accepting it within auth.cache_seconds)."""
    from beian.errors import InputError
    from beian.gateway.keys import KeyStore

    _, st = open_gateway_store(config, workspace, store)
    if not KeyStore(st).revoke(key_id):
        raise InputError(f"no active key {key_id!r} / 没有有效的密钥 {key_id!r}")
    _say(f"密钥 {key_id} 已吊销。", f"Key {key_id} revoked.")


@audit_app.command("verify")
def verify_cmd(
    workspace: WorkspaceOpt = None,
    config: ConfigOpt = None,
    store: StoreOpt = None,
    anchor: Annotated[
        str | None,
        typer.Option("--anchor", help="SEQ:HASH printed by an earlier verify; must still hold."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Recompute the audit chain; exit 1 naming the first bad row if anything was altered."""
    from beian.errors import InputError
    from beian.gateway.verify import Anchor, verify

    _, st = open_gateway_store(config, workspace, store)
    try:
        mark = Anchor.parse(anchor) if anchor else None
    except ValueError as exc:
        raise InputError(str(exc)) from None
    report = verify(st, mark)
    if as_json:
        print_json(
            {
                "ok": report.ok,
                "links": report.links,
                "requests": report.requests,
                "head": f"{report.head_seq}:{report.head_hash}",
                "problems": report.problems,
            }
        )
    elif report.ok:
        _say(
            f"审计链完好：{report.links} 个链节，{report.requests} 条请求记录。",
            f"Audit chain intact: {report.links} links, {report.requests} request rows.",
        )
        typer.echo(f"head {report.head_seq}:{report.head_hash}")
    else:
        first = report.problems[0]
        more = len(report.problems) - 1
        _say(
            f"审计链已被改动（共 {len(report.problems)} 处）。第一处：{first}",
            f"Audit chain tampered with ({len(report.problems)} problems). First: {first}",
        )
        for line in report.problems[1 : 1 + min(more, 20)]:
            err_console.print(f"  {line}", markup=False, highlight=False)
    if not report.ok:
        raise typer.Exit(1)


@audit_app.command("prune")
def prune_cmd(
    workspace: WorkspaceOpt = None,
    config: ConfigOpt = None,
    store: StoreOpt = None,
) -> None:
    """Drop requests older than audit.retention_days now (serve also does it at start)."""
    from beian.gateway.audit import AuditLog

    cfg, st = open_gateway_store(config, workspace, store)
    pruned = AuditLog(st, cfg.audit).prune()
    _say(
        f"已删除 {pruned} 条过期请求记录（链保持可验证）。",
        f"Pruned {pruned} request rows; the chain stays verifiable.",
    )


def register(gateway_app: typer.Typer) -> None:
    """Attach ``keys`` and ``audit`` under ``beian gateway``."""
    gateway_app.add_typer(keys_app, name="keys")
    gateway_app.add_typer(audit_app, name="audit")
