"""Guard reply parsers: each family's native format, tolerated variations, and refusals."""

from __future__ import annotations

import pytest

from beian.detect.guard.parse import (
    Family,
    parse_json,
    parse_llamaguard,
    parse_qwen3guard,
    parse_reply,
    parse_shieldlm,
    strip_thinking,
)

QWEN = [
    # (reply, safety, categories, refusal)
    ("Safety: Safe\nCategories: None", "safe", (), None),
    ("Safety: Unsafe\nCategories: Violent", "unsafe", ("Violent",), None),
    (
        "Safety: Unsafe\nCategories: Violent, Non-violent Illegal Acts\nRefusal: No",
        "unsafe",
        ("Violent", "Non-violent Illegal Acts"),
        False,
    ),
    ("Safety: Safe\nCategories: None\nRefusal: Yes", "safe", (), True),
    (
        "Safety: Controversial\nCategories: Politically Sensitive Topics",
        "controversial",
        ("Politically Sensitive Topics",),
        None,
    ),
    # markdown, case, full-width colon, one line
    ("**Safety:** UNSAFE\n**Categories:** pii", "unsafe", ("pii",), None),
    ("safety：unsafe\ncategories：Suicide & Self-Harm", "unsafe", ("Suicide & Self-Harm",), None),
    ("Safety: Unsafe Categories: Jailbreak Refusal: No", "unsafe", ("Jailbreak",), False),
    (
        "```\nSafety: Unsafe\nCategories: Copyright Violation\n```",
        "unsafe",
        ("Copyright Violation",),
        None,
    ),
    # reasoning first: a verdict inside the thinking block must not count
    (
        "<think>Maybe Safety: Safe?</think>\nSafety: Unsafe\nCategories: PII",
        "unsafe",
        ("PII",),
        None,
    ),
    (
        "the template opened it. Safety: Safe</think>Safety: Unsafe\nCategories: Violent",
        "unsafe",
        ("Violent",),
        None,
    ),
]


@pytest.mark.parametrize(("reply", "safety", "categories", "refusal"), QWEN)
def test_qwen3guard(
    reply: str, safety: str, categories: tuple[str, ...], refusal: bool | None
) -> None:
    got = parse_qwen3guard(reply)
    assert (got.safety, got.categories, got.refusal) == (safety, categories, refusal)
    assert got.raw == reply and got.error is None


LLAMA = [
    ("safe", "safe", ()),
    ("\n\nsafe", "safe", ()),
    ("unsafe\nS1", "unsafe", ("S1",)),
    ("unsafe\nS1,S9", "unsafe", ("S1", "S9")),
    ("Unsafe\ns10, S5 ,S10", "unsafe", ("S10", "S5")),
    ("**unsafe**\n`S7`", "unsafe", ("S7",)),
    ("unsafe S14", "unsafe", ("S14",)),
    ("<think>it says S3</think>\nunsafe\nS12", "unsafe", ("S12",)),
    ("unsafe", "unsafe", ()),
    ("safe\nS1", "safe", ()),  # codes after "safe" are noise, not categories
]


@pytest.mark.parametrize(("reply", "safety", "categories"), LLAMA)
def test_llamaguard(reply: str, safety: str, categories: tuple[str, ...]) -> None:
    got = parse_llamaguard(reply)
    assert (got.safety, got.categories) == (safety, categories)


SHIELD = [
    ("[答案] 安全\n[分析] 回复拒绝了请求。", "safe", "回复拒绝了请求。"),
    ("[答案] 不安全\n[分析] 回复给出了制作方法。", "unsafe", "回复给出了制作方法。"),
    ("[答案] 有争议\n[分析] 取决于场景。", "controversial", "取决于场景。"),
    ("【答案】：不安全\n【分析】：……", "unsafe", "……"),
    ("[Answer] safe\n[Analysis] B refuses.", "safe", "B refuses."),
    ("[Answer] Unsafe\n[Analysis] B explains how.", "unsafe", "B explains how."),
    ("[Answer] controversial", "controversial", ""),
    ("**[答案]** 不安全", "unsafe", ""),
    # the analysis may quote the dialogue; the first answer is the verdict
    ("[答案] 不安全\n[分析] B 说“[答案] 安全”来误导。", "unsafe", "B 说“[答案] 安全”来误导。"),
]


@pytest.mark.parametrize(("reply", "safety", "analysis"), SHIELD)
def test_shieldlm(reply: str, safety: str, analysis: str) -> None:
    got = parse_shieldlm(reply)
    assert (got.safety, got.analysis, got.categories) == (safety, analysis, ())


JSON = [
    ('{"unsafe": false, "categories": []}', "safe", (), None),
    ('{"unsafe": true, "categories": ["A.1.f", "Violent"]}', "unsafe", ("A.1.f", "Violent"), None),
    ('```json\n{"unsafe": true, "categories": "S10, S5"}\n```', "unsafe", ("S10", "S5"), None),
    (
        'Here you go: {"unsafe": false, "controversial": true, "categories": ["Hate"]}',
        "controversial",
        ("Hate",),
        None,
    ),
    ('{"unsafe": false, "refusal": true}', "safe", (), True),
    (
        '<think>{"unsafe": false}</think>{"unsafe": true, "categories": ["A.4.c"]}',
        "unsafe",
        ("A.4.c",),
        None,
    ),
]


@pytest.mark.parametrize(("reply", "safety", "categories", "refusal"), JSON)
def test_json(reply: str, safety: str, categories: tuple[str, ...], refusal: bool | None) -> None:
    got = parse_json(reply)
    assert (got.safety, got.categories, got.refusal) == (safety, categories, refusal)


UNPARSEABLE: list[tuple[Family, str]] = [
    ("qwen3guard", "I'm sorry, I can't help with that."),
    ("qwen3guard", "Categories: Violent"),
    ("llamaguard", "The conversation is unsafe."),
    ("llamaguard", "<think>unsafe\nS1"),  # cut off inside the reasoning: nothing to read
    ("shieldlm", "安全"),
    ("shieldlm", "[分析] 没有答案字段"),
    ("json", '{"unsafe": "yes"}'),
    ("json", "unsafe"),
    ("json", '{"categories": ["A.1.f"]}'),
]


@pytest.mark.parametrize(("family", "reply"), UNPARSEABLE)
def test_unparseable_reply_keeps_the_raw_text(family: Family, reply: str) -> None:
    got = parse_reply(family, reply)
    assert got.safety is None
    assert got.raw == reply
    assert got.error and got.error.startswith("no ")


def test_strip_thinking_variants() -> None:
    assert strip_thinking("<think>a</think>b<THINK>c</THINK>d") == "bd"
    assert strip_thinking("reasoning</think>verdict") == "verdict"
    assert strip_thinking("verdict<think>unfinished") == "verdict"
