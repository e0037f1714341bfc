"""The upstream OpenAI-compatible model, reached with httpx (requests passed through as JSON)."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Mapping
from typing import Any

import httpx

from beian.gateway.config import UpstreamConfig
from beian.gateway.limits import Unscreenable, check_tree
from beian.gateway.shapes import Body, error

_STALE = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)
"""Errors of a pooled connection the upstream closed while it sat idle: tried once more."""


class UpstreamError(Exception):
    """The upstream failed; ``status`` and ``body`` are what the gateway's client receives."""

    def __init__(self, status: int, body: Body, upstream_status: int | None) -> None:
        super().__init__(body["error"]["message"])
        self.status = status
        self.body = body
        self.upstream_status = upstream_status


def _failed(resp: httpx.Response, text: bytes) -> UpstreamError:
    """Map an upstream error reply: 4xx pass through, 5xx become 502 (the gateway's view)."""
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    message = f"upstream returned HTTP {resp.status_code}"
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        message = f"{message}: {body['error'].get('message', '')}".rstrip(": ")
    status = resp.status_code if 400 <= resp.status_code < 500 else 502
    kind = "upstream_error" if status == 502 else "invalid_request_error"
    if resp.status_code == 429:
        kind = "rate_limit_error"
    return UpstreamError(status, error(message, kind), resp.status_code)


def _unreachable(exc: httpx.HTTPError) -> UpstreamError:
    if isinstance(exc, httpx.TimeoutException):
        return UpstreamError(504, error("upstream timed out", "upstream_error", "timeout"), None)
    return UpstreamError(
        502, error(f"upstream unreachable: {type(exc).__name__}", "upstream_error"), None
    )


def _bad(message: str) -> UpstreamError:
    return UpstreamError(502, error(message, "upstream_error"), 200)


def _event(payload: str) -> Body:
    """One streamed event: a JSON object of valid Unicode, else the stream failed (G-a1)."""
    try:
        event = json.loads(payload)
    except (ValueError, RecursionError):
        raise _bad("upstream sent an event that is not JSON") from None
    if not isinstance(event, dict):
        raise _bad("upstream sent an event that is not a JSON object")
    try:
        check_tree(event, 64, "upstream event")
    except Unscreenable as exc:
        raise _bad(str(exc)) from None
    return event


class Upstream:
    """One pooled async HTTP client to the upstream base URL."""

    def __init__(self, config: UpstreamConfig, api_key: str | None = None) -> None:
        self.base_url = config.base_url.rstrip("/")
        self._api_key = api_key
        timeout = httpx.Timeout(config.timeout, connect=config.connect_timeout)
        limits = httpx.Limits(
            max_connections=config.max_connections,
            max_keepalive_connections=min(config.keepalive_connections, config.max_connections),
            keepalive_expiry=config.keepalive_seconds,
        )
        self._client = httpx.AsyncClient(base_url=self.base_url, timeout=timeout, limits=limits)

    def headers(self, incoming: Mapping[str, str]) -> dict[str, str]:
        """Headers for the upstream: the configured key, else the client's Authorization."""
        auth = f"Bearer {self._api_key}" if self._api_key else incoming.get("authorization", "")
        return {"Authorization": auth} if auth else {}

    async def _send(self, body: Body, headers: Mapping[str, str], stream: bool) -> httpx.Response:
        """POST to the chat endpoint, once more on a stale pooled connection (a keep-alive
        connection the upstream closed is only found out when it is reused)."""
        for attempt in (1, 2):
            request = self._client.build_request(
                "POST", "/chat/completions", json=body, headers=dict(headers)
            )
            try:
                return await self._client.send(request, stream=stream)
            except _STALE as exc:
                if attempt == 2:
                    raise _unreachable(exc) from None
            except httpx.HTTPError as exc:
                raise _unreachable(exc) from None
        raise AssertionError("unreachable")  # pragma: no cover

    async def chat(self, body: Body, headers: Mapping[str, str]) -> tuple[int, Body]:
        """Non-streaming chat completion; UpstreamError on failure."""
        resp = await self._send(body, headers, stream=False)
        if resp.status_code >= 400:
            raise _failed(resp, resp.content)
        try:
            data = resp.json()
        except (ValueError, RecursionError):
            raise UpstreamError(
                502, error("upstream sent invalid JSON", "upstream_error"), 200
            ) from None
        return resp.status_code, data

    async def stream(self, body: Body, headers: Mapping[str, str]) -> AsyncGenerator[Body, None]:
        """Streamed chat completion: each SSE ``data:`` payload, until ``[DONE]``."""
        resp = await self._send({**body, "stream": True}, headers, stream=True)
        try:
            if resp.status_code >= 400:
                raise _failed(resp, await resp.aread())
            if not resp.headers.get("content-type", "").startswith("text/event-stream"):
                raise _bad("upstream did not answer with an event stream")
            async for line in resp.aiter_lines():
                if not line.startswith("data:"):
                    continue
                payload = line[5:].strip()
                if payload == "[DONE]":
                    break
                yield _event(payload)
        except httpx.HTTPError as exc:
            raise _unreachable(exc) from None
        finally:
            await resp.aclose()

    async def get(self, path: str, headers: Mapping[str, str]) -> tuple[int, Any]:
        """A GET passed through (``/models``)."""
        try:
            resp = await self._client.get(path, headers=dict(headers))
        except httpx.HTTPError as exc:
            raise _unreachable(exc) from None
        if resp.status_code >= 400:
            raise _failed(resp, resp.content)
        return resp.status_code, resp.json()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()
