"""Whole-command speed of this checkout against a baseline revision, in the same run.

    python bench/bench_speed.py [--baseline-ref main] [--rounds 3] [--default] [--datatrove PY]
                                [--datajuicer PY]

Data recipe: ../shared/bench/data (``corpus.jsonl.gz``: 5,888 documents, 61 MB of Chinese
novels and Tang/Song poems, MIT; ``kw_10k.txt``: 10,000 terms of konsheng/Sensitive-lexicon,
MIT) is unpacked once into ``~/.cache/beian-bench/speed`` with one-source manifests for the
whole corpus and for its first record, and the terms as a beian library (risk A.1.h).

The baseline is ``git archive <ref> src`` of this repository, unpacked beside the data; both
trees run with the same interpreter (``sys.executable``), each with ``PYTHONPATH`` pointing at
its ``src``. Every case runs once per tree per round, interleaved (the order alternates
between rounds), after one warm-up round (on-disk caches filled, as on any second run). The
machine is shared and noisy, so each case is timed in CPU seconds of the child process tree
(``wait4``'s user + system time, children included), not wall time, and the table shows
medians with the ratio baseline / this checkout (> 1: this checkout is faster). The load
average is printed before and after.

Cases: ``corpus assess`` of one record (fixed start-up cost), of 61 MB with ``-d keyword,pii``
(MB per CPU-second of the whole command), with ``-d keyword`` and the 10k-term library,
``beian detect "你好"`` (default detectors), and in-process detector-set throughput (readings
included) for ``keyword`` and ``keyword,pii``. ``--default`` adds ``corpus assess`` with the
default detectors (harm model, slow) and their in-process throughput. Children run without
``PYTHONDONTWRITEBYTECODE``, so modules load from ``.pyc`` files as in an installed beian.

Peers, each run once per round with its own interpreter on the same 61 MB and the same 10k terms,
and compared with this checkout's ``-d keyword --library kw_10k`` command: ``--datatrove PY``
adds datatrove's C4BadWordsFilter (../shared/bench/harness/peer_datatrove.py), ``--datajuicer
PY`` Data-Juicer's FlaggedWordFilter with jieba words (peer_datajuicer.py). Install them apart:
``python -m venv dt && dt/bin/pip install datatrove regex aiohttp requests fasteners orjson``,
``python -m venv dj && dj/bin/pip install py-data-juicer aiohttp jieba``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BEIAN_SHARED", REPO.parent / "shared"))
WORK = Path.home() / ".cache" / "beian-bench" / "speed"
MANIFEST = (
    "sources:\n  - {name: bench, type: open-source, languages: [zh], modality: text,\n"
    "     origin: domestic, licence: 'https://opensource.org/license/mit', files: [corpus.jsonl]}\n"
)
INPROC = """
import json, sys, time, statistics
from beian.detect.detector_set import DetectorSet
texts = [json.loads(l)["text"] for l in open(sys.argv[1], encoding="utf-8")]
ds = DetectorSet.from_names(sys.argv[2].split(","))
batches = [texts[i:i + 256] for i in range(0, len(texts), 256)]
for b in batches[:2]: ds.check_batch(b)
t = time.process_time()
for b in batches: ds.check_batch(b)
print(json.dumps({"cpu": time.process_time() - t}))
"""


@dataclass
class Case:
    name: str
    argv: list[str]
    mb: float = 0.0
    inner: bool = False
    """The command prints its own CPU seconds (in-process cases): use those."""
    peer: str = ""
    """A peer's command: run once per round (no tree), compared with case ``peer``."""
    runs: dict[str, list[float]] = field(default_factory=dict)


def prepare(work: Path) -> None:
    """Unpack the corpus, the one-record cut and the 10k library once."""
    data = SHARED / "bench" / "data"
    corpus = work / "corpus" / "corpus.jsonl"
    if not corpus.exists():
        corpus.parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(data / "corpus.jsonl.gz", "rb") as a, corpus.open("wb") as b:
            shutil.copyfileobj(a, b)
    (work / "corpus" / "manifest.yaml").write_text(MANIFEST, "utf-8")
    one = work / "one"
    one.mkdir(exist_ok=True)
    with corpus.open("rb") as fh:
        (one / "corpus.jsonl").write_bytes(fh.readline())
    (one / "manifest.yaml").write_text(MANIFEST, "utf-8")
    terms = [t.strip() for t in (data / "kw_10k.txt").read_text("utf-8").splitlines()]
    rows = (json.dumps({"term": t, "risk": "A.1.h"}, ensure_ascii=False) for t in terms if t)
    (work / "kw_10k.jsonl").write_text("\n".join(rows) + "\n", "utf-8")
    shutil.copy(data / "kw_10k.txt", work / "kw_10k.txt")
    words = work / "dj_words"  # Data-Juicer's flagged-words folder: {"zh": [...]}
    words.mkdir(exist_ok=True)
    listed = [t for t in terms if t]
    (words / "flagged_words.json").write_text(json.dumps({"zh": listed}, ensure_ascii=False))


