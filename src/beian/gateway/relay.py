"""Relay of a streamed answer: every text channel through a StreamGuard, cut on a block.

Content, reasoning (``reasoning_content``/``reasoning``) and ``refusal`` deltas each go through
their own guard; tool-call and legacy function-call deltas are held whole until the stream ends
and checked then (a client acts on a tool call only once it is complete). Delta fields the
gateway does not know are dropped. A block anywhere stops the stream with the configured safe
answer (代答). An upstream failure mid-stream is an error event and an ``upstream_error`` audit
row, never ``allowed`` (reliability G-a1, G-b1, G-b2).
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from typing import Any

import anyio

from beian.gateway.audit import Trace
from beian.gateway.inputs import function_text
from beian.gateway.runtime import Gateway
from beian.gateway.screen import Decision
from beian.gateway.shapes import SSE_DONE, Body, chunk, error, sse
from beian.gateway.stream_guard import StreamGuard
from beian.gateway.upstream import UpstreamError

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
CHANNELS = ("reasoning_content", "reasoning", "refusal", "content")
"""Streamed text fields, in the order their held-back tails are sent at the end."""
_CHUNK_KEYS = frozenset({"id", "object", "created", "model", "usage", "system_fingerprint"})


def note(trace: Trace, side: str, decision: Decision) -> None:
    """Record a screening decision on the trace (risks, findings, flagged state)."""
    if side == "input":
        trace.input_risks = list(decision.risks)
    else:
        trace.output_risks = sorted(set(trace.output_risks) | set(decision.risks))
    if decision.findings:
        trace.data.setdefault(f"{side}_findings", []).extend(decision.findings)
    if decision.action == "flag" and trace.decision == "allowed":
        trace.decision = "flagged"


async def _nothing() -> AsyncIterator[Body]:
    return
    yield


def _usage(item: Body) -> bytes:
    """A chunk without choices (usage), with only the fields the gateway knows."""
    return sse({k: v for k, v in item.items() if k in _CHUNK_KEYS} | {"choices": []})


def _bad(message: str) -> UpstreamError:
    return UpstreamError(502, error(message, "upstream_error"), 200)


class _Stream:
    """Guards, held tool calls and ids of one relayed stream."""

    def __init__(self, gw: Gateway, trace: Trace, question: str = "") -> None:
        self.gw = gw
        self.trace = trace
        self.question = question
        """The request's last user message: every window is judged as an answer to it."""
        cfg = gw.config.stream
        self.guards = {c: StreamGuard(self.check, cfg, gw.lookahead) for c in CHANNELS}
        self.calls: dict[int, Body] = {}
        self.function_call: Body | None = None
        self.id = f"chatcmpl-{trace.id}"
        self.model = trace.model
        self.created = 0
        self.labelled = False
        self.done = False
        self.cut = False
        self.blocked: Decision | None = None

    def check(self, text: str) -> Decision:
        """Decision over a channel's text so far."""
        return self.gw.screener.check_output(text, self.question)

    def adopt(self, item: Body) -> None:
        self.id = str(item.get("id") or self.id)
        self.model = str(item.get("model") or self.model)
        created = item.get("created")
        self.created = created if isinstance(created, int) else self.created

    def event(self, delta: Body, finish: str | None = None) -> bytes:
        return sse(chunk(self.id, self.model, delta, finish, self.created))

    def text_delta(self, channel: str, out: str) -> Body:
        """The delta for released text, with the prefix label before the first content."""
        label = self.gw.config.label
        if channel == "content" and not self.labelled and label.enabled:
            self.labelled = True
            if label.position == "prefix":
                return {"content": label.text + out}
        return {channel: out}

    def hold_calls(self, delta: Mapping[str, Any]) -> None:
        """Accumulate tool-call and function-call deltas (sent whole at the end)."""
        calls = delta.get("tool_calls")
        if calls is not None and not isinstance(calls, list):
            raise _bad("upstream sent tool_calls that are not a list")
        for call in calls or []:
            if not isinstance(call, Mapping) or not isinstance(call.get("index", 0), int):
                raise _bad("upstream sent a tool call of unknown shape")
            held = self.calls.setdefault(
                call.get("index", 0), {"index": call.get("index", 0), "function": {}}
            )
            for key in ("id", "type"):
                if isinstance(call.get(key), str):
                    held[key] = call[key]
            _grow(held["function"], call.get("function"))
        if delta.get("function_call") is not None:
            self.function_call = self.function_call or {}
            _grow(self.function_call, delta["function_call"])

    def call_texts(self) -> list[str]:
        functions = [c["function"] for c in self.calls.values()]
        functions += [self.function_call] if self.function_call else []
        return [function_text(f.get("name", ""), f.get("arguments", "")) for f in functions]

    def released(self) -> str:
        """Every text released to the client so far (what the audit's progress links commit to)."""
        return "\n".join(g.released for g in self.guards.values() if g.sent)

    def audit(self) -> None:
        texts = [g.text for g in self.guards.values() if g.text] + self.call_texts()
        self.trace.output_text = "\n".join(texts)
        guards = self.guards.values()
        self.trace.data.update(
            checks=sum(g.checks for g in guards),
            sent_chars=sum(g.sent for g in guards),
            withheld_chars=sum(g.withheld for g in guards),
        )


