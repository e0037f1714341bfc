"""``beian corpus``: sources check, assess, sample, verdicts import, filter (§5, §9.2)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from beian.cli._common import (
    console,
    err_console,
    folding,
    print_json,
    real_console,
    say,
    stderr_is_terminal,
    workspace_option,
)
from beian.errors import InputError, UserError
from beian.standard import DEFAULT_PROFILE, Profile, load_profile

if TYPE_CHECKING:
    # The scan engine pulls numpy and the keyword automaton, the store SQLAlchemy/Alembic:
    # the commands import them when they run so that start-up stays cheap.
    from beian.scan.engine import ShardStats
    from beian.scan.executors import Executor
    from beian.scan.jobs import Detection, JobOptions
    from beian.scan.manifest import Manifest
    from beian.scan.summary_model import FilterSummary, ScanSummary
    from beian.store import Store
    from beian.store.quick import QuickStore
    from beian.workspace import Workspace

corpus_app = typer.Typer(
    help="Corpus safety (§5, §9.2): sources register, technical scan, manual sample, filter.",
    no_args_is_help=True,
)
sources_app = typer.Typer(help="The corpus sources register (§5.1 b, c).", no_args_is_help=True)
verdicts_app = typer.Typer(help="Manual-review verdicts (§9.2 a).", no_args_is_help=True)
corpus_app.add_typer(sources_app, name="sources")
corpus_app.add_typer(verdicts_app, name="verdicts")

ManifestArg = Annotated[
    Path | None,
    typer.Argument(help="Sources manifest (YAML/CSV); default: the workspace's corpus manifest."),
]
WorkspaceOpt = Annotated[
    Path | None, workspace_option("Its profile, store and corpus manifest are the defaults.")
]
ProfileOpt = Annotated[
    str | None, typer.Option("--profile", "-p", help="Profile name or YAML (default: workspace's).")
]
StoreOpt = Annotated[
    str | None, typer.Option("--store", help="Store URL (default: workspace store, else in --out).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
DetectorsOpt = Annotated[
    str,
    typer.Option(
        "--detectors",
        "-d",
        help="Comma-separated detector names; 'default' = the workspace's detection setup.",
    ),
]
LibraryOpt = Annotated[
    Path | None,
    typer.Option("--library", help="Keyword library (default: workspace keywords, else starter)."),
]
ExecutorOpt = Annotated[str, typer.Option("--executor", help="local or ray.")]
WorkersOpt = Annotated[
    int | None, typer.Option("--workers", "-j", help="Processes / Ray actors (default: cores).")
]
AddressOpt = Annotated[str | None, typer.Option("--address", help="Ray cluster address.")]
ShardOpt = Annotated[float, typer.Option("--shard-size", help="Target task size in MB.")]
RestartOpt = Annotated[
    bool, typer.Option("--restart", help="Discard a previous run in the output folder.")
]
DelayOpt = Annotated[float, typer.Option("--task-delay", hidden=True)]
MinMbOpt = Annotated[float, typer.Option("--min-mb-per-process", hidden=True)]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed (same seed, same sample).")]


@dataclass
class Context:
    """Resolved inputs of a corpus command."""

    manifest: Manifest
    profile: Profile
    workspace: Workspace | None


def _workspace(folder: Path | None) -> Workspace | None:
    """The workspace in ``folder`` (imported only when one is given: ~0.01 CPU-s of models)."""
    if folder is None:
        return None
    from beian.workspace import load_workspace

    return load_workspace(folder, env=os.environ)


def _context(manifest: Path | None, workspace: Path | None, profile: str | None) -> Context:
    from beian.scan.manifest import load_manifest

    ws = _workspace(workspace)
    if manifest is None:
        if ws is None:
            raise UserError("give a MANIFEST or --workspace DIR")
        manifest = ws.path("corpus")
    if profile is not None:
        prof = load_profile(profile, base_dir=ws.root if ws else None)
    else:
        prof = ws.profile() if ws else load_profile(DEFAULT_PROFILE)
    return Context(load_manifest(manifest), prof, ws)


def _store_url(url: str | None, ctx: Context, folder: Path) -> str:
    if url is not None:
        return url
    if ctx.workspace is not None:
        return ctx.workspace.store_url()
    return f"sqlite:///{(folder / 'beian.db').resolve()}"


def _store(url: str | None, ctx: Context, folder: Path) -> Store:
    from beian.store import open_store

    return open_store(_store_url(url, ctx, folder))


def _scan_store(url: str | None, ctx: Context, folder: Path) -> Store | QuickStore:
    """Where assess and filter record their run: a SQLite store already at head, or a new one
    (created from the shipped empty store at head), is written with sqlite3 (no SQLAlchemy, no
    Alembic: beian.store.quick), any other is opened and migrated before the scan, so that a
    bad store fails before the work."""
    from beian.store.quick import QuickStore

    found = QuickStore.open(_store_url(url, ctx, folder), create=True)
    return found if found is not None else _store(url, ctx, folder)


def _out(out: Path | None, ctx: Context, name: str) -> Path:
    if out is not None:
        return out
    if ctx.workspace is None:
        raise UserError("--out DIR is required outside a workspace")
    return ctx.workspace.path("runs") / name


def _detection(detectors: str, library: Path | None, ctx: Context) -> Detection:
    """The workspace's detection setup (or beian's defaults), with CLI choices on top."""
    from beian.detect.setup import resolve_setup
    from beian.scan.jobs import Detection

    names = [n.strip() for n in detectors.split(",") if n.strip()]
    if not names:
        raise UserError("--detectors names no detector")
    if library is not None and not library.exists():
        raise InputError(f"keyword library not found: {library}")
    chosen = None if names == ["default"] else names
    extra = {"classifier": {"profile": ctx.profile.profile}} if "classifier" in names else None
    setup = resolve_setup(ctx.workspace, detectors=chosen, library=library, options=extra)
    return Detection.from_setup(setup)


def _executor(name: str, workers: int | None, address: str | None, min_mb: float = 128) -> Executor:
    from beian.scan.executors import LocalExecutor, RayExecutor

    if name == "local":
        if workers is not None and workers < 1:
            raise UserError("--workers must be at least 1")
        return LocalExecutor(workers, int(min_mb * 1024 * 1024))
    if name == "ray":
        return RayExecutor(address, workers)
    raise UserError(f"--executor {name!r}: use local or ray")


class _NoBar:
    """What ``_Bar`` draws when stderr is not a terminal: nothing (a disabled bar)."""

    disable = True

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, *args: object, **kwargs: object) -> None:
        return None

    def advance(self, *args: object, **kwargs: object) -> None:
        return None


class _Bar:
    """Rich progress: tasks done of total, items, items/s and MB/s.

    Drawn only on a terminal: piped or redirected, it would be output nobody sees. It redraws
    from the progress callbacks, at most ten times a second, rather than from Rich's refresh
    thread: a process with no other thread may fork its pool workers (``scan.executors``).
    """

    REDRAW = 0.1

    def __init__(self, label: str) -> None:
        self.items = 0
        self.bytes = 0
        self.t0 = time.perf_counter()
        self.progress: Any = _NoBar()
        self.task: Any = None
        if not stderr_is_terminal():  # (Rich not even imported)
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn(
                "{task.fields[items]:,} items  {task.fields[ips]:,.0f} items/s  {task.fields[mbs]:.1f} MB/s"
            ),
            TimeElapsedColumn(),
            console=real_console(err_console),
            transient=True,
            auto_refresh=False,
        )
        self.task = self.progress.add_task(label, total=None, items=0, ips=0.0, mbs=0.0)
        self.drawn = 0.0

    def start(self, total: int) -> None:
        self.progress.update(self.task, total=total)

    def advance(self, items: int, nbytes: int) -> None:
        self.items += items
        self.bytes += nbytes
        now = time.perf_counter()
        dt = max(now - self.t0, 1e-9)
        self.progress.update(
            self.task, items=self.items, ips=self.items / dt, mbs=self.bytes / dt / 1e6
        )
        self._redraw(now)

    def done(self, _stats: ShardStats) -> None:
        self.progress.advance(self.task)
        self._redraw(time.perf_counter(), force=True)

    def _redraw(self, now: float, force: bool = False) -> None:
        if not self.progress.disable and (force or now - self.drawn >= self.REDRAW):
            self.drawn = now
            self.progress.refresh()

    def job(self, executor: Executor, shard_mb: float, restart: bool, delay: float) -> JobOptions:
        from beian.scan.jobs import JobOptions

        if shard_mb <= 0:
            raise UserError("--shard-size must be positive")
        return JobOptions(
            executor=executor, shard_bytes=int(shard_mb * 1024 * 1024), restart=restart,
            task_delay=delay, on_start=self.start, on_progress=self.advance, on_done=self.done,
        )  # fmt: skip


def _line(text: str) -> None:
    say(text)


@sources_app.command("check")
def sources_check(
    manifest: ManifestArg = None,
    workspace: WorkspaceOpt = None,
    profile: ProfileOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Traceability (§5.1 c) and diversity (§5.1 b) of the sources register. Exit 1 on findings."""
    from beian.scan.sources import check_sources

    ctx = _context(manifest, workspace, profile)
    report = check_sources(ctx.manifest, ctx.profile)
    if as_json:
        print_json({**report.model_dump(mode="json"), "ok": report.ok})
    else:
        from rich.table import Table

        table = folding(
            Table("source", "type", "languages", "modality", "origin", "files", "MB", "traceable")
        )
        for s in report.sources:
            table.add_row(
                s.name, s.type, ",".join(s.languages), s.modality, s.origin, str(s.files),
                f"{s.bytes / 1e6:.1f}", "yes" if s.traceable else "NO",
            )  # fmt: skip
        console.print(table)
        for issue in report.issues:
            where = f"{issue.source}: " if issue.source else ""
            console.print(f"[{issue.clause}] {where}{issue.message}", markup=False, highlight=False)
        console.print("ok" if report.ok else f"{len(report.issues)} finding(s)")
    raise typer.Exit(0 if report.ok else 1)


