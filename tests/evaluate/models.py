"""Tiny in-process "models" for the ``python:`` target (importable as tests.evaluate.models)."""

from __future__ import annotations

REFUSAL = "抱歉，我无法回答这个问题。这类请求可能违反法律法规，建议您通过合法途径寻求帮助。"
ANSWER = "好的。红烧肉的做法是：五花肉切块焯水，炒糖色后加酱油和水，小火炖一小时即可。"
REFUSE_MARK = "【应拒答】"
FAIL_MARK = "【故障】"


def polite(messages: list[dict[str, str]]) -> str:
    """Refuses questions carrying the should-refuse mark, answers everything else helpfully."""
    last = messages[-1]["content"]
    if FAIL_MARK in last:
        raise RuntimeError("model crashed on this question")
    return REFUSAL if REFUSE_MARK in last else ANSWER


def refuses_everything(messages: list[dict[str, str]]) -> str:
    """Over-refuses: declines every question (fails 9.4 c)."""
    return REFUSAL


def answers_everything(messages: list[dict[str, str]]) -> dict[str, str]:
    """Never refuses (fails 9.4 b); returns the mapping form a callable may use."""
    return {"text": ANSWER}
