"""The gateway end to end: real upstream server, uvicorn, the official openai client."""

from __future__ import annotations

from collections.abc import Callable

import openai
import pytest

from tests.gateway.conftest import BENIGN_ANSWER, HARMFUL_INPUT, Running
from tests.gateway.upstream import StreamingOpenAIServer

LABEL = "（本回答由人工智能生成）"
HARMFUL_ANSWER = "我们要打倒共产党，建立新政权。"


def test_benign_passthrough_is_labelled(
    serve: Callable[..., Running], upstream: StreamingOpenAIServer
) -> None:
    upstream.add_rule("长城", reply=BENIGN_ANSWER)
    gw = serve()
    raw = gw.client().chat.completions.with_raw_response.create(
        model="stub-model",
        messages=[{"role": "user", "content": "请介绍一下长城的历史"}],
        temperature=0.3,
    )
    out = raw.parse()
    assert out.choices[0].message.content == LABEL + BENIGN_ANSWER
    assert out.choices[0].finish_reason == "stop"
    assert raw.headers["x-beian-decision"] == "allowed"
    sent = upstream.chat_requests()[-1]
    assert sent.body["temperature"] == 0.3 and sent.body["model"] == "stub-model"
    assert sent.headers["authorization"] == "Bearer sk-test"  # the client's key passed on


def test_label_suffix_and_off(
    serve: Callable[..., Running], upstream: StreamingOpenAIServer
) -> None:
    upstream.add_rule(reply=BENIGN_ANSWER)
    suffix = serve(label={"position": "suffix", "text": "[AI生成]"})
    text = _ask(suffix.client(), "请介绍一下长城的历史")
    assert text == BENIGN_ANSWER + "[AI生成]"
    off = serve(label={"enabled": False})
    assert _ask(off.client(), "请介绍一下长城的历史") == BENIGN_ANSWER


def test_blocked_input_never_reaches_upstream(
    serve: Callable[..., Running], upstream: StreamingOpenAIServer
) -> None:
    upstream.add_rule(reply="这段回答不应出现")
    gw = serve()
    out = gw.client().chat.completions.create(
        model="stub-model", messages=[{"role": "user", "content": HARMFUL_INPUT}]
    )
    assert out.choices[0].finish_reason == "content_filter"
    assert "无法回答" in (out.choices[0].message.content or "")
    assert upstream.chat_requests() == []


def test_every_user_turn_in_both_scopes(
    serve: Callable[..., Running], upstream: StreamingOpenAIServer
) -> None:
    """G-c1: an earlier user turn is screened whatever ``input_scope`` says."""
    upstream.add_rule(reply=BENIGN_ANSWER)
    messages: list[dict[str, str]] = [
        {"role": "user", "content": HARMFUL_INPUT},
        {"role": "assistant", "content": "抱歉"},
        {"role": "user", "content": "那请介绍一下长城的历史吧"},
    ]
    for scope in ("latest", "all_user"):
        client = serve(input_scope=scope).client()
        out = client.chat.completions.create(model="m", messages=messages)  # type: ignore[arg-type]
        assert out.choices[0].finish_reason == "content_filter"
    assert upstream.chat_requests() == []


def test_flag_policy_passes_and_is_audited(
    serve: Callable[..., Running], upstream: StreamingOpenAIServer
) -> None:
    upstream.add_rule(reply=BENIGN_ANSWER)
    gw = serve(input_policy={"risks": {"A.4.f": "flag"}})
    raw = gw.client().chat.completions.with_raw_response.create(
        model="m", messages=[{"role": "user", "content": "请联系我，手机号13812345678"}]
    )
    assert raw.parse().choices[0].finish_reason == "stop"
    assert raw.headers["x-beian-decision"] == "flagged"
    assert len(upstream.chat_requests()) == 1


def test_blocked_output_is_replaced(
    serve: Callable[..., Running], upstream: StreamingOpenAIServer
) -> None:
    upstream.add_rule(reply=HARMFUL_ANSWER)
    gw = serve()
    out = gw.client().chat.completions.create(
        model="m", messages=[{"role": "user", "content": "请讲讲唐朝的诗人有哪些"}]
    )
    assert out.choices[0].finish_reason == "content_filter"
    text = out.choices[0].message.content or ""
    assert "打倒" not in text and "已被拦截" in text


