"""``POST /v1/chat/completions``: screen the input, call upstream, screen and label the output."""

from __future__ import annotations

import time

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from beian.gateway.answers import (
    BadAnswer,
    choice_texts,
    clean_response,
    label_choice,
    refuse_choice,
)
from beian.gateway.audit import Trace
from beian.gateway.auth import bind_caller
from beian.gateway.inputs import InputTexts, request_texts
from beian.gateway.limits import Unscreenable, parse_body, read_body
from beian.gateway.relay import SSE_HEADERS, note, relay
from beian.gateway.runtime import Gateway
from beian.gateway.screen import Decision
from beian.gateway.shapes import SSE_DONE, Body, chunk, completion, error, sse
from beian.gateway.upstream import UpstreamError


async def chat_completions(gw: Gateway, request: Request) -> Response:
    """The guarded chat endpoint (non-streaming and streaming)."""
    t0 = time.perf_counter()
    trace = Trace()
    bind_caller(trace, request, {}, gw.config)  # the key's user even if the body is unreadable
    try:
        response = await _chat(gw, request, trace, t0)
        if trace.user_id:  # the user's signed opt-out link, for the service to show (§7 c)
            response.headers["x-beian-optout-token"] = gw.prefs.token(trace.user_id)
        return response
    except Exception as exc:
        # Fail closed, and still audited under the request id the client sees (G-a2).
        trace.decision = "error"
        trace.data["error"] = f"{type(exc).__name__}: {exc}"[:300]
        body = error(f"gateway error: {type(exc).__name__}", "server_error")
        return await gw.finish(trace, t0, JSONResponse(body, status_code=500))


def _prepare(gw: Gateway, raw: bytes) -> tuple[Body, InputTexts, Decision]:
    """Parse, take apart and screen the body: CPU work, run in the screening pool in one hop."""
    body = parse_body(raw, gw.config.limits)
    texts = request_texts(body)
    return body, texts, gw.screener.check_input(texts.to_check())


async def _chat(gw: Gateway, request: Request, trace: Trace, t0: float) -> Response:
    try:
        raw = await read_body(request, gw.config.limits.max_body_bytes)
        body, texts, decision = await gw.run(_prepare, gw, raw)
    except Unscreenable as exc:
        # Unscreenable input is refused, never forwarded (G-g3); audited like any request.
        trace.decision = "invalid_request"
        trace.data["error"] = str(exc)
        return await gw.finish(trace, t0, _err(400, str(exc)))
    stream = body.get("stream") is True
    trace.route = "chat.stream" if stream else "chat"
    trace.model = body["model"] if isinstance(body.get("model"), str) else ""
    bind_caller(trace, request, body, gw.config)  # now with the body's `user` field
    refused = await _console(gw, trace, t0, decision)
    if refused is not None:
        return refused
    if gw.sanctions.suspended_for(trace.user_id) > 0:
        trace.decision = "suspended"
        msg = gw.config.refusal.suspended
        return await gw.finish(trace, t0, _err(403, msg, "permission_denied", "user_suspended"))
    trace.input_text = texts.audit_text()
    note(trace, "input", decision)
    trace.sanction = gw.sanctions.record(trace.user_id, decision.is_block)
    if decision.is_block:
        return await _refuse_input(gw, trace, t0, stream)
    headers = gw.upstream.headers(request.headers)
    if stream:
        return await _start_stream(gw, trace, t0, body, headers, texts.question)
    return await _complete(gw, trace, t0, body, headers, texts.question)


async def _console(gw: Gateway, trace: Trace, t0: float, decision: Decision) -> Response | None:
    """The console's settings for the caller: the opt-out state goes on the audit row, a lifted
    suspension ends, a minor's request is refused outside its hours, limit or content."""
    trace.data["training_opt_out"] = False
    if not trace.user_id:
        return None
    prefs = await anyio.to_thread.run_sync(gw.prefs.get, trace.user_id)
    trace.data["training_opt_out"] = prefs.opted_out
    for scope, at in prefs.lifts:
        gw.sanctions.lift(scope, at)
    if prefs.minor is None:
        return None
    trace.data["minor"] = True
    flagged = decision.action == "flag"
    why = await anyio.to_thread.run_sync(
        gw.prefs.minor_refusal, prefs.minor, trace.user_id, flagged
    )
    if not why:
        return None
    trace.decision = "minor_refused"
    trace.data["minor_refused"] = why
    message = str(getattr(gw.config.refusal, f"minor_{why}"))
    return await gw.finish(trace, t0, _err(403, message, "permission_denied", f"minor_{why}"))


