"""The Ray executor: tasks run on Ray actors across a cluster, surviving lost workers.

Each actor builds its engine (detectors) once and runs one task at a time. A task whose actor
dies (process killed, out of memory, node lost) goes back to the queue and runs again on
another actor, and a replacement actor is started. This is safe because a task is idempotent
(see :mod:`beian.scan.engine`): outputs are renamed into place and the completion marker comes
last, so a redone task replaces what a killed attempt may have left — no loss, no duplicates.

Outputs go to ``config.out`` from every node, so it must be on a filesystem all nodes share.
"""

from __future__ import annotations

import re
import time
from collections import Counter, deque
from collections.abc import Callable
from typing import Any

from beian.errors import ConfigError, MissingExtraError, UserError
from beian.scan.engine import Progress, ScanConfig, ShardStats, engine_for, run_shard
from beian.scan.plan import Task

Done = Callable[[ShardStats], None]


def _import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise MissingExtraError("ray", "ray") from None
    return ray


class _RayWorker:
    """A Ray actor holding one engine (detectors built once) and running tasks on it."""

    def __init__(self, config: ScanConfig) -> None:
        self.config = config
        engine = engine_for(config)
        if config.mode != "sample":
            _ = engine.detectors

    def ready(self) -> bool:
        """Answered once the detectors are built: the actor can take a task."""
        return True

    def run(self, task: Task) -> ShardStats:
        return run_shard(task, self.config)


def _lost_errors(ray: Any) -> tuple[type[BaseException], ...]:
    """Errors meaning the worker (not the task) failed: the task is redone elsewhere."""
    e = ray.exceptions
    return (e.RayActorError, e.WorkerCrashedError, e.NodeDiedError, e.ObjectLostError)


def _check_reachable(address: str | None, timeout: float = 10.0) -> None:
    """Fail fast on a ``HOST:PORT`` nobody answers: ``ray.init`` would retry it for ever."""
    if not address or "://" in address or address == "auto" or ":" not in address:
        return
    import socket  # only a run on a Ray cluster gets here

    host, _, port = address.rpartition(":")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot reach the Ray head at {address!r}: {exc}") from None


def _last_line(exc: BaseException) -> str:
    """The last line of Ray's error text (the original exception), without colour codes."""
    lines = [ln.strip() for ln in re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).splitlines()]
    return next((ln for ln in reversed(lines) if ln), type(exc).__name__)


class RayExecutor:
    """Ray actors, for corpora beyond one machine (outputs must be on a shared filesystem).

    Connects to ``address`` (``auto``, ``HOST:6379``, ``ray://host:10001`` …) or, with none,
    to the Ray instance already initialised in this process, else starts a local one.
    ``max_attempts`` bounds how often one task may lose its worker before the run fails;
    ``start_timeout`` how long the run waits with no actor able to take a task.
    """

    name = "ray"

    def __init__(
        self,
        address: str | None = None,
        workers: int | None = None,
        *,
        max_attempts: int = 3,
        start_timeout: float = 300.0,
    ) -> None:
        self.address = address
        self.workers = workers
        self.max_attempts = max_attempts
        self.start_timeout = start_timeout

    def run(
        self, tasks: list[Task], config: ScanConfig, on_progress: Progress, on_done: Done
    ) -> list[ShardStats]:
        ray = _import_ray()
        started = False
        if not ray.is_initialized():
            _check_reachable(self.address)
            try:
                ray.init(address=self.address, include_dashboard=False, log_to_driver=False)
            except (ConnectionError, ValueError) as exc:
                raise ConfigError(f"cannot connect to Ray at {self.address!r}: {exc}") from None
            started = True
        try:
            cpus = int(ray.cluster_resources().get("CPU", 1))
            n = max(1, min(self.workers or cpus, len(tasks)))
            scheduler = _Scheduler(ray, config, self.max_attempts, self.start_timeout)
            return scheduler.run(tasks, n, on_progress, on_done)
        finally:
            if started:
                ray.shutdown()


