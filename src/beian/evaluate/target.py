"""The target contract: the model under assessment, behind one small protocol.

A target turns a :class:`Request` (a question id plus chat messages) into a
:class:`TargetOutput`. Targets are registry plugins of kind ``target``; a spec string such as
``openai:qwen-max``, ``replay:banks/answers.jsonl`` or ``python:pkg.mod:answer`` names the
plugin before the first colon and fills the option the plugin declares as ``spec_option``
with the rest.

Retries, concurrency and caching belong to the runner (:mod:`beian.evaluate.runner`), not to
each target: a target makes ONE attempt and raises :class:`TargetError` saying whether another
attempt could succeed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from beian.errors import ConfigError
from beian.library.records import Question
from beian.records import ComponentSpec
from beian.registry import Registry, registry

Messages = tuple[tuple[str, str], ...]
"""Chat messages as ``(role, content)`` pairs: hashable, so they can key the answer cache."""


@dataclass(frozen=True, slots=True)
class Request:
    """One question as sent to a target: its id and the conversation ending with it."""

    id: str
    messages: Messages

    @property
    def prompt(self) -> str:
        """The last user message (what replay files and logs index by)."""
        for role, content in reversed(self.messages):
            if role == "user":
                return content
        return ""

    def as_openai(self) -> list[dict[str, str]]:
        """The messages in the OpenAI chat format."""
        return [{"role": role, "content": content} for role, content in self.messages]


@dataclass(frozen=True, slots=True)
class TargetOutput:
    """What the target answered."""

    text: str
    finish_reason: str = "stop"
    usage: Mapping[str, int] = field(default_factory=dict)
    model: str = ""
    """The model id the server says answered (the response's ``model`` field); ``""`` when the
    target cannot tell (a file, a Python callable)."""


class TargetError(Exception):
    """One attempt failed. ``retryable`` tells the runner whether to try again."""

    def __init__(
        self,
        message: str,
        *,
        retryable: bool,
        retry_after: float | None = None,
        failure: bool = True,
        unreachable: bool = False,
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after
        """Seconds the server asked us to wait (``Retry-After``), when it said."""
        self.failure = failure
        """False for an answer that simply does not exist (a replay file without it): that is a
        gap in the evidence, not a failed request, and does not count against the run's
        failure budget."""
        self.unreachable = unreachable
        """The endpoint could not be reached at all (connection refused, unknown host): no
        question can succeed, so a run that has no answer yet stops at once."""


@runtime_checkable
class Target(Protocol):
    """The model under assessment. ``cacheable`` is False for targets that are their own store."""

    name: str
    cacheable: bool

    def generate(self, request: Request) -> TargetOutput:
        """One attempt at answering ``request``; raises :class:`TargetError` on failure."""
        ...


CACHE_EXCLUDED_OPTIONS = frozenset({"timeout", "api_key_env"})
"""Target options that cannot change an answer, so they stay out of the cache key."""


def target_identity(target: Target, spec: ComponentSpec) -> dict[str, Any]:
    """What was asked of whom, as far as it is known before the first answer: a target that
    knows more (the effective endpoint) says so with an ``identity()`` method; otherwise the
    plugin name and every option that can change an answer."""
    own = getattr(target, "identity", None)
    if callable(own):
        found = own()
        if isinstance(found, dict):
            return {"target": spec.name, **found}
    options = {k: v for k, v in spec.options.items() if k not in CACHE_EXCLUDED_OPTIONS}
    return {"target": spec.name, "options": options}


def request_for(question: Question) -> Request:
    """The conversation for ``question``: its dialogue history, then the question itself."""
    turns = [(m.role, m.content) for m in question.history]
    return Request(id=question.id, messages=(*turns, ("user", question.text)))


def cache_key(identity: Mapping[str, Any], request: Request, reported_model: str = "") -> str:
    """sha256 of (target identity, the model id the server reported, messages): the answer
    cache key. A changed endpoint, model, model version, generation parameter or system prompt
    changes the key, so an answer is reused only for the same question asked of the same
    model in the same way."""
    payload = {"identity": identity, "reported_model": reported_model, "messages": request.messages}
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def parse_target_spec(
    spec: str,
    options: Mapping[str, Any] | None = None,
    *,
    base_dir: Path | None = None,
    plugins: Registry = registry,
) -> tuple[str, dict[str, Any]]:
    """Split ``name:rest`` into the plugin name and its options (``None`` options dropped).

    Relative paths of options the plugin marks as ``path_options`` resolve against
    ``base_dir`` (the workspace root), so ``replay:banks/answers.jsonl`` works from anywhere.
    """
    name, sep, rest = spec.partition(":")
    if not name or not sep or not rest:
        raise ConfigError(
            f"target {spec!r}: expected NAME:VALUE such as openai:MODEL, replay:PATH or "
            "python:module:function"
        )
    info = plugins.get("target", name)
    out = {k: v for k, v in (options or {}).items() if v is not None}
    fields = info.options.model_fields
    unknown = sorted(k for k in out if k not in fields)
    if unknown:
        raise ConfigError(f"target {name!r} takes no option {unknown[0]!r}")
    spec_option: str = info.extra.get("spec_option", "")
    if not spec_option:
        raise ConfigError(f"target {name!r} cannot be named by a spec string")
    out[spec_option] = rest
    for key in info.extra.get("path_options", ()):
        value = out.get(key)
        if isinstance(value, str) and base_dir is not None and not Path(value).is_absolute():
            out[key] = str((base_dir / value).resolve())
    return name, out


def create_target(
    spec: str,
    options: Mapping[str, Any] | None = None,
    *,
    base_dir: Path | None = None,
    plugins: Registry = registry,
) -> tuple[Target, ComponentSpec]:
    """Build the target named by ``spec`` with extra ``options``; return it with its spec."""
    name, opts = parse_target_spec(spec, options, base_dir=base_dir, plugins=plugins)
    target, component = plugins.create("target", name, **opts)
    if not isinstance(target, Target):
        raise ConfigError(f"target plugin {name!r} returned an object without generate()")
    return target, component
