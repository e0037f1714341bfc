"""``beian library import|export|check|history`` and ``beian bank import|export|check|mutate``."""

from __future__ import annotations

import getpass
import os
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from beian.cli._common import console, err_console, folding, print_json, workspace_option
from beian.cli.shortfalls import counts_table, plan_lines, plan_table, work_plan
from beian.errors import InputError
from beian.library.mutate import KINDS, check_kinds, mutate_keywords, mutate_questions
from beian.library.records import Bank
from beian.standard import DEFAULT_PROFILE, Profile, load_profile

if TYPE_CHECKING:
    # Readers, history and checks pull charset detection, numpy and the keyword automaton:
    # the commands import them when they run so that start-up stays cheap.
    from beian.library.check import CheckReport
    from beian.library.history import ImportResult

library_app = typer.Typer(
    help="Keyword library (§8.1): import, export, check, history.", no_args_is_help=True
)
bank_app = typer.Typer(
    help="Question banks (§8.2, §8.3): import, export, check, mutate.", no_args_is_help=True
)

ProfileOpt = Annotated[
    str, typer.Option("--profile", "-p", help="Built-in profile name or profile YAML path.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", help="Check the cadence as of this day (YYYY-MM-DD; default today)."),
]
ActorOpt = Annotated[
    str | None, typer.Option("--actor", help="Who makes the change (default: login name).")
]
ReplaceOpt = Annotated[
    bool,
    typer.Option(
        "--replace", help="Entries missing from SRC are removed (keywords keep a removed date)."
    ),
]
DossierOpt = Annotated[
    bool,
    typer.Option(
        "--dossier", help="Write the filing dossier's columns (关键词/一级分类/二级分类 …)."
    ),
]
StarterOpt = Annotated[
    bool, typer.Option("--starter", help="Use the shipped starter assets as PATH.")
]
BankOpt = Annotated[str | None, typer.Option("--bank", "-b", help="test, refuse or answer.")]
BANKS: tuple[Bank, ...] = ("test", "refuse", "answer")


def _as_of(value: str | None) -> date:
    if value is None:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--as-of {value!r} is not a date (YYYY-MM-DD)") from None


def _bank(value: str | None) -> Bank | None:
    if value is None:
        return None
    for b in BANKS:
        if value == b:
            return b
    raise InputError(f"--bank {value!r}: use test, refuse or answer")


def _path(path: Path | None, starter: bool, kind: str) -> Path:
    if starter:
        from beian.library.starter import starter_dir

        return starter_dir(kind)
    if path is None:
        raise InputError(
            "give a PATH, -w DIR (a workspace) or --starter (the shipped starter assets)"
        )
    return path


WorkspaceOpt = Annotated[
    Path | None,
    workspace_option("Its keywords/ or banks/ and its profile are the defaults."),
]
CheckProfileOpt = Annotated[
    str | None,
    typer.Option(
        "--profile", "-p", help="Profile name or YAML (default: the workspace's, else built-in)."
    ),
]


def _checked(
    path: Path | None, starter: bool, kind: str, workspace: Path | None, profile: str | None
) -> tuple[Path, Profile]:
    """What a check reads and against which profile: PATH, or the workspace's folder.

    Inside a workspace (``-w DIR``, or the current folder holding beian.toml) PATH defaults to
    its ``keywords/`` or ``banks/`` and the profile to the one in its beian.toml.
    """
    root = workspace
    if root is None and path is None and not starter and Path("beian.toml").is_file():
        root = Path(".")
    if root is None:
        return _path(path, starter, kind), load_profile(profile or DEFAULT_PROFILE)
    from beian.workspace import load_workspace

    ws = load_workspace(root, env=os.environ)
    target = _path(path, starter, kind) if (path is not None or starter) else ws.path(kind)
    return target, load_profile(profile) if profile else ws.profile()


def _actor(actor: str | None) -> str:
    if actor:
        return actor
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "unknown"


