"""``POST /v1/chat/completions``: screen the input, call upstream, screen and label the output."""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from beian.gateway.audit import Trace
from beian.gateway.auth import bind_caller
from beian.gateway.runtime import Gateway
from beian.gateway.screen import Decision, message_text, user_texts
from beian.gateway.shapes import SSE_DONE, Body, chunk, completion, error, sse
from beian.gateway.stream_guard import StreamGuard
from beian.gateway.upstream import UpstreamError

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


async def chat_completions(gw: Gateway, request: Request) -> Response:
    """The guarded chat endpoint (non-streaming and streaming)."""
    t0 = time.perf_counter()
    trace = Trace()
    body = await _json_body(request)
    if body is None:
        return await gw.finish(trace, t0, _err(400, "request body must be a JSON object"))
    stream = bool(body.get("stream"))
    trace.route = "chat.stream" if stream else "chat"
    trace.model = str(body.get("model", ""))
    bind_caller(trace, request, body, gw.config)
    if stream and int(body.get("n") or 1) > 1:
        return await gw.finish(trace, t0, _err(400, "n > 1 is not supported with stream"))
    if gw.sanctions.suspended_for(trace.user_id) > 0:
        trace.decision = "suspended"
        msg = gw.config.refusal.suspended
        return await gw.finish(trace, t0, _err(403, msg, "permission_denied", "user_suspended"))
    texts = user_texts(body.get("messages"), gw.config.input_scope)
    trace.input_text = "\n".join(texts)
    decision = gw.screener.check_input(texts)
    _note(trace, "input", decision)
    trace.sanction = gw.sanctions.record(trace.user_id, decision.is_block)
    if decision.is_block:
        return await _refuse_input(gw, trace, t0, stream)
    await gw.begin(trace)
    headers = gw.upstream.headers(request.headers)
    if stream:
        return await _start_stream(gw, trace, t0, body, headers)
    return await _complete(gw, trace, t0, body, headers)


async def _json_body(request: Request) -> Body | None:
    try:
        body = await request.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _err(
    status: int, message: str, kind: str = "invalid_request_error", code: str | None = None
) -> Response:
    return JSONResponse(error(message, kind, code), status_code=status)


def _note(trace: Trace, side: str, decision: Decision) -> None:
    """Record a screening decision on the trace (risks, findings, flagged state)."""
    if side == "input":
        trace.input_risks = list(decision.risks)
    else:
        trace.output_risks = sorted(set(trace.output_risks) | set(decision.risks))
    if decision.findings:
        trace.data.setdefault(f"{side}_findings", []).extend(decision.findings)
    if decision.action == "flag" and trace.decision == "allowed":
        trace.decision = "flagged"


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
    gw: Gateway, trace: Trace, t0: float, body: Body, headers: dict[str, str]
) -> Response:
    """Non-streaming: screen each choice; a blocked answer is replaced by the refusal."""
    try:
        status, data = await gw.upstream.chat(body, headers)
    except UpstreamError as exc:
        return await _upstream_failed(gw, trace, t0, exc)
    trace.upstream_status = status
    trace.data["upstream_ms"] = round((time.perf_counter() - t0) * 1000, 3)
    answers: list[str] = []
    for choice in data.get("choices") or []:
        message = choice.get("message") if isinstance(choice, dict) else None
        if not isinstance(message, dict):
            continue
        text = message_text(message)
        answers.append(text)
        decision = gw.screener.check_output(text)
        _note(trace, "output", decision)
        if decision.is_block:
            trace.decision = "blocked_output"
            message["content"] = gw.config.refusal.output
            choice["finish_reason"] = "content_filter"
        elif isinstance(message.get("content"), str) and text:
            message["content"] = gw.label(text)
    trace.output_text = "\n".join(answers)
    return await gw.finish(trace, t0, JSONResponse(data, status_code=status))


async def _upstream_failed(gw: Gateway, trace: Trace, t0: float, exc: UpstreamError) -> Response:
    trace.decision = "upstream_error"
    trace.upstream_status = exc.upstream_status
    trace.data["error"] = exc.body["error"]["message"]
    return await gw.finish(trace, t0, JSONResponse(exc.body, status_code=exc.status))


async def _start_stream(
    gw: Gateway, trace: Trace, t0: float, body: Body, headers: dict[str, str]
) -> Response:
    """Open the upstream stream first, so an upstream failure still gets its HTTP status."""
    upstream = gw.upstream.stream(body, headers)
    try:
        first = await anext(upstream)
    except UpstreamError as exc:
        await upstream.aclose()
        return await _upstream_failed(gw, trace, t0, exc)
    except StopAsyncIteration:
        first = None
    trace.upstream_status = 200
    trace.data["upstream_first_chunk_ms"] = round((time.perf_counter() - t0) * 1000, 3)
    relay = _relay(gw, trace, t0, first, upstream)
    response = StreamingResponse(relay, media_type="text/event-stream", headers=SSE_HEADERS)
    response.headers["x-request-id"] = trace.id
    return response


