"""Unscreenable requests, broken upstreams, detector failures, limits, stale connections
(reliability.md G-g3, G-a1, G-a2, G-g2, G-f), each against a real gateway on loopback."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import httpx
import openai
import pytest

from beian.detect.detector_set import DetectorSet
from beian.gateway.screen import AnswerScreen
from beian.records import Finding
from tests.gateway.conftest import Running
from tests.gateway.helpers import (
    ask,
    gateway_on,
    post,
    row,
    sse_events,
)
from tests.gateway.raw_upstream import RawUpstream, completion, event, stream_of

MALFORMED: dict[str, Any] = {
    "messages_object": {"model": "m", "messages": {"role": "user", "content": "法轮大法好"}},
    "prompt_not_messages": {"model": "m", "prompt": "法轮大法好"},
    "no_messages": {"model": "m"},
    "content_object": {"model": "m", "messages": [{"role": "user", "content": {"text": "法轮"}}]},
    "content_number": {"model": "m", "messages": [{"role": "user", "content": 12345}]},
    "unknown_role": {"model": "m", "messages": [{"role": "boss", "content": "法轮大法好"}]},
    "unknown_message_field": {"model": "m", "messages": [
        {"role": "user", "content": "你好", "extra_text": "法轮大法好"}]},
    "n_string": ask(stream=True, n="abc"),
    "n_list": ask(stream=True, n=[2]),
    "n_zero": ask(n=0),
    "n_stream": ask(stream=True, n=2),
    "stream_string": ask(stream="false"),
    "n_infinity": '{"model":"m","stream":true,"n":Infinity,"messages":[{"role":"user","content":"x"}]}',
    "n_overflow": '{"model":"m","stream":true,"n":1e400,"messages":[{"role":"user","content":"x"}]}',
    "deep_nesting": '{"model":"m","messages":[{"role":"user","content":"x"}],"metadata":'
    + "[" * 100_000 + "]" * 100_000 + "}",
    "lone_surrogate": '{"model":"m","messages":[{"role":"user","content":"法轮大法好\\ud800"}]}',
    "not_json": "{nope",
    "json_array": "[1, 2]",
    "empty": "",
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_g_g3_g_a2_unscreenable_bodies_are_400_and_audited(
    serve: Callable[..., Running], raw: RawUpstream, case: str
) -> None:
    """G-g3 (and the lone surrogate of G-a2): refused, audited, never forwarded."""
    gw = gateway_on(serve, raw)
    resp = post(gw, MALFORMED[case])
    assert resp.status_code == 400, (case, resp.text)
    message = resp.json()["error"]["message"]
    assert message and "Traceback" not in message
    audited = row(gw, resp.headers["x-request-id"])
    assert audited.decision == "invalid_request" and audited.data["error"] == message
    assert raw.requests == []


def test_g_g2_body_and_message_limits(serve: Callable[..., Running], raw: RawUpstream) -> None:
    gw = gateway_on(serve, raw, limits={"max_body_bytes": 4096, "max_messages": 3})
    big = post(gw, ask("长城" * 2000))
    assert big.status_code == 400 and "4096" in big.json()["error"]["message"]
    many = post(gw, {"model": "m", "messages": [{"role": "user", "content": "你好"}] * 4})
    assert many.status_code == 400 and "messages" in many.json()["error"]["message"]
    for resp in (big, many):
        assert row(gw, resp.headers["x-request-id"]).decision == "invalid_request"
    assert raw.requests == []


@pytest.mark.slow
def test_g_g2_a_large_request_does_not_stall_other_clients(
    serve: Callable[..., Running], raw: RawUpstream
) -> None:
    """G-g2: screening runs in a thread pool; /healthz answers while a 12 MB input is screened."""
    gw = gateway_on(serve, raw, limits={"max_body_bytes": 32 * 1024 * 1024})
    # ~12 MB of UTF-8: big enough that screening it outlasts several probes even after the
    # detectors got faster (at 3 MB it took 0.45 s on CI, leaving room for only four answers)
    body = ask("长城是中国古代的军事防御工程。" * 280_000)
    answered: list[float] = []  # when each /healthz answer arrived
    done = threading.Event()

    def probe() -> None:
        while not done.is_set():
            httpx.get(gw.url + "/healthz", timeout=60)
            answered.append(time.perf_counter())
            time.sleep(0.02)

    prober = threading.Thread(target=probe)
    t0 = time.perf_counter()
    prober.start()
    resp = post(gw, body)
    t1 = time.perf_counter()
    done.set()
    prober.join()
    assert resp.status_code == 200
    during = [t for t in answered if t0 < t < t1]
    print(f"12 MB request {t1 - t0:.2f} s; /healthz answered {len(during)} times meanwhile")
    # With screening on the event loop every probe waits for the whole screening, so at most one
    # or two answers arrive while the big request is in flight; off the loop they keep coming.
    # (A count of answers, not a time limit: the test must not depend on the machine's speed.)
    assert len(during) >= 5, (t1 - t0, len(during))


def test_g_f_stale_pooled_connection_is_retried_once(
    serve: Callable[..., Running], raw: RawUpstream
) -> None:
    """G-f: the upstream drops a kept-alive connection; the gateway retries on a new one."""
    raw.one_request_per_connection = True
    gw = gateway_on(serve, raw)
    client = gw.client()
    for _ in range(3):
        out = client.chat.completions.create(
            model="m", messages=[{"role": "user", "content": "你好"}]
        )
        assert out.choices[0].finish_reason == "stop"
    assert len(raw.requests) == 3


BROKEN_STREAMS: dict[str, Any] = {
    "bad_json_event": [*stream_of("一个正常的回答。" * 4)[:3], b"{not json", b"[DONE]"],
    "error_event": [*stream_of("一个正常的回答。" * 4)[:3], {"error": {"message": "exploded"}}],
    "ends_without_finish": stream_of("一个正常的回答。" * 4)[:-2],
    "surrogate_event": [event({"role": "assistant"}), b'{"choices":[{"delta":{"content":'
                        b'"ok\\ud800ok"}}]}', event({}, "stop"), b"[DONE]"],
    "html_200": (200, "text/html", b"<html>not a stream</html>"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BROKEN_STREAMS))
def test_g_a1_upstream_failures_mid_stream_are_errors(
    serve: Callable[..., Running], raw: RawUpstream, case: str
) -> None:
    """G-a1: audited as ``upstream_error`` (not ``allowed``); the client sees an error."""
    raw.answer = lambda body: BROKEN_STREAMS[case]
    gw = gateway_on(serve, raw)
    resp = post(gw, ask(stream=True))
    audited = row(gw, resp.headers["x-request-id"])
    assert audited.decision == "upstream_error", (case, audited.data)
    if resp.status_code == 200:
        assert "error" in sse_events(resp.text)[-1]
    else:
        assert resp.status_code == 502


@pytest.mark.parametrize(
    "answer",
    [{}, {"choices": []}, (200, "text/html", b"<html/>"), completion({"content": "ok\ud800"})],
)
def test_g_a1_unusable_answers_are_502_and_audited(
    serve: Callable[..., Running], raw: RawUpstream, answer: Any
) -> None:
    raw.answer = lambda body: answer
    gw = gateway_on(serve, raw)
    with pytest.raises(openai.InternalServerError) as info:
        gw.client().chat.completions.create(
            model="m", messages=[{"role": "user", "content": "你好"}]
        )
    assert info.value.status_code == 502
    assert row(gw, info.value.response.headers["x-request-id"]).decision == "upstream_error"


class Exploding:
    """A detector plugin that fails on one word, as a broken model or library would."""

    name = "exploding"

    def detect(self, text: str) -> list[Finding]:
        if "引爆测试" in text:
            raise RuntimeError("detector failed")
        return []

    def detect_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        return [self.detect(t) for t in texts]


@pytest.mark.parametrize("stream", [False, True])
def test_g_a2_detector_exception_is_500_with_request_id_and_audit(
    serve: Callable[..., Running], raw: RawUpstream, stream: bool
) -> None:
    gw = gateway_on(serve, raw)
    exploding = DetectorSet([Exploding()])
    gw.gateway.screener.detectors = exploding
    gw.gateway.screener.answers = AnswerScreen.build(exploding)  # answers are judged as answers
    resp = post(gw, ask("引爆测试", stream=stream))
    assert resp.status_code == 500 and "gateway error" in resp.text
    assert row(gw, resp.headers["x-request-id"]).decision == "error"
    raw.answer = lambda body: (
        stream_of("好的。引爆测试。" * 10) if stream else completion({"content": "引爆测试"})
    )
    resp = post(gw, ask("你好", stream=stream))
    assert "引爆测试" not in resp.text
    assert row(gw, resp.headers["x-request-id"]).decision == "error"
    if stream:
        assert sse_events(resp.text)[-1]["error"]["type"] == "server_error"
    else:
        assert resp.status_code == 500
