"""Running a corpus job in an output folder: plan, resume check, execute, merge.

``DIR/run.json`` is the run manifest: the resolved config, a fingerprint of the inputs and the
task plan. A rerun into the same folder resumes (completed tasks are skipped) only when config
and inputs are unchanged; otherwise it stops and asks for ``--restart`` or another folder.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from beian.errors import UserError
from beian.records import ComponentSpec
from beian.registry import registry
from beian.scan.engine import CHANNELS, Progress, ScanConfig, ShardStats
from beian.scan.executors import Done, Executor
from beian.scan.manifest import Manifest
from beian.scan.plan import Task, fingerprint, plan_tasks

RUN_FILE = "run.json"
WORK_DIRS = (
    "completions", "stats", "timing", *sorted({c for chs in CHANNELS.values() for c in chs}),
)  # fmt: skip


class RunManifest(BaseModel):
    """What ``DIR/run.json`` records."""

    key: str
    inputs: str
    manifest: str
    manifest_sha256: str
    config: ScanConfig
    tasks: list[Task]


def component_specs(config: ScanConfig, tasks: list[Task]) -> list[ComponentSpec]:
    """Specs of the detectors and readers a run uses (options validated, nothing built)."""
    specs: list[ComponentSpec] = []
    for name in config.detectors:
        info = registry.get("detector", name)
        opts = registry.options("detector", name, **config.detector_options.get(name, {}))
        spec = ComponentSpec(
            kind="detector", name=name, version=info.version, options=opts.model_dump(mode="json")
        )
        specs.append(spec)
    seen: set[str] = set()
    for t in tasks:
        key = t.reader + json.dumps(t.reader_options, sort_keys=True)
        if key in seen:
            continue
        seen.add(key)
        info = registry.get("reader", t.reader)
        opts = registry.options("reader", t.reader, **t.reader_options)
        spec = ComponentSpec(
            kind="reader", name=t.reader, version=info.version, options=opts.model_dump(mode="json")
        )
        specs.append(spec)
    return specs


def clear(out: Path) -> None:
    """Remove what a previous run wrote into ``out`` (only beian's own folders and files)."""
    for name in WORK_DIRS:
        shutil.rmtree(out / name, ignore_errors=True)
    for name in (RUN_FILE, "summary.json"):
        (out / name).unlink(missing_ok=True)


def prepare(
    out: Path,
    config: ScanConfig,
    manifest: Manifest,
    shard_bytes: int,
    *,
    restart: bool,
    renew: bool = False,
) -> list[Task]:
    """The plan for ``out``: reused when resuming an identical run, else written afresh.

    A folder holding a run with other settings is an error, or with ``renew`` (a private
    work folder the user never named) it is cleared and started afresh."""
    out.mkdir(parents=True, exist_ok=True)
    if restart:
        clear(out)
    run_file = out / RUN_FILE
    tasks = plan_tasks(manifest, shard_bytes)
    if not tasks:
        raise UserError(f"{manifest.path}: no input file matches any source")
    current = RunManifest(
        key=config.key(),
        inputs=fingerprint(tasks),
        manifest=str(manifest.path),
        manifest_sha256=manifest.sha256,
        config=config,
        tasks=tasks,
    )
    if run_file.exists():
        previous = RunManifest.model_validate_json(run_file.read_text(encoding="utf-8"))
        same = previous.key == current.key and previous.inputs == current.inputs
        if same and [t.model_dump() for t in previous.tasks] == [t.model_dump() for t in tasks]:
            return previous.tasks
        if not renew:
            raise UserError(
                f"{out} holds a run with other settings or inputs; "
                "use --restart to discard it, or another --out"
            )
        clear(out)
    tmp = run_file.with_name(f".{RUN_FILE}.tmp")
    tmp.write_text(current.model_dump_json(indent=1) + "\n", encoding="utf-8")
    tmp.replace(run_file)
    return tasks


def execute(
    tasks: list[Task],
    config: ScanConfig,
    executor: Executor,
    on_progress: Progress = lambda _i, _b: None,
    on_done: Done = lambda _s: None,
) -> list[ShardStats]:
    """Run every task (completed ones return their saved stats)."""
    return executor.run(tasks, config, on_progress, on_done)


def timing(out: Path, tasks: list[Task]) -> dict[str, float]:
    """Summed per-task wall and CPU seconds (the work, without start-up) and MB per CPU-second."""
    wall = cpu = 0.0
    for t in tasks:
        path = out / "timing" / f"{t.key}.json"
        if path.is_file():
            data = json.loads(path.read_text(encoding="utf-8"))
            wall += data["wall_s"]
            cpu += data["cpu_s"]
    return {"tasks_wall_s": round(wall, 3), "tasks_cpu_s": round(cpu, 3)}


def write_summary(out: Path, summary: dict[str, Any]) -> Path:
    """Write ``out/summary.json`` atomically."""
    path = out / "summary.json"
    tmp = path.with_name(".summary.json.tmp")
    tmp.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path
