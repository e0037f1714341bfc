"""The checks of the Ray scale-out proof: corpus, runs, byte comparison, accounting, kills.

A corpus is written with a distinct id per record and a few malformed lines, so that every
record can be traced to exactly one line of ``clean/``, ``rejected/`` or ``errors/`` by its
(file, byte offset): a lost record is missing there, a duplicated one appears twice.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.ray.cluster import ACTOR_TITLE, Node, cmdline

CHANNELS = ("clean", "rejected", "errors")
COMPARED = (*CHANNELS, "stats")
"""Folders that must be byte-identical whatever the executor (timing/ holds clock readings)."""
PHONE = "请拨打手机 13812345678 联系我。"
"""Flagged by the pii detector: gives rejected/ some records."""


@dataclass(frozen=True)
class Corpus:
    """A written corpus: its manifest, and the lines written (records + malformed ones)."""

    manifest: Path
    lines: int
    malformed: int
    bytes: int


def _lines(docs: list[dict[str, Any]], copy: int, bad_every: int, pii_every: int) -> Iterator[str]:
    order = list(range(len(docs)))
    random.Random(copy).shuffle(order)  # each copy in another order: no two files alike
    for n, i in enumerate(order):
        text = str(docs[i]["text"])
        if pii_every and n % pii_every == 0:
            text = f"{text}\n{PHONE}"
        yield json.dumps({"id": f"c{copy}-{i}", "text": text}, ensure_ascii=False) + "\n"
        if bad_every and n % bad_every == bad_every - 1:
            yield f'{{"id": "c{copy}-bad{n}", "text": \n'  # cut off: an invalid JSON line


def write_corpus(
    root: Path,
    docs: Iterable[dict[str, Any]],
    copies: int,
    *,
    sources: int = 2,
    bad_every: int = 997,
    pii_every: int = 50,
) -> Corpus:
    """``copies`` permuted copies of ``docs`` (one file each), spread over ``sources``."""
    rows = list(docs)
    root.mkdir(parents=True, exist_ok=True)
    (root / "LICENSE").write_text("test corpus\n", encoding="utf-8")
    lines = malformed = size = 0
    for copy in range(copies):
        path = root / f"s{copy % sources}" / f"copy{copy:03d}.jsonl"
        path.parent.mkdir(exist_ok=True)
        with path.open("w", encoding="utf-8", newline="\n") as fh:
            for line in _lines(rows, copy, bad_every, pii_every):
                fh.write(line)
                lines += 1
                malformed += '"text": \n' in line
        size += path.stat().st_size
    entries = [
        f"- name: s{s}\n  type: open-source\n  languages: [zh]\n  modality: text\n"
        f"  origin: domestic\n  licence: LICENSE\n  files: ['s{s}/*.jsonl']\n"
        for s in range(min(sources, copies))
    ]
    manifest = root / "manifest.yaml"
    manifest.write_text("sources:\n" + "".join(entries), encoding="utf-8")
    return Corpus(manifest, lines, malformed, size)


def filter_command(manifest: Path, out: Path, detectors: str, *extra: str) -> list[str]:
    """``beian corpus filter`` with this interpreter (so the beian under test runs)."""
    return [
        sys.executable, "-m", "beian", "corpus", "filter", str(manifest), "--out", str(out),
        "-d", detectors, "--json", *extra,
    ]  # fmt: skip


def digests(out: Path) -> dict[str, str]:
    """SHA-256 of every file of the compared folders, by path relative to ``out``."""
    found: dict[str, str] = {}
    for sub in COMPARED:
        for path in sorted((out / sub).glob("*")):
            if path.name == "manifest.yaml":  # clean/'s manifest names files relative to --out
                continue
            h = hashlib.sha256()
            with path.open("rb") as fh:
                while chunk := fh.read(1 << 20):
                    h.update(chunk)
            found[str(path.relative_to(out))] = h.hexdigest()
    return found


def summary_differences(a: Path, b: Path) -> dict[str, tuple[Any, Any]]:
    """Top-level fields of the two ``summary.json`` that differ once each ``--out`` is elided."""

    def load(out: Path) -> dict[str, Any]:
        text = (out / "summary.json").read_text(encoding="utf-8")
        data: dict[str, Any] = json.loads(text.replace(str(out.resolve()), "OUT"))
        return data

    x, y = load(a), load(b)
    return {k: (x.get(k), y.get(k)) for k in sorted(x.keys() | y.keys()) if x.get(k) != y.get(k)}


@dataclass(frozen=True)
class Accounting:
    """Where every input line went: written once, twice (duplicates) or not at all (lost)."""

    written: int
    distinct: int
    duplicates: int
    per_channel: dict[str, int]


def account(out: Path) -> Accounting:
    """Count the output lines of every channel by (file, byte offset) of their input line."""
    seen: Counter[tuple[str, int]] = Counter()
    per_channel: dict[str, int] = {}
    for ch in CHANNELS:
        n = 0
        for path in sorted((out / ch).glob("*.jsonl")):
            with path.open(encoding="utf-8") as fh:
                for line in fh:
                    record = json.loads(line)
                    seen[(record["file"], record["position"])] += 1
                    n += 1
        per_channel[ch] = n
    written = sum(seen.values())
    duplicates = sum(c - 1 for c in seen.values() if c > 1)
    return Accounting(written, len(seen), duplicates, per_channel)


def completed(out: Path) -> int:
    """Tasks marked complete so far."""
    folder = out / "completions"
    return len(list(folder.iterdir())) if folder.is_dir() else 0


def kill_busy_actor(
    proc: subprocess.Popen[bytes], node: Node, out: Path, after: int, timeout: float
) -> int | None:
    """Once ``after`` tasks are complete, SIGKILL an actor of ``node`` busy with a task.

    Returns the killed pid, or None if the run ended (or ``timeout`` passed) first.
    """
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        if completed(out) >= after:
            busy = node.processes(f"{ACTOR_TITLE}.run")
            if busy:
                os.kill(busy[0], signal.SIGKILL)
                return busy[0]
        time.sleep(0.05)
    return None


def kill_raylet(
    proc: subprocess.Popen[bytes], node: Node, out: Path, after: int, timeout: float
) -> int | None:
    """Once ``after`` tasks are complete, SIGKILL the raylet of ``node`` (the node is lost)."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        if completed(out) >= after:
            raylets = [p for p in node.pids() if "/raylet/raylet " in cmdline(p) + " "]
            if raylets:
                os.kill(raylets[0], signal.SIGKILL)
                return raylets[0]
        time.sleep(0.05)
    return None
