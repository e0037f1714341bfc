"""End-to-end ``beian corpus assess`` throughput against baselines and peers, in one run.

    python bench/bench_corpus.py [--rounds 3] [--no-peers]

Data recipe: ../shared/bench/data/corpus.jsonl.gz (5,888 documents, 61 MB of Chinese text,
MIT) is decompressed once to ``~/.cache/beian-bench/corpus/corpus.jsonl`` with a one-source
manifest. Every row below is a whole command timed from the outside (interpreter start,
imports, detector build and all), best of ``--rounds``. beian also reports its own elapsed
time (``in-run``: after imports) and the CPU seconds its tasks used (``MB/cpu-s``: per-core
throughput of the work itself, which stays meaningful on a machine shared with other jobs):

- ``cat`` and a ``json.loads`` loop: what reading the file costs;
- ``beian corpus assess`` on the rule path (keyword + pii, starter library), 1 and 2 processes,
  on the corpus and on ``--scale`` hard-linked copies of it (default 16, ~1 GB), where process
  start-up is amortised;
- the same-lexicon comparison: beian's keyword detector, datatrove's ``C4BadWordsFilter`` and
  Data-Juicer's ``flagged_words_filter``, all given the 10,000 terms of kw_10k.txt, 1 process.

Peers run in their own virtualenvs (``.venv-bench-dt``, ``.venv-bench-dj`` at the repo root,
see ../shared/bench/README.md); a missing one is reported and skipped. Peers are offline here,
so datatrove's word-list download is replaced by the local list and Data-Juicer runs without
its sentencepiece tokenizer (it then splits on whitespace, which for Chinese measures its
machinery, not a meaningful ratio).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BEIAN_SHARED", REPO.parent / "shared"))
CACHE = Path.home() / ".cache" / "beian-bench" / "corpus"
PY = sys.executable

DATATROVE = r"""
import json, sys, tempfile
from datatrove.pipeline.filters import c4_filters
c4_filters.cached_asset_path_or_download = lambda *a, **k: sys.argv[2]
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.filters import C4BadWordsFilter
from datatrove.pipeline.readers import JsonlReader
logs = tempfile.mkdtemp()
LocalPipelineExecutor(
    pipeline=[JsonlReader(sys.argv[1], glob_pattern="corpus.jsonl"),
              C4BadWordsFilter(default_language="zh")],
    tasks=1, workers=1, logging_dir=logs,
).run()
stats = json.load(open(logs + "/stats.json"))
print(json.dumps({"dropped": stats[1]["stats"].get("dropped", 0)}))
"""

DATA_JUICER = r"""
import json, sys
from data_juicer.ops.filter.flagged_words_filter import FlaggedWordFilter
from data_juicer.utils.constant import Fields
op = FlaggedWordFilter(lang="zh", flagged_words_dir=sys.argv[2], max_ratio=0.0)
dropped, batch = 0, []
def run(batch):
    samples = {"text": batch, Fields.stats: [{} for _ in batch]}
    samples = op.compute_stats_batched(samples)
    return sum(not keep for keep in op.process_batched(samples))
with open(sys.argv[1], "rb") as fh:
    for line in fh:
        batch.append(json.loads(line)["text"])
        if len(batch) == 1000:
            dropped += run(batch); batch = []