@corpus_app.command("assess")
def assess(
    manifest: ManifestArg = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output folder.")] = None,
    sample_rate: Annotated[
        float | None, typer.Option("--sample-rate", help="Share to check (default: every item).")
    ] = None,
    seed: SeedOpt = 0,
    detectors: DetectorsOpt = "default",
    library: LibraryOpt = None,
    executor: ExecutorOpt = "local",
    workers: WorkersOpt = None,
    address: AddressOpt = None,
    shard_size: ShardOpt = 32.0,
    restart: RestartOpt = False,
    workspace: WorkspaceOpt = None,
    profile: ProfileOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    task_delay: DelayOpt = 0.0,
    min_mb: MinMbOpt = 128.0,
) -> None:
    """Technical scan: per-source flagged share (§5.1 a), qualified rate (§9.2 b). Exit 1 if failing."""
    from beian.scan.jobs import assess_corpus

    if sample_rate is not None and not 0 < sample_rate <= 1:
        raise UserError("--sample-rate must be in (0, 1]")
    ctx = _context(manifest, workspace, profile)
    folder = _out(out, ctx, "corpus-assess")
    detection = _detection(detectors, library, ctx)
    bar = _Bar("assess")
    job = bar.job(_executor(executor, workers, address, min_mb), shard_size, restart, task_delay)
    db = _scan_store(store, ctx, folder)
    t0 = time.perf_counter()
    with bar.progress:
        run_id, summary = assess_corpus(
            ctx.manifest, ctx.profile, folder, detection, db, sample_rate=sample_rate, seed=seed,
            workspace=str(ctx.workspace.root) if ctx.workspace else "", job=job,
        )  # fmt: skip
    elapsed = time.perf_counter() - t0
    if as_json:
        timing = {"elapsed_s": round(elapsed, 3), **job.timing}
        print_json({**summary.to_json(), "run_id": run_id, **timing})
    else:
        _show_assess(summary)
    _line(f"{summary.items} items, {summary.bytes / 1e6:.1f} MB in {elapsed:.1f}s; run {run_id}")
    raise typer.Exit(0 if summary.passed and summary.sources_usable else 1)


