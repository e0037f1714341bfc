"""Who is calling: gateway keys checked before any route runs, per-key rate limits.

An ASGI middleware, so no route can forget it. In ``keys`` mode every ``/v1`` call except the
complaint channel needs ``Authorization: Bearer <gateway key>``; the key's Authorization is
then removed from the request, so it never reaches the upstream, which is called with the
configured provider key only on behalf of an authenticated caller (G-d2).
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse

from beian.gateway.audit import Trace
from beian.gateway.config import GatewayConfig
from beian.gateway.keys import Caller, KeyStore
from beian.gateway.ratelimit import RateLimiter
from beian.gateway.shapes import Body, error

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

COMPLAINTS = "/v1/complaints"


class KeyCache:
    """Checked keys for ``cache_seconds``, so a call costs no store lookup most of the time."""

    def __init__(self, keys: KeyStore, seconds: float) -> None:
        self.keys = keys
        self.seconds = seconds
        self._seen: dict[str, tuple[Caller | None, float]] = {}

    async def caller(self, token: str) -> Caller | None:
        """The caller ``token`` speaks for, or None."""
        now = time.monotonic()
        hit = self._seen.get(token)
        if hit is not None and hit[1] > now:
            return hit[0]
        caller = await anyio.to_thread.run_sync(self.keys.check, token)
        if self.seconds > 0:
            if len(self._seen) > 10_000:  # bound the memory an attacker's random keys take
                self._seen.clear()
            self._seen[token] = (caller, now + self.seconds)
        return caller


class AuthMiddleware:
    """Checks the key, applies rate limits, and records the caller on the request."""

    def __init__(self, app: ASGIApp, config: GatewayConfig, keys: KeyStore) -> None:
        self.app = app
        self.config = config
        self.cache = KeyCache(keys, config.auth.cache_seconds)
        self.limits = RateLimiter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or not path.startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        caller = await self._caller(scope)
        complaint = path.startswith(COMPLAINTS)
        if caller is None and self.config.auth.mode == "keys" and not complaint:
            await _reply(
                scope, receive, send, 401, "missing or invalid gateway API key", "invalid_api_key"
            )
            return
        wait = self._wait(scope, caller, complaint)
        if wait > 0:
            await _reply(
                scope, receive, send, 429, "rate limit reached", "rate_limit_exceeded", wait
            )
            return
        scope.setdefault("state", {})["caller"] = caller
        await self.app(scope, receive, send)

    async def _caller(self, scope: Scope) -> Caller | None:
        if self.config.auth.mode == "open":
            return None  # the client's Authorization goes on to the upstream as before
        token = ""
        kept: list[tuple[bytes, bytes]] = []
        for name, value in scope.get("headers", []):
            if name.lower() == b"authorization":
                token = value.decode("latin-1").removeprefix("Bearer ").strip()
            else:
                kept.append((name, value))
        scope["headers"] = kept  # a gateway key never travels further
        return await self.cache.caller(token) if token else None

    def _wait(self, scope: Scope, caller: Caller | None, complaint: bool) -> float:
        if complaint:
            if scope.get("method") != "POST":
                return 0.0
            client = scope.get("client") or ("?", 0)
            who = f"key:{caller.key_id}" if caller else f"ip:{client[0]}"
            return self.limits.take("complaint:" + who, self.config.complaints.per_minute)
        if caller is None:
            return 0.0
        rpm = caller.requests_per_minute or self.config.auth.requests_per_minute
        return self.limits.take("key:" + caller.key_id, rpm)


async def _reply(
    scope: Scope, receive: Receive, send: Send, status: int, msg: str, code: str, wait: float = 0
) -> None:
    kind = "rate_limit_error" if status == 429 else "invalid_request_error"
    headers = {"Retry-After": str(math.ceil(wait))} if status == 429 else {}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    await JSONResponse(error(msg, kind, code), status_code=status, headers=headers)(
        scope, receive, send
    )


def bind_caller(trace: Trace, request: Request, body: Body, config: GatewayConfig) -> None:
    """Set who the request is from: the key's user, with an end user named *under* it.

    The end-user header (or the OpenAI ``user`` field) never replaces the key's user, so it
    can neither evade the key user's sanctions nor get another key's user suspended (G-d1).
    """
    caller: Caller | None = request.scope.get("state", {}).get("caller")
    end_user = (request.headers.get(config.user_header) or str(body.get("user") or ""))[:90]
    request.state.trace = trace  # the app's error handler finishes it (an audit row per error)
    if caller is None:
        trace.user_id = end_user
        return
    trace.key_id = caller.key_id
    trace.user_id = f"{caller.user_id}/{end_user}" if end_user else caller.user_id
