"""``beian filing``: the provider's filing (备案) / registration (登记) register.

add / list / show / status / event / attach / due / check-display on the register;
import-list / lookup / batches on the public list (see :mod:`beian.cli.filing_list`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from beian.cli import examples
from beian.cli._common import console, folding, print_json
from beian.cli.filing_common import (
    ActorOpt,
    JsonOpt,
    LangOpt,
    StoreOpt,
    WorkspaceOpt,
    day_of,
    lang_of,
    open_register,
    required_day,
    say,
)

if TYPE_CHECKING:
    from beian.assess.evidence import Lang
    from beian.filing.clocks import Clock
    from beian.filing.views import RecordView

app = typer.Typer(
    help="备案/登记登记簿与备案名单 / filing register and the public list of filed services.",
    no_args_is_help=True,
)
IdArg = Annotated[int, typer.Argument(help="Record id (see beian filing list).")]


def _labels(rec: RecordView, lang: Lang) -> tuple[str, str]:
    from beian.filing.kinds import STATUS_LABELS, TYPE_LABELS

    return TYPE_LABELS[rec.filing_type].get(lang), STATUS_LABELS[rec.status].get(lang)


def _line(rec: RecordView, lang: Lang) -> str:
    kind, status = _labels(rec, lang)
    number = rec.number or say(lang, "（无备案号）", "(no number)")
    return f"#{rec.id} {rec.name} [{kind}] {status} {number}"


@app.command(
    "add",
    epilog=examples.epilog(
        (
            (
                'beian filing add -w my-service --type registration --name "某对话服务" --base-model "星河对话大模型" --base-model-number Beijing-XingHeDuiHua-202405100007',
                "登记调用已备案模型的应用 / an app calling a filed model",
            ),
            (
                'beian filing add -w my-service --type algorithm_filing --name "某生成合成算法" --launched-on 2026-11-20',
                "算法备案，10个工作日时钟 / algorithm filing, 10-working-day clock",
            ),
        )
    ),
)
def add_cmd(
    name: Annotated[str, typer.Option("--name", help="Algorithm, model or service name.")],
    filing_type: Annotated[
        str, typer.Option("--type", help="algorithm_filing | model_filing | registration.")
    ],
    owner: Annotated[str, typer.Option("--owner", help="Filing organisation (备案单位).")] = "",
    number: Annotated[str, typer.Option("--number", help="Number, if already filed.")] = "",
    province: Annotated[str, typer.Option("--province", help="属地, e.g. 北京.")] = "",
    base_model: Annotated[str, typer.Option("--base-model", help="Base model used.")] = "",
    base_number: Annotated[
        str, typer.Option("--base-model-number", help="The base model's filing number.")
    ] = "",
    display_url: Annotated[str, typer.Option("--display-url", help="Page showing it.")] = "",
    launched_on: Annotated[str | None, typer.Option("--launched-on", help="YYYY-MM-DD")] = None,
    filed_on: Annotated[str | None, typer.Option("--filed-on", help="YYYY-MM-DD")] = None,
    workspace: WorkspaceOpt = None,
    store: StoreOpt = None,
    lang: LangOpt = "zh",
    actor: ActorOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Add an algorithm, model or service to the register (draft, or filed with --number)."""
    from beian.filing.kinds import parse_type
    from beian.filing.register import NewRecord, add_record

    new = NewRecord(
        filing_type=parse_type(filing_type),
        name=name,
        owner=owner,
        number=number,
        province=province,
        base_model=base_model,
        base_model_number=base_number,
        display_url=display_url,
        launched_on=day_of(launched_on, "--launched-on"),
        filed_on=day_of(filed_on, "--filed-on"),
    )
    rec = add_record(open_register(workspace, store), new, actor)
    if as_json:
        print_json(rec.model_dump(mode="json"))
        return
    typer.echo(
        say(lang_of(lang), "已加入登记簿：", "added to the register: ") + _line(rec, lang_of(lang))
    )


@app.command(
    "list",
    epilog=examples.epilog(
        (
            ("beian filing list -w my-service", "登记簿 / the register"),
            ("beian filing list -w my-service --status filed --json", ""),
        )
    ),
)
def list_cmd(
    status: Annotated[str | None, typer.Option("--status", help="Only this status.")] = None,
    filing_type: Annotated[str | None, typer.Option("--type", help="Only this type.")] = None,
    workspace: WorkspaceOpt = None,
    store: StoreOpt = None,
    lang: LangOpt = "zh",
    as_json: JsonOpt = False,
) -> None:
    """Records of the register."""
    from beian.filing.kinds import parse_status, parse_type
    from beian.filing.register import list_records

    recs = list_records(
        open_register(workspace, store),
        parse_status(status) if status else None,
        parse_type(filing_type) if filing_type else None,
    )
    if as_json:
        print_json([r.model_dump(mode="json") for r in recs])
        return
    lg = lang_of(lang)
    heads = (
        ("编号", "名称", "类型", "状态", "备案号", "属地")
        if lg == "zh"
        else ("id", "name", "type", "status", "number", "province")
    )
    table = folding(Table(*heads))
    for r in recs:
        kind, st = _labels(r, lg)
        table.add_row(str(r.id), r.name, kind, st, r.number or "—", r.province or "—")
    console.print(table)