def _show_assess(summary: ScanSummary) -> None:
    from rich.table import Table  # only drawn without --json

    table = Table("source", "items", "checked", "flagged", "flagged %", "95% CI", "verdict")
    for s in summary.sources:
        rate = "-" if s.flagged_rate is None else f"{100 * s.flagged_rate:.2f}"
        ci = f"{100 * s.ci[0]:.2f}-{100 * s.ci[1]:.2f}"
        table.add_row(s.name, str(s.items), str(s.sampled), str(s.flagged), rate, ci, s.verdict)
    console.print(table)
    lo, hi = summary.qualified_ci
    console.print(
        f"checked {summary.sampled}/{summary.items} items ({100 * summary.sample_share:.1f} %), "
        f"qualified {100 * summary.qualified_rate:.2f} % (95% CI {100 * lo:.2f}-{100 * hi:.2f}), "
        f"errors {summary.errors}: {'PASS' if summary.passed else 'FAIL'}",
        markup=False,
        highlight=False,
    )
    for why in summary.fail_reasons:
        console.print(f"  {why}", markup=False, highlight=False)
    for f, codec in summary.legacy_encodings.items():
        console.print(f"  {f}: read as {codec}", markup=False, highlight=False)


@corpus_app.command("filter")
def filter_(
    manifest: ManifestArg = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output folder.")] = None,
    detectors: DetectorsOpt = "default",
    library: LibraryOpt = None,
    executor: ExecutorOpt = "local",
    workers: WorkersOpt = None,
    address: AddressOpt = None,
    shard_size: ShardOpt = 32.0,
    restart: RestartOpt = False,
    workspace: WorkspaceOpt = None,
    profile: ProfileOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    task_delay: DelayOpt = 0.0,
    min_mb: MinMbOpt = 128.0,
) -> None:
    """Write clean/, rejected/ (with findings and reason) and errors/; inputs are never changed."""
    from beian.scan.jobs import filter_corpus

    ctx = _context(manifest, workspace, profile)
    folder = _out(out, ctx, "corpus-filter")
    detection = _detection(detectors, library, ctx)
    bar = _Bar("filter")
    job = bar.job(_executor(executor, workers, address, min_mb), shard_size, restart, task_delay)
    db = _scan_store(store, ctx, folder)
    with bar.progress:
        run_id, summary = filter_corpus(
            ctx.manifest, ctx.profile, folder, detection, db,
            workspace=str(ctx.workspace.root) if ctx.workspace else "", job=job,
        )  # fmt: skip
    if as_json:
        print_json({**summary.to_json(), "run_id": run_id})
    else:
        _show_filter(summary)
    raise typer.Exit(0 if summary.accounted and summary.complete else 1)


