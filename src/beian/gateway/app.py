"""The Starlette app: routes, lifespan, and OpenAI-shaped errors for everything that fails."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import anyio.to_thread
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from beian.gateway.audit import Trace
from beian.gateway.auth import AuthMiddleware
from beian.gateway.chat import chat_completions
from beian.gateway.runtime import Gateway
from beian.gateway.shapes import error
from beian.gateway.upstream import UpstreamError


class ComplaintIn(BaseModel):
    """A complaint or report (投诉举报) as posted to ``/v1/complaints``."""

    model_config = ConfigDict(extra="forbid")

    content: str = Field(min_length=1, max_length=20_000)
    contact: str = Field(default="", max_length=300)
    category: str = Field(default="", max_length=60)
    request_id: str | None = Field(default=None, max_length=36)
    """The ``x-request-id`` of the answer complained about, linking the complaint to the log."""


def create_app(gateway: Gateway) -> Starlette:
    """The ASGI app serving ``gateway``."""

    async def chat(request: Request) -> Response:
        try:
            return await chat_completions(gateway, request)
        except Exception as exc:  # fail closed, and audited (G-a2)
            return await _chat_failed(gateway, request, exc)

    async def models(request: Request) -> Response:
        try:
            status, data = await gateway.upstream.get(
                "/models", gateway.upstream.headers(request.headers)
            )
        except UpstreamError as exc:
            return JSONResponse(exc.body, status_code=exc.status)
        return JSONResponse(data, status_code=status)

    async def complaints(request: Request) -> Response:
        return await _complaint(gateway, request)

    async def complaint_status(request: Request) -> Response:
        ticket = request.path_params["ticket"]
        row = await anyio.to_thread.run_sync(gateway.audit.complaint, ticket)
        if row is None:
            msg = f"no complaint {ticket[:40]!r}"
            return JSONResponse(error(msg, "not_found_error"), status_code=404)
        return JSONResponse(_ticket(gateway, row.id, row.status, row.created_at, row.due_at))

    async def healthz(request: Request) -> Response:
        # Unauthenticated: says it is up, nothing about the upstream or the setup (G-d3).
        return JSONResponse({"status": "ok"})

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await gateway.upstream.aclose()

    routes = [
        Route("/v1/chat/completions", chat, methods=["POST"]),
        Route("/v1/models", models, methods=["GET"]),
        Route("/v1/complaints", complaints, methods=["POST"]),
        Route("/v1/complaints/{ticket}", complaint_status, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
    ]
    handlers: dict[Any, Any] = {Exception: _server_error}
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers=handlers)
    app.state.gateway = gateway
    app.add_middleware(AuthMiddleware, config=gateway.config, keys=gateway.keys)
    return app


async def _chat_failed(gateway: Gateway, request: Request, exc: Exception) -> Response:
    """An unexpected failure: finish the request's audit row as ``error``, then answer 500."""
    trace = getattr(request.state, "trace", None)
    if not isinstance(trace, Trace) or trace.finished:
        trace = Trace()
    trace.decision = "error"
    trace.data["error"] = type(exc).__name__
    started = time.perf_counter() - (datetime.now(UTC) - trace.started).total_seconds()
    response = await _server_error(request, exc)
    try:
        await gateway.finish(trace, started, response)
    except Exception:  # the store itself failed: still no unscreened text, still a 500
        return response
    return response


async def _server_error(request: Request, exc: Exception) -> Response:
    # Fail closed: a screening or store failure answers with an error, never with unscreened text.
    body = error(f"gateway error: {type(exc).__name__}", "server_error")
    return JSONResponse(body, status_code=500)


async def _complaint(gateway: Gateway, request: Request) -> Response:
    try:
        complaint = ComplaintIn.model_validate_json(await request.body())
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        return JSONResponse(
            error(f"{where}: {first['msg']}", "invalid_request_error"), status_code=400
        )
    audit = gateway.audit
    if complaint.request_id and not await anyio.to_thread.run_sync(
        audit.has_request, complaint.request_id
    ):
        msg = f"no audited request {complaint.request_id!r}"
        return JSONResponse(
            error(msg, "invalid_request_error", "unknown_request_id"), status_code=404
        )
    days = gateway.config.complaints.handling_days
    caller = request.scope.get("state", {}).get("caller")
    header = request.headers.get(gateway.config.user_header, "")[:90]
    user = f"{caller.user_id}/{header}".rstrip("/") if caller else header
    row = await anyio.to_thread.run_sync(
        lambda: audit.add_complaint(
            content=complaint.content,
            contact=complaint.contact,
            category=complaint.category,
            request_id=complaint.request_id,
            user_id=user,
            handling_days=days,
        )
    )
    return JSONResponse(
        _ticket(gateway, row.id, row.status, row.created_at, row.due_at), status_code=201
    )


def _ticket(
    gateway: Gateway, ticket: str, status: str, created: datetime, due: datetime
) -> dict[str, Any]:
    cfg = gateway.config.complaints
    return {
        "ticket_id": ticket,
        "status": status,
        "created_at": created.isoformat(),
        "due_at": due.isoformat(),
        "handling_time_limit_days": cfg.handling_days,
        "channels": cfg.channels,
    }