@app.command(
    "status",
    epilog=examples.epilog(
        (
            ("beian filing status -w my-service 1 submitted", "提交 / submitted"),
            (
                'beian filing status -w my-service 1 returned --reason "补充附件5"',
                "退回须写原因 / a return needs a reason",
            ),
            (
                "beian filing status -w my-service 1 filed --number Beijing-XingHeDuiHua-202405100007 --on 2026-12-01",
                "备案号 / the number issued",
            ),
        )
    ),
)
def status_cmd(
    record_id: IdArg,
    target: Annotated[str, typer.Argument(help="submitted|returned|filed|changed|cancelled")],
    on: Annotated[str | None, typer.Option("--on", help="Day it happened (YYYY-MM-DD).")] = None,
    number: Annotated[str, typer.Option("--number", help="Number issued (filed).")] = "",
    reason: Annotated[str, typer.Option("--reason", help="Why it was returned.")] = "",
    workspace: WorkspaceOpt = None,
    store: StoreOpt = None,
    lang: LangOpt = "zh",
    actor: ActorOpt = "",
) -> None:
    """Move a record through draft → submitted → returned/filed → changed → cancelled."""
    from beian.filing.kinds import parse_status
    from beian.filing.register import set_status

    rec = set_status(
        open_register(workspace, store),
        record_id,
        parse_status(target),
        on=day_of(on, "--on"),
        number=number,
        reason=reason,
        actor=actor,
    )
    typer.echo(_line(rec, lang_of(lang)))


@app.command(
    "event",
    epilog=examples.epilog(
        (
            (
                'beian filing event -w my-service 1 changed --on 2026-12-01 --note "升级基础模型"',
                "变更：10个工作日内变更备案，并重新评估 / change filing due, §7 h",
            ),
            (
                "beian filing event -w my-service 1 terminated --on 2026-12-01",
                "终止服务：20个工作日内注销 / cancellation due",
            ),
        )
    ),
)
def event_cmd(
    record_id: IdArg,
    kind: Annotated[str, typer.Argument(help="launched | changed | terminated")],
    on: Annotated[str, typer.Option("--on", help="Day it happened (YYYY-MM-DD).")],
    note: Annotated[str, typer.Option("--note", help="What changed.")] = "",
    workspace: WorkspaceOpt = None,
    store: StoreOpt = None,
    lang: LangOpt = "zh",
    actor: ActorOpt = "",
) -> None:
    """Record a dated fact that starts a clock: launch, a change, the end of service."""
    from beian.filing.register import record_event

    day = required_day(on, "--on")
    rec = record_event(open_register(workspace, store), record_id, kind, day, note, actor)
    typer.echo(_line(rec, lang_of(lang)))


@app.command(
    "attach",
    epilog=examples.epilog(
        (
            (
                "beian filing attach -w my-service 1 my-service/runs/RUN",
                "附上评估报告与附件（SHA-256） / attach the dossier by digest",
            ),
        )
    ),
)
def attach_cmd(
    record_id: IdArg,
    paths: Annotated[list[Path], typer.Argument(help="Run folder (runs/<id>) or files.")],
    workspace: WorkspaceOpt = None,
    store: StoreOpt = None,
    lang: LangOpt = "zh",
    actor: ActorOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Attach the dossier written by beian assess (report, 附件, questionnaire) by SHA-256."""
    from beian.filing.register import attach

    files = attach(open_register(workspace, store), record_id, paths, actor)
    if as_json:
        print_json([f.model_dump(mode="json") for f in files])
        return
    lg = lang_of(lang)
    typer.echo(say(lg, f"已附 {len(files)} 个文件：", f"attached {len(files)} file(s):"))
    for f in files:
        typer.echo(f"  {f.role:<13} {f.sha256[:16]}  {f.path}")


def _clock_rows(clocks: list[Clock], lang: Lang) -> None:
    for c in clocks:
        mark = {"overdue": "✗", "due_soon": "!", "warning": "!", "ok": "·"}[c.state]
        typer.echo(
            f"{mark} #{c.record_id} {c.record_name}: {say(lang, c.message_zh, c.message_en)}"
        )
        for note in c.calendar_notes:
            typer.echo(f"    {note}")


def _all_clocks(st: Any, today: Any) -> list[Clock]:
    from beian.filing.clocks import clocks_for
    from beian.filing.register import history, list_records

    out: list[Clock] = []
    for rec in list_records(st):
        out += clocks_for(rec, history(st, rec.id)[1], today)
    return out


@app.command(
    "due",
    epilog=examples.epilog(
        (
            ("beian filing due -w my-service", "期限与提醒 / deadlines and warnings"),
            (
                "beian filing due -w my-service --today 2026-12-01 --strict",
                "逾期时退出码 1 / exit 1 when overdue",
            ),
        )
    ),
)
def due_cmd(
    today: Annotated[str | None, typer.Option("--today", help="Count as of this day.")] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 when anything is overdue.")
    ] = False,
    workspace: WorkspaceOpt = None,
    store: StoreOpt = None,
    lang: LangOpt = "zh",
    as_json: JsonOpt = False,
) -> None:
    """Deadlines in working days (filing 10, change 10, cancellation 20) with warnings."""
    from dataclasses import asdict
    from datetime import UTC, datetime

    day = day_of(today, "--today") or datetime.now(UTC).date()
    clocks = _all_clocks(open_register(workspace, store), day)
    if as_json:
        print_json([asdict(c) for c in clocks])
    elif not clocks:
        typer.echo(say(lang_of(lang), "没有进行中的期限。", "no running deadlines."))
    else:
        _clock_rows(clocks, lang_of(lang))
    if strict and any(c.state == "overdue" for c in clocks):
        raise typer.Exit(1)


def register(root: typer.Typer) -> None:
    """Attach the ``filing`` group to the root app."""
    from beian.cli import filing_list, filing_show

    filing_show.register(app)
    filing_list.register(app)
    root.add_typer(app, name="filing")
