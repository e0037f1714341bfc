"""``beian web``: accounts, review queues and the review workbench server.

- ``users add/list``: people who sign in, with their roles (passwords stored as Argon2 hashes);
- ``queue add``: a review queue over a stored corpus sample (§9.2 a) or eval run (§9.3 b);
- ``publish``: write a queue's decided verdicts where the sheet imports write them;
- ``serve``: the web app on the workspace's store.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from beian.cli._common import err_console, print_json, workspace_option
from beian.cli.examples import epilog
from beian.errors import UserError

if TYPE_CHECKING:
    from beian.store import Store
    from beian.workspace import Workspace

app = typer.Typer(
    help="Review workbench / 人工审核台: accounts, queues, double review, agreement.",
    no_args_is_help=True,
)
users_app = typer.Typer(help="Accounts / 账号: add, list.", no_args_is_help=True)
queue_app = typer.Typer(help="Review queues / 审核队列: add, list.", no_args_is_help=True)

WorkspaceOpt = Annotated[Path, workspace_option("The store and profile of the workbench.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _say(zh: str, en: str) -> None:
    err_console.print(f"{zh}\n{en}", markup=False, highlight=False)


def _open(workspace: Path) -> tuple[Workspace, Store]:
    from beian.store import open_store
    from beian.workspace import load_workspace

    ws = load_workspace(workspace, env=os.environ)
    return ws, open_store(ws.store_url())


def _password(env: str | None) -> str:
    if env:
        value = os.environ.get(env)
        if not value:
            raise UserError(f"environment variable {env} is not set")
        return value
    if not sys.stdin.isatty():
        raise UserError("no terminal to ask the password on: use --password-env VAR")
    typed: str = typer.prompt("密码 / password", hide_input=True, confirmation_prompt=True)
    return typed


@users_app.command(
    "add",
    epilog=epilog(
        (
            (
                "beian web users add -w my-service --name 张三 -r reviewer",
                "询问两次密码 / asks for the password twice",
            ),
            ("beian web users add -w my-service --name lead -r admin --password-env PW", ""),
        )
    ),
)
def users_add(
    name: Annotated[str, typer.Option("--name", help="User name to sign in with.")],
    role: Annotated[
        list[str],
        typer.Option(
            "--role", "-r",
            help="admin, annotator, reviewer, adjudicator or operator (repeat for several).",
        ),
    ],
    workspace: WorkspaceOpt,
    password_env: Annotated[
        str | None, typer.Option("--password-env", help="Read the password from this variable.")
    ] = None,
) -> None:  # fmt: skip
    """Add a person who signs in to the workbench (asks for the password twice)."""
    from beian.web.auth import add_user

    _, store = _open(workspace)
    add_user(store, name, role, _password(password_env))
    _say(f"已添加用户 {name}（{', '.join(role)}）", f"user {name} added ({', '.join(role)})")


@users_app.command(
    "list",
    epilog=epilog((("beian web users list -w my-service", "账号与角色 / accounts and roles"),)),
)
def users_list(workspace: WorkspaceOpt, as_json: JsonOpt = False) -> None:
    """The accounts and their roles."""
    from beian.web.auth import list_users

    _, store = _open(workspace)
    users = [{"name": u.name, "roles": list(u.roles)} for u in list_users(store)]
    if as_json:
        print_json(users)
        return
    for u in users:
        typer.echo(f"{u['name']}\t{', '.join(u['roles'])}")


@queue_app.command(
    "add",
    epilog=epilog(
        (
            (
                "beian web queue add -w my-service --run RUN_ID --reviewers 2",
                "双人审核 / two reviewers per item",
            ),
            ("beian web queue add -w my-service --run RUN_ID --show-auto", "非盲审 / not blind"),
        )
    ),
)
def queue_add(
    run: Annotated[str, typer.Option("--run", help="A corpus-sample or eval run id.")],
    workspace: WorkspaceOpt,
    reviewers: Annotated[int, typer.Option("--reviewers", help="Reviewers per item (1 or 2).")] = 1,
    show_auto: Annotated[
        bool, typer.Option("--show-auto", help="Show automatic verdicts (not blind).")
    ] = False,
) -> None:
    """Open a review queue over a stored run's items."""
    from beian.web.queues import create_queue

    _, store = _open(workspace)
    queue_id = create_queue(store, run, reviewers, not show_auto, "cli")
    _say(f"已创建审核队列 #{queue_id}", f"review queue #{queue_id} created")
    typer.echo(str(queue_id))


@queue_app.command(
    "list", epilog=epilog((("beian web queue list -w my-service", "审核队列 / review queues"),))
)
def queue_list(workspace: WorkspaceOpt, as_json: JsonOpt = False) -> None:
    """The review queues with their runs and sizes."""
    from dataclasses import asdict

    from beian.web.queues import list_queues

    _, store = _open(workspace)
    rows = [asdict(q) for q in list_queues(store)]
    if as_json:
        print_json(rows)
        return
    for q in rows:
        typer.echo(f"#{q['id']}\t{q['kind']}\t{q['run_id']}\t{q['items']}\t{q['published_run']}")


@app.command(
    "publish",
    epilog=epilog(
        (("beian web publish -w my-service --queue 1", "写入评估结果 / into the store"),)
    ),
)
def publish_cmd(
    queue: Annotated[int, typer.Option("--queue", help="Queue id.")],
    workspace: WorkspaceOpt,
    as_json: JsonOpt = False,
) -> None:
    """Write a queue's decided verdicts to the store (what ``beian assess`` then reads)."""
    from beian.web.publish import publish
    from beian.web.queues import get_queue

    ws, store = _open(workspace)
    found = get_queue(store, queue)
    if found is None:
        raise UserError(f"no review queue #{queue}")
    run = publish(store, found, ws.profile(), "cli", workspace=str(ws.root))
    if as_json:
        print_json({"queue": queue, "run": run})
        return
    _say(f"队列 #{queue} 的结论已写入运行 {run}", f"queue #{queue} published as run {run}")


@app.command(
    "serve",
    epilog=epilog(
        (
            ("beian web serve -w my-service", "http://127.0.0.1:8780/"),
            (
                "beian web serve -w my-service --host 0.0.0.0 --secure-cookies",
                "HTTPS 反向代理之后 / behind HTTPS",
            ),
        )
    ),
)
def serve_cmd(
    workspace: WorkspaceOpt,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8780,
    secure_cookies: Annotated[
        bool, typer.Option("--secure-cookies", help="Mark cookies Secure (behind HTTPS).")
    ] = False,
) -> None:
    """Serve the review workbench on the workspace's store."""
    import uvicorn

    from beian.web.app import create_app
    from beian.web.config import WebSettings

    ws, store = _open(workspace)
    settings = WebSettings(secure_cookies=secure_cookies)
    application: Any = create_app(store, ws.profile(), settings, workspace=str(ws.root))
    _say(f"审核台：http://{host}:{port}/", f"workbench: http://{host}:{port}/")
    uvicorn.run(application, host=host, port=port, log_level="warning")


def register(root: typer.Typer) -> None:
    """Attach the ``web`` group to the root app."""
    app.add_typer(users_app, name="users")
    app.add_typer(queue_app, name="queue")
    root.add_typer(app, name="web")