def _show_filter(summary: FilterSummary) -> None:
    from beian.scan.summary_model import FilesRead

    files = summary.files or FilesRead()
    lines = [
        f"input {summary.input} = clean {summary.clean} + rejected {summary.rejected} "
        f"+ errors {summary.errors}  ({'accounted' if summary.accounted else 'NOT ACCOUNTED'})",
        f"files {files.listed} = read {files.read} + unreadable {files.unreadable}",
    ]
    problems = list(files.problems.items())
    lines += [f"  {f}: {why}" for f, why in problems[:10]]
    if len(problems) > 10:
        lines.append(f"  … and {len(problems) - 10} more (summary.json, errors/)")
    if files.unreadable:
        lines.append("INCOMPLETE: some files could not be read to their end (see errors/)")
    lines.append(f"clean corpus manifest: {summary.clean_manifest}")
    for line in lines:
        console.print(line, markup=False, highlight=False)


@corpus_app.command("sample")
def sample(
    manifest: ManifestArg = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Sheet to write (.xlsx or .csv).")
    ] = Path("corpus-sample.xlsx"),
    n: Annotated[
        int | None, typer.Option("--n", help="Items (default: the profile's 9.2 a minimum).")
    ] = None,
    seed: SeedOpt = 0,
    executor: ExecutorOpt = "local",
    workers: WorkersOpt = None,
    address: AddressOpt = None,
    shard_size: ShardOpt = 32.0,
    restart: RestartOpt = False,
    workspace: WorkspaceOpt = None,
    profile: ProfileOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Draw the manual-review sample, stratified by source and reproducible by seed."""
    from beian.scan.jobs import sample_corpus
    from beian.scan.manual import MANUAL_CLAUSE, SAMPLE_KEY

    if out.suffix.lower() not in {".xlsx", ".csv", ".jsonl"}:
        raise UserError(f"--out {out}: use a .xlsx, .csv or .jsonl file")
    ctx = _context(manifest, workspace, profile)
    size = n if n is not None else int(ctx.profile.quota(MANUAL_CLAUSE, SAMPLE_KEY).value)
    bar = _Bar("sample")
    job = bar.job(_executor(executor, workers, address), shard_size, restart, 0.0)
    db = _store(store, ctx, out.resolve().parent)
    with bar.progress:
        run_id, summary = sample_corpus(
            ctx.manifest, ctx.profile, out, size, db, seed=seed,
            workspace=str(ctx.workspace.root) if ctx.workspace else "", job=job,
        )  # fmt: skip
    if as_json:
        print_json(summary)
    else:
        per = ", ".join(f"{k} {v}" for k, v in summary["allocation"].items())
        console.print(f"{summary['n']} items written to {out} ({per}); run {run_id}", markup=False)
        if not summary["enough"]:
            console.print(
                f"note: fewer than the profile's {summary['sample_min']:g} items", markup=False
            )


@verdicts_app.command("import")
def verdicts_import(
    file: Annotated[Path, typer.Argument(help="The reviewed sample sheet (.xlsx/.csv).")],
    run: Annotated[
        str | None, typer.Option("--run", help="Sample run id (default: from the file).")
    ] = None,
    workspace: WorkspaceOpt = None,
    profile: ProfileOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Score reviewers' verdicts: manual qualified rate against §9.2 a. Exit 1 if failing."""
    from beian.scan.jobs import import_manual_verdicts
    from beian.store import open_store

    ws = _workspace(workspace)
    prof = (
        load_profile(profile, base_dir=ws.root if ws else None)
        if profile
        else (ws.profile() if ws else load_profile(DEFAULT_PROFILE))
    )
    url = store or (ws.store_url() if ws else f"sqlite:///{(file.resolve().parent / 'beian.db')}")
    run_id, summary = import_manual_verdicts(
        file, prof, open_store(url), run_id=run, workspace=str(ws.root) if ws else ""
    )
    if as_json:
        print_json({**summary, "run_id": run_id})
    else:
        lo, hi = summary["qualified_ci"]
        console.print(
            f"reviewed {summary['reviewed']}/{summary['sample_size']}, qualified "
            f"{100 * summary['qualified_rate']:.2f} % (95% CI {100 * lo:.2f}-{100 * hi:.2f}): "
            f"{'PASS' if summary['pass'] else 'FAIL'}",
            markup=False,
            highlight=False,
        )
        for why in summary["fail_reasons"]:
            console.print(f"  {why}", markup=False, highlight=False)
    raise typer.Exit(0 if summary["pass"] else 1)


def register(app: typer.Typer) -> None:
    """Attach the ``corpus`` group to the root app."""
    app.add_typer(corpus_app, name="corpus")