async def _relay(
    gw: Gateway, trace: Trace, t0: float, first: Body | None, upstream: AsyncGenerator[Body, None]
) -> AsyncIterator[bytes]:
    """Forward upstream chunks through a StreamGuard; cut with a safe final chunk on a block."""
    guard = StreamGuard(gw.screener.check_output, gw.config.stream)
    state = _StreamState(trace)
    try:
        if first is not None:
            async for event in _relay_chunk(gw, guard, state, first):
                yield event
        if not state.done:
            async for item in upstream:
                async for event in _relay_chunk(gw, guard, state, item):
                    yield event
                await gw.progress(trace, guard.released)
                if state.done:
                    break
        if not state.done:  # upstream ended without a finish chunk
            async for event in _finish(gw, guard, state, None, "stop"):
                yield event
    except UpstreamError as exc:
        trace.decision = "upstream_error"
        trace.data["error"] = exc.body["error"]["message"]
        yield sse(exc.body)
    finally:
        await _close(upstream)
        trace.output_text = guard.released + guard.pending
        trace.data.update(
            checks=guard.checks, sent_chars=len(guard.released), withheld_chars=guard.withheld
        )
        with anyio.CancelScope(shield=True):  # a client hang-up must not lose the audit row
            await gw.write(trace, t0)
    yield SSE_DONE


class _StreamState:
    """Ids and progress of one relayed stream."""

    __slots__ = ("created", "done", "id", "labelled", "model", "trace")

    def __init__(self, trace: Trace) -> None:
        self.trace = trace
        self.id = f"chatcmpl-{trace.id}"
        self.model = trace.model
        self.created = 0
        self.labelled = False
        self.done = False

    def adopt(self, item: Body) -> None:
        self.id = str(item.get("id") or self.id)
        self.model = str(item.get("model") or self.model)
        self.created = int(item.get("created") or self.created)


async def _relay_chunk(
    gw: Gateway, guard: StreamGuard, state: _StreamState, item: Body
) -> AsyncIterator[bytes]:
    state.adopt(item)
    if "error" in item:
        raise UpstreamError(502, error(str(item["error"]), "upstream_error"), 200)
    choices = item.get("choices") or []
    if not choices:  # e.g. the usage chunk
        yield sse(item)
        return
    choice = choices[0]
    delta: dict[str, Any] = dict(choice.get("delta") or {})
    content = delta.pop("content", None)
    out = guard.feed(content) if isinstance(content, str) else ""
    if guard.blocked is not None:
        async for event in _cut(gw, guard, state):
            yield event
        return
    if out or delta:
        yield sse(
            chunk(state.id, state.model, {**delta, **_text(gw, state, out)}, None, state.created)
        )
    if choice.get("finish_reason") is not None:
        async for event in _finish(gw, guard, state, item, str(choice["finish_reason"])):
            yield event


def _text(gw: Gateway, state: _StreamState, out: str) -> dict[str, str]:
    """The content delta for released text, with the prefix label before the first text."""
    if not out:
        return {}
    if not state.labelled and gw.config.label.enabled and gw.config.label.position == "prefix":
        state.labelled = True
        return {"content": gw.config.label.text + out}
    return {"content": out}


async def _finish(
    gw: Gateway, guard: StreamGuard, state: _StreamState, item: Body | None, reason: str
) -> AsyncIterator[bytes]:
    """Release the tail (checked), the suffix label, then the finish chunk."""
    tail = guard.finish()
    if guard.blocked is not None:
        async for event in _cut(gw, guard, state):
            yield event
        return
    _note_flagged(state.trace, guard)
    if tail:
        yield sse(chunk(state.id, state.model, _text(gw, state, tail), None, state.created))
    label = gw.config.label
    if label.enabled and label.position == "suffix" and guard.released:
        yield sse(chunk(state.id, state.model, {"content": label.text}, None, state.created))
    final = chunk(state.id, state.model, {}, reason, state.created)
    if item is not None and item.get("usage"):
        final["usage"] = item["usage"]
    yield sse(final)
    state.done = True


async def _cut(gw: Gateway, guard: StreamGuard, state: _StreamState) -> AsyncIterator[bytes]:
    """Stop the answer: one safe final chunk with finish_reason ``content_filter``."""
    assert guard.blocked is not None
    _note(state.trace, "output", guard.blocked)
    _note_flagged(state.trace, guard)
    state.trace.decision = "cut_stream"
    yield sse(
        chunk(state.id, state.model, {"content": gw.config.refusal.stream_cut}, None, state.created)
    )
    yield sse(chunk(state.id, state.model, {}, "content_filter", state.created))
    state.done = True


def _note_flagged(trace: Trace, guard: StreamGuard) -> None:
    if guard.flagged.risks:
        _note(trace, "output", guard.flagged)


async def _close(upstream: AsyncGenerator[Body, None]) -> None:
    with anyio.CancelScope(shield=True):
        await upstream.aclose()