def baseline_tree(ref: str, work: Path) -> Path:
    """``src`` of ``ref`` unpacked under ``work`` (reused while the commit is the same)."""
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", ref], capture_output=True, text=True, check=True
    ).stdout.strip()
    tree = work / f"baseline-{commit[:12]}"
    if not (tree / "src").exists():
        tree.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", "--format=tar", commit, "src"],
            capture_output=True,
            check=True,
        ).stdout
        tar = tree / "src.tar"
        tar.write_bytes(archive)
        with tarfile.open(tar) as t:
            t.extractall(tree, filter="data")
        tar.unlink()
    if not list((tree / "src" / "beian" / "text").glob("_kernel*.so")):
        build_kernel(commit, tree)
    return tree / "src"


_BUILD = """
import runpy, sys, setuptools
setup = setuptools.setup
setuptools.setup = lambda **kw: setup(**{**kw, "package_dir": {"": "src"}})
sys.argv = ["setup.py", "build_ext", "--inplace"]
runpy.run_path("setup.py", run_name="__main__")
"""


def build_kernel(commit: str, tree: Path) -> None:
    """Build the baseline's optional compiled kernel in its tree, as this checkout's is built
    (its setup.py, in place; without pyproject.toml, so any setuptools will do): a baseline
    without it would measure the numpy fallback, not the baseline."""
    has = subprocess.run(
        ["git", "-C", str(REPO), "cat-file", "-e", f"{commit}:setup.py"], capture_output=True
    )
    if has.returncode != 0 or not (tree / "src" / "beian" / "text" / "_kernel.c").exists():
        return
    setup = subprocess.run(
        ["git", "-C", str(REPO), "show", f"{commit}:setup.py"], capture_output=True, check=True
    ).stdout
    (tree / "setup.py").write_bytes(setup)
    done = subprocess.run([sys.executable, "-c", _BUILD], cwd=tree, capture_output=True)
    if done.returncode != 0 or not list((tree / "src" / "beian" / "text").glob("_kernel*.so")):
        print(f"warning: the baseline's kernel did not build: {done.stderr[-400:]!r}")


def cases(
    work: Path, default: bool, datatrove: str | None, datajuicer: str | None = None
) -> list[Case]:
    beian = [sys.executable, "-m", "beian"]
    corpus, mb = work / "corpus", (work / "corpus" / "corpus.jsonl").stat().st_size / 1e6

    def assess(name: str, folder: Path, *extra: str, size: float = mb) -> Case:
        out = work / "out" / name.replace(" ", "_").replace(",", "+")
        argv = [*beian, "corpus", "assess", str(folder / "manifest.yaml"), "--out", str(out)]
        return Case(name, [*argv, "--restart", "--json", "-j", "1", *extra], size)

    found = [
        assess("assess 1 record -d keyword,pii", work / "one", "-d", "keyword,pii", size=0.0),
        assess("assess 61 MB -d keyword,pii", corpus, "-d", "keyword,pii"),
        assess(
            "assess 61 MB -d keyword kw10k",
            corpus,
            "-d",
            "keyword",
            "--library",
            str(work / "kw_10k.jsonl"),
        ),  # fmt: skip
        Case("detect 你好 (default detectors)", [*beian, "detect", "你好"]),
    ]
    data = str(corpus / "corpus.jsonl")
    for names in ("keyword", "keyword,pii"):
        argv = [sys.executable, "-c", INPROC, data, names]
        found.append(Case(f"in-process DetectorSet {names}", argv, mb, inner=True))
    if default:
        found.append(assess("assess 61 MB default detectors", corpus))
        argv = [sys.executable, "-c", INPROC, data, "keyword,solicit,harm"]
        found.append(Case("in-process DetectorSet keyword,solicit,harm", argv, mb, inner=True))
    if datatrove:
        peer = SHARED / "bench" / "harness" / "peer_datatrove.py"
        argv = [datatrove, str(peer), str(corpus), str(work / "kw_10k.txt")]
        found.append(Case("peer: datatrove C4BadWordsFilter kw10k", argv, mb, peer=found[2].name))
    if datajuicer:
        peer = SHARED / "bench" / "harness" / "peer_datajuicer.py"
        argv = [datajuicer, str(peer), data, str(work / "dj_words"), "jieba"]
        found.append(
            Case("peer: Data-Juicer FlaggedWordFilter jieba", argv, mb, peer=found[2].name)
        )
    return found


