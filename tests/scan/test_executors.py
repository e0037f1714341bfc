"""Executors give identical outputs; a run killed with SIGKILL resumes to the same bytes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.scan.conftest import ManifestFactory, corpus_rows, source_yaml, write_jsonl

from beian.scan.executors import InlineExecutor, LocalExecutor, RayExecutor
from beian.scan.jobs import Detection, JobOptions, filter_corpus
from beian.scan.manifest import Manifest, load_manifest
from beian.standard import Profile
from beian.store import open_store

OUTPUTS = ("clean", "rejected", "errors", "stats")


@pytest.fixture
def many_files(tmp_path: Path, make_manifest: ManifestFactory) -> Path:
    root = tmp_path / "corpus"
    for i in range(12):
        write_jsonl(root / "a" / f"{i:02d}.jsonl", corpus_rows(40, f"a{i}", every=7))
        with (root / "a" / f"{i:02d}.jsonl").open("a", encoding="utf-8") as fh:
            fh.write("not json\n")
    write_jsonl(root / "b.jsonl", corpus_rows(300, "b", every=11))
    return make_manifest([source_yaml("a", ["a/*.jsonl"]), source_yaml("b", ["b.jsonl"])])


def _snapshot(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out)): p.read_bytes()
        for sub in OUTPUTS
        for p in sorted((out / sub).glob("*"))
    }


def _filter(manifest: Manifest, profile: Profile, out: Path, job: JobOptions) -> dict[str, object]:
    store = open_store(f"sqlite:///{out.parent / (out.name + '.db')}")
    _run, summary = filter_corpus(manifest, profile, out, Detection(["pii"]), store, job=job)
    return summary.to_json()


def test_local_processes_match_inline(tmp_path: Path, many_files: Path, profile: Profile) -> None:
    manifest = load_manifest(many_files)
    a = _filter(
        manifest, profile, tmp_path / "inline", JobOptions(InlineExecutor(), shard_bytes=3000)
    )
    b = _filter(
        manifest,
        profile,
        tmp_path / "pool",
        JobOptions(LocalExecutor(2, min_bytes_per_process=0), shard_bytes=3000),
    )
    assert a["tasks"] == b["tasks"] and int(str(a["tasks"])) > 10
    assert _snapshot(tmp_path / "inline") == _snapshot(tmp_path / "pool")
    assert a["accounted"] and b["accounted"]


def _cli(manifest: Path, out: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "beian", "corpus", "filter", str(manifest), "--out", str(out),
        "--detectors", "pii", "--shard-size", "0.003", *extra,
    ]  # fmt: skip


@pytest.mark.parametrize("no_fork", ["0", "1"], ids=["forked-from-run", "fork-server"])
def test_cli_pool_matches_inline(
    tmp_path: Path, many_files: Path, profile: Profile, no_fork: str
) -> None:
    """The CLI forks its pool from itself (no other thread there) or uses the fork server."""
    reference = tmp_path / "reference"
    shard = int(0.003 * 1024 * 1024)
    _filter(
        load_manifest(many_files), profile, reference,
        JobOptions(executor=InlineExecutor(), shard_bytes=shard),
    )  # fmt: skip
    pool = tmp_path / "pool"
    done = subprocess.run(
        _cli(many_files, pool, "-j", "2", "--min-mb-per-process", "0", "--task-delay", "0.05"),
        capture_output=True, text=True, timeout=300, env={**os.environ, "BEIAN_NO_FORK": no_fork},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    timing = [json.loads(p.read_text()) for p in (pool / "timing").glob("*.json")]
    assert len({t["pid"] for t in timing}) == 2, "both processes took tasks"
    assert _snapshot(pool) == _snapshot(reference)


@pytest.mark.slow
def test_kill_9_mid_run_then_rerun_gives_identical_outputs(
    tmp_path: Path, many_files: Path, profile: Profile
) -> None:
    reference = tmp_path / "reference"
    _filter(
        load_manifest(many_files),
        profile,
        reference,
        JobOptions(InlineExecutor(), shard_bytes=int(0.003 * 1024 * 1024)),
    )
    victim = tmp_path / "victim"
    proc = subprocess.Popen(
        _cli(many_files, victim, "-j", "2", "--min-mb-per-process", "0", "--task-delay", "0.4"),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    done: list[Path] = []
    while time.monotonic() < deadline and proc.poll() is None:
        done = list((victim / "completions").glob("*")) if (victim / "completions").is_dir() else []
        if len(done) >= 3:
            break
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    total = len(list((reference / "completions").glob("*")))
    finished = len(list((victim / "completions").glob("*")))
    assert 3 <= finished < total, "the kill must land mid-run"
    rerun = subprocess.run(
        _cli(many_files, victim, "-j", "2", "--min-mb-per-process", "0"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert _snapshot(victim) == _snapshot(reference)
    assert not list(victim.rglob("*.tmp"))


@pytest.fixture(scope="module")
def ray_local() -> object:
    if not os.environ.get("CI"):
        pytest.importorskip("ray")
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


@pytest.mark.slow
def test_ray_executor_runs_the_same_contract(
    tmp_path: Path, many_files: Path, profile: Profile, ray_local: object
) -> None:
    manifest = load_manifest(many_files)
    inline = _filter(
        manifest, profile, tmp_path / "inline", JobOptions(InlineExecutor(), shard_bytes=20_000)
    )
    on_ray = _filter(
        manifest, profile, tmp_path / "ray", JobOptions(RayExecutor(), shard_bytes=20_000)
    )
    assert _snapshot(tmp_path / "ray") == _snapshot(tmp_path / "inline")
    assert on_ray["accounted"] and on_ray["input"] == inline["input"]
    markers = sorted(p.name for p in (tmp_path / "ray" / "completions").iterdir())
    assert markers == sorted(p.stem for p in (tmp_path / "ray" / "stats").glob("*.json"))


def test_a_detector_with_a_network_client_keeps_the_pool_off_fork(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A forked worker would share the guard's HTTP connections with this process: the pool
    # starts from the fork server instead, even where forking would otherwise be allowed.
    from beian.scan import executors
    from beian.scan.engine import ScanConfig

    monkeypatch.setattr(executors, "_can_fork", lambda: True)  # (pytest runs OpenBLAS threads)
    cpu = ScanConfig(mode="filter", out=str(tmp_path / "a"), detectors=["keyword", "pii"])
    assert executors._forks(cpu)
    # nothing listens on the discard port: the warm-up's call is refused and recorded unscored
    guard = {"family": "qwen3guard", "base_url": "http://127.0.0.1:9/v1", "model": "guard"}
    net = ScanConfig(
        mode="filter", out=str(tmp_path / "b"), detectors=["keyword", "guard"],
        detector_options={"guard": guard},
    )  # fmt: skip
    assert not executors._forks(net)
    sample = ScanConfig(mode="sample", out=str(tmp_path / "c"), detectors=["guard"])
    assert executors._forks(sample)  # a sample run builds no detector
