"""Executors decide only *where* ``run_shard`` runs: here, in local processes, or on Ray.

All of them take the same task list and config and return the same per-task stats, so the
outputs of a run do not depend on the executor (resume a local run on Ray, or the reverse).
Tasks are handed out largest first, which keeps workers evenly busy on uneven inputs.
"""

from __future__ import annotations

import os
import sys
import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from beian.scan.engine import Progress, ScanConfig, ShardStats, engine_for, run_shard
from beian.scan.io import compression_of
from beian.scan.lifeline import mark_run, tie_worker_to_fork_server, tie_worker_to_run
from beian.scan.plan import Task
from beian.scan.ray_executor import RayExecutor as RayExecutor  # the Ray part lives there

if TYPE_CHECKING:
    # A run that starts no pool (one process, a small input) never imports these (~0.01 CPU-s).
    import queue
    from concurrent.futures import Future, ProcessPoolExecutor
    from multiprocessing.context import BaseContext

Done = Callable[[ShardStats], None]
NO_FORK_ENV = "BEIAN_NO_FORK"
MIN_BYTES = 128 * 1024 * 1024
"""Input (uncompressed estimate) per extra local process: less cannot repay its start-up."""


class Executor(Protocol):
    """Runs every task and reports progress and finished tasks."""

    name: str

    def run(
        self, tasks: list[Task], config: ScanConfig, on_progress: Progress, on_done: Done
    ) -> list[ShardStats]:
        """Stats of every task, in task order."""
        ...


def _largest_first(tasks: list[Task]) -> list[Task]:
    return sorted(tasks, key=lambda t: (-t.bytes, t.index))


def _ordered(results: dict[int, ShardStats]) -> list[ShardStats]:
    return [results[k] for k in sorted(results)]


class InlineExecutor:
    """Runs tasks one after another in this process (``--workers 1``)."""

    name = "inline"

    def run(
        self, tasks: list[Task], config: ScanConfig, on_progress: Progress, on_done: Done
    ) -> list[ShardStats]:
        results: dict[int, ShardStats] = {}
        for task in tasks:
            results[task.index] = stats = run_shard(task, config, on_progress)
            on_done(stats)
        return _ordered(results)


_QUEUE: Any = None


def _init_worker(progress_queue: Any, config: ScanConfig, forked: bool) -> None:
    global _QUEUE
    if forked:  # K1: a worker dies with the run it was forked from
        tie_worker_to_run()
    else:  # or with the fork server, which dies with the run
        tie_worker_to_fork_server()
    _QUEUE = progress_queue
    engine = engine_for(config)  # forked: the run's engine, detectors built
    if config.mode != "sample":
        _ = engine.detectors  # build once per process, before the first task is timed


def _report(items: int, nbytes: int) -> None:
    if _QUEUE is not None and (items or nbytes):
        _QUEUE.put((items, nbytes))


def _worker_task(task: Task, config: ScanConfig) -> ShardStats:
    return run_shard(task, config, _report)


def _preload() -> list[str]:
    """Modules the fork server imports once, so that workers forked from it need not.

    A worker re-runs the parent's main *script* (not a ``-m`` module: multiprocessing skips
    ``pkg.__main__``). Under the ``beian`` console script that script imports the whole CLI,
    so the server imports it once instead of every worker.
    """
    modules = [
        "beian.scan._forkserver_lifeline",  # first: the server dies with the run (K1)
        "beian.scan.engine",
        "beian.scan.readers",
        "beian.detect._builtins",
    ]
    main = sys.modules.get("__main__")
    if getattr(main, "__spec__", None) is None and "beian.cli.main" in sys.modules:
        modules.append("beian.cli.main")
    return modules


def _can_fork() -> bool:
    """Whether pool workers may be forked from this process itself.

    Forking copies this process with its detectors built, so a worker scans within
    milliseconds instead of after the fork server's imports and its own build (0.3-0.8 s of a
    ~3 s two-process gigabyte run). It is safe only while this process has no other thread,
    Python's or a native library's (OpenBLAS, OpenMP): one could hold a lock at the moment of
    the fork that the child would then wait on for ever. Linux only, where the K1 lifeline works.
    ``BEIAN_NO_FORK=1`` always uses the fork server (a way out should forking ever misbehave).
    """
    if not sys.platform.startswith("linux") or os.environ.get(NO_FORK_ENV) == "1":
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:  # pragma: no cover - no procfs
        return False


def _forks(config: ScanConfig) -> bool:
    """Build the detectors here, then say whether the pool may be forked from this process:
    no other thread (:func:`_can_fork`) and every detector safe to copy (a network client, for
    one, must not be shared with a copy). Forked workers inherit the detectors built."""
    if config.mode == "sample":  # (builds no detectors)
        return _can_fork()
    detectors = engine_for(config).detectors  # built before any fork, and warmed up
    return detectors.fork_safe and _can_fork()


def _context(forked: bool) -> BaseContext:
    # Otherwise forkserver forks workers from a clean server process (no inherited threads or
    # locks); spawn is the portable fallback.
    import multiprocessing as mp

    if forked:
        return mp.get_context("fork")
    if sys.platform.startswith("linux"):
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(_preload())
        return ctx
    return mp.get_context("spawn")