def _report_import(result: ImportResult, into: Path) -> None:
    for note in result.notes:
        err_console.print(f"note: {note}", markup=False, highlight=False)
    c = result.event.counts
    typer.echo(
        f"{into}: +{c['added']} added, {c['changed']} changed, -{c['removed']} removed; "
        f"{c['total']} in force (history: {into / 'history.jsonl'})"
    )


WARNING_ITEMS = 5
"""Items listed under each warning; the rest are counted and left to ``--json``."""


def _group_text(group: dict[str, object]) -> str:
    """One duplicate group (its text, how often, which rows/ids) or near pair (ids, similarity)."""
    if "a" in group and "b" in group:
        return f"{group['a']} ~ {group['b']} (similarity {group.get('similarity')})"
    where = group.get("items") or group.get("rows") or group.get("terms")
    listed = f": {', '.join(str(v) for v in where)}" if isinstance(where, list) else ""
    return f"{group.get('text')} ×{group.get('count')}{listed}"


def _warning_items(report: CheckReport) -> dict[str, list[str]]:
    """Every warning of ``report`` with the items it is about."""
    return {
        "exact duplicates": [_group_text(g) for g in report.duplicates.exact],
        "near duplicates": [_group_text(g) for g in report.duplicates.near],
        "unknown risk ids": [f"{r} ({n} rows)" for r, n in report.unknown_risks.items()],
        "unlabelled": [f"{report.unlabelled} rows without a risk id"] if report.unlabelled else [],
        "derived (not counted)": [f"{report.derived} rows"] if report.derived else [],
        "one-character terms": list(report.short_terms),
        "terms firing on benign text": [
            f"{h.get('term')} ({h.get('risk')}): {h.get('texts')} benign texts, "
            f"e.g. {' '.join(str(h.get('example', '')).split())[:40]}"
            for h in report.benign_hits
        ],
        "empty rows skipped": list(report.empty_rows),
    }


def _print_report(report: CheckReport) -> None:
    console.print(
        f"{report.kind}: {report.total} counted (profile {report.profile}, as of {report.as_of})"
    )
    for bank, counts in report.banks.items():
        console.print(f"  {bank} bank: {counts.total}")
    console.print(counts_table(report))
    for label, items in _warning_items(report).items():
        if not items:
            continue
        # F09: say which, not only how many (the first few; all of them are in --json)
        console.print(f"warning: {label}: {len(items)}", markup=False, highlight=False)
        for item in items[:WARNING_ITEMS]:
            console.print(f"  {item}", markup=False, highlight=False, soft_wrap=True)
        if len(items) > WARNING_ITEMS:
            more = len(items) - WARNING_ITEMS
            console.print(f"  … and {more} more (--json)", markup=False, highlight=False)
    for note in report.notes:
        console.print(f"note: {note}", markup=False, highlight=False)
    groups, rest = work_plan(report.shortfalls)
    if groups:
        console.print("work plan / 补充计划 (every shortfall: --json)", markup=False)
        console.print(plan_table(groups))
        for line in plan_lines(groups):
            console.print(f"  {line}", markup=False, highlight=False, soft_wrap=True)
    for s in rest:
        actual = "none recorded" if s.actual is None else f"{s.actual:g}"
        console.print(
            f"SHORT {s.clause} {s.what}: {actual} (required {s.op} {s.required:g})",
            markup=False,
            highlight=False,
            soft_wrap=True,  # F13: never broken mid-sentence at 80 columns
        )
    console.print("all quotas met" if report.ok else f"{len(report.shortfalls)} shortfall(s)")


def _finish(report: CheckReport, as_json: bool, encodings: dict[str, str]) -> None:
    if as_json:
        data = report.model_dump(mode="json")
        data["encodings"] = encodings
        print_json(data)
    else:
        for name, enc in encodings.items():
            if enc not in {"utf-8", "utf-8-sig", "ascii"}:
                console.print(
                    f"note: {name} is {enc}, not UTF-8 (detected and converted)", markup=False
                )
        _print_report(report)
    raise typer.Exit(0 if report.ok else 1)


