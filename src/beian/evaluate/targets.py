"""Built-in targets that call a model: ``openai`` (any OpenAI-compatible endpoint) and
``python`` (a callable). The ``replay`` target lives in :mod:`beian.evaluate.replay`.

Each makes one attempt per call. The OpenAI client is built with ``max_retries=0`` because
the runner owns retries: it can then count attempts, back off across the whole run and honour
``Retry-After`` the same way for every target.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from beian.errors import ConfigError
from beian.evaluate.target import Request, TargetError, TargetOutput
from beian.openai_key import DEFAULT_KEY_ENV, LOCAL_PLACEHOLDER_KEY, api_key
from beian.registry import registry

if TYPE_CHECKING:
    import openai

RETRYABLE_STATUS = frozenset({408, 409, 429})
"""HTTP statuses worth retrying besides every 5xx (the openai client's own choice)."""


class OpenAITargetOptions(BaseModel):
    """Options of the ``openai`` target."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str = Field(min_length=1)
    """Model name as the endpoint knows it."""
    base_url: str | None = None
    """OpenAI-compatible endpoint, e.g. ``http://127.0.0.1:8000/v1``; ``None`` = the
    ``OPENAI_BASE_URL`` environment variable, else api.openai.com."""
    api_key_env: str | None = DEFAULT_KEY_ENV
    """Environment variable holding the API key (the key itself never enters a config file)."""
    system_prompt: str | None = None
    """Prepended as a system message, as the deployed service would."""
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    max_tokens: int | None = Field(default=None, gt=0)
    top_p: float | None = Field(default=None, gt=0.0, le=1.0)
    seed: int | None = None
    """Generation seed sent to the endpoint (not the sampling seed of the banks)."""
    timeout: float = Field(default=60.0, gt=0)
    """Seconds per attempt; a timeout is retried by the runner."""


def _retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds from ``retry-after-ms`` / ``retry-after`` (numeric form only)."""
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(0.0, float(value) / scale)
        except ValueError:
            continue
    return None


def _endpoint(base_url: str | None) -> str | None:
    """The endpoint the client will call, checked: a URL without scheme is a user error here,
    before any request, not a connection error per question later."""
    url = base_url or os.environ.get("OPENAI_BASE_URL") or None
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ConfigError(
            f"target openai: base URL {url!r} has no http:// or https:// scheme "
            f"(e.g. http://{url.split('://')[-1]})"
        )
    return url


def _key(options: OpenAITargetOptions, endpoint: str | None) -> tuple[str, bool]:
    """The API key and whether it is a real one (not the placeholder local servers accept)."""
    key = api_key(options.api_key_env, "target openai")
    real = key != LOCAL_PLACEHOLDER_KEY
    if endpoint is None and not real:
        raise ConfigError(
            "target openai: no --base-url, so the target is api.openai.com, and "
            f"{options.api_key_env or DEFAULT_KEY_ENV} is not set; give --base-url for your own "
            "endpoint or set the key"
        )
    return key, real


class OpenAITarget:
    """Any OpenAI-compatible chat endpoint through the official ``openai`` client."""

    name = "openai"
    cacheable = True
    reports_model = True
    """Its answers say which model produced them; the runner checks that before reusing any."""

    def __init__(self, options: OpenAITargetOptions) -> None:
        import openai  # deferred: only needed when an endpoint is actually assessed

        self.options = options
        self._openai = openai
        endpoint = _endpoint(options.base_url)
        key, self._real_key = _key(options, endpoint)
        self._client: openai.OpenAI = openai.OpenAI(
            base_url=endpoint, api_key=key, timeout=options.timeout, max_retries=0
        )
        self.endpoint = str(self._client.base_url)

    def identity(self) -> dict[str, Any]:
        """Endpoint, configured model, generation parameters, system prompt."""
        o = self.options
        return {
            "endpoint": self.endpoint.rstrip("/"),
            "model": o.model,
            "system_prompt": o.system_prompt,
            "params": {"temperature": o.temperature, "max_tokens": o.max_tokens,
                       "top_p": o.top_p, "seed": o.seed},
        }  # fmt: skip

    def _messages(self, request: Request) -> list[dict[str, str]]:
        messages = request.as_openai()
        if self.options.system_prompt and not any(m["role"] == "system" for m in messages):
            messages.insert(0, {"role": "system", "content": self.options.system_prompt})
        return messages

    def _status_message(self, status: int, message: str) -> str:
        try:
            phrase = f" {HTTPStatus(status).phrase}"
        except ValueError:
            phrase = ""
        text = f"HTTP {status}{phrase}: {message}"
        if status in {401, 403}:
            env = self.options.api_key_env
            if not self._real_key:
                text += f" (no API key sent: env {env or DEFAULT_KEY_ENV} not set)"
            else:
                text += f" (the key from env {env} was refused)"
        return text

    def generate(self, request: Request) -> TargetOutput:
        """One chat completion; HTTP and network failures become :class:`TargetError`."""
        oa = self._openai
        o = self.options
        extra: dict[str, Any] = {}
        if o.top_p is not None:
            extra["top_p"] = o.top_p
        if o.seed is not None:
            extra["seed"] = o.seed
        try:
            response = self._client.chat.completions.create(
                model=o.model,
                messages=self._messages(request),  # type: ignore[arg-type]
                temperature=o.temperature,
                max_tokens=o.max_tokens,
                **extra,
            )
        except oa.APIStatusError as exc:
            status = exc.status_code
            retryable = status >= 500 or status in RETRYABLE_STATUS
            wait = _retry_after(exc.response.headers)
            body = exc.body if isinstance(exc.body, dict) else {}
            said = str(body.get("message") or exc.message)  # the server's words, not the client's
            message = self._status_message(status, said)
            raise TargetError(message, retryable=retryable, retry_after=wait) from None
        except oa.APITimeoutError:
            raise TargetError(f"timed out after {o.timeout:g}s", retryable=True) from None
        except oa.APIConnectionError as exc:
            cause = exc.__cause__ or exc
            what = "connection refused" if "refused" in str(cause).lower() else "connection failed"
            message = f"{what} to {self.endpoint.rstrip('/')} ({cause})"
            raise TargetError(message, retryable=True, unreachable=True) from None
        except oa.OpenAIError as exc:
            raise TargetError(f"{type(exc).__name__}: {exc}", retryable=False) from None
        if not hasattr(response, "choices"):  # HTTP 200 with a web page: the base URL is wrong
            raise TargetError(
                f"{self.endpoint.rstrip('/')} did not answer with JSON (is the base URL the API "
                "root, e.g. …/v1?)",
                retryable=False,
            )
        if not response.choices:
            raise TargetError("the endpoint returned no choices", retryable=True)
        choice = response.choices[0]
        usage = response.usage.model_dump(exclude_none=True) if response.usage else {}
        return TargetOutput(
            text=choice.message.content or "",
            finish_reason=str(choice.finish_reason or ""),
            usage={k: v for k, v in usage.items() if isinstance(v, int)},
            model=str(response.model or ""),
        )


@registry.register(
    "target",
    "openai",
    version="1",
    options=OpenAITargetOptions,
    spec_option="model",
    example={"model": "stub", "base_url": "http://127.0.0.1:9/v1", "api_key_env": None},
    smoke=False,
)
def openai_target(options: OpenAITargetOptions) -> OpenAITarget:
    """Any OpenAI-compatible chat endpoint (base URL, model, key from the environment)."""
    return OpenAITarget(options)


class PythonTargetOptions(BaseModel):
    """Options of the ``python`` target."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    callable: str = Field(pattern=r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")
    """``package.module:function``; the function takes the OpenAI-style message list and
    returns the answer text (or a mapping with ``text``)."""


def _load_callable(path: str) -> Callable[[list[dict[str, str]]], Any]:
    module_name, _, attr = path.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigError(f"target python: cannot import {module_name!r}: {exc}") from None
    func = getattr(module, attr, None)
    if not callable(func):
        raise ConfigError(f"target python: {path!r} is not a callable")
    return func  # type: ignore[no-any-return]


class PythonTarget:
    """A Python callable as the model: useful for in-process models and custom clients."""

    name = "python"
    cacheable = True

    def __init__(self, options: PythonTargetOptions) -> None:
        self.options = options
        self._func = _load_callable(options.callable)

    def generate(self, request: Request) -> TargetOutput:
        """Call the function; its :class:`TargetError` passes through, other errors are final."""
        try:
            out = self._func(request.as_openai())
        except TargetError:
            raise
        except Exception as exc:  # user code: report, never crash the whole run
            raise TargetError(f"{type(exc).__name__}: {exc}", retryable=False) from None
        if isinstance(out, Mapping):
            out = out.get("text")
        if not isinstance(out, str):
            raise TargetError(
                f"{self.options.callable} returned {type(out).__name__}", retryable=False
            )
        return TargetOutput(text=out)


@registry.register(
    "target",
    "python",
    version="1",
    options=PythonTargetOptions,
    spec_option="callable",
    example={"callable": "beian.evaluate.targets:echo"},
)
def python_target(options: PythonTargetOptions) -> PythonTarget:
    """A Python callable ``module:function`` taking chat messages and returning the answer."""
    return PythonTarget(options)


def echo(messages: list[dict[str, str]]) -> str:
    """A trivial model that repeats the last user message (``python:beian.evaluate.targets:echo``).

    It exercises the whole pipeline without a model, e.g. to check banks and judges.
    """
    users = [m["content"] for m in messages if m["role"] == "user"]
    return users[-1] if users else ""
