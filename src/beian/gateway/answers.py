"""Every text a non-streamed answer carries to the client, and the answer with anything else
dropped.

An answer reaches the client through more than ``message.content``: reasoning (DeepSeek/Qwen
``reasoning_content``), tool-call arguments, ``refusal``, content parts such as ``output_text``,
the legacy ``choices[].text`` and the tokens of ``logprobs``. All of them are screened; a field
the gateway does not know is dropped, and an answer shape it does not know is refused
(:class:`BadAnswer`, HTTP 502), so nothing reaches the client unscreened (reliability G-b1).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from beian.gateway.inputs import TEXT_PARTS, function_text
from beian.gateway.limits import Unscreenable, check_tree
from beian.gateway.shapes import Body

RESPONSE_KEYS = frozenset(
    {"id", "object", "created", "model", "choices", "usage", "system_fingerprint", "service_tier"}
)
CHOICE_KEYS = frozenset({"index", "message", "finish_reason", "logprobs", "text"})
MESSAGE_KEYS = frozenset(
    {"role", "content", "reasoning_content", "reasoning", "refusal", "tool_calls", "function_call"}
)
_PLAIN = ("reasoning_content", "reasoning", "refusal")


class BadAnswer(Exception):
    """The upstream answer has a shape the gateway cannot screen (sent as a 502)."""


def clean_response(data: Any) -> Body:
    """``data`` with unknown fields dropped; BadAnswer when its shape cannot be screened."""
    if not isinstance(data, Mapping):
        raise BadAnswer("upstream answer is not a JSON object")
    try:
        check_tree(data, 64, "upstream answer")
    except Unscreenable as exc:
        raise BadAnswer(str(exc)) from None
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices:
        raise BadAnswer("upstream answer has no choices")
    out = {k: v for k, v in data.items() if k in RESPONSE_KEYS}
    out["choices"] = [_clean_choice(c, i) for i, c in enumerate(choices)]
    return out


def _clean_choice(choice: Any, i: int) -> Body:
    if not isinstance(choice, Mapping):
        raise BadAnswer(f"choices[{i}] is not an object")
    out = {k: v for k, v in choice.items() if k in CHOICE_KEYS}
    message = out.get("message")
    if message is None and not isinstance(out.get("text"), str):
        raise BadAnswer(f"choices[{i}] has neither a message nor text")
    if message is not None:
        if not isinstance(message, Mapping):
            raise BadAnswer(f"choices[{i}].message is not an object")
        out["message"] = _clean_message(message, i)
    out["logprobs"] = _clean_logprobs(out.get("logprobs"), i)
    return out


def _clean_message(message: Mapping[str, Any], i: int) -> Body:
    out = {k: v for k, v in message.items() if k in MESSAGE_KEYS}
    content = out.get("content")
    if not (content is None or isinstance(content, str) or _text_parts(content)):
        raise BadAnswer(f"choices[{i}].message.content has parts the gateway cannot screen")
    for key in _PLAIN:
        if out.get(key) is not None and not isinstance(out[key], str):
            raise BadAnswer(f"choices[{i}].message.{key} is not a string")
    calls = out.get("tool_calls")
    if calls is not None and not (isinstance(calls, list) and all(map(_is_call, calls))):
        raise BadAnswer(f"choices[{i}].message.tool_calls has an unknown shape")
    if out.get("function_call") is not None and not _is_function(out["function_call"]):
        raise BadAnswer(f"choices[{i}].message.function_call has an unknown shape")
    return out


def _text_parts(content: Any) -> bool:
    return isinstance(content, list) and all(
        isinstance(p, Mapping)
        and p.get("type") in TEXT_PARTS
        and isinstance(p.get(TEXT_PARTS[p["type"]]), str)
        for p in content
    )


def _is_call(call: Any) -> bool:
    return isinstance(call, Mapping) and _is_function(call.get("function"))


def _is_function(f: Any) -> bool:
    return isinstance(f, Mapping) and all(
        isinstance(f.get(k), str | None) for k in ("name", "arguments")
    )


def _clean_logprobs(logprobs: Any, i: int) -> Body | None:
    """Only tokens and their log probabilities (``bytes`` could spell other text)."""
    if logprobs is None:
        return None
    if not isinstance(logprobs, Mapping):
        raise BadAnswer(f"choices[{i}].logprobs has an unknown shape")
    out: Body = {}
    for key in ("content", "refusal"):
        items = logprobs.get(key)
        if items is None:
            out[key] = None
            continue
        if not isinstance(items, list) or not all(
            isinstance(t, Mapping) and isinstance(t.get("token"), str) for t in items
        ):
            raise BadAnswer(f"choices[{i}].logprobs.{key} has an unknown shape")
        out[key] = [_token(t) for t in items]
    return out


def _token(t: Mapping[str, Any]) -> Body:
    top = t.get("top_logprobs") or []
    return {
        "token": t["token"],
        "logprob": t.get("logprob"),
        "bytes": None,
        "top_logprobs": [
            {"token": str(a.get("token", "")), "logprob": a.get("logprob"), "bytes": None}
            for a in top
            if isinstance(a, Mapping)
        ],
    }


def choice_texts(choice: Mapping[str, Any]) -> list[str]:
    """Every text of a cleaned choice, one per carrier (empty ones left out)."""
    texts: list[str] = []
    message = choice.get("message")
    if isinstance(message, Mapping):
        texts.append(content_text(message.get("content")))
        texts.extend(message.get(k) or "" for k in _PLAIN)
        for call in message.get("tool_calls") or []:
            texts.append(_call_text(call.get("function")))
        texts.append(_call_text(message.get("function_call")))
    texts.append(choice.get("text") or "")
    texts.extend(_logprob_texts(choice.get("logprobs")))
    return [t for t in texts if t]


def content_text(content: Any) -> str:
    """Text of a cleaned ``content``: the string, or its parts joined."""
    if isinstance(content, list):
        return "".join(p[TEXT_PARTS[p["type"]]] for p in content)
    return content or ""


def _call_text(function: Any) -> str:
    if not isinstance(function, Mapping):
        return ""
    return function_text(function.get("name") or "", function.get("arguments") or "")


def _logprob_texts(logprobs: Any) -> list[str]:
    if not isinstance(logprobs, Mapping):
        return []
    out: list[str] = []
    for key in ("content", "refusal"):
        items = logprobs.get(key) or []
        out.append("".join(t["token"] for t in items))
        out.append(" ".join(a["token"] for t in items for a in t["top_logprobs"]))
    return out


def refuse_choice(choice: Body, text: str) -> None:
    """Replace a blocked choice by the refusal: every other carrier goes."""
    if "message" in choice:
        choice["message"] = {"role": "assistant", "content": text}
    if "text" in choice:
        choice["text"] = text
    choice["logprobs"] = None
    choice["finish_reason"] = "content_filter"


def label_choice(choice: Body, label: Callable[[str], str]) -> None:
    """Put the explicit AI label on the text the user reads (content, or legacy text)."""
    message = choice.get("message")
    if isinstance(message, dict):
        content = message.get("content")
        if isinstance(content, str) and content:
            message["content"] = label(content)
        elif isinstance(content, list) and content:
            key = TEXT_PARTS[content[0]["type"]]
            content[0] = {**content[0], key: label(content[0][key])}
    if isinstance(choice.get("text"), str) and choice["text"]:
        choice["text"] = label(choice["text"])