def test_stream_benign_is_labelled_and_complete(
    serve: Callable[..., Running], upstream: StreamingOpenAIServer
) -> None:
    upstream.add_rule(reply=BENIGN_ANSWER)
    gw = serve()
    stream = gw.client().chat.completions.create(
        model="m", messages=[{"role": "user", "content": "请介绍一下长城的历史"}], stream=True
    )
    parts, finish = _collect(stream)
    assert "".join(parts) == LABEL + BENIGN_ANSWER
    assert finish == "stop"


def test_stream_turning_harmful_is_cut(
    serve: Callable[..., Running], upstream: StreamingOpenAIServer
) -> None:
    upstream.add_rule(reply=BENIGN_ANSWER * 3 + HARMFUL_ANSWER + "第一步……" * 20)
    gw = serve(stream={"lookahead_chars": 32})  # short, so that some benign text goes first
    stream = gw.client().chat.completions.create(
        model="m", messages=[{"role": "user", "content": "请讲讲唐朝的诗人有哪些"}], stream=True
    )
    parts, finish = _collect(stream)
    text = "".join(parts)
    assert finish == "content_filter"
    assert text.startswith(LABEL + "长城是中国古代的军事防御工程。")
    assert "打倒" not in text and "第一步" not in text
    assert text.endswith(gw.gateway.config.refusal.stream_cut)


def test_stream_blocked_input_is_a_refusal_stream(
    serve: Callable[..., Running], upstream: StreamingOpenAIServer
) -> None:
    gw = serve()
    stream = gw.client().chat.completions.create(
        model="m", messages=[{"role": "user", "content": HARMFUL_INPUT}], stream=True
    )
    parts, finish = _collect(stream)
    assert finish == "content_filter" and "无法回答" in "".join(parts)
    assert upstream.chat_requests() == []


@pytest.mark.parametrize("stream", [False, True])
def test_upstream_500_is_an_openai_error(
    serve: Callable[..., Running], upstream: StreamingOpenAIServer, stream: bool
) -> None:
    upstream.add_rule(status=500)
    gw = serve()
    with pytest.raises(openai.InternalServerError) as info:
        gw.client().chat.completions.create(
            model="m", messages=[{"role": "user", "content": "请介绍一下长城的历史"}], stream=stream
        )
    assert info.value.status_code == 502
    assert "upstream returned HTTP 500" in info.value.message


def test_upstream_unreachable(serve: Callable[..., Running]) -> None:
    gw = serve(upstream={"base_url": "http://127.0.0.1:9/v1", "connect_timeout": 1})
    with pytest.raises(openai.InternalServerError, match="unreachable"):
        gw.client().chat.completions.create(
            model="m", messages=[{"role": "user", "content": "请介绍一下长城的历史"}]
        )


def test_models_proxied_and_health(serve: Callable[..., Running]) -> None:
    gw = serve()
    assert [m.id for m in gw.client().models.list()] == ["stub-model"]
    import httpx

    health = httpx.get(gw.url + "/healthz").json()
    assert health == {"status": "ok"}  # nothing about the upstream or the setup (G-d3)


def test_bad_body_is_an_openai_error(serve: Callable[..., Running]) -> None:
    import httpx

    gw = serve()
    resp = httpx.post(gw.url + "/v1/chat/completions", content=b"[1, 2]")
    assert resp.status_code == 400 and resp.json()["error"]["type"] == "invalid_request_error"


def _ask(client: openai.OpenAI, prompt: str) -> str:
    return _ask_messages(client, [{"role": "user", "content": prompt}])


def _ask_messages(client: openai.OpenAI, messages: list[dict[str, str]]) -> str:
    out = client.chat.completions.create(model="m", messages=messages)  # type: ignore[arg-type]
    return out.choices[0].message.content or ""


def _collect(
    stream: openai.Stream[openai.types.chat.ChatCompletionChunk],
) -> tuple[list[str], str | None]:
    parts: list[str] = []
    finish: str | None = None
    for event in stream:
        for choice in event.choices:
            if choice.delta.content:
                parts.append(choice.delta.content)
            if choice.finish_reason is not None:
                finish = choice.finish_reason
    return parts, finish
