"""Request limits and the structural checks a body must pass before anything is screened.

A body the gateway cannot screen (too large, too deep, wrong types, lone surrogates, odd ``n`` or
``stream``) is refused with :class:`Unscreenable` (HTTP 400, audited), never forwarded: the
upstream must only ever see text the detectors have read.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request

from beian.gateway.shapes import Body

SURROGATE = re.compile("[\ud800-\udfff]")


class LimitsConfig(BaseModel):
    """Sizes the gateway accepts; larger requests are refused before screening (HTTP 400)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_body_bytes: int = Field(default=4 * 1024 * 1024, ge=1024)
    """Request body size (4 MiB): screening costs CPU in proportion to the text."""
    max_messages: int = Field(default=500, ge=1)
    """Messages in one request."""
    max_depth: int = Field(default=32, ge=4)
    """Nesting of JSON arrays/objects (a chat request needs about 8)."""
    max_n: int = Field(default=16, ge=1)
    """Largest ``n`` (answers per request)."""
    screen_threads: int = Field(default=4, ge=1)
    """Worker threads that run screening, so a large text never stalls the event loop."""


class Unscreenable(Exception):
    """The request cannot be screened; the message is shown to the client (HTTP 400)."""


async def read_body(request: Request, max_bytes: int) -> bytes:
    """The raw body, refused as soon as it is known to exceed ``max_bytes``."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise Unscreenable(f"request body is {int(declared)} bytes; the limit is {max_bytes}")
    parts: list[bytes] = []
    size = 0
    async for part in request.stream():
        size += len(part)
        if size > max_bytes:
            raise Unscreenable(f"request body is larger than the limit of {max_bytes} bytes")
        parts.append(part)
    return b"".join(parts)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_body(raw: bytes, limits: LimitsConfig) -> Body:
    """The JSON object in ``raw`` after the depth and Unicode checks; Unscreenable otherwise."""
    try:
        body = json.loads(raw, parse_constant=_no_constant)
    except RecursionError:
        raise Unscreenable(f"request body is nested deeper than {limits.max_depth}") from None
    except ValueError as exc:  # also UnicodeDecodeError
        raise Unscreenable(f"request body must be a JSON object ({exc})") from None
    if not isinstance(body, dict):
        raise Unscreenable("request body must be a JSON object")
    check_tree(body, limits.max_depth)
    check_params(body, limits)
    return body


def check_tree(value: Any, max_depth: int, what: str = "request body") -> None:
    """Depth, float range and valid Unicode of every node (iterative: no recursion limit)."""
    todo: list[tuple[Any, int]] = [(value, 1)]
    while todo:
        node, depth = todo.pop()
        if isinstance(node, dict | list):
            if depth > max_depth:
                raise Unscreenable(f"{what} is nested deeper than {max_depth}")
            items = node.items() if isinstance(node, dict) else enumerate(node)
            for key, item in items:
                if isinstance(key, str) and SURROGATE.search(key):
                    raise Unscreenable(f"{what} holds a lone surrogate (not valid Unicode)")
                todo.append((item, depth + 1))
        elif isinstance(node, str) and SURROGATE.search(node):
            raise Unscreenable(f"{what} holds a lone surrogate (not valid Unicode)")
        elif isinstance(node, float) and node in (float("inf"), float("-inf")):
            raise Unscreenable(f"{what} holds a number out of range")


def check_params(body: Body, limits: LimitsConfig) -> None:
    """``messages``, ``stream`` and ``n`` have the types and sizes the gateway can handle."""
    if "prompt" in body:
        raise Unscreenable("prompt is not supported on /v1/chat/completions; send messages")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise Unscreenable("messages must be a non-empty list")
    if len(messages) > limits.max_messages:
        raise Unscreenable(f"{len(messages)} messages; the limit is {limits.max_messages}")
    stream = body.get("stream")
    if stream is not None and not isinstance(stream, bool):
        raise Unscreenable("stream must be true or false")
    n = body.get("n")
    if n is not None and (isinstance(n, bool) or not isinstance(n, int)):
        raise Unscreenable("n must be an integer")
    if n is not None and not 1 <= n <= limits.max_n:
        raise Unscreenable(f"n must be between 1 and {limits.max_n}")
    if stream and n is not None and n > 1:
        raise Unscreenable("n > 1 is not supported with stream")
