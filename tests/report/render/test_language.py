"""The report reads in one language: no English fragments in the Chinese report, no raw data."""

from __future__ import annotations

import re

from .conftest import Rendered

# ASCII words a Chinese report may carry: the product, commands the reader is told to run,
# file and folder names, the demo workspace's own data (its corpus source names) and proper names.
ALLOWED = {
    "beian", "demo", "corpus", "filter", "sample", "verdicts", "import", "docs", "accuracy",
    "AIGC", "SHA", "unlabelled", "cold", "novels", "poetry",
    "attestations", "yaml", "measurements", "classifier", "eval", "json", "monitoring_staff",
    "explicit_labels", "roster", "explanation", "evidence", "alternative",
    # names of the data sets and models a judge card was measured on (the reader looks them up)
    "SafeDialBench", "ChatGPT", "ChatGLM", "lawyer", "llama", "alpaca",
}  # fmt: skip
_HEX = re.compile(r"^[0-9a-f-]+$")


def _prose(markdown: str) -> str:
    """The Markdown without code spans (paths, hashes, run ids are code)."""
    return re.sub(r"`[^`]*`", "", markdown)


def test_chinese_report_has_no_english_words(rendered: dict[str, Rendered]) -> None:
    text = _prose(rendered["zh"].paths["md"].read_text(encoding="utf-8"))
    words = set(re.findall(r"[A-Za-z][A-Za-z_]{3,}", text))
    stray = sorted(w for w in words if w not in ALLOWED and not _HEX.match(w.lower()))
    assert not stray, (
        stray,
        [line for line in text.splitlines() if any(w in line for w in stray)][:8],
    )


def test_no_raw_data_or_unexplained_tags(rendered: dict[str, Rendered]) -> None:
    for lang in ("zh", "en"):
        md = rendered[lang].paths["md"].read_text(encoding="utf-8")
        html = rendered[lang].paths["html"].read_text(encoding="utf-8")
        for text in (md, html):
            for raw in ('[{"', '{"', "{'", "': ", "[V]", "[S]", "[U]", "null"):
                assert raw not in _prose(text), (lang, raw)
    zh = rendered["zh"].paths["md"].read_text(encoding="utf-8")
    en = rendered["en"].paths["md"].read_text(encoding="utf-8")
    # The confidence tags come with their legend, and each clause says who concluded in words.
    assert "置信度：V = 已对照标准原文核实" in zh and "置信度 S" in zh
    assert "Confidence: V = verified against the standard's text" in en
    assert "结论来源：语料核查" in zh and "Concluded by: corpus checks" in en
    # Measured shortfalls in the reader's language, with the figures.
    assert "关键词总数：实际" in zh and "keywords in total:" in en
    assert "缺少隐式标识" in zh and "no implicit AIGC label" in en


def test_english_report_has_no_fixed_chinese(rendered: dict[str, Rendered]) -> None:
    en = _prose(rendered["en"].paths["md"].read_text(encoding="utf-8"))
    for word in ("语料核查", "不得使用", "缺少隐式标识", "置信度", "总数", "未达标", "（宜）"):
        assert word not in en, word
    # Chinese left in the English report is data only (names, topics), never a sentence: a
    # Chinese sentence carries Chinese punctuation.
    lines = [line for line in en.splitlines() if re.search(r"[，。；：（）]", line)]
    assert not lines, lines[:3]