def _grow(held: Body, part: Any) -> None:
    """Append a function delta's ``name``/``arguments`` pieces to the held function."""
    if part is None:
        return
    if not isinstance(part, Mapping):
        raise _bad("upstream sent a function call of unknown shape")
    for key in ("name", "arguments"):
        piece = part.get(key)
        if piece is not None and not isinstance(piece, str):
            raise _bad(f"upstream sent a function {key} that is not a string")
        if piece:
            held[key] = held.get(key, "") + piece


async def relay(
    gw: Gateway,
    trace: Trace,
    t0: float,
    first: Body | None,
    upstream: AsyncGenerator[Body, None],
    question: str = "",
) -> AsyncIterator[bytes]:
    """Forward upstream chunks through the guards (each window judged as an answer to
    ``question``); cut with a safe final chunk on a block."""
    st = _Stream(gw, trace, question)
    try:
        if first is not None:
            async for event in _relay_chunk(st, first):
                yield event
        async for item in upstream if not st.cut else _nothing():
            if st.done:  # after the finish chunk, only the usage chunk is passed on
                if item.get("choices") == []:
                    yield _usage(item)
                continue
            async for event in _relay_chunk(st, item):
                yield event
            await gw.progress(trace, st.released())  # delivered text is on the chain (G-e1)
            if st.cut:  # stop reading: the rest of the answer is not wanted
                break
        if not st.done:
            raise _bad("upstream stream ended before the answer finished")
    except UpstreamError as exc:
        trace.decision = "upstream_error"
        trace.data["error"] = exc.body["error"]["message"]
        yield sse(exc.body)
    except Exception as exc:  # fail closed; the audit row says why (G-a2)
        trace.decision = "error"
        trace.data["error"] = f"{type(exc).__name__}: {exc}"[:300]
        yield sse(error(f"gateway error: {type(exc).__name__}", "server_error"))
    finally:
        with anyio.CancelScope(shield=True):  # a client hang-up must not lose the audit row
            await upstream.aclose()
            st.audit()
            trace.data["stream_ms"] = round((time.perf_counter() - t0) * 1000, 3)
            await gw.write(trace, t0)
    yield SSE_DONE


async def _relay_chunk(st: _Stream, item: Body) -> AsyncIterator[bytes]:
    st.adopt(item)
    if "error" in item:
        raise _bad(f"upstream failed mid-stream: {str(item['error'])[:200]}")
    choices = item.get("choices")
    if not isinstance(choices, list):
        raise _bad("upstream sent a chunk without choices")
    if not choices:  # e.g. the usage chunk: no text
        yield _usage(item)
        return
    choice = choices[0]
    delta = choice.get("delta") if isinstance(choice, Mapping) else None
    if not isinstance(delta, Mapping):
        raise _bad("upstream sent a chunk without a delta")
    due = _feed(st, delta)
    out: Body = {"role": delta["role"]} if isinstance(delta.get("role"), str) else {}
    for channel in due:
        guard = st.guards[channel]
        text = await st.gw.run(guard.release)
        if guard.blocked is not None:
            async for event in _cut(st, guard.blocked):
                yield event
            return
        out |= st.text_delta(channel, text) if text else {}
    if out:
        yield st.event(out)
    if choice.get("finish_reason") is not None:
        async for event in _finish(st, item, str(choice["finish_reason"])):
            yield event


def _feed(st: _Stream, delta: Mapping[str, Any]) -> list[str]:
    """Add the text deltas to their guards; the channels due for a release."""
    due: list[str] = []
    for channel in CHANNELS:
        text = delta.get(channel)
        if text is None:
            continue
        if not isinstance(text, str):
            raise _bad(f"upstream sent {channel} that is not a string")
        if st.guards[channel].add(text):
            due.append(channel)
    st.hold_calls(delta)
    return due


async def _finish(st: _Stream, item: Body, reason: str) -> AsyncIterator[bytes]:
    """Check and release the held tails and tool calls, the suffix label, then the finish."""
    tails: Body = {}
    for channel, guard in st.guards.items():
        tail = await st.gw.run(guard.finish)
        if guard.blocked is not None:
            async for event in _cut(st, guard.blocked):
                yield event
            return
        tails |= st.text_delta(channel, tail) if tail else {}
    calls = st.call_texts()
    if calls:
        (decision,) = await st.gw.run(st.gw.screener.check_answers, [calls], st.question)
        if decision.is_block:
            async for event in _cut(st, decision):
                yield event
            return
    for guard in st.guards.values():
        if guard.flagged.risks:
            note(st.trace, "output", guard.flagged)
    if tails:
        yield st.event(tails)
    if st.calls:
        yield st.event({"tool_calls": [st.calls[i] for i in sorted(st.calls)]})
    if st.function_call:
        yield st.event({"function_call": st.function_call})
    label = st.gw.config.label
    if label.enabled and label.position == "suffix" and st.guards["content"].sent:
        yield st.event({"content": label.text})
    final = chunk(st.id, st.model, {}, reason, st.created)
    if item.get("usage"):
        final["usage"] = item["usage"]
    yield sse(final)
    st.done = True


async def _cut(st: _Stream, blocked: Decision) -> AsyncIterator[bytes]:
    """Stop the answer: one safe final chunk with finish_reason ``content_filter``."""
    note(st.trace, "output", blocked)
    st.trace.decision = "cut_stream"
    yield st.event({"content": st.gw.config.refusal.stream_cut})
    yield st.event({}, "content_filter")
    st.done = st.cut = True