@library_app.command("import")
def library_import(
    source: Annotated[Path, typer.Argument(help="CSV/XLSX/JSONL file or folder to import.")],
    into: Annotated[
        Path, typer.Option("--into", help="Library folder (keywords.jsonl + history.jsonl).")
    ],
    replace: ReplaceOpt = False,
    actor: ActorOpt = None,
    profile: ProfileOpt = DEFAULT_PROFILE,
) -> None:
    """Merge a keyword file into a library folder; the change is kept in history.jsonl."""
    from beian.library.history import import_into

    result = import_into(
        source,
        into,
        "keywords",
        actor=_actor(actor),
        profile=load_profile(profile),
        replace=replace,
    )
    _report_import(result, into)


@library_app.command("export")
def library_export(
    source: Annotated[Path, typer.Argument(help="Library file or folder.")],
    out: Annotated[Path, typer.Argument(help="Output .csv, .xlsx or .jsonl.")],
    dossier: DossierOpt = False,
    profile: ProfileOpt = DEFAULT_PROFILE,
) -> None:
    """Write the library in another format (or as the dossier's 附件4 keyword list)."""
    from beian.library.io import read_keywords, save_keywords

    loaded = read_keywords(source, load_profile(profile))
    save_keywords(loaded.items, out, dossier=dossier, profile=load_profile(profile))
    typer.echo(f"{out}: {len(loaded.items)} entries")


@library_app.command("check")
def library_check(
    path: Annotated[
        Path | None, typer.Argument(help="Library file or folder (default: the workspace's).")
    ] = None,
    workspace: WorkspaceOpt = None,
    profile: CheckProfileOpt = None,
    as_json: JsonOpt = False,
    as_of: AsOfOpt = None,
    benign: Annotated[
        Path | None,
        typer.Option("--benign", help="Own benign reference texts: a text file, one per line."),
    ] = None,
    starter: StarterOpt = False,
) -> None:
    """Totals and per-risk counts against the quotas, duplicates, precision, cadence. Exit 1 if short."""
    from beian.library.check import check_keywords
    from beian.library.history import read_history
    from beian.library.io import read_keywords
    from beian.library.tabular import decode

    target, prof = _checked(path, starter, "keywords", workspace, profile)
    loaded = read_keywords(target, prof)
    texts = None
    if benign is not None:
        if not benign.is_file():
            raise InputError(f"{benign}: no such file")
        body, _enc = decode(benign.read_bytes(), str(benign))
        texts = [line for line in body.splitlines() if line.strip()]
    report = check_keywords(
        loaded.items, prof, as_of=_as_of(as_of), events=read_history(target),
        benign=texts, empty_rows=loaded.empty_rows,
    )  # fmt: skip
    report.notes.extend(loaded.notes)
    _finish(report, as_json, loaded.encodings)


@library_app.command("history")
def library_history(
    path: Annotated[Path, typer.Argument(help="Library (or bank) folder.")],
    as_json: JsonOpt = False,
) -> None:
    """Every recorded change: when, who, which file (sha256), how many added/changed/removed."""
    from beian.library.history import read_history

    events = read_history(path)
    if as_json:
        print_json([e.model_dump(mode="json") for e in events])
        return
    table = folding(Table("when", "actor", "action", "source", "sha256", "+", "~", "-", "total"))
    for e in events:
        c = e.counts
        table.add_row(
            e.ts.isoformat(timespec="seconds"), e.actor, e.action, e.source, e.sha256[:12],
            *(str(c.get(k, 0)) for k in ("added", "changed", "removed", "total")),
        )  # fmt: skip
    console.print(table)


