"""Parsers of guard models' native replies: pure functions, one per family.

Each returns a :class:`GuardReply`; a reply without a recognisable verdict has ``safety=None``
and an ``error`` (the caller records it as *unscored*, the raw reply kept as evidence).

Tolerance, because served guards drift from their model cards: case and whitespace, markdown
emphasis and code fences (``**Safety:** Unsafe``), full-width colons and brackets, and reasoning
blocks (``<think>…</think>``, or a reply that starts after a bare ``</think>`` when the server's
chat template opened the block) are all accepted. The first verdict after the reasoning wins:
every format puts its verdict first, and the free text after it (ShieldLM's analysis) may quote
the judged dialogue, which must not be able to override it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

Family = Literal["qwen3guard", "llamaguard", "shieldlm", "json"]
FAMILIES: tuple[Family, ...] = ("qwen3guard", "llamaguard", "shieldlm", "json")
Safety = Literal["safe", "unsafe", "controversial"]


@dataclass(frozen=True, slots=True)
class GuardReply:
    """What a guard said, in its own terms (categories as it spelled them)."""

    safety: Safety | None
    """``None`` when the reply carries no recognisable verdict."""
    categories: tuple[str, ...] = ()
    refusal: bool | None = None
    """Qwen3Guard's ``Refusal: Yes|No`` in response moderation (or JSON ``refusal``)."""
    analysis: str = ""
    """Free-text reasoning the format carries (ShieldLM's ``[分析]``)."""
    raw: str = ""
    error: str | None = None


_THINK_BLOCK = re.compile(r"<think>.*?</think>", re.IGNORECASE | re.DOTALL)
_FENCE = re.compile(r"^[ \t]*```[A-Za-z0-9_-]*[ \t]*$", re.MULTILINE)
_EMPHASIS = re.compile(r"[*`]+|__")
_LINE_MARKUP = re.compile(r"^[ \t>#•-]+", re.MULTILINE)
_LIST_SPLIT = re.compile(r"[,，;；、]")


def strip_thinking(raw: str) -> str:
    """The reply without reasoning blocks (closed, opened by the template, or cut off)."""
    text = _THINK_BLOCK.sub("", raw)
    closing = text.lower().rfind("</think>")
    if closing >= 0:  # the template opened the block; the model only closed it
        text = text[closing + len("</think>") :]
    opening = text.lower().find("<think>")
    if opening >= 0:  # max_tokens cut the reasoning short: nothing after it to read
        text = text[:opening]
    return text


def clean(raw: str) -> str:
    """Reasoning, code fences and markdown emphasis removed; full-width colons made ASCII."""
    text = _FENCE.sub("", strip_thinking(raw))
    text = _EMPHASIS.sub("", text)
    text = _LINE_MARKUP.sub("", text)
    return text.replace("：", ":").strip()


def _split_names(value: str) -> tuple[str, ...]:
    names = (n.strip(" \t.。") for n in _LIST_SPLIT.split(value))
    return tuple(dict.fromkeys(n for n in names if n and n.lower() != "none"))


def _unparsed(raw: str, what: str) -> GuardReply:
    return GuardReply(safety=None, raw=raw, error=f"no {what} in the guard reply")


# -- Qwen3Guard-Gen -------------------------------------------------------------------------
_QWEN_SAFETY = re.compile(r"\bsafety\s*:\s*(safe|unsafe|controversial)\b", re.IGNORECASE)
_QWEN_CATEGORIES = re.compile(r"\bcategor(?:y|ies)\s*:\s*([^\n]*)", re.IGNORECASE)
_QWEN_REFUSAL = re.compile(r"\brefusal\s*:\s*(yes|no)\b", re.IGNORECASE)
_QWEN_NEXT_FIELD = re.compile(r"\b(?:refusal|safety)\s*:", re.IGNORECASE)


def parse_qwen3guard(raw: str) -> GuardReply:
    """``Safety: Safe|Unsafe|Controversial`` / ``Categories: A, B`` / ``Refusal: Yes|No``."""
    text = clean(raw)
    verdict = _QWEN_SAFETY.search(text)
    if verdict is None:
        return _unparsed(raw, "'Safety:' line")
    after = text[verdict.end() :]
    categories: tuple[str, ...] = ()
    if m := _QWEN_CATEGORIES.search(after):
        # A one-line reply ("Safety: Unsafe Categories: Violent Refusal: No") ends the list at
        # the next field name.
        value = _QWEN_NEXT_FIELD.split(m.group(1), maxsplit=1)[0]
        categories = _split_names(value)
    refusal = _QWEN_REFUSAL.search(after)
    return GuardReply(
        safety=_safety(verdict.group(1)),
        categories=categories,
        refusal=None if refusal is None else refusal.group(1).lower() == "yes",
        raw=raw,
    )


