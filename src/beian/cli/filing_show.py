"""``beian filing show`` and ``beian filing check-display``: one record in full."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from beian.cli import examples
from beian.cli._common import print_json
from beian.cli.filing_common import (
    ActorOpt,
    JsonOpt,
    LangOpt,
    StoreOpt,
    WorkspaceOpt,
    lang_of,
    open_register,
    say,
)

if TYPE_CHECKING:
    from beian.assess.evidence import Lang
    from beian.filing.views import DossierFileView, EventView, RecordView

IdArg = Annotated[int, typer.Argument(help="Record id (see beian filing list).")]


def _fields(rec: RecordView, lang: Lang) -> list[tuple[str, str]]:
    from beian.filing.kinds import STATUS_LABELS, TYPE_LABELS

    rows = [
        (say(lang, "名称", "name"), rec.name),
        (say(lang, "类型", "type"), TYPE_LABELS[rec.filing_type].get(lang)),
        (say(lang, "状态", "status"), STATUS_LABELS[rec.status].get(lang)),
        (say(lang, "备案号", "number"), rec.number),
        (say(lang, "备案单位", "owner"), rec.owner),
        (say(lang, "属地", "province"), rec.province),
        (say(lang, "基础模型", "base model"), rec.base_model),
        (say(lang, "基础模型备案号", "base-model number"), rec.base_model_number),
        (say(lang, "展示页面", "display page"), rec.display_url),
        (say(lang, "上线日期", "launched on"), str(rec.launched_on or "")),
        (say(lang, "备案日期", "filed on"), str(rec.filed_on or "")),
        (say(lang, "待变更（变更日）", "change pending since"), str(rec.change_event_on or "")),
        (say(lang, "终止服务日", "terminated on"), str(rec.terminated_on or "")),
    ]
    return [(k, v) for k, v in rows if v]


def _print(
    rec: RecordView, events: list[EventView], files: list[DossierFileView], lang: Lang
) -> None:
    from beian.filing.dossier import recheck

    typer.echo(f"#{rec.id}")
    for key, value in _fields(rec, lang):
        typer.echo(f"  {key}: {value}")
    typer.echo(say(lang, "历史：", "history:"))
    for e in events:
        move = f"{e.from_status}→{e.to_status}" if e.to_status else e.kind
        typer.echo(f"  {e.at:%Y-%m-%d %H:%M} {move} {e.on or ''} {e.note} (chain #{e.chain_seq})")
    typer.echo(say(lang, "备案材料（SHA-256）：", "dossier (SHA-256):"))
    for f in files:
        typer.echo(f"  [{recheck(f.path, f.sha256)}] {f.role:<13} {f.sha256[:16]} {f.path}")


def show_cmd(
    record_id: IdArg,
    workspace: WorkspaceOpt = None,
    store: StoreOpt = None,
    lang: LangOpt = "zh",
    as_json: JsonOpt = False,
) -> None:
    """One record: fields, history (with audit-chain links), dossier files re-hashed now."""
    from beian.filing.dossier import recheck
    from beian.filing.register import get_record, history

    st = open_register(workspace, store)
    rec = get_record(st, record_id)
    events, files = history(st, record_id)
    if as_json:
        print_json(
            {
                "record": rec.model_dump(mode="json"),
                "events": [e.model_dump(mode="json") for e in events],
                "dossier": [
                    f.model_dump(mode="json") | {"now": recheck(f.path, f.sha256)} for f in files
                ],
            }
        )
        return
    _print(rec, events, files, lang_of(lang))


def check_display_cmd(
    record_id: IdArg,
    source: Annotated[
        str | None, typer.Option("--source", "--url", "--file", help="URL or file to check.")
    ] = None,
    workspace: WorkspaceOpt = None,
    store: StoreOpt = None,
    lang: LangOpt = "zh",
    actor: ActorOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Check that a page or file shows the filed model name and number (exit 1 if not)."""
    from beian.errors import UserError
    from beian.filing.display import check_display
    from beian.filing.register import get_record, save_display_check

    st = open_register(workspace, store)
    rec = get_record(st, record_id)
    where = source or rec.display_url
    if not where:
        raise UserError("no page to check: give --url/--file, or add the record with --display-url")
    result = check_display(rec, where)
    save_display_check(st, record_id, result.to_json())
    lg = lang_of(lang)
    if as_json:
        print_json(result.to_json())
    else:
        yes, no = say(lg, "已展示", "shown"), say(lg, "未找到", "NOT found")
        typer.echo(
            f"{say(lg, '模型名称', 'model name')} {result.expected_name}: "
            f"{yes if result.name_found else no}"
        )
        typer.echo(
            f"{say(lg, '备案号', 'number')} {result.expected_number}: "
            f"{yes if result.number_found else no}"
        )
        typer.echo(f"{where} sha256:{result.sha256[:16]} {datetime.now(UTC):%Y-%m-%d}")
    if not result.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``show`` and ``check-display`` to the filing group."""
    show = (
        (
            "beian filing show -w my-service 1",
            "字段、历史、材料复核 / fields, history, dossier re-hashed",
        ),
    )
    display = (
        (
            "beian filing check-display -w my-service 1 --url https://example.cn/about",
            "页面展示模型名称与备案号 / page shows name and number",
        ),
        ("beian filing check-display -w my-service 1 --file about.html", ""),
    )
    app.command("show", epilog=examples.epilog(show))(show_cmd)
    app.command("check-display", epilog=examples.epilog(display))(check_display_cmd)
