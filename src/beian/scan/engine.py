"""``run_shard``: the unit of work every executor calls, and the per-process engine behind it.

One task is read, (optionally) sampled, checked with the DetectorSet in batches and routed to
its output channels. The contract that makes runs resumable (after datatrove):

1. ``completions/<task>`` exists → the task is done; return its saved stats.
2. Outputs are written to hidden temp files, then renamed into place.
3. ``stats/<task>.json`` is written (temp + rename), then the completion marker.

A task killed anywhere before step 3 leaves no marker, so a rerun redoes it whole and its
renamed outputs replace the old ones: no duplicates, identical bytes.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import math
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import IO, Any, Literal

from pydantic import BaseModel, Field

from beian.detect.detector_set import DetectorSet, TextVerdict
from beian.errors import UserError
from beian.records import Document, ErrorRecord
from beian.scan.io import DamagedFile, describe
from beian.scan.plan import FilePart, Task, build_reader
from beian.scan.readers import Item, Reader, Shard

Mode = Literal["assess", "filter", "sample"]
CHANNELS: dict[str, tuple[str, ...]] = {
    "assess": ("flagged", "errors"),
    "filter": ("clean", "rejected", "errors"),
    "sample": ("candidates", "errors"),
}
Progress = Callable[[int, int], None]
"""``progress(items, bytes)``: increments since the last call."""


class ScanConfig(BaseModel):
    """Everything a worker needs to run tasks; serialised into the run manifest."""

    mode: Mode
    out: str
    detectors: list[str] = []
    detector_options: dict[str, dict[str, Any]] = {}
    scoring: dict[str, Any] = {}
    setup_digest: str = ""
    """Digest of the workspace detection setup the detectors came from (recorded, not used)."""
    sample_rate: float | None = Field(default=None, gt=0, le=1)
    """Assess: share of items to check, as a seeded block sample; None checks every item."""
    seed: int = 0
    sample_n: int = 0
    """Sample mode: candidates kept per task (the smallest seeded hashes)."""
    examples: int = 3
    """Traced flagged examples kept per task."""
    text_clip: int = 32000
    """Sample mode: texts are cut to this many characters (an XLSX cell holds 32,767)."""
    batch_docs: int = 64
    batch_chars: int = 2_000_000
    task_delay: float = 0.0
    """Seconds to wait between committing outputs and marking a task complete (fault tests)."""

    def key(self) -> str:
        """Hash of the settings that change outputs (not where or how fast they run)."""
        data = self.model_dump(mode="json", exclude={"task_delay", "batch_docs", "batch_chars"})
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


class ShardStats(BaseModel):
    """What one task saw; merged into the run summary."""

    task: int
    source: str
    items: int = 0
    errors: int = 0
    bytes: int = 0
    sampled: int = 0
    flagged: int = 0
    clean: int = 0
    rejected: int = 0
    risks: dict[str, int] = {}
    error_reasons: dict[str, int] = {}
    encodings: dict[str, str] = {}
    examples: list[dict[str, Any]] = []
    files: dict[str, str] = {}
    """Every file (part) of the task: ``""`` when read to its end, else why it was not."""


def seeded_hash(seed: int, *parts: object) -> int:
    """A 64-bit hash of ``parts`` under ``seed``: the same everywhere, every run."""
    data = "\0".join([str(seed), *map(str, parts)]).encode()
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


class BlockSampler:
    """A seeded random sample of at least ``rate`` of a stream, in constant memory.

    The stream is cut into consecutive blocks of about ``1/rate`` items and one item is drawn
    from each block (the last, possibly short, block included), so a stream of ``n`` items
    yields exactly ``ceil(n * rate)``: never below the rate, unlike independent coin flips.
    """

    def __init__(self, rate: float, seed: int, key: str) -> None:
        self.rate = Fraction(rate).limit_denominator(1_000_000)
        self.seed = seed
        self.key = key
        self.block = 0
        self.buffer: list[Document] = []
        self._length = self._block_length(0)

    def _block_length(self, b: int) -> int:
        return math.ceil((b + 1) / self.rate) - math.ceil(b / self.rate)

    def _draw(self) -> Document:
        pick = self.buffer[seeded_hash(self.seed, self.key, self.block) % len(self.buffer)]
        self.buffer.clear()
        self.block += 1
        self._length = self._block_length(self.block)
        return pick

    def push(self, doc: Document) -> Document | None:
        """Add one item; return the drawn item when this completes a block."""
        self.buffer.append(doc)
        return self._draw() if len(self.buffer) >= self._length else None

    def finish(self) -> Document | None:
        """The draw from the last, short block, if any."""
        return self._draw() if self.buffer else None


class Engine:
    """Per-process state reused across tasks: the DetectorSet and reader instances."""

    def __init__(self, config: ScanConfig) -> None:
        self.config = config
        self._detectors: DetectorSet | None = None
        self._readers: dict[str, Reader] = {}

    @property
    def detectors(self) -> DetectorSet:
        """The DetectorSet, built on first use (sample mode never builds it)."""
        if self._detectors is None:
            c = self.config
            detectors = DetectorSet.from_names(
                c.detectors, c.detector_options, scoring=c.scoring or None
            )
            detectors.check_batch(["预热 warm-up"])  # lazy tables are built here, not in task 1
            self._detectors = detectors
        return self._detectors

    def reader(self, task: Task) -> Reader:
        """The reader for ``task`` (cached by name and options)."""
        key = task.reader + json.dumps(task.reader_options, sort_keys=True)
        if key not in self._readers:
            self._readers[key] = build_reader(task.reader, task.reader_options)
        return self._readers[key]


_ENGINES: dict[str, Engine] = {}


def engine_for(config: ScanConfig) -> Engine:
    """The engine of this process for ``config`` (built once per process)."""
    key = config.model_dump_json()
    if key not in _ENGINES:
        _ENGINES.clear()
        _ENGINES[key] = Engine(config)
    return _ENGINES[key]


def _dump(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _record(doc: Document) -> dict[str, Any]:
    meta = doc.metadata
    out: dict[str, Any] = {
        "id": doc.id,
        "source": doc.source,
        "file": meta.get("file"),
        "position": meta.get("position"),
        "text": doc.text,
    }
    if meta.get("fields"):
        out["fields"] = meta["fields"]
    return out


def _traced(doc: Document, verdict: TextVerdict) -> dict[str, Any]:
    return {
        "id": doc.id,
        "source": doc.source,
        "file": doc.metadata.get("file"),
        "position": doc.metadata.get("position"),
        "risks": list(verdict.risks),
        "findings": [f.to_dict() for f in verdict.findings if f.risk in verdict.risks],
    }


class _Outputs:
    """The task's channel files, written under temp names and renamed on commit."""

    def __init__(self, out: Path, key: str, channels: tuple[str, ...]) -> None:
        self.final: dict[str, Path] = {}
        self.handles: dict[str, IO[str]] = {}
        for ch in channels:
            folder = out / ch
            folder.mkdir(parents=True, exist_ok=True)
            self.final[ch] = folder / f"{key}.jsonl"
            tmp = folder / f".{key}.jsonl.tmp"
            self.handles[ch] = tmp.open("w", encoding="utf-8", newline="\n")

    def write(self, channel: str, line: str) -> None:
        self.handles[channel].write(line)

    def commit(self) -> None:
        for ch, fh in self.handles.items():
            fh.close()
            os.replace(fh.name, self.final[ch])

    def abort(self) -> None:
        for fh in self.handles.values():
            fh.close()
            Path(fh.name).unlink(missing_ok=True)


