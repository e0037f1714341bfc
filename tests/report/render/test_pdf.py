"""The PDF report: pages render, Chinese text is extractable and every font is embedded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from beian.report.render.pdf import PdfUnavailableError, bundled_font, find_cjk_font

from .conftest import Demo, Rendered, need_tool


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
    # Only the bundled font, even for chart labels: no system font leaks into the PDF.
    assert all("BeianCJK" in line for line in fonts), fonts


@pytest.mark.slow
def test_english_pdf(rendered: dict[str, Rendered]) -> None:
    pdf = _pdf(rendered, "en")
    text = _run(need_tool("pdftotext"), str(pdf), "-")
    assert "Clause-by-clause conclusions" in text and "Keyword library size" in text


def test_bundled_font_is_used_and_a_missing_one_is_named(tmp_path: Path) -> None:
    assert find_cjk_font() == bundled_font() and bundled_font().suffix == ".otf"
    with pytest.raises(PdfUnavailableError, match="no such font file"):
        find_cjk_font(tmp_path / "nonexistent.otf")


_NO_FONTS = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><cachedir>{cache}</cachedir></fontconfig>
"""


@pytest.mark.slow
def test_chinese_pdf_on_a_machine_without_any_system_font(demo: Demo, tmp_path: Path) -> None:
    """A fresh machine: fontconfig sees no font at all, the PDF still carries its Chinese."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(_NO_FONTS.format(cache=tmp_path / "fc-cache"), encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "NO_COLOR": "1"}
    run_dir = demo.ws.path("runs") / demo.outcome.run_id
    out = tmp_path / "report"
    cmd = [sys.executable, "-m", "beian", "report", "render", str(run_dir), "--out", str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False, timeout=600)
    assert done.returncode == 0, done.stderr
    pdf = out / "report.pdf"
    assert "warning" not in done.stderr, done.stderr
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages[:3])
    for word in ("生成式人工智能服务安全评估报告", "评估概况", "不符合", "关键词库规模"):
        assert word in text, word
    fonts = _run(need_tool("pdffonts"), str(pdf)).splitlines()[2:]
    # Only the bundled Noto Sans SC (regular, maybe a synthetic bold), embedded and subset.
    assert fonts and all("BeianCJK" in line for line in fonts), fonts
    assert all(line.split()[-5:-3] == ["yes", "yes"] for line in fonts), fonts
