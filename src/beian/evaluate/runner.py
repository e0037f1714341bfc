"""Ask the target every sampled question: cache first, then a bounded pool with retries.

The runner owns what every target would otherwise re-implement: a concurrency limit, retries
with exponential backoff and jitter on retryable failures (429, 5xx, timeouts, connection
errors) that honour ``Retry-After``, the durable answer cache, a failure budget and Ctrl-C.

- **Reuse is keyed by what was asked of whom** (:func:`beian.evaluate.target.cache_key`): the
  target's identity, the model id the server reports and the conversation. A target that
  reports its model (``reports_model``) is asked one question first, so cached answers are
  reused only when the server still says it is the same model.
- **Failures stop the run early**: once more requests failed than the run may lose, asking
  the rest cannot make it pass, so the pool stops instead of spending minutes on retries.
- **Ctrl-C stops promptly**: the workers are daemon threads, the main thread only waits for
  their results, so an interrupt returns at once with the answers received so far (each is
  already in the cache) and abandons the requests in flight.
"""

from __future__ import annotations

import queue
import random
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from beian.evaluate.cache import AnswerCache
from beian.evaluate.target import Request, Target, TargetError, cache_key, target_identity
from beian.records import ComponentSpec

WAIT_SLICE = 0.1
"""Seconds the main thread waits per poll: short, so Ctrl-C is handled within a fraction of a
second whatever the workers are doing."""


class RunnerOptions(BaseModel):
    """How hard and how fast to ask the target."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    concurrency: int = Field(default=4, ge=1, le=256)
    """Requests in flight at once."""
    retries: int = Field(default=4, ge=0, le=20)
    """Further attempts after a retryable failure."""
    backoff: float = Field(default=1.0, ge=0)
    """First backoff in seconds; doubles per attempt (with jitter), capped by ``backoff_max``."""
    backoff_max: float = Field(default=30.0, ge=0)


@dataclass(frozen=True, slots=True)
class Answer:
    """The outcome for one request: an answer or the error that prevented one."""

    id: str
    key: str
    text: str | None
    error: str | None = None
    cached: bool = False
    attempts: int = 0
    finish_reason: str = ""
    failed: bool = False
    """The request failed (counts against the failure budget); False for a reply that simply
    does not exist, such as a question a replay file has no answer for."""
    reported_model: str = ""
    unreachable: bool = False
    """The endpoint could not be reached (see :class:`TargetError`)."""
    from_run: str = ""
    """For a reused answer: the eval run that obtained it."""


@dataclass(frozen=True, slots=True)
class Reuse:
    """Which cached answers a run may take: none (``--fresh``), any, or only one run's."""

    allow: bool = True
    only_run: str | None = None
    """Resuming a ``--fresh`` run reuses only the answers that run itself obtained."""


Stopped = Literal["failures", "interrupted"]


@dataclass(frozen=True, slots=True)
class Changed:
    """A question whose new answer differs from the one cached for the same identity."""

    question_id: str
    earlier_run: str


@dataclass(slots=True)
class AnswerSet:
    """Every request's answer (``None`` = never asked because the run stopped early)."""

    answers: list[Answer | None]
    identity: dict[str, Any]
    reported: Counter[str] = field(default_factory=Counter)
    """Model ids the server reported, with how many answers each."""
    stopped: Stopped | None = None
    changed: list[Changed] = field(default_factory=list)
    """Questions asked again that the same identity had answered differently before: the
    model may have been updated behind an unchanged name (set a model version or --fresh)."""

    @property
    def reused(self) -> list[Answer]:
        """Answers taken from the cache."""
        return [a for a in self.answers if a is not None and a.cached]

    @property
    def failed(self) -> list[Answer]:
        """Requests that failed."""
        return [a for a in self.answers if a is not None and a.failed]


def _delay(options: RunnerOptions, attempt: int, hint: float | None) -> float:
    if hint is not None:
        return min(hint, options.backoff_max)
    base: float = min(options.backoff_max, options.backoff * 2.0**attempt)
    return base * random.uniform(0.5, 1.0)  # jitter spreads concurrent retries apart