def _err(
    status: int, message: str, kind: str = "invalid_request_error", code: str | None = None
) -> Response:
    return JSONResponse(error(message, kind, code), status_code=status)


async def _refuse_input(gw: Gateway, trace: Trace, t0: float, stream: bool) -> Response:
    """Refuse without calling upstream (7 g); a warning is added when a sanction applies."""
    trace.decision = "blocked_input"
    refusal = gw.config.refusal
    text = refusal.input
    if trace.sanction == "warn":
        text += "\n" + refusal.warning
    elif trace.sanction == "suspend":
        text += "\n" + refusal.suspended
    model = trace.model or "beian-gateway"
    if not stream:
        return await gw.finish(
            trace, t0, JSONResponse(completion(trace.id, model, text, "content_filter"))
        )
    cid = f"chatcmpl-{trace.id}"
    events = [
        sse(chunk(cid, model, {"role": "assistant", "content": text})),
        sse(chunk(cid, model, {}, "content_filter")),
        SSE_DONE,
    ]
    return await gw.finish(
        trace, t0, StreamingResponse(iter(events), media_type="text/event-stream")
    )


async def _complete(
    gw: Gateway, trace: Trace, t0: float, body: Body, headers: dict[str, str], question: str
) -> Response:
    """Non-streaming: screen every carrier of each choice (each an answer to ``question``);
    a blocked one becomes the refusal."""
    try:
        async with gw.beginning(trace):
            status, raw = await gw.upstream.chat(body, headers)
        data = clean_response(raw)
    except UpstreamError as exc:
        return await _upstream_failed(gw, trace, t0, exc)
    except BadAnswer as exc:  # an answer we cannot screen is not relayed (G-b1, G-a1)
        failed = UpstreamError(502, error(str(exc), "upstream_error"), 200)
        return await _upstream_failed(gw, trace, t0, failed)
    trace.upstream_status = status
    trace.data["upstream_ms"] = round((time.perf_counter() - t0) * 1000, 3)
    texts = [choice_texts(c) for c in data["choices"]]
    decisions = await gw.run(gw.screener.check_answers, texts, question)
    for choice, decision in zip(data["choices"], decisions, strict=True):
        note(trace, "output", decision)
        if decision.is_block:
            trace.decision = "blocked_output"
            refuse_choice(choice, gw.config.refusal.output)
        else:
            label_choice(choice, gw.label)
    trace.output_text = "\n".join(t for ts in texts for t in ts)
    return await gw.finish(trace, t0, JSONResponse(data, status_code=status))


async def _upstream_failed(gw: Gateway, trace: Trace, t0: float, exc: UpstreamError) -> Response:
    trace.decision = "upstream_error"
    trace.upstream_status = exc.upstream_status
    trace.data["error"] = exc.body["error"]["message"]
    return await gw.finish(trace, t0, JSONResponse(exc.body, status_code=exc.status))


async def _start_stream(
    gw: Gateway, trace: Trace, t0: float, body: Body, headers: dict[str, str], question: str
) -> Response:
    """Open the upstream stream first, so an upstream failure still gets its HTTP status."""
    upstream = gw.upstream.stream(body, headers)
    try:
        async with gw.beginning(trace):
            first = await anext(upstream)
    except UpstreamError as exc:
        await upstream.aclose()
        return await _upstream_failed(gw, trace, t0, exc)
    except StopAsyncIteration:
        first = None
    except BaseException:
        await upstream.aclose()  # the start row could not be written: nothing is relayed
        raise
    trace.upstream_status = 200
    trace.data["upstream_first_chunk_ms"] = round((time.perf_counter() - t0) * 1000, 3)
    events = relay(gw, trace, t0, first, upstream, question)
    response = StreamingResponse(events, media_type="text/event-stream", headers=SSE_HEADERS)
    response.headers["x-request-id"] = trace.id
    return response
