"""Scale-out proof: ``beian corpus filter`` on a real two-node Ray cluster vs the local executor.

    nice -n 10 python -m bench.ray.bench_ray --copies 17 --root /tmp/beian-ray-bench

1. Writes ``--copies`` permuted copies of ../shared/bench/data/corpus.jsonl.gz (61 MB each, so
   17 give ~1 GB) with distinct ids, a malformed line every 997 and a phone number every 50th.
2. Starts a cluster with ``ray start --head`` and ``ray start --address`` (one CPU each, on
   loopback, own temp dirs), see :mod:`bench.ray.cluster`.
3. Runs the filter on the cluster (no fault), again on the cluster while SIGKILLing a busy
   actor of the second node (``--kill worker``) or the second node's raylet (``--kill raylet``),
   and with the local executor; compares the outputs byte for byte and accounts every line.

Prints (and writes to ROOT/report.json) wall and CPU seconds, MB/s, the machine's load and
the comparisons. The corpus stays in ROOT for reruns (delete it yourself: it is ~1 GB).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench.ray import proof
from bench.ray.cluster import ACTOR_TITLE, LocalCluster, Node

DATA = Path(os.environ.get("BEIAN_SHARED", "../shared")) / "bench" / "data" / "corpus.jsonl.gz"
Killer = Callable[..., int | None]


def _docs(path: Path) -> Iterator[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def _corpus(root: Path, data: Path, copies: int) -> proof.Corpus:
    info = root / "corpus.json"
    if info.exists():  # written by an earlier run with the same --copies
        saved = json.loads(info.read_text(encoding="utf-8"))
        if saved["copies"] == copies:
            return proof.Corpus(Path(saved["manifest"]), *saved["counts"])
    shutil.rmtree(root / "corpus", ignore_errors=True)
    c = proof.write_corpus(root / "corpus", _docs(data), copies)
    counts = [c.lines, c.malformed, c.bytes]
    info.write_text(json.dumps({"copies": copies, "manifest": str(c.manifest), "counts": counts}))
    return c


class CpuMeter:
    """CPU seconds of every process of some sessions, sampled (a dead process keeps its last).

    Covers what ``getrusage`` misses: Ray actors and raylets are not children of the driver,
    and actors are killed at the end of a run. Error: at most one sampling period per process.
    """

    def __init__(self, sessions: list[int]) -> None:
        self.sessions = set(sessions)
        self.tick = os.sysconf("SC_CLK_TCK")
        self.start = self._read()
        self.last = dict(self.start)

    def _read(self) -> dict[int, float]:
        found: dict[int, float] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) in self.sessions:  # field 6, the session id
                found[int(entry.name)] = (int(fields[11]) + int(fields[12])) / self.tick
        return found

    def sample(self) -> None:
        self.last.update(self._read())

    def seconds(self) -> float:
        return round(sum(v - self.start.get(pid, 0.0) for pid, v in self.last.items()), 1)


def _task_clocks(out: Path) -> dict[str, float]:
    wall = cpu = 0.0
    for path in (out / "timing").glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        wall, cpu = wall + data["wall_s"], cpu + data["cpu_s"]
    return {"tasks_wall_s": round(wall, 1), "tasks_cpu_s": round(cpu, 1)}


def _busy_nodes(nodes: list[Node]) -> set[int]:
    return {n.index for n in nodes if n.processes(f"{ACTOR_TITLE}.run")}


def _run(
    cmd: list[str], env: dict[str, str], out: Path, cluster: LocalCluster | None, kill: str
) -> dict[str, Any]:
    """One filter run: clocks, nodes seen working, the kill (if any) and the exit code."""
    load0, t0 = os.getloadavg()[0], time.perf_counter()
    with (out.parent / f"{out.name}.stderr").open("wb") as err:
        proc = subprocess.Popen(
            cmd, env=env, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True
        )
        nodes = cluster.nodes if cluster else []
        meter = CpuMeter([proc.pid, *(n.proc.pid for n in nodes)])
        busy: set[int] = set()
        killed, killed_at = None, 0
        while proc.poll() is None:
            meter.sample()
            if cluster is not None:
                busy |= _busy_nodes(cluster.nodes)
                if kill != "none" and killed is None and proof.completed(out) >= 4:
                    killer: Killer = (
                        proof.kill_raylet if kill == "raylet" else proof.kill_busy_actor
                    )
                    killed = killer(proc, cluster.nodes[1], out, 4, timeout=600)
                    killed_at = proof.completed(out)
            time.sleep(0.1)
    meter.sample()
    result: dict[str, Any] = {
        "exit": proc.returncode,
        "wall_s": round(time.perf_counter() - t0, 1),
        "cpu_s": meter.seconds(),
        "load_before": load0,
        "load_after": os.getloadavg()[0],
        **_task_clocks(out),
    }
    if cluster is not None:
        result["nodes_busy"] = sorted(busy)
    if killed is not None:
        result["killed"] = {"what": kill, "pid": killed, "tasks_done_then": killed_at}
    return result


def _check(out: Path, reference: Path, corpus: proof.Corpus) -> dict[str, Any]:
    acc = proof.account(out)
    return {
        "identical_bytes": proof.digests(out) == proof.digests(reference),
        "files_compared": len(proof.digests(out)),
        "summary_differences": list(proof.summary_differences(out, reference)),
        "lines_in": corpus.lines,
        "lines_out": acc.written,
        "distinct": acc.distinct,
        "duplicates": acc.duplicates,
        "lost": corpus.lines - acc.distinct,
        "per_channel": acc.per_channel,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--copies", type=int, default=17)
    ap.add_argument("--root", type=Path, default=Path("/tmp/beian-ray-bench"))
    ap.add_argument("--detectors", default="keyword,pii")
    ap.add_argument("--shard-size", default="32")
    ap.add_argument("--kill", choices=("none", "worker", "raylet"), default="worker")
    ap.add_argument("--nodes", type=int, default=2)
    args = ap.parse_args()
    root: Path = args.root
    root.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    corpus = _corpus(root, args.data, args.copies)
    report: dict[str, Any] = {"corpus_mb": round(corpus.bytes / 1e6, 1), "lines": corpus.lines}
    report["corpus_write_s"] = round(time.perf_counter() - t0, 1)
    report["cpus"] = os.cpu_count()

    def cmd(out: Path, *extra: str) -> list[str]:
        shutil.rmtree(out, ignore_errors=True)
        return proof.filter_command(
            corpus.manifest, out, args.detectors, "--shard-size", args.shard_size, *extra
        )

    runs: dict[str, dict[str, Any]] = {}
    with LocalCluster(root / "cluster", nodes=args.nodes, cpus=1) as cluster:
        ray = ("--executor", "ray", "--address", cluster.address)
        runs["ray"] = _run(cmd(root / "ray", *ray), cluster.env, root / "ray", cluster, "none")
        if args.kill != "none":
            out = root / f"ray-kill-{args.kill}"
            runs["ray_kill"] = _run(cmd(out, *ray), cluster.env, out, cluster, args.kill)
    runs["local"] = _run(cmd(root / "local"), dict(os.environ), root / "local", None, "none")
    for name, run in runs.items():
        run["mb_per_s"] = round(corpus.bytes / 1e6 / run["wall_s"], 1)
        if name != "local":
            out = root / ("ray" if name == "ray" else f"ray-kill-{args.kill}")
            run["vs_local"] = _check(out, root / "local", corpus)
    runs["local"]["accounting"] = _check(root / "local", root / "local", corpus)
    report["runs"] = runs
    (root / "report.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
