"""Every text a chat request carries to the model, found field by field (TC260-003 §6 b).

The client writes the whole request, system prompt and "assistant" history included, so every
role is screened, with ``name``, tool calls and every text-bearing content part. A message field
or content part the gateway does not know is refused (:class:`Unscreenable`), never forwarded:
the model could read text the detectors never saw. Fields outside ``messages`` (tools, response
formats, stop sequences) are screened string by string.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from beian.gateway.limits import SURROGATE, Unscreenable
from beian.gateway.shapes import Body

ROLES = frozenset({"system", "developer", "user", "assistant", "tool", "function"})
TEXT_PARTS = {"text": "text", "input_text": "text", "output_text": "text", "refusal": "refusal"}
"""Content part type → the key holding its text."""
_PLAIN = frozenset({"name", "refusal", "reasoning_content", "reasoning"})
"""Message fields holding a string (or null) that the model reads."""
_IDS = frozenset({"role", "tool_call_id", "prefix"})
"""Message fields that carry no text for the model (checked for type only)."""
_NOT_TEXT = frozenset({
    "messages", "model", "user", "stream", "n", "stream_options", "metadata", "store",
    "service_tier", "reasoning_effort", "modalities", "tool_choice", "logit_bias",
})  # fmt: skip
"""Top-level fields the model does not read as text (``messages`` is screened message by
message); the strings of every other field (tools, response formats, predictions, stop
sequences, provider extras) are screened one by one."""


@dataclass(frozen=True, slots=True)
class InputTexts:
    """The texts of one request: each carrier, and the user turns in order."""

    units: tuple[str, ...]
    user_turns: tuple[str, ...]

    def to_check(self) -> list[str]:
        """Each carrier, plus the user turns joined: a request split over turns is whole again."""
        texts = [t for t in self.units if t.strip()]
        if len(self.user_turns) > 1:
            texts.append("".join(self.user_turns))
        return texts

    @property
    def question(self) -> str:
        """The last user message: the question an answer is judged against ("" if none)."""
        return self.user_turns[-1] if self.user_turns else ""

    def audit_text(self) -> str:
        """What the audit row records as the input."""
        return "\n".join(t for t in self.units if t)


def request_texts(body: Body) -> InputTexts:
    """The texts of ``body`` (already checked by :func:`~beian.gateway.limits.check_params`)."""
    units: list[str] = []
    user_turns: list[str] = []
    for i, message in enumerate(body["messages"]):
        texts = list(message_texts(message, f"messages[{i}]"))
        units.extend(texts)
        if message.get("role") == "user":
            user_turns.append("".join(texts))
    units += [s for key, v in body.items() if key not in _NOT_TEXT for s in strings(v)]
    return InputTexts(tuple(units), tuple(user_turns))


def message_texts(message: Any, where: str) -> Iterator[str]:
    """The texts of one message; Unscreenable on a shape the gateway does not know."""
    if not isinstance(message, Mapping):
        raise Unscreenable(f"{where} must be an object")
    if message.get("role") not in ROLES:
        raise Unscreenable(f"{where}.role must be one of {', '.join(sorted(ROLES))}")
    for key, value in message.items():
        at = f"{where}.{key}"
        if key == "content":
            yield from content_texts(value, at)
        elif key in _PLAIN:
            yield _string(value, at)
        elif key == "tool_calls":
            yield from tool_call_texts(value, at)
        elif key == "function_call":
            yield _function_text(value, at)
        elif key in _IDS:
            if value is not None and not isinstance(value, str | bool):
                raise Unscreenable(f"{at} must be a string")
        else:
            raise Unscreenable(f"{at}: field not supported by the gateway (cannot be screened)")


def content_texts(content: Any, where: str) -> Iterator[str]:
    """Text of a ``content`` value: a string, null, or a list of text-bearing parts."""
    if content is None or isinstance(content, str):
        yield content or ""
        return
    if not isinstance(content, list):
        raise Unscreenable(f"{where} must be a string or a list of content parts")
    for j, part in enumerate(content):
        at = f"{where}[{j}]"
        kind = part.get("type") if isinstance(part, Mapping) else type(part).__name__
        key = TEXT_PARTS.get(kind) if isinstance(part, Mapping) and isinstance(kind, str) else None
        if key is None:
            raise Unscreenable(f"{at}: content part {kind!r} cannot be screened by the gateway")
        yield _string(part.get(key), f"{at}.{key}")


def tool_call_texts(calls: Any, where: str) -> Iterator[str]:
    """Function names and arguments of ``tool_calls``."""
    if calls is None:
        return
    if not isinstance(calls, list):
        raise Unscreenable(f"{where} must be a list")
    for j, call in enumerate(calls):
        if not isinstance(call, Mapping):
            raise Unscreenable(f"{where}[{j}] must be an object")
        yield _function_text(call.get("function"), f"{where}[{j}].function")


def _function_text(function: Any, where: str) -> str:
    if function is None:
        return ""
    if not isinstance(function, Mapping):
        raise Unscreenable(f"{where} must be an object")
    name = _string(function.get("name"), f"{where}.name")
    return function_text(name, _string(function.get("arguments"), f"{where}.arguments"))


def function_text(name: str, arguments: str) -> str:
    """Name and arguments of a function call, plus the strings of JSON arguments decoded:
    ``"\\u70b8..."`` escapes would otherwise hide the text from the detectors."""
    text = f"{name}\n{arguments}".strip()
    if "\\u" not in arguments:
        return text
    try:
        decoded = json.loads(arguments)
    except (ValueError, RecursionError):
        return text
    # a decoded lone surrogate would break the detectors: it cannot spell anything anyway
    return "\n".join([text, *(SURROGATE.sub("\ufffd", s) for s in strings(decoded))])


def _string(value: Any, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Unscreenable(f"{where} must be a string")
    return value


def strings(value: Any) -> Iterator[str]:
    """Every string value in a JSON value (iterative; depth was checked before). Keys are left
    out: they are field names, and short identifiers only add noise to the classifier."""
    todo = [value]
    while todo:
        node = todo.pop()
        if isinstance(node, str):
            yield node
        elif isinstance(node, Mapping):
            todo.extend(reversed(list(node.values())))
        elif isinstance(node, list):
            todo.extend(reversed(node))
