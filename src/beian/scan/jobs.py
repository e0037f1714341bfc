"""The corpus jobs behind ``beian corpus …``, callable from Python as well as from the CLI.

Each job: plan and resume-check the output folder, run every task on the executor, merge the
per-task stats into a summary, write ``summary.json`` and record the run in the store.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from beian.errors import InputError, UserError
from beian.records import ComponentSpec
from beian.scan import manual
from beian.scan.clean_manifest import write_clean_manifest
from beian.scan.engine import Progress, ScanConfig, ShardStats
from beian.scan.executors import Done, Executor, LocalExecutor
from beian.scan.lock import output_lock
from beian.scan.manifest import Manifest
from beian.scan.record import (
    ASSESS_KIND,
    FILTER_KIND,
    import_verdicts,
    record_sample,
    record_scan,
    record_verdicts,
)
from beian.scan.run import component_specs, execute, prepare, timing, write_summary
from beian.scan.summary import TECH_CLAUSE, assess_summary, filter_summary
from beian.scan.summary_model import FilterSummary, ScanSummary

if TYPE_CHECKING:
    from beian.standard import Profile
    from beian.store import Store
    from beian.store.quick import QuickStore

DEFAULT_SHARD_BYTES = 32 * 1024 * 1024


@dataclass
class JobOptions:
    """How a job runs (none of this changes its outputs)."""

    executor: Executor = field(default_factory=LocalExecutor)
    shard_bytes: int = DEFAULT_SHARD_BYTES
    restart: bool = False
    renew: bool = False
    """Start afresh when the folder holds a run with other settings (a private work folder)."""
    task_delay: float = 0.0
    on_start: Any = None
    """Called with the number of tasks once the plan is known."""
    on_progress: Progress = lambda _i, _b: None
    on_done: Done = lambda _s: None
    timing: dict[str, float] = field(default_factory=dict)
    """Filled after the run: summed per-task wall and CPU seconds (see ``run.timing``)."""


if TYPE_CHECKING:
    from beian.detect.setup import DetectionSetup


@dataclass
class Detection:
    """Which detectors to run, with their options and the DetectorSet scoring overrides."""

    names: list[str]
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    scoring: dict[str, Any] = field(default_factory=dict)
    setup_digest: str = ""
    """:meth:`beian.detect.setup.DetectionSetup.digest` of the setup these came from."""

    @classmethod
    def from_setup(cls, setup: DetectionSetup) -> Detection:
        """The detectors, options and scoring of a resolved detection setup, with its digest."""
        return cls(
            list(setup.detectors),
            setup.detector_options(),
            dict(setup.scoring),
            setup_digest=setup.digest(),
        )


def _run(
    manifest: Manifest, config: ScanConfig, job: JobOptions
) -> tuple[list[ShardStats], list[ComponentSpec], list[str]]:
    """Stats of every task, the component specs, and the label of every planned file."""
    component_specs(config, [])  # bad detector names or options fail before anything is written
    tasks = prepare(
        Path(config.out), config, manifest, job.shard_bytes, restart=job.restart, renew=job.renew
    )
    specs = component_specs(config, tasks)
    if job.on_start is not None:
        job.on_start(len(tasks))
    stats = execute(tasks, config, job.executor, job.on_progress, job.on_done)
    job.timing = timing(Path(config.out), tasks)
    return stats, specs, [f.label for t in tasks for f in t.files]


def _run_config(manifest: Manifest, config: ScanConfig, job: JobOptions) -> dict[str, Any]:
    return {
        "manifest": str(manifest.path),
        "manifest_sha256": manifest.sha256,
        "out": config.out,
        "executor": job.executor.name,
        "shard_bytes": job.shard_bytes,
        **config.model_dump(
            mode="json", exclude={"out", "task_delay", "batch_docs", "batch_chars"}
        ),
    }


def assess_corpus(
    manifest: Manifest,
    profile: Profile,
    out: Path,
    detection: Detection,
    store: Store | QuickStore,
    *,
    sample_rate: float | None = None,
    seed: int = 0,
    workspace: str = "",
    job: JobOptions | None = None,
) -> tuple[str, ScanSummary]:
    """Technical scan (§5.1 a, §9.2 b); return the store run id and the summary."""
    job = job or JobOptions()
    share_min = profile.quota(TECH_CLAUSE, "sample_share_min").value
    if sample_rate is not None and sample_rate < share_min:
        raise UserError(
            f"--sample-rate {sample_rate:g} is below the profile's technical sample share "
            f"{share_min:g} ({TECH_CLAUSE} sample_share_min)"
        )
    config = ScanConfig(
        mode="assess", out=str(out.resolve()), detectors=detection.names,
        detector_options=detection.options, scoring=detection.scoring,
        setup_digest=detection.setup_digest,
        sample_rate=None if sample_rate == 1 else sample_rate, seed=seed,
        task_delay=job.task_delay,
    )  # fmt: skip
    with output_lock(out):
        stats, specs, planned = _run(manifest, config, job)
        summary = assess_summary(stats, manifest, profile, config, specs, planned)
        summary.summary_file = str(write_summary(out, summary.file_json()))
    run_id = record_scan(
        store, ASSESS_KIND, summary, profile, workspace=workspace,
        config=_run_config(manifest, config, job), specs=specs,
    )  # fmt: skip
    return run_id, summary


def filter_corpus(
    manifest: Manifest,
    profile: Profile,
    out: Path,
    detection: Detection,
    store: Store | QuickStore,
    *,
    workspace: str = "",
    job: JobOptions | None = None,
) -> tuple[str, FilterSummary]:
    """Split every record into clean/, rejected/ or errors/ (§5.2 a); return run id, summary."""
    job = job or JobOptions()
    config = ScanConfig(
        mode="filter", out=str(out.resolve()), detectors=detection.names,
        detector_options=detection.options, scoring=detection.scoring, task_delay=job.task_delay,
        setup_digest=detection.setup_digest,
    )  # fmt: skip
    with output_lock(out):
        stats, specs, planned = _run(manifest, config, job)
        summary = filter_summary(stats, manifest, profile, out.resolve(), specs, planned)
        summary.clean_manifest = str(write_clean_manifest(manifest, stats, out.resolve()))
        summary.summary_file = str(write_summary(out, summary.file_json()))
    run_id = record_scan(
        store, FILTER_KIND, summary, profile, workspace=workspace,
        config=_run_config(manifest, config, job), specs=specs,
    )  # fmt: skip
    return run_id, summary


def sample_corpus(
    manifest: Manifest,
    profile: Profile,
    out_file: Path,
    n: int,
    store: Store,
    *,
    seed: int = 0,
    workspace: str = "",
    job: JobOptions | None = None,
) -> tuple[str, dict[str, Any]]:
    """Draw the manual-review sample (§9.2 a) into ``out_file`` and the store."""
    job = job or JobOptions()
    if n < 1:
        raise UserError("--n must be at least 1")
    work = out_file.with_name(out_file.name + ".work").resolve()
    config = ScanConfig(
        mode="sample", out=str(work), seed=seed, sample_n=n, task_delay=job.task_delay
    )
    # F19: the work folder is private to the sheet; other settings simply start it afresh
    job = replace(job, renew=True)
    with output_lock(work):
        stats, _specs, _planned = _run(manifest, config, job)
        entries, allocation = manual.draw(work, stats, n)
    sample_min = profile.quota(manual.MANUAL_CLAUSE, manual.SAMPLE_KEY).value
    summary = {
        "profile": profile.profile,
        "n": len(entries),
        "requested": n,
        "seed": seed,
        "items": sum(s.items for s in stats),
        "errors": sum(s.errors for s in stats),
        "sample_min": sample_min,
        "enough": len(entries) >= sample_min,
        **allocation,
        "file": str(out_file),
        "manifest": str(manifest.path),
        "manifest_sha256": manifest.sha256,
    }
    run_id, rows = record_sample(
        store, entries, profile, workspace=workspace,
        config=_run_config(manifest, config, job), summary=summary,
    )  # fmt: skip
    manual.write_sample(out_file, rows)
    summary["run_id"] = run_id
    return run_id, summary


def import_manual_verdicts(
    path: Path, profile: Profile, store: Store, *, run_id: str | None = None, workspace: str = ""
) -> tuple[str, dict[str, Any]]:
    """Score a reviewed sample sheet against §9.2 a and record it; return run id, summary."""
    if not path.is_file():
        raise InputError(f"verdicts file not found: {path}")
    rows = manual.read_verdicts(path)
    sample_run, size = import_verdicts(store, rows, run_id)
    summary = manual.score(rows, size, profile)
    summary["sample_run"] = sample_run.id
    summary["file"] = str(path)
    summary["file_sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    summary["manifest_sha256"] = sample_run.summary.get("manifest_sha256", "")
    verdict_run = record_verdicts(
        store,
        summary,
        profile,
        workspace=workspace,
        config={"file": str(path), "sample_run": sample_run.id},
    )
    return verdict_run, summary