dropped += run(batch) if batch else 0
print(json.dumps({"dropped": dropped}))
"""

JSON_LOOP = "import json,sys\nfor line in open(sys.argv[1],'rb'): json.loads(line)\n"


def prepare() -> tuple[Path, Path, Path, Path]:
    """Decompressed corpus, its manifest, the kw_10k list and a beian library of it."""
    CACHE.mkdir(parents=True, exist_ok=True)
    data = SHARED / "bench" / "data"
    corpus = CACHE / "corpus.jsonl"
    if not corpus.exists():
        with gzip.open(data / "corpus.jsonl.gz", "rb") as src, corpus.open("wb") as dst:
            shutil.copyfileobj(src, dst)
    manifest = CACHE / "manifest.yaml"
    manifest.write_text(
        "sources:\n  - {name: bench, type: open-source, languages: [zh], modality: text,\n"
        "     origin: domestic, licence: 'https://opensource.org/license/mit',"
        " files: [corpus.jsonl]}\n",
        encoding="utf-8",
    )
    words = CACHE / "kw_10k.txt"
    shutil.copy(data / "kw_10k.txt", words)
    terms = [t.strip() for t in words.read_text("utf-8").splitlines() if t.strip()]
    library = CACHE / "kw_10k.jsonl"
    library.write_text(
        "".join(json.dumps({"term": t, "risk": "A.1.h"}, ensure_ascii=False) + "\n" for t in terms),
        encoding="utf-8",
    )
    dj_dir = CACHE / "dj-words"
    dj_dir.mkdir(exist_ok=True)
    (dj_dir / "flagged_words.json").write_text(
        json.dumps({"zh": terms}, ensure_ascii=False), "utf-8"
    )
    return corpus, manifest, words, library


def scaled(corpus: Path, copies: int) -> Path:
    """A manifest over ``copies`` copies of the corpus (for start-up-amortised scaling)."""
    folder = CACHE / f"x{copies}"
    folder.mkdir(exist_ok=True)
    for i in range(copies):
        target = folder / f"part-{i}.jsonl"
        if not target.exists():
            os.link(corpus, target) if hasattr(os, "link") else shutil.copy(corpus, target)
    manifest = folder / "manifest.yaml"
    manifest.write_text(
        (CACHE / "manifest.yaml")
        .read_text("utf-8")
        .replace("files: [corpus.jsonl]", "files: [part-*.jsonl]"),
        encoding="utf-8",
    )
    return manifest


def timed(cmd: list[str], rounds: int) -> tuple[float, str]:
    """Best wall time of ``cmd`` over ``rounds`` runs, and its last stdout."""
    best, out = float("inf"), ""
    for _ in range(rounds):
        t = time.perf_counter()
        res = subprocess.run(cmd, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - t
        if res.returncode not in (0, 1):
            raise RuntimeError(f"{' '.join(cmd[:6])}… failed: {res.stderr[-2000:]}")
        best, out = min(best, elapsed), res.stdout
    return best, out


def beian(manifest: Path, detectors: str, workers: int, *extra: str) -> list[str]:
    """The ``beian corpus assess`` command line."""
    out = CACHE / f"out-{detectors.replace(',', '-')}-{workers}"
    return [
        PY, "-m", "beian", "corpus", "assess", str(manifest), "--out", str(out), "--restart",
        "--detectors", detectors, "-j", str(workers), "--shard-size", "8", "--json", *extra,
    ]  # fmt: skip


def _flagged(stdout: str) -> str:
    try:
        data = json.loads(stdout)
    except json.JSONDecodeError:
        return "?"
    return str(data.get("flagged", data.get("dropped", "?")))


def _inner(stdout: str) -> str:
    """beian's own elapsed time (after interpreter start and imports) and the CPU seconds its
    tasks used (work only: no start-up, no detector build), as ``"elapsed/cpu"``."""
    try:
        data = json.loads(stdout)
    except json.JSONDecodeError:
        return ""
    if "elapsed_s" not in data:
        return ""
    return f"{data['elapsed_s']}/{data.get('tasks_cpu_s', 0)}"


def main() -> None:
    """Run every row and print the table."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--peer-rounds", type=int, default=1, help="peers are slow: 1 round")
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--scale", type=int, default=16, help="also time 1 vs 2 procs on N copies")
    args = ap.parse_args()
    corpus, manifest, words, library = prepare()
    mb = corpus.stat().st_size / 1e6
    rows: list[tuple[str, int, float, float, str, str]] = []

    def row(
        name: str, cores: int, cmd: list[str], size: float = mb, rounds: int = args.rounds
    ) -> None:
        wall, out = timed(cmd, rounds)
        rows.append((name, cores, size, wall, _flagged(out), _inner(out)))
        print(f"  {name} ({cores} proc): {wall:.2f}s", file=sys.stderr)

    print(f"load average at the start: {os.getloadavg()}")
    row("cat > /dev/null", 1, ["sh", "-c", f"cat '{corpus}' > /dev/null"])
    row("python json.loads loop", 1, [PY, "-c", JSON_LOOP, str(corpus)])
    row("beian assess keyword+pii", 1, beian(manifest, "keyword,pii", 1))
    row("beian assess keyword+pii", 2, beian(manifest, "keyword,pii", 2))
    if args.scale > 1:
        big = scaled(corpus, args.scale)
        label = f"beian assess keyword+pii x{args.scale}"
        row(label, 1, beian(big, "keyword,pii", 1), mb * args.scale)
        row(label, 2, beian(big, "keyword,pii", 2), mb * args.scale)
    kw = beian(manifest, "keyword", 1, "--library", str(library))
    row("beian assess keyword (kw_10k)", 1, kw)
    peers = {
        "datatrove C4BadWordsFilter (kw_10k)": (REPO / ".venv-bench-dt", DATATROVE, [str(CACHE), str(words)]),
        "Data-Juicer flagged_words (kw_10k)": (REPO / ".venv-bench-dj", DATA_JUICER, [str(corpus), str(CACHE / "dj-words")]),
    }  # fmt: skip
    for name, (venv, script, argv) in peers.items():
        python = venv / "bin" / "python"
        if args.no_peers or not python.exists():
            why = "--no-peers" if args.no_peers else f"{python} not found"
            print(f"  {name}: skipped ({why})", file=sys.stderr)
            continue
        row(name, 1, [str(python), "-c", script, *argv], rounds=args.peer_rounds)
    _table(rows, args.rounds)