def ask(
    target: Target,
    request: Request,
    identity: Mapping[str, Any],
    options: RunnerOptions,
    stop: threading.Event | None = None,
) -> Answer:
    """One request with retries; never raises for target failures. ``stop`` cuts the backoff
    short (the run is stopping, a retry would be wasted)."""
    halt = stop or threading.Event()
    attempt = 0
    while True:
        attempt += 1
        try:
            out = target.generate(request)
        except TargetError as exc:
            retry = exc.retryable and attempt <= options.retries
            # Event.wait returns True at once when the run is stopping: no retry then.
            if retry and not halt.wait(_delay(options, attempt - 1, exc.retry_after)):
                continue
            key = cache_key(identity, request)
            return Answer(
                request.id, key, None, error=str(exc), attempts=attempt, failed=exc.failure,
                unreachable=exc.unreachable,
            )  # fmt: skip
        key = cache_key(identity, request, out.model)
        return Answer(
            request.id, key, out.text, attempts=attempt, finish_reason=out.finish_reason,
            reported_model=out.model,
        )  # fmt: skip


class _Session:
    """One call of :func:`answer_all`: the shared state of the workers and the main thread."""

    def __init__(
        self,
        target: Target,
        identity: dict[str, Any],
        requests: Sequence[Request],
        cache: AnswerCache | None,
        options: RunnerOptions,
        max_failures: int | None,
        on_answer: Callable[[Answer], None],
        run_id: str,
    ) -> None:
        self.target = target
        self.identity = identity
        self.requests = requests
        self.cache = cache
        self.options = options
        self.max_failures = max_failures
        self.on_answer = on_answer
        self.run_id = run_id
        self.stop = threading.Event()
        self.results: dict[int, Answer] = {}
        self.failures = 0
        self.stopped: Stopped | None = None

    def work(self, i: int) -> Answer:
        request = self.requests[i]
        answer = ask(self.target, request, self.identity, self.options, self.stop)
        if self.cache is not None and answer.text is not None:
            data = {
                "finish_reason": answer.finish_reason, "question_id": request.id,
                "run_id": self.run_id, "reported_model": answer.reported_model,
            }  # fmt: skip
            self.cache.put(answer.key, answer.text, data, base=cache_key(self.identity, request))
        return answer

    def record(self, i: int, answer: Answer) -> None:
        self.results[i] = answer
        self.on_answer(answer)
        if answer.failed:
            self.failures += 1
            if self.max_failures is not None and self.failures > self.max_failures:
                self.stopped = "failures"
                self.stop.set()

    def probe(self, todo: list[int], first: Sequence[int] = ()) -> str | None:
        """Ask until one answer arrives; the model id it reports (``None`` if none). Questions
        this configured target never answered go first, so when some are missing the probe
        costs no extra request (when all are cached one is asked again); among them ``first``
        (benign questions: a content filter blocking harmful ones is not a broken endpoint)."""
        seen: set[str] = set()
        bases = {i: cache_key(self.identity, self.requests[i]) for i in todo}
        if self.cache is not None:
            seen = self.cache.known(bases.values())
        preferred = set(first)
        todo.sort(key=lambda i: (bases[i] in seen, i not in preferred, i))
        errors: list[str] = []
        try:
            while todo and self.stopped is None:
                i = todo.pop(0)
                answer = self.work(i)
                self.record(i, answer)
                if answer.text is not None:
                    return answer.reported_model
                errors.append(answer.error or "")
                if answer.failed and _endpoint_broken(answer, errors):
                    self.stopped = "failures"
                    self.stop.set()
        except KeyboardInterrupt:
            self.stopped = "interrupted"
            self.stop.set()
        return None

    def pool(self, todo: list[int]) -> None:
        """Ask ``todo`` with the configured concurrency until done, stopped or interrupted."""
        if not todo or self.stopped is not None:
            return
        pending: queue.SimpleQueue[int] = queue.SimpleQueue()
        for i in todo:
            pending.put(i)
        done: queue.SimpleQueue[tuple[int, Answer | BaseException]] = queue.SimpleQueue()

        def worker() -> None:
            while not self.stop.is_set():
                try:
                    i = pending.get_nowait()
                except queue.Empty:
                    return
                try:
                    done.put((i, self.work(i)))
                except BaseException as exc:  # a bug: hand it to the main thread
                    done.put((i, exc))

        for _ in range(min(self.options.concurrency, len(todo))):
            # Daemon threads: an interrupted run must not wait for requests still in flight.
            threading.Thread(target=worker, daemon=True).start()
        left = len(todo)
        try:
            while left and self.stopped is None:
                try:
                    i, got = done.get(timeout=WAIT_SLICE)
                except queue.Empty:
                    continue
                left -= 1
                if isinstance(got, BaseException):
                    self.stop.set()
                    raise got
                self.record(i, got)
        except KeyboardInterrupt:
            self.stopped = "interrupted"
            self.stop.set()