def _reason(err: ErrorRecord) -> str:
    return err.reason.split(":", 1)[0]


class _TaskRun:
    """State of one task in progress."""

    def __init__(self, task: Task, engine: Engine, outputs: _Outputs, progress: Progress) -> None:
        self.task = task
        self.config = engine.config
        self.engine = engine
        self.outputs = outputs
        self.progress = progress
        self.stats = ShardStats(task=task.index, source=task.source)
        self.reasons: Counter[str] = Counter()
        self.risks: Counter[str] = Counter()
        self.batch: list[Document] = []
        self.chars = 0
        self.pending = (0, 0)
        self.n_items = 0
        self.nbytes = 0
        self.sampled = 0
        self.candidates: list[tuple[int, int, dict[str, Any]]] = []

    def items(self, reader: Reader) -> Iterator[Item]:
        for part in self.task.files:
            yield from self._file(reader, part)

    def _file(self, reader: Reader, part: FilePart) -> Iterator[Item]:
        """The records of one file (part); a file that cannot be read to its end adds one
        error record naming the file, the byte offset reached and why, and the task goes on
        with its other files (C2-C7)."""
        label = part.label
        if part.problem is not None:
            self.stats.files[label] = part.problem
            yield ErrorRecord(file=label, reason=f"unreadable file: {part.problem}")
            return
        path = Path(part.path)
        count = 0
        try:
            codec = reader.encoding(path)
            if codec is not None:
                self.stats.encodings[label] = codec
            shard = Shard(part.rank, part.world_size)
            for item in reader.read(path, shard, source=self.task.source, label=label):
                count += 1
                yield item
        except UserError:
            raise  # a missing extra or a bad option: the user must act, for every file
        except Exception as exc:
            reason = describe(exc)
            offset = exc.offset if isinstance(exc, DamagedFile) else None
            where = "" if offset is None else f"at byte {offset}, "
            self.stats.files[label] = reason + ("" if offset is None else f" (at byte {offset})")
            yield ErrorRecord(
                file=label,
                position=offset,
                reason=f"{reason}; reading stopped {where}after {count} record(s)",
            )
            return
        self.stats.files.setdefault(label, "")

    def error(self, err: ErrorRecord) -> None:
        self.stats.errors += 1
        self.reasons[_reason(err)] += 1
        self.outputs.write("errors", _dump({"source": self.task.source, **err.model_dump()}))

    def count(self, doc: Document) -> None:
        # plain integers per record, copied into the stats (a pydantic model, whose attribute
        # assignment costs ~1 µs) when the task ends
        self.n_items += 1
        size = int(doc.metadata.get("bytes", 0))
        self.nbytes += size
        items, nbytes = self.pending
        self.pending = (items + 1, nbytes + size)

    def check(self, doc: Document) -> None:
        self.batch.append(doc)
        self.chars += len(doc.text)
        if len(self.batch) >= self.config.batch_docs or self.chars >= self.config.batch_chars:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            verdicts = self.engine.detectors.check_batch([d.text for d in self.batch])
            for doc, verdict in zip(self.batch, verdicts, strict=True):
                self.route(doc, verdict)
            self.batch.clear()
            self.chars = 0
        self.progress(*self.pending)
        self.pending = (0, 0)

    def route(self, doc: Document, verdict: TextVerdict) -> None:
        self.sampled += 1
        if verdict.flagged:
            self.risks.update(verdict.risks)
        if self.config.mode == "filter":
            if verdict.flagged:
                self.stats.rejected += 1
                reason = "flagged: " + ", ".join(verdict.risks)
                record = {**_record(doc), "reason": reason, "risks": list(verdict.risks)}
                record["findings"] = [f.to_dict() for f in verdict.findings]
                self.outputs.write("rejected", _dump(record))
            else:
                self.stats.clean += 1
                self.outputs.write("clean", _dump(_record(doc)))
            return
        if verdict.flagged:
            self.stats.flagged += 1
            traced = _traced(doc, verdict)
            self.outputs.write("flagged", _dump(traced))
            if len(self.stats.examples) < self.config.examples:
                self.stats.examples.append(traced)

    def candidate(self, doc: Document) -> None:
        meta = doc.metadata
        h = seeded_hash(self.config.seed, doc.source, meta.get("file"), meta.get("position"))
        entry = {**_record(doc), "hash": h}
        entry.pop("fields", None)
        if len(doc.text) > self.config.text_clip:
            entry["text"] = doc.text[: self.config.text_clip]
            entry["truncated"] = True
        item = (-h, self.n_items, entry)
        if len(self.candidates) < self.config.sample_n:
            heapq.heappush(self.candidates, item)
        elif item > self.candidates[0]:
            heapq.heapreplace(self.candidates, item)
        if self.pending[0] >= 1000:
            self.progress(*self.pending)
            self.pending = (0, 0)

    def finish(self) -> ShardStats:
        self.flush()
        for _neg, _i, entry in sorted(self.candidates, reverse=True):
            self.outputs.write("candidates", _dump(entry))
        self.stats.items = self.n_items
        self.stats.bytes = self.nbytes
        self.stats.sampled = len(self.candidates) if self.config.mode == "sample" else self.sampled
        self.stats.error_reasons = dict(sorted(self.reasons.items()))
        self.stats.risks = dict(sorted(self.risks.items()))
        return self.stats