@bank_app.command("import")
def bank_import(
    source: Annotated[Path, typer.Argument(help="CSV/XLSX/JSONL file or folder to import.")],
    into: Annotated[
        Path, typer.Option("--into", help="Bank folder (questions.jsonl + history.jsonl).")
    ],
    bank: BankOpt = None,
    replace: ReplaceOpt = False,
    actor: ActorOpt = None,
    profile: ProfileOpt = DEFAULT_PROFILE,
) -> None:
    """Merge questions into a bank folder; ``--bank`` is the default for rows naming none."""
    from beian.library.history import import_into

    result = import_into(
        source, into, "questions", actor=_actor(actor), profile=load_profile(profile),
        replace=replace, bank=_bank(bank),
    )  # fmt: skip
    _report_import(result, into)


@bank_app.command("export")
def bank_export(
    source: Annotated[Path, typer.Argument(help="Bank file or folder.")],
    out: Annotated[Path, typer.Argument(help="Output .csv, .xlsx or .jsonl.")],
    dossier: DossierOpt = False,
    bank: BankOpt = None,
    profile: ProfileOpt = DEFAULT_PROFILE,
) -> None:
    """Write questions in another format (or as the dossier's 附件5, one sheet per bank)."""
    from beian.library.io import read_questions, save_questions

    prof = load_profile(profile)
    wanted = _bank(bank)
    items = [q for q in read_questions(source, prof).items if wanted is None or q.bank == wanted]
    save_questions(items, out, dossier=dossier, profile=prof)
    typer.echo(f"{out}: {len(items)} questions")


@bank_app.command("check")
def bank_check(
    path: Annotated[
        Path | None, typer.Argument(help="Bank file or folder (default: the workspace's).")
    ] = None,
    workspace: WorkspaceOpt = None,
    profile: CheckProfileOpt = None,
    as_json: JsonOpt = False,
    as_of: AsOfOpt = None,
    bank: Annotated[
        list[str] | None, typer.Option("--bank", "-b", help="Require this bank (repeatable).")
    ] = None,
    starter: StarterOpt = False,
) -> None:
    """Per-bank totals and per-risk/topic counts against the quotas, duplicates, cadence. Exit 1 if short."""
    from beian.library.check import check_questions
    from beian.library.history import read_history
    from beian.library.io import read_questions

    target, prof = _checked(path, starter, "banks", workspace, profile)
    loaded = read_questions(target, prof)
    required = [b for b in (_bank(x) for x in bank) if b is not None] if bank else None
    report = check_questions(
        loaded.items, prof, as_of=_as_of(as_of), events=read_history(target),
        empty_rows=loaded.empty_rows, banks_required=required,
    )  # fmt: skip
    report.notes.extend(loaded.notes)
    _finish(report, as_json, loaded.encodings)


@bank_app.command("mutate")
def bank_mutate(
    source: Annotated[
        Path, typer.Argument(help="Keyword library or question bank (file or folder).")
    ],
    out: Annotated[Path, typer.Argument(help="Output file for the derived variants.")],
    kinds: Annotated[
        str, typer.Option("--kinds", help=f"Comma-separated: {', '.join(KINDS)}.")
    ] = ",".join(KINDS),
    profile: ProfileOpt = DEFAULT_PROFILE,
) -> None:
    """Evasion variants (traditional, pinyin, homophones, split, zero-width, full-width), labelled derived."""
    from beian.library.io import read_keywords, read_questions, save_keywords, save_questions

    chosen = check_kinds(k.strip() for k in kinds.split(",") if k.strip())
    prof = load_profile(profile)
    try:
        questions = read_questions(source, prof).items
    except InputError:
        questions = None
    if questions is not None:
        derived_q = mutate_questions(questions, chosen)
        save_questions(derived_q, out)
        typer.echo(f"{out}: {len(derived_q)} derived questions from {len(questions)}")
        return
    entries = read_keywords(source, prof).items
    derived_k = mutate_keywords(entries, chosen)
    save_keywords(derived_k, out)
    typer.echo(f"{out}: {len(derived_k)} derived terms from {len(entries)}")


def register(app: typer.Typer) -> None:
    """Attach the ``library`` and ``bank`` groups to the root app."""
    app.add_typer(library_app, name="library")
    app.add_typer(bank_app, name="bank")
