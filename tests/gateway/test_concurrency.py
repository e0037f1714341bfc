"""Screening in the thread pool under concurrent clients: same decisions as one at a time."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from tests.gateway.conftest import Running
from tests.gateway.helpers import HARM, H, ask, gateway_on, post, row
from tests.gateway.raw_upstream import Answer, Body, RawUpstream, completion, stream_of

BENIGN = "长城是中国古代的军事防御工程。它始建于春秋战国时期，全长两万多公里。"


def test_concurrent_requests_are_screened_like_sequential_ones(
    serve: Callable[..., Running], raw: RawUpstream
) -> None:
    """Detectors run in several threads at once (keyword scratch spaces are per thread)."""

    def answer(body: Body) -> Answer:
        text = HARM if "有害" in str(body["messages"]) else BENIGN
        return stream_of(text) if body.get("stream") else completion({"content": text})

    raw.answer = answer
    gw = gateway_on(serve, raw, limits={"screen_threads": 4})
    cases = [
        (ask(H), "blocked_input"),
        (ask("请介绍长城"), "allowed"),
        (ask("请给出有害回答"), "blocked_output"),
        (ask("请给出有害回答", stream=True), "cut_stream"),
        (ask("请介绍长城", stream=True), "allowed"),
    ] * 8
    with ThreadPoolExecutor(max_workers=16) as pool:
        responses = list(pool.map(lambda case: post(gw, case[0]), cases))
    for (_, expected), resp in zip(cases, responses, strict=True):
        assert resp.status_code == 200
        assert row(gw, resp.headers["x-request-id"]).decision == expected
        assert "硝酸铵" not in resp.text