def _table(rows: list[tuple[str, int, float, float, str, str]], rounds: int) -> None:
    per_mb = {name: wall / size for name, _c, size, wall, _f, _i in rows}
    print(f"\ncorpus {rows[0][2]:.1f} MB, best of {rounds} rounds, whole commands\n")
    print(
        f"{'command':38} {'procs':>5} {'MB':>5} {'wall s':>7} {'MB/s':>7} {'vs cat':>7} "
        f"{'vs json':>7} {'flagged':>7} {'in-run MB/s':>11} {'MB/cpu-s':>8}"
    )
    for name, cores, size, wall, flagged, inner in rows:
        elapsed, cpu = (float(x) for x in inner.split("/")) if inner else (0.0, 0.0)
        in_run = f"{size / elapsed:.1f}" if elapsed else "-"
        per_cpu = f"{size / cpu:.1f}" if cpu else "-"
        print(
            f"{name:38} {cores:5d} {size:5.0f} {wall:7.2f} {size / wall:7.1f} "
            f"{per_mb['cat > /dev/null'] / (wall / size):7.3f} "
            f"{per_mb['python json.loads loop'] / (wall / size):7.3f} {flagged:>7} {in_run:>11} "
            f"{per_cpu:>8}"
        )
    runs = {(n, c): (w, i) for n, c, _s, w, _f, i in rows}
    print("\nMB/cpu-s: MB per CPU-second spent in tasks (per-core throughput of the work itself).")
    for label in sorted({n for n, c in runs if c == 2 and (n, 1) in runs}):
        (w1, i1), (w2, i2) = runs[(label, 1)], runs[(label, 2)]
        line = f"1 -> 2 processes, {label}: wall speed-up {w1 / w2:.2f}x"
        if i1 and i2:
            (e1, c1), (e2, c2) = ([float(x) for x in i.split("/")] for i in (i1, i2))
            line += f", in-run {e1 / e2:.2f}x, task CPU 2 procs / 1 proc = {c2 / c1:.2f}"
        print(line)
    print(f"load average at the end: {os.getloadavg()} (2 cores; other jobs skew 2-process rows)")


if __name__ == "__main__":
    main()
