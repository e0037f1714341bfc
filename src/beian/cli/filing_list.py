"""``beian filing import-list``, ``lookup`` and ``batches``: the public list as data."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from beian.cli import examples
from beian.cli._common import print_json
from beian.cli.filing_common import (
    JsonOpt,
    LangOpt,
    StoreOpt,
    WorkspaceOpt,
    day_of,
    lang_of,
    open_register,
    say,
)

if TYPE_CHECKING:
    from beian.assess.evidence import Lang
    from beian.filing.listimport import ImportResult

_OUTCOMES = {
    "imported": ("导入", "imported"),
    "duplicate": ("重复", "duplicate"),
    "rejected": ("拒绝", "rejected"),
}


def _report(result: ImportResult, lang: Lang) -> None:
    c = result.counts
    typer.echo(
        say(
            lang,
            f"批次 {result.batch_id}：共 {c['rows']} 行，导入 {c['imported']}，重复 {c['duplicate']}，"
            f"拒绝 {c['rejected']}（其中表头/空行 {c['header_or_empty']}）",
            f"batch {result.batch_id}: {c['rows']} rows, {c['imported']} imported, "
            f"{c['duplicate']} duplicate, {c['rejected']} rejected "
            f"({c['header_or_empty']} of them header or empty rows)",
        )
    )
    for note in result.notes:
        typer.echo(f"  {note}")
    for r in result.rows:
        if r.outcome != "imported" and r.values:  # header/empty rows are counted, not listed
            word = say(lang, *_OUTCOMES[r.outcome])
            typer.echo(f"  {r.where} {word}: {r.reason}")
        for note in r.notes:
            typer.echo(f"  {r.where} {say(lang, '提示', 'note')}: {note}")


def import_cmd(
    file: Annotated[Path, typer.Argument(help="CSV/TSV/XLSX transcription of a CAC list.")],
    kind: Annotated[
        str, typer.Option("--kind", help="filed (备案名单) or registered (登记名单).")
    ] = "filed",
    label: Annotated[str, typer.Option("--label", help="e.g. 2026年6月公告.")] = "",
    today: Annotated[
        str | None, typer.Option("--today", help="Check dates as of this day.")
    ] = None,
    workspace: WorkspaceOpt = None,
    store: StoreOpt = None,
    lang: LangOpt = "zh",
    as_json: JsonOpt = False,
) -> None:
    """Import one batch: columns found by content, numbers checked, duplicates across batches."""
    from beian.filing.listimport import import_list

    result = import_list(
        open_register(workspace, store), file, kind, label, day_of(today, "--today")
    )
    if as_json:
        print_json(asdict(result))
        return
    _report(result, lang_of(lang))


def lookup_cmd(
    query: Annotated[str, typer.Argument(help="Model name or filing number.")],
    workspace: WorkspaceOpt = None,
    store: StoreOpt = None,
    lang: LangOpt = "zh",
    as_json: JsonOpt = False,
) -> None:
    """Is this model filed, and under which number? Exit 1 when nothing is found."""
    from beian.filing.lookup import lookup

    hits = lookup(open_register(workspace, store), query)
    lg = lang_of(lang)
    if as_json:
        print_json([asdict(h) for h in hits])
    elif not hits:
        typer.echo(
            say(
                lg,
                f"未找到“{query}”：不在已导入的名单或登记簿中。",
                f"{query!r} not found in the imported lists or the register.",
            )
        )
    else:
        for h in hits:
            mark = "" if h.exact else say(lg, "（部分匹配）", " (partial match)")
            when = say(lg, "备案时间", "filed on") + f" {h.filed_on}" if h.filed_on else ""
            typer.echo(f"{h.name}{mark}  {h.number}  {h.company}  {h.province}  {when}  [{h.ref}]")
    if not hits:
        raise typer.Exit(1)


def batches_cmd(
    workspace: WorkspaceOpt = None,
    store: StoreOpt = None,
    lang: LangOpt = "zh",
    as_json: JsonOpt = False,
) -> None:
    """Import history of the public list: one line per batch with its counts."""
    from sqlalchemy import select

    from beian.store.filing_models import FilingListBatchRow

    st = open_register(workspace, store)
    with st.session() as s:
        rows = list(s.scalars(select(FilingListBatchRow).order_by(FilingListBatchRow.id)))
    if as_json:
        print_json(
            [
                {
                    "id": b.id,
                    "imported_at": b.imported_at,
                    "source": b.source_name,
                    "sha256": b.source_sha256,
                    "kind": b.list_kind,
                    "label": b.label,
                    "counts": b.counts,
                }
                for b in rows
            ]
        )
        return
    lg = lang_of(lang)
    for b in rows:
        c = b.counts
        typer.echo(
            f"{b.id} {b.imported_at:%Y-%m-%d %H:%M} {b.source_name} {b.label} "
            + say(
                lg,
                f"导入 {c.get('imported')} 重复 {c.get('duplicate')} 拒绝 {c.get('rejected')}",
                f"imported {c.get('imported')} duplicate {c.get('duplicate')} "
                f"rejected {c.get('rejected')}",
            )
        )


def register(app: typer.Typer) -> None:
    """Add the public-list commands to the filing group."""
    imports = (
        (
            "beian filing import-list -w my-service 2026年6月备案名单.xlsx --label 2026-06",
            "导入一批公告名单 / import one published batch",
        ),
        (
            "beian filing import-list -w my-service 登记名单.csv --kind registered",
            "登记名单 / the registration list",
        ),
    )
    lookups = (
        ("beian filing lookup -w my-service 星河对话大模型", "按名称 / by model name"),
        (
            "beian filing lookup -w my-service Beijing-XingHeDuiHua-202405100007",
            "按备案号 / by number",
        ),
    )
    batches = (("beian filing batches -w my-service", "导入历史 / import history"),)
    app.command("import-list", epilog=examples.epilog(imports))(import_cmd)
    app.command("lookup", epilog=examples.epilog(lookups))(lookup_cmd)
    app.command("batches", epilog=examples.epilog(batches))(batches_cmd)
