"""``beian registry``: the authority side of filing (receives dossiers, reviews, issues numbers,
publishes the list).

- ``users add/list``: registry admins, reviewers and providers (Argon2 passwords, as ``beian web``);
- ``serve``: the registry service on a store;
- ``submit``: send the files ``beian assess`` wrote (as ``beian filing attach`` collects them)
  with their SHA-256 digests to a running registry, as a new dossier or a new version.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from beian.cli._common import err_console, print_json, workspace_option
from beian.cli.examples import epilog
from beian.errors import UserError

if TYPE_CHECKING:
    from beian.store import Store

app = typer.Typer(
    help="Registry service / 备案系统（受理方）: dossiers, review, numbers, public list.",
    no_args_is_help=True,
)
users_app = typer.Typer(help="Accounts / 账号: add, list.", no_args_is_help=True)

WorkspaceOpt = Annotated[Path | None, workspace_option("The registry's store (or use --store).")]
StoreOpt = Annotated[
    str | None, typer.Option("--store", help="Store URL (sqlite:///… or postgresql://…).")
]
PasswordEnv = Annotated[
    str | None, typer.Option("--password-env", help="Read the password from this variable.")
]


def _say(zh: str, en: str) -> None:
    err_console.print(f"{zh}\n{en}", markup=False, highlight=False)


def _store(workspace: Path | None, store_url: str | None) -> Store:
    from beian.store import open_store

    if store_url:
        return open_store(store_url)
    if workspace is None:
        raise UserError("name the registry's store: -w DIR or --store URL")
    from beian.workspace import load_workspace

    return open_store(load_workspace(workspace, env=os.environ).store_url())


def _password(env: str | None) -> str:
    from beian.cli.web import _password as ask

    return ask(env)


@users_app.command(
    "add",
    epilog=epilog(
        (
            ("beian registry users add --store sqlite:///registry.db --name 审核员甲 "
             "-r registry_reviewer", "询问两次密码 / asks for the password twice"),
            ("beian registry users add -w reg --name acme -r provider --password-env PW", ""),
        )
    ),
)  # fmt: skip
def users_add(
    name: Annotated[str, typer.Option("--name", help="User name to sign in with.")],
    role: Annotated[list[str], typer.Option(
        "--role", "-r", help="registry_admin, registry_reviewer or provider (repeatable).")],
    workspace: WorkspaceOpt = None,
    store_url: StoreOpt = None,
    password_env: PasswordEnv = None,
) -> None:  # fmt: skip
    """Add a person who signs in to the registry."""
    from beian.registry_service.workflow import ROLES
    from beian.web.auth import add_user

    add_user(_store(workspace, store_url), name, role, _password(password_env), allowed=ROLES)
    _say(f"已添加用户 {name}（{', '.join(role)}）", f"user {name} added ({', '.join(role)})")


@users_app.command(
    "list", epilog=epilog((("beian registry users list -w reg", "账号与角色 / accounts"),))
)
def users_list(workspace: WorkspaceOpt = None, store_url: StoreOpt = None) -> None:
    """The accounts and their roles."""
    from beian.web.auth import list_users

    for u in list_users(_store(workspace, store_url)):
        typer.echo(f"{u.name}\t{', '.join(u.roles)}")


@app.command(
    "serve",
    epilog=epilog(
        (
            ("beian registry serve -w reg", "http://127.0.0.1:8790/list"),
            ("beian registry serve --store postgresql://… --host 0.0.0.0 --secure-cookies",
             "HTTPS 反向代理之后 / behind HTTPS"),
        )
    ),
)  # fmt: skip
def serve_cmd(
    workspace: WorkspaceOpt = None,
    store_url: StoreOpt = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8790,
    secure_cookies: Annotated[
        bool, typer.Option("--secure-cookies", help="Mark cookies Secure (behind HTTPS).")
    ] = False,
) -> None:
    """Serve the registry: public list, upload and review pages, JSON API."""
    import uvicorn

    from beian.registry_service.app import RegistrySettings, create_app
    from beian.standard import load_profile

    store = _store(workspace, store_url)
    application: Any = create_app(
        store, load_profile(), RegistrySettings(secure_cookies=secure_cookies)
    )
    _say(f"备案系统：http://{host}:{port}/list", f"registry: http://{host}:{port}/list")
    uvicorn.run(application, host=host, port=port, log_level="warning")


def _post(url: str, token: str, path: str, fields: dict[str, str], files: list[Path]) -> Any:
    import httpx

    from beian.digest import sha256_file

    sums = "\n".join(f"{sha256_file(p)}  {p.name}" for p in files)
    handles = [("files", (p.name, p.read_bytes())) for p in files]
    r = httpx.post(f"{url}{path}", data={**fields, "sha256": sums}, files=handles,
                   headers={"Authorization": f"Bearer {token}"}, timeout=120)  # fmt: skip
    return _answer(r)


def _answer(r: Any) -> Any:
    try:
        body = r.json()
    except ValueError:
        body = {"error": r.text[:200]}
    if r.status_code >= 400:
        raise UserError(f"registry: HTTP {r.status_code}: {body.get('error', body)}")
    return body


def _token(url: str, user: str, password: str) -> str:
    import httpx

    try:
        r = httpx.post(f"{url}/api/session", json={"name": user, "password": password}, timeout=30)
    except httpx.HTTPError as exc:
        raise UserError(f"registry at {url} not reachable: {exc}") from None
    return str(_answer(r)["token"])


@app.command(
    "submit",
    epilog=epilog(
        (
            ("beian registry submit --url http://127.0.0.1:8790 --user acme --password-env PW "
             "--company 某某科技有限公司 --model-name 星河对话 --number-name XingHeDuiHua "
             "--province 北京 my-service/runs/RUN_ID", "新申请 / a new dossier"),
            ("beian registry submit --url … --user acme --password-env PW --dossier 3 "
             "my-service/runs/RUN_ID", "退回后重新提交 / a new version after a return"),
        )
    ),
)  # fmt: skip
def submit_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Run folder(s) of beian assess, or files.")],
    url: Annotated[str, typer.Option("--url", help="The registry's address.")],
    user: Annotated[str, typer.Option("--user", help="Your provider account.")],
    password_env: PasswordEnv = None,
    dossier: Annotated[int | None, typer.Option("--dossier", help="Resubmit this dossier.")] = None,
    company: Annotated[str, typer.Option("--company", help="备案单位.")] = "",
    filing_type: Annotated[str, typer.Option("--type", help="Filing type.")] = "model_filing",
    model_name: Annotated[str, typer.Option("--model-name", help="模型名称.")] = "",
    number_name: Annotated[str, typer.Option("--number-name", help="Name in the number.")] = "",
    province: Annotated[str, typer.Option("--province", help="属地.")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print the dossier as JSON.")] = False,
) -> None:
    """Send a dossier; exit 1 when the registry's automatic check finds errors."""
    from beian.filing.dossier import collect

    files = [f.path for f in collect(paths)]
    base = url.rstrip("/")
    token = _token(base, user, _password(password_env))
    if dossier is None:
        fields = {"company": company, "filing_type": filing_type, "model_name": model_name,
                  "number_name": number_name, "province": province}  # fmt: skip
        found = _post(base, token, "/api/dossiers", fields, files)
    else:
        found = _post(base, token, f"/api/dossiers/{dossier}/versions", {}, files)
    _report(found, as_json)


def _report(found: dict[str, Any], as_json: bool) -> None:
    checks = found["versions"][0]["checks"]
    if as_json:
        print_json(found)
    else:
        typer.echo(f"#{found['id']}\t{found['status']}\tv{found['versions'][0]['version']}")
        for c in checks:
            typer.echo(f"{c['level']}\t{c['zh']} / {c['en']}")
    errors = [c for c in checks if c["level"] == "error"]
    if errors:  # submitted, but a reviewer cannot accept it: exit 1 (not a usage error)
        _say(f"自动检查发现 {len(errors)} 个错误：{errors[0]['zh']}",
             f"the automatic check found {len(errors)} error(s): {errors[0]['en']}")  # fmt: skip
        raise typer.Exit(1)


def register(root: typer.Typer) -> None:
    """Attach the ``registry`` group to the root app."""
    app.add_typer(users_app, name="users")
    root.add_typer(app, name="registry")