def _drive(run: _TaskRun, reader: Reader) -> None:
    mode = run.config.mode
    rate = run.config.sample_rate if mode == "assess" else None
    sampler = BlockSampler(rate, run.config.seed, run.task.key) if rate else None
    for item in run.items(reader):
        if isinstance(item, ErrorRecord):
            run.error(item)
            continue
        run.count(item)
        if mode == "sample":
            run.candidate(item)
        elif sampler is None:
            run.check(item)
        else:
            drawn = sampler.push(item)
            if drawn is not None:
                run.check(drawn)
    if sampler is not None:
        drawn = sampler.finish()
        if drawn is not None:
            run.check(drawn)


def run_shard(task: Task, config: ScanConfig, progress: Progress | None = None) -> ShardStats:
    """Run ``task`` under ``config`` unless already complete; return its stats."""
    out = Path(config.out)
    marker = out / "completions" / task.key
    stats_path = out / "stats" / f"{task.key}.json"
    if marker.exists():
        return ShardStats.model_validate_json(stats_path.read_text(encoding="utf-8"))
    engine = engine_for(config)
    if config.mode != "sample":
        _ = engine.detectors  # built before the clock starts: timings measure the work only
    started, wall, cpu = time.time(), time.perf_counter(), time.process_time()
    outputs = _Outputs(out, task.key, CHANNELS[config.mode])
    run = _TaskRun(task, engine, outputs, progress or (lambda _i, _b: None))
    try:
        _drive(run, engine.reader(task))
        stats = run.finish()
    except BaseException:
        outputs.abort()
        raise
    outputs.commit()
    timing = {
        "wall_s": time.perf_counter() - wall,
        "cpu_s": time.process_time() - cpu,
        "pid": os.getpid(),  # which process ran it, and when: how well a pool shared the work
        "started": started,
    }
    for folder in ("stats", "timing"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    # Timings vary run to run, so they live apart from the (deterministic) stats.
    _write_atomic(out / "timing" / f"{task.key}.json", json.dumps(timing) + "\n")
    _write_atomic(stats_path, stats.model_dump_json(indent=1) + "\n")
    if config.task_delay:
        time.sleep(config.task_delay)
    marker.parent.mkdir(parents=True, exist_ok=True)
    _write_atomic(marker, "done\n")
    return stats