GIVE_UP_AFTER = 3
"""Identical failures in a row, before any answer, that show the endpoint itself is broken
(a wrong key, a wrong model name): asking hundreds more questions would only repeat them."""


def _endpoint_broken(answer: Answer, errors: Sequence[str]) -> bool:
    """Whether a run that has no answer yet should stop now, whatever its failure budget."""
    if answer.unreachable:
        return True
    tail = errors[-GIVE_UP_AFTER:]
    return len(tail) == GIVE_UP_AFTER and len(set(tail)) == 1


def _changed(cache: AnswerCache, asked: Iterable[Answer], run_id: str) -> list[Changed]:
    """Asked answers whose key already held another run's different answer (the cache keeps
    the first answer of a key, so reading the key back returns the earlier one)."""
    fresh = [a for a in asked if a.text is not None and not a.cached]
    earlier = cache.get_many(a.key for a in fresh)
    out = []
    for a in fresh:
        old = earlier.get(a.key)
        if old is not None and old.get("run_id") != run_id and old["text"] != a.text:
            out.append(Changed(a.id, str(old.get("run_id", ""))))
    return out


def _hits(
    cache: AnswerCache | None, keys: Mapping[int, str], reuse: Reuse
) -> dict[int, dict[str, Any]]:
    if cache is None or not reuse.allow or not keys:
        return {}
    found = cache.get_many(keys.values())
    out = {}
    for i, key in keys.items():
        hit = found.get(key)
        if hit is not None and (reuse.only_run is None or hit.get("run_id") == reuse.only_run):
            out[i] = hit
    return out


def answer_all(
    target: Target,
    spec: ComponentSpec,
    requests: Sequence[Request],
    *,
    cache: AnswerCache | None,
    options: RunnerOptions,
    on_answer: Callable[[Answer], None] = lambda _a: None,
    reuse: Reuse | None = None,
    max_failures: int | None = None,
    run_id: str = "",
    model_version: str | None = None,
    probe_first: Sequence[int] = (),
) -> AnswerSet:
    """Answers for ``requests``, in order; see the module docstring for reuse and stopping.

    ``max_failures`` is how many failed requests the run may lose; one more stops it.
    ``model_version`` (the provider's name for the build) is part of the target's identity;
    ``probe_first`` are the indices to try first when learning which model answers.
    """
    identity = {**target_identity(target, spec), "model_version": model_version}
    policy = reuse or Reuse()
    store = cache if target.cacheable else None
    session = _Session(target, identity, requests, store, options, max_failures, on_answer, run_id)
    todo = list(range(len(requests)))
    reported = ""
    changed: list[Changed] = []
    # One question first, alone: which model answers now decides which cached answers are
    # valid, and an endpoint that is down or refuses the key is found out in one request.
    reported = session.probe(todo, probe_first) or ""
    if store is not None and policy.allow:
        changed = _changed(store, session.results.values(), run_id)
    if not getattr(target, "reports_model", False):
        reported = ""
    keys = {i: cache_key(identity, requests[i], reported) for i in todo}
    hits = _hits(store, keys, policy) if session.stopped is None else {}
    for i, hit in hits.items():
        answer = Answer(
            requests[i].id, keys[i], hit["text"], cached=True,
            finish_reason=str(hit.get("finish_reason", "")),
            reported_model=str(hit.get("reported_model", reported)),
            from_run=str(hit.get("run_id", "")),
        )  # fmt: skip
        session.record(i, answer)
    session.pool([i for i in todo if i not in hits])
    answers: list[Answer | None] = [session.results.get(i) for i in range(len(requests))]
    models = Counter(a.reported_model for a in answers if a is not None and a.reported_model)
    return AnswerSet(answers, identity, models, session.stopped, changed)