def run_once(case: Case, src: Path, work: Path, label: str) -> float:
    """CPU seconds of one run of ``case`` with ``src`` first on the path."""
    env = {**os.environ, "PYTHONPATH": str(src), "BEIAN_CACHE_DIR": str(work / f"cache-{label}")}
    # As installed (pip writes .pyc files): compiling every module from source on each run
    # would add a few tenths of a CPU-second to every case (and favour the tree importing less).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with open(os.devnull, "wb") as null:
        proc = subprocess.Popen(case.argv, env=env, stdout=subprocess.PIPE, stderr=null)
        assert proc.stdout is not None
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):  # assess exits 1 when the corpus fails §5.1 a
        raise SystemExit(f"{case.name} ({label}) exited {proc.returncode}")
    if case.inner:
        return float(json.loads(out.decode().strip().splitlines()[-1])["cpu"])
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--baseline-ref", default="main")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--default", action="store_true", help="add the default detectors (slow)")
    ap.add_argument("--datatrove", help="python of a virtualenv with datatrove installed")
    ap.add_argument("--datajuicer", help="python of a virtualenv with py-data-juicer and jieba")
    ap.add_argument("--only", help="run only cases whose name contains this")
    ap.add_argument("--out", type=Path, help="write the raw CPU seconds as JSON")
    args = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    prepare(WORK)
    trees = {"baseline": baseline_tree(args.baseline_ref, WORK), "this": REPO / "src"}
    todo = [c for c in cases(WORK, args.default, args.datatrove, args.datajuicer) if args.only in (None, c.name)
            or (args.only and args.only in c.name)]  # fmt: skip
    load0 = os.getloadavg()
    print(f"load average {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}; {os.cpu_count()} cores")
    for r in range(args.rounds + 1):  # round 0 warms the caches and is not counted
        order = list(trees.items()) if r % 2 else list(reversed(trees.items()))
        for case in todo:
            for label, src in order[:1] if case.peer else order:
                label = "peer" if case.peer else label
                cpu = run_once(case, src, WORK, label)
                if r:
                    case.runs.setdefault(label, []).append(cpu)
        print(f"round {r} done{' (warm-up)' if not r else ''}", file=sys.stderr)
    report(todo, load0, args.out)


def report(todo: list[Case], load0: tuple[float, float, float], out: Path | None) -> None:
    print(f"{'case':44s} {'baseline':>14s} {'this':>14s} {'ratio':>6s}")
    by_name = {c.name: c for c in todo}
    for c in todo:
        if c.peer:
            mine = by_name.get(c.peer)
            peer = statistics.median(c.runs["peer"])
            if mine is not None:
                this = statistics.median(mine.runs["this"])
                base = statistics.median(mine.runs["baseline"])
                print(f"{c.name:44s} {c.mb / peer:8.1f} MB/cpu-s: {peer / this:.1f}x the CPU of "
                      f"'{c.peer}' ({peer / base:.1f}x the baseline's)")  # fmt: skip
            continue
        base, this = (
            statistics.median(c.runs.get(k, [float("nan")])) for k in ("baseline", "this")
        )

        def cell(cpu: float, mb: float = c.mb) -> str:
            return f"{mb / cpu:8.1f} MB/cpu-s" if mb else f"{cpu:8.3f} cpu-s"

        print(f"{c.name:44s} {cell(base):>14s} {cell(this):>14s} {base / this:6.2f}")
    load1 = os.getloadavg()
    print(f"load average after {load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f}")
    if out is not None:
        rows = [{"name": c.name, "mb": c.mb, "cpu_s": c.runs} for c in todo]
        out.write_text(json.dumps({"load": [load0, load1], "cases": rows, "at": time.time()}))


if __name__ == "__main__":
    main()