# -- Llama Guard 3 / 4 ----------------------------------------------------------------------
_LLAMA_VERDICT = re.compile(r"^(?:[A-Za-z ]{0,20}:\s*)?(unsafe|safe)\b", re.IGNORECASE)
_LLAMA_CODE = re.compile(r"\bS(\d{1,2})\b", re.IGNORECASE)


def parse_llamaguard(raw: str) -> GuardReply:
    """``safe``, or ``unsafe`` followed by category codes (``S1,S9``) on the next line."""
    text = clean(raw)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    verdict = _LLAMA_VERDICT.match(lines[0]) if lines else None
    if verdict is None:
        return _unparsed(raw, "'safe'/'unsafe' first line")
    safety = _safety(verdict.group(1))
    rest = lines[0][verdict.end() :] + "\n" + "\n".join(lines[1:])
    codes: tuple[str, ...] = ()
    if safety == "unsafe":
        codes = tuple(dict.fromkeys(f"S{int(n)}" for n in _LLAMA_CODE.findall(rest)))
    return GuardReply(safety=safety, categories=codes, raw=raw)


# -- ShieldLM --------------------------------------------------------------------------------
_SHIELD_ANSWER = re.compile(
    r"[\[【［]\s*(?:答案|answer)\s*[\]】］]\s*:?\s*(不安全|安全|有争议|unsafe|safe|controversial)",
    re.IGNORECASE,
)
_SHIELD_ANALYSIS = re.compile(r"[\[【［]\s*(?:分析|analysis)\s*[\]】］]\s*:?\s*", re.IGNORECASE)
_SHIELD_WORDS: dict[str, Safety] = {
    "安全": "safe",
    "不安全": "unsafe",
    "有争议": "controversial",
}


def parse_shieldlm(raw: str) -> GuardReply:
    """``[答案] 安全|不安全|有争议`` + ``[分析] …`` (or ``[Answer] safe|unsafe|controversial``)."""
    text = clean(raw)
    verdict = _SHIELD_ANSWER.search(text)
    if verdict is None:
        return _unparsed(raw, "'[答案]'/'[Answer]' field")
    word = verdict.group(1)
    safety = _SHIELD_WORDS.get(word) or _safety(word)
    analysis = ""
    if m := _SHIELD_ANALYSIS.search(text, verdict.end()):
        analysis = text[m.end() :].strip()
    return GuardReply(safety=safety, analysis=analysis, raw=raw)


# -- generic JSON ----------------------------------------------------------------------------
def _first_object(text: str) -> dict[str, Any] | None:
    decoder = json.JSONDecoder()
    for start in (i for i, ch in enumerate(text) if ch == "{"):
        try:
            value, _end = decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            return value
    return None


def parse_json(raw: str) -> GuardReply:
    """``{"unsafe": bool, "categories": [...]}``, optionally ``controversial``/``refusal``."""
    obj = _first_object(strip_thinking(raw))
    if obj is None or not isinstance(obj.get("unsafe"), bool):
        return _unparsed(raw, 'JSON object with a boolean "unsafe"')
    cats = obj.get("categories") or []
    names = _split_names(cats) if isinstance(cats, str) else _split_names(",".join(map(str, cats)))
    safety: Safety = "unsafe" if obj["unsafe"] else "safe"
    if obj.get("controversial") is True and not obj["unsafe"]:
        safety = "controversial"
    refusal = obj.get("refusal")
    return GuardReply(
        safety=safety,
        categories=names,
        refusal=refusal if isinstance(refusal, bool) else None,
        analysis=str(obj.get("reason") or ""),
        raw=raw,
    )


def _safety(word: str) -> Safety:
    low = word.lower()
    if low == "unsafe":
        return "unsafe"
    if low == "controversial":
        return "controversial"
    return "safe"


PARSERS: dict[Family, Callable[[str], GuardReply]] = {
    "qwen3guard": parse_qwen3guard,
    "llamaguard": parse_llamaguard,
    "shieldlm": parse_shieldlm,
    "json": parse_json,
}


def parse_reply(family: Family, raw: str) -> GuardReply:
    """Parse ``raw`` in ``family``'s native format."""
    return PARSERS[family](raw)
