"""The PDF report: pages render, Chinese text is extractable and every font is embedded."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from beian.report.render.pdf import PdfUnavailableError, find_cjk_font

from .conftest import Rendered, need_tool


def _pdf(rendered: dict[str, Rendered], lang: str) -> Path:
    r = rendered[lang]
    if "pdf" not in r.paths:
        reason = "; ".join(r.warnings) or "no PDF written"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return r.paths["pdf"]


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


@pytest.mark.slow
def test_pdf_pages_render_and_chinese_is_extractable(
    rendered: dict[str, Rendered], tmp_path: Path
) -> None:
    pdf = _pdf(rendered, "zh")
    pdftoppm, pdftotext, pdffonts = (need_tool(t) for t in ("pdftoppm", "pdftotext", "pdffonts"))
    _run(pdftoppm, "-r", "40", "-png", "-f", "1", "-l", "3", str(pdf), str(tmp_path / "page"))
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 3 and all(p.stat().st_size > 5_000 for p in pages)
    text = _run(pdftotext, "-layout", str(pdf), "-")
    for word in (
        "生成式人工智能服务安全评估报告",
        "符合",
        "待确认",
        "关键词库规模",
        "合法性评估负责人",
    ):
        assert word in text, word
    fonts = _run(pdffonts, str(pdf)).splitlines()[2:]
    assert fonts, "no fonts listed"
    assert all(line.split()[-5] == "yes" for line in fonts), fonts  # the 'emb' column
    assert any("BeianCJK" in line for line in fonts)


@pytest.mark.slow
def test_english_pdf(rendered: dict[str, Rendered]) -> None:
    pdf = _pdf(rendered, "en")
    text = _run(need_tool("pdftotext"), str(pdf), "-")
    assert "Clause-by-clause conclusions" in text and "Keyword library size" in text


def test_missing_font_names_the_debian_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")  # no fc-list either: nothing left to find a font with
    with pytest.raises(PdfUnavailableError, match="fonts-noto-cjk or fonts-wqy-microhei"):
        find_cjk_font(candidates=("/nonexistent/font.ttc",))
