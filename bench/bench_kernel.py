"""The compiled fold kernel against the numpy fold, in one process, interleaved.

    python bench/bench_kernel.py [--rounds 5] [--corpus PATH] [--harm]

Runs on the 61 MB bench corpus (``~/.cache/beian-bench/speed/corpus/corpus.jsonl``, unpacked by
``bench/bench_speed.py``; 5,888 documents of Chinese novels and poems, MIT) in batches of 256,
as ``corpus assess`` does. Per round and per path (the order alternates between rounds), it
times in CPU seconds (``time.process_time``): ``fold_texts`` alone (also on the same text joined
into 30 long documents of about 700,000 characters, one per group), ``evasion_readings`` alone
(as the ``keyword,pii`` set asks for them: ``normalised=False``), and
``DetectorSet(["keyword", "pii"]).check_batch`` (evasion readings included). The numpy path is
the same module with the kernel switched off (``fold_texts(kernel=False)``'s default), so both
run with the same tables, detectors and caches. Prints medians, the ratio numpy / kernel and
the load average before and after.

``--harm`` times the harm model instead, in three paths: ``numpy`` (no kernel), ``fold only``
(the kernel without ``harm_sums``/``harm_rows``: round 6's state) and ``kernel``; cases: the
harm column of every text (``ClassifierModel.column_scores``, digit runs folded), every column
of every text (``ClassifierModel.scores``), the ``harm`` detector and
``DetectorSet(["keyword", "solicit", "harm"])`` (the default set).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from beian.detect.detector_set import DetectorSet
from beian.text import batch
from beian.text.batch import fold_texts
from beian.text.reading import evasion_readings

CORPUS = Path.home() / ".cache" / "beian-bench" / "speed" / "corpus" / "corpus.jsonl"


def cpu(run: Callable[[], object]) -> float:
    t = time.process_time()
    run()
    return time.process_time() - t


class _FoldOnly:
    """The kernel without its harm functions (what ``main`` had before them)."""

    def __init__(self, kernel: ModuleType) -> None:
        self._kernel = kernel

    def __getattr__(self, name: str) -> object:
        if name.startswith("harm_"):
            raise AttributeError(name)
        return getattr(self._kernel, name)


def harm_cases(batches: list[list[str]]) -> dict[str, Callable[[], None]]:
    from beian.detect.harm.detector import HarmDetector, HarmOptions

    harm = HarmDetector(HarmOptions())
    clf = harm.model.classifier
    default = DetectorSet.from_names(["keyword", "solicit", "harm"])

    def column() -> None:
        for b in batches:
            clf.column_scores(b, 0, digits=True)

    def rows() -> None:
        for b in batches:
            clf.scores(b)

    def detector() -> None:
        for b in batches:
            harm.detect_batch(b)

    def detect_all() -> None:
        for b in batches:
            default.check_batch(b)

    return {
        "harm column_scores": column,
        "harm scores (32 columns)": rows,
        "harm detector": detector,
        "DetectorSet keyword,solicit,harm": detect_all,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--harm", action="store_true", help="time the harm model (three paths)")
    args = ap.parse_args()
    if not batch.kernel_available():
        raise SystemExit(f"error: text folding is {batch.kernel_status()}")
    size = args.corpus.stat().st_size / 1e6
    with args.corpus.open(encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f]
    batches = [texts[i : i + 256] for i in range(0, len(texts), 256)]
    if args.harm:
        run_harm(args.rounds, size, len(texts), harm_cases(batches))
        return
    ds = DetectorSet.from_names(["keyword", "pii"])
    kernel = batch._KERNEL

    def fold_all() -> None:
        for b in batches:
            fold_texts(b)

    books = ["".join(texts[i : i + 200]) for i in range(0, len(texts), 200)]

    def fold_books() -> None:  # one long document per group (~700K characters each)
        for b in books:
            fold_texts([b])

    def read_all() -> None:
        for b in batches:
            evasion_readings(b)

    def detect_all() -> None:
        for b in batches:
            ds.check_batch(b)

    cases = {
        "fold_texts": fold_all,
        "fold_texts, 30 long texts": fold_books,
        "evasion_readings": read_all,
        "DetectorSet keyword,pii": detect_all,
    }
    load0 = os.getloadavg()
    times = interleaved(cases, {"kernel": kernel, "numpy": None}, args.rounds)
    load1 = os.getloadavg()
    print(f"{size:.1f} MB, {len(texts)} documents, {args.rounds} rounds, CPU seconds (medians)")
    print(f"{'case':<30} {'numpy':>16} {'kernel':>16} {'ratio':>6}")
    for name in cases:
        a = statistics.median(times[(name, "numpy")])
        b = statistics.median(times[(name, "kernel")])
        print(
            f"{name:<30} {a:7.3f} ({size / a:5.0f} MB/s) {b:7.3f} ({size / b:5.0f} MB/s) {a / b:6.2f}"
        )
    print(f"load average {load0[0]:.2f} before, {load1[0]:.2f} after")


def interleaved(
    cases: dict[str, Callable[[], None]], paths: dict[str, object], rounds: int
) -> dict[tuple[str, str], list[float]]:
    """CPU seconds of every case on every path (``batch._KERNEL`` set to the path's module),
    after one warm-up run of each (tables, compiled library, caches); the order of the paths
    alternates between rounds. The kernel found on entry is restored."""
    kernel = batch._KERNEL
    for run in cases.values():
        for module in paths.values():
            batch._KERNEL = module  # type: ignore[assignment]
            run()
    times: dict[tuple[str, str], list[float]] = {}
    for r in range(rounds):
        order = list(paths) if r % 2 == 0 else list(reversed(paths))
        for name, run in cases.items():
            for path in order:
                batch._KERNEL = paths[path]  # type: ignore[assignment]
                times.setdefault((name, path), []).append(cpu(run))
    batch._KERNEL = kernel
    return times


def run_harm(rounds: int, size: float, docs: int, cases: dict[str, Callable[[], None]]) -> None:
    kernel = batch._KERNEL
    assert kernel is not None
    paths: dict[str, object] = {"numpy": None, "fold only": _FoldOnly(kernel), "kernel": kernel}
    load0 = os.getloadavg()
    times = interleaved(cases, paths, rounds)
    load1 = os.getloadavg()
    print(f"{size:.1f} MB, {docs} documents, {rounds} rounds, CPU seconds (medians)")
    print(f"{'case':<34} {'numpy':>15} {'fold only':>15} {'kernel':>15} {'fold only/kernel':>7}")
    for name in cases:
        a, f, k = (statistics.median(times[(name, p)]) for p in paths)
        cells = " ".join(f"{x:6.3f} ({size / x:4.0f} MB/s)" for x in (a, f, k))
        print(f"{name:<34} {cells} {f / k:6.2f}")
    print(f"load average {load0[0]:.2f} before, {load1[0]:.2f} after")


if __name__ == "__main__":
    main()