class _Scheduler:
    """Hands tasks to ready actors, one at a time each, and redoes tasks of lost actors."""

    def __init__(self, ray: Any, config: ScanConfig, max_attempts: int, timeout: float) -> None:
        self.ray = ray
        self.config = config
        self.max_attempts = max_attempts
        self.timeout = timeout
        self.actor_class = ray.remote(num_cpus=1, max_restarts=0)(_RayWorker)
        self.lost = _lost_errors(ray)
        self.todo: deque[Task] = deque()
        self.attempts: Counter[int] = Counter()
        self.idle: list[Any] = []
        self.starting: dict[Any, Any] = {}  # ready() reference -> actor
        self.running: dict[Any, tuple[Any, Task]] = {}  # run() reference -> (actor, task)
        self.actors: list[Any] = []
        self.results: dict[int, ShardStats] = {}
        self.failed_starts = 0

    def run(
        self, tasks: list[Task], n: int, on_progress: Progress, on_done: Done
    ) -> list[ShardStats]:
        self.todo.extend(sorted(tasks, key=lambda t: (-t.bytes, t.index)))
        try:
            for _ in range(n):
                self._start_actor()
            self._loop(on_progress, on_done)
        finally:
            for actor in self.actors:
                self.ray.kill(actor, no_restart=True)
        return [self.results[k] for k in sorted(self.results)]

    def _start_actor(self) -> None:
        actor = self.actor_class.remote(self.config)
        self.actors.append(actor)
        self.starting[actor.ready.remote()] = actor

    def _loop(self, on_progress: Progress, on_done: Done) -> None:
        stalled_since = time.monotonic()
        while self.todo or self.running:
            while self.idle and self.todo:
                actor, task = self.idle.pop(), self.todo.popleft()
                self.running[actor.run.remote(task)] = (actor, task)
            if self.running or self.idle:
                stalled_since = time.monotonic()
            elif time.monotonic() - stalled_since > self.timeout:
                raise UserError(
                    f"no Ray worker became ready within {self.timeout:g} s "
                    f"({len(self.todo)} task(s) left); check the cluster's free CPUs"
                )
            waiting = [*self.starting, *self.running]
            ready, _ = self.ray.wait(waiting, num_returns=1, timeout=1.0)
            for ref in ready:
                if ref in self.starting:
                    self._started(ref)
                else:
                    self._finished(ref, on_progress, on_done)

    def _started(self, ref: Any) -> None:
        actor = self.starting.pop(ref)
        try:
            self.ray.get(ref)
        except self.lost as exc:
            if getattr(exc, "actor_init_failed", False):
                # Building the engine raised (a keyword library missing on that node, beian
                # not installed there …): every replacement would fail the same way.
                raise ConfigError(f"a Ray worker could not start: {_last_line(exc)}") from None
            # Lost while starting (killed, out of memory, node lost): replace it, a few times.
            self.failed_starts += 1
            if self.failed_starts >= self.max_attempts:
                raise UserError(
                    f"{self.failed_starts} Ray workers were lost while starting; last: "
                    f"{type(exc).__name__}: {_last_line(exc)}"
                ) from None
            self._replace(actor)
            return
        self.idle.append(actor)

    def _finished(self, ref: Any, on_progress: Progress, on_done: Done) -> None:
        actor, task = self.running.pop(ref)
        try:
            stats: ShardStats = self.ray.get(ref)
        except self.lost as exc:
            self._redo(task, exc)
            self._replace(actor)
            return
        except self.ray.exceptions.RayTaskError as exc:
            cause = exc.cause if isinstance(exc.cause, BaseException) else exc
            raise cause from None
        self.results[stats.task] = stats
        self.idle.append(actor)
        on_progress(stats.items, stats.bytes)
        on_done(stats)

    def _redo(self, task: Task, exc: BaseException) -> None:
        self.attempts[task.index] += 1
        if self.attempts[task.index] >= self.max_attempts:
            files = ", ".join(f.label for f in task.files)
            raise UserError(
                f"task {task.key} ({files}) lost its Ray worker {self.attempts[task.index]} "
                f"times; last: {type(exc).__name__}"
            )
        _warning(
            "Ray worker lost (%s); task %s runs again (attempt %d of %d)",
            type(exc).__name__, task.key, self.attempts[task.index] + 1, self.max_attempts,
        )  # fmt: skip
        self.todo.appendleft(task)  # the largest-first order puts it back at the front

    def _replace(self, actor: Any) -> None:
        self.actors.remove(actor)
        self.ray.kill(actor, no_restart=True)
        self._start_actor()


def _warning(msg: str, *args: object) -> None:
    import logging  # imported when there is something to log (~0.005 CPU-s of every start-up)

    logging.getLogger(__name__).warning(msg, *args)
