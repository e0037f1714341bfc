"""Two local processes against one on a gigabyte, this checkout against a baseline, same run.

    python bench/bench_pool.py [--baseline-ref main] [--rounds 6] [--copies 16] [--fresh]

The corpus is ``bench_speed.py``'s 61 MB (../shared/bench/data, unpacked once into
``~/.cache/beian-bench/speed``) listed ``--copies`` times as hard links (16: 976 MB, one source),
so the page cache holds it once. Each round runs ``corpus assess -d keyword,pii --restart
--json`` with ``-j 1`` and ``-j 2`` for both trees, interleaved, each into an output folder of
its own that is kept between rounds (its store exists, as for any second run; ``--fresh``
deletes it first, so every run also creates its store). One warm-up round is not counted.

A second process is measured by **wall time**: ``wait4`` would not count pool workers that are
children of a fork server, and CPU time would hide the very thing measured (how much of the
work the second core takes). So the machine must be otherwise idle; the load average is printed
before and after, and ``--pause PID,...`` stops (SIGSTOP) those processes while timing and
resumes them after. For trees whose ``timing/*.json`` record ``pid`` and ``started`` (round 8
on), the last round's processes are listed with their first task's start, relative to the
first process's.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_speed import MANIFEST, WORK, baseline_tree, prepare

REPO = Path(__file__).resolve().parents[1]


def gigabyte(work: Path, copies: int) -> Path:
    """A manifest listing the bench corpus ``copies`` times (hard links, one source)."""
    folder = work / f"pool-{copies}"
    folder.mkdir(parents=True, exist_ok=True)
    corpus = work / "corpus" / "corpus.jsonl"
    names = []
    for i in range(copies):
        link = folder / f"c{i:02d}.jsonl"
        if not link.exists():
            os.link(corpus, link)
        names.append(link.name)
    manifest = folder / "manifest.yaml"
    manifest.write_text(MANIFEST.replace("[corpus.jsonl]", "[" + ", ".join(names) + "]"), "utf-8")
    return manifest


def run_once(src: Path, manifest: Path, out: Path, workers: int, fresh: bool) -> float:
    """Wall seconds of one ``corpus assess`` with ``src`` first on the path."""
    if fresh:
        shutil.rmtree(out, ignore_errors=True)
    cache = out.parent / f"cache-{out.name.rsplit('-', 1)[0]}"  # one per tree, as bench_speed
    env = {**os.environ, "PYTHONPATH": str(src), "BEIAN_CACHE_DIR": str(cache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    argv = [sys.executable, "-m", "beian", "corpus", "assess", str(manifest), "-d", "keyword,pii"]
    argv += ["-j", str(workers), "--out", str(out), "--restart", "--json"]
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):  # assess exits 1 when the corpus fails §5.1 a
        raise SystemExit(f"{out.name} exited {done.returncode}: {done.stderr[-300:]!r}")
    return wall


def joins(out: Path) -> str:
    """Each process's task count and first start, relative to the first process's."""
    rows = [json.loads(p.read_text()) for p in (out / "timing").glob("*.json")]
    if not rows or "pid" not in rows[0]:
        return "(no pid in timing)"
    first: dict[int, float] = {}
    count: dict[int, int] = {}
    for r in rows:
        first[r["pid"]] = min(first.get(r["pid"], r["started"]), r["started"])
        count[r["pid"]] = count.get(r["pid"], 0) + 1
    t0 = min(first.values())
    return ", ".join(f"{count[p]} tasks from +{first[p] - t0:.2f} s" for p in sorted(first))


def _signal(pids: list[int], sig: signal.Signals) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--baseline-ref", default="main")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--copies", type=int, default=16)
    ap.add_argument("--fresh", action="store_true", help="a new output folder for every run")
    ap.add_argument("--pause", default="", help="PIDs to SIGSTOP while timing (comma-separated)")
    args = ap.parse_args()
    prepare(WORK)
    manifest = gigabyte(WORK, args.copies)
    trees = {"baseline": baseline_tree(args.baseline_ref, WORK), "this": REPO / "src"}
    runs = [(name, j) for name in trees for j in (1, 2)]
    walls: dict[tuple[str, int], list[float]] = {run: [] for run in runs}
    pauses = [int(p) for p in args.pause.split(",") if p.strip()]
    print(f"load before {os.getloadavg()}; {args.copies} × 61 MB")
    _signal(pauses, signal.SIGSTOP)
    try:
        for round_ in range(args.rounds + 1):
            order = runs if round_ % 2 else runs[::-1]
            for name, j in order:
                out = WORK / "pool-out" / f"{name}-j{j}"
                wall = run_once(trees[name], manifest, out, j, args.fresh)
                if round_:  # round 0 warms the caches
                    walls[(name, j)].append(wall)
    finally:
        _signal(pauses, signal.SIGCONT)
    print(f"load after {os.getloadavg()}")
    for name in trees:
        one, two = walls[(name, 1)], walls[(name, 2)]
        ratio = statistics.median(one) / statistics.median(two)
        per_round = ", ".join(f"{a / b:.2f}" for a, b in zip(one, two, strict=True))
        print(
            f"{name:9s} -j 1 median {statistics.median(one):.2f} s, -j 2 {statistics.median(two):.2f} s:"
            f" two against one {ratio:.2f}× (rounds {per_round})"
        )
        print(f"          -j 2 processes: {joins(WORK / 'pool-out' / f'{name}-j2')}")


if __name__ == "__main__":
    main()
