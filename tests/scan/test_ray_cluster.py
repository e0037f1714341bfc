"""The Ray executor on a real two-node cluster (``ray start`` head + a second node, loopback).

``beian corpus filter --executor ray --address …`` must write the same bytes as the local
executor, and a Ray worker killed with SIGKILL mid-run must cost nothing: the run completes,
and every input line is in exactly one output line (no loss, no duplicate).
The cluster is always stopped, by its own process sessions (never ``ray stop``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from bench.ray import proof
from bench.ray.cluster import LocalCluster, free_port, session_pids

pytestmark = pytest.mark.slow
if not os.environ.get("CI"):  # CI installs the test extras: there a missing ray must fail
    pytest.importorskip("ray", reason="needs the 'ray' extra (pip install 'beian[ray]')")

SHARD = "0.1"  # MB: ~30 tasks from ~3 MB, so a kill lands mid-run
DETECTORS = "keyword,pii"


def _docs(n: int) -> Iterator[dict[str, str]]:
    parts = [
        "今天天气很好，我们去公园散步。",
        "这本书讲述了一个古老的故事。",
        "春眠不觉晓，处处闻啼鸟。",
    ]
    for i in range(n):
        body = "".join(parts[(i + k) % 3] + f"第{i}章第{k}节。" for k in range(30))
        yield {"text": body}


@dataclass(frozen=True)
class Setup:
    cluster: LocalCluster
    corpus: proof.Corpus
    reference: Path


def _run(cmd: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    root = tmp_path_factory.mktemp("raycl")
    corpus = proof.write_corpus(root / "corpus", _docs(500), 2, bad_every=97, pii_every=40)
    reference = root / "local"
    cluster = LocalCluster(root / "cluster", nodes=2, cpus=1)
    with cluster:
        sessions = [node.proc.pid for node in cluster.nodes]
        local = _run(proof.filter_command(corpus.manifest, reference, DETECTORS, "--shard-size", SHARD), cluster.env)  # fmt: skip
        assert local.returncode == 0, local.stderr
        yield Setup(cluster, corpus, reference)
    assert not [pid for sid in sessions for pid in session_pids(sid)], "cluster left running"


def _ray(setup: Setup, out: Path, *extra: str) -> list[str]:
    return proof.filter_command(
        setup.corpus.manifest, out, DETECTORS, "--shard-size", SHARD,
        "--executor", "ray", "--address", setup.cluster.address, *extra,
    )  # fmt: skip


def _assert_all_accounted(setup: Setup, out: Path) -> None:
    acc = proof.account(out)
    assert acc.duplicates == 0
    assert acc.written == acc.distinct == setup.corpus.lines
    assert acc.per_channel["errors"] == setup.corpus.malformed > 0
    assert acc.per_channel["rejected"] > 0


def test_two_node_cluster_writes_the_local_executors_bytes(setup: Setup, tmp_path: Path) -> None:
    out = tmp_path / "ray"
    run = _run(_ray(setup, out), setup.cluster.env)
    assert run.returncode == 0, run.stderr
    assert proof.digests(out) == proof.digests(setup.reference)
    assert len(proof.digests(out)) > 40  # the channel and stats files of ~30 tasks
    assert proof.summary_differences(out, setup.reference) == {}
    _assert_all_accounted(setup, out)


def test_a_worker_killed_mid_run_costs_nothing(setup: Setup, tmp_path: Path) -> None:
    out = tmp_path / "ray-kill"
    with (tmp_path / "stderr").open("w+b") as err:
        proc = subprocess.Popen(
            _ray(setup, out, "--task-delay", "0.2"), env=setup.cluster.env,
            stdout=subprocess.DEVNULL, stderr=err,
        )  # fmt: skip
        try:
            # An actor of the second node, busy with a task once 3 tasks are done.
            killed = proof.kill_busy_actor(proc, setup.cluster.nodes[1], out, 3, timeout=120)
            done_at_kill = proof.completed(out)
            code = proc.wait(timeout=180)
        finally:
            if proc.poll() is None:
                proc.kill()
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    assert killed is not None, "no actor of the second node was seen running a task"
    total = len(list((setup.reference / "completions").iterdir()))
    assert done_at_kill < total, "the kill must land mid-run"
    assert code == 0, stderr
    assert "runs again" in stderr  # the lost task was handed to another actor
    assert proof.digests(out) == proof.digests(setup.reference)
    _assert_all_accounted(setup, out)


def test_an_address_nobody_answers_fails_fast_in_one_line(tmp_path: Path) -> None:
    # ray.init retries an unreachable head for ever; beian must stop with a readable error.
    corpus = proof.write_corpus(tmp_path / "corpus", _docs(5), 1)
    cmd = proof.filter_command(corpus.manifest, tmp_path / "out", "pii", "--executor", "ray")
    run = _run([*cmd, "--address", f"127.0.0.1:{free_port()}"], dict(os.environ))
    assert run.returncode != 0
    assert "cannot reach the Ray head at '127.0.0.1:" in run.stderr
    assert "Traceback" not in run.stderr


_BROKEN_WORKER = """
import sys
from beian.errors import UserError
from beian.scan.engine import ScanConfig
from beian.scan.plan import FilePart, Task
from beian.scan.ray_executor import RayExecutor
config = ScanConfig(mode="filter", out=sys.argv[2], detectors=["keyword"],
                    detector_options={"keyword": {"library": sys.argv[3]}})
task = Task(index=0, source="s0", reader="jsonl", files=[FilePart(path=sys.argv[4], label="x", bytes=1)])
try:
    RayExecutor(sys.argv[1]).run([task], config, lambda i, b: None, lambda s: None)
except UserError as exc:
    print(exc)
"""


def test_a_worker_that_cannot_build_its_detectors_stops_the_run_with_the_reason(
    setup: Setup, tmp_path: Path
) -> None:
    # As when a keyword library is on the driver's machine but not on the workers' nodes:
    # the executor must not replace such workers for ever, and must say why they failed.
    missing = tmp_path / "not-on-the-nodes.txt"
    data = next((setup.corpus.manifest.parent / "s0").glob("*.jsonl"))
    args = [setup.cluster.address, str(tmp_path / "out"), str(missing), str(data)]
    run = _run([sys.executable, "-c", _BROKEN_WORKER, *args], setup.cluster.env)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == (
        f"a Ray worker could not start: beian.errors.ConfigError: keyword library not found: "
        f"{missing}"
    )