class LocalExecutor:
    """Local processes, one per core by default: this process plus ``workers - 1`` others.

    This process starts on the tasks at once while the pool processes start and build their
    detectors; a pool process is given a task only once it is ready. A small corpus therefore
    never waits for start-up it cannot amortise, and a big one keeps every core busy.
    """

    name = "local"

    def __init__(self, workers: int | None = None, min_bytes_per_process: int = MIN_BYTES) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.min_bytes = min_bytes_per_process

    def run(
        self, tasks: list[Task], config: ScanConfig, on_progress: Progress, on_done: Done
    ) -> list[ShardStats]:
        extra = min(self.workers, len(tasks)) - 1
        if self.min_bytes > 0:
            # A process costs seconds to start and to build its detectors: only start as many
            # as the input can repay (compressed bytes count triple).
            work = sum(_work_bytes(t) for t in tasks)
            extra = min(extra, work // self.min_bytes)
        if extra < 1:
            return InlineExecutor().run(tasks, config, on_progress, on_done)
        return _Shared(tasks, config, on_progress, on_done).run(extra)


def _work_bytes(task: Task) -> int:
    return sum(f.bytes * (3 if compression_of(Path(f.path)) else 1) for f in task.files)


def _ready() -> bool:
    return True


class _Shared:
    """One queue of tasks consumed by a thread of this process and by a process pool."""

    def __init__(
        self, tasks: list[Task], config: ScanConfig, on_progress: Progress, on_done: Done
    ) -> None:
        self.todo = deque(_largest_first(tasks))
        self.lock = threading.Lock()
        self.config = config
        self.on_progress = on_progress
        self.on_done = on_done
        self.results: dict[int, ShardStats] = {}
        import queue

        self.local_done: queue.SimpleQueue[ShardStats | BaseException] = queue.SimpleQueue()
        self.local_progress: queue.SimpleQueue[tuple[int, int]] = queue.SimpleQueue()

    def take(self) -> Task | None:
        with self.lock:
            return self.todo.popleft() if self.todo else None

    def _local(self) -> None:
        try:
            while (task := self.take()) is not None:
                stats = run_shard(task, self.config, lambda i, b: self.local_progress.put((i, b)))
                self.local_done.put(stats)
        except BaseException as exc:  # handed to the main thread, which re-raises it
            self.local_done.put(exc)

    def _finish(self, stats: ShardStats | BaseException) -> None:
        if isinstance(stats, BaseException):
            raise stats
        self.results[stats.task] = stats
        self.on_done(stats)

    def run(self, processes: int) -> list[ShardStats]:
        from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

        mark_run()  # K1: the pool processes learn whose death must end them
        forked = _forks(self.config)
        ctx = _context(forked)
        progress_queue = ctx.Queue()
        pool = ProcessPoolExecutor(
            processes,
            mp_context=ctx,
            initializer=_init_worker,
            initargs=(progress_queue, self.config, forked),
        )
        local = threading.Thread(target=self._local, name="beian-local-worker", daemon=True)
        if not forked:
            local.start()  # before the pool: starting the fork server blocks this thread a while
        try:
            probes: set[Future[Any]] = _probe(pool, processes, forked)
            if forked:
                local.start()  # only now: the forks had to happen while this was the only thread
            running: set[Future[Any]] = set()
            while running or local.is_alive() or not self.local_done.empty() or self.todo:
                done, _ = wait(probes | running, timeout=0.1, return_when=FIRST_COMPLETED)
                for fut in done:
                    probes.discard(fut)
                    running.discard(fut)
                    if fut.result() is not True:
                        self._finish(fut.result())
                    task = self.take()  # a ready process takes the next task
                    if task is not None:
                        running.add(pool.submit(_worker_task, task, self.config))
                while not self.local_done.empty():
                    self._finish(self.local_done.get())
                _drain(progress_queue, self.on_progress)
                while not self.local_progress.empty():
                    self.on_progress(*self.local_progress.get())
        finally:
            with self.lock:
                self.todo.clear()  # stop the local thread after its current task
            _stop(pool)
            if local.ident is not None:  # (not started when forking the pool failed)
                local.join()
            progress_queue.close()
        return _ordered(self.results)


def _probe(pool: ProcessPoolExecutor, processes: int, forked: bool) -> set[Future[Any]]:
    """One readiness probe per pool process; under fork, the first submit forks them all."""
    if forked:
        import gc

        # What exists now (modules, detectors) lives as long as the run. Frozen, it is left
        # out of every later collection, here and in the children, which would otherwise walk
        # (and so copy, page by page) every object they inherited.
        gc.freeze()
    return {pool.submit(_ready) for _ in range(processes)}


def _stop(pool: ProcessPoolExecutor) -> None:
    """Shut the pool down without waiting for processes still starting up.

    Only called when no task runs in the pool any more (or the run failed): a process still
    building its detectors has nothing to finish, and waiting for it would cost a small
    corpus more than its whole scan.
    """
    processes = list(getattr(pool, "_processes", {}).values())
    manager: threading.Thread | None = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        if proc.is_alive():
            proc.terminate()
    for proc in processes:
        proc.join()
    # Its processes gone, the pool's manager thread ends at once: waiting for it leaves this
    # process with one thread, so the CLI may end with a quick exit (``cli.main``).
    if manager is not None:
        manager.join()


def _drain(progress_queue: Any, on_progress: Progress) -> None:
    import queue

    while True:
        try:
            items, nbytes = progress_queue.get_nowait()
        except queue.Empty:
            return
        on_progress(items, nbytes)
