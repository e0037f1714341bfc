"""Ask the target every sampled question: cache first, then a bounded pool with retries.

The runner owns what every target would otherwise re-implement: a concurrency limit, retries
with exponential backoff and jitter on retryable failures (429, 5xx, timeouts, connection
errors) that honour ``Retry-After``, and the durable answer cache. A question that still fails
after the last retry is recorded with its error and left out of every rate.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from beian.evaluate.cache import AnswerCache
from beian.evaluate.target import Request, Target, TargetError, cache_key
from beian.records import ComponentSpec


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


def _delay(options: RunnerOptions, attempt: int, hint: float | None) -> float:
    if hint is not None:
        return min(hint, options.backoff_max)
    base: float = min(options.backoff_max, options.backoff * 2.0**attempt)
    return base * random.uniform(0.5, 1.0)  # jitter spreads concurrent retries apart


def ask(target: Target, request: Request, key: str, options: RunnerOptions) -> Answer:
    """One request with retries; never raises for target failures."""
    attempt = 0
    while True:
        attempt += 1
        try:
            out = target.generate(request)
        except TargetError as exc:
            if exc.retryable and attempt <= options.retries:
                time.sleep(_delay(options, attempt - 1, exc.retry_after))
                continue
            return Answer(request.id, key, None, error=str(exc), attempts=attempt)
        return Answer(request.id, key, out.text, attempts=attempt, finish_reason=out.finish_reason)


def answer_all(
    target: Target,
    spec: ComponentSpec,
    requests: Sequence[Request],
    *,
    cache: AnswerCache | None,
    options: RunnerOptions,
    on_answer: Callable[[Answer], None] = lambda _a: None,
) -> list[Answer]:
    """Answers for ``requests``, in order; cached ones are not asked again."""
    keys = [cache_key(spec, r) for r in requests]
    use_cache = cache is not None and target.cacheable
    hits = cache.get_many(keys) if use_cache and cache is not None else {}
    results: dict[int, Answer] = {}
    todo: list[int] = []
    for i, (r, key) in enumerate(zip(requests, keys, strict=True)):
        hit = hits.get(key)
        if hit is None:
            todo.append(i)
            continue
        reason = str(hit.get("finish_reason", ""))
        results[i] = Answer(r.id, key, hit["text"], cached=True, finish_reason=reason)
        on_answer(results[i])
    lock = threading.Lock()

    def work(i: int) -> None:
        request = requests[i]
        answer = ask(target, request, keys[i], options)
        if use_cache and cache is not None and answer.text is not None:
            data = {"finish_reason": answer.finish_reason, "target": spec.label()}
            cache.put(answer.key, answer.text, {**data, "question_id": request.id})
        with lock:
            results[i] = answer
            on_answer(answer)

    with ThreadPoolExecutor(max_workers=options.concurrency) as pool:
        for future in [pool.submit(work, i) for i in todo]:
            future.result()
    return [results[i] for i in range(len(requests))]
