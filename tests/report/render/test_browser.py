"""The HTML report as a person sees it: Debian's chromium through Playwright."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import Rendered, need_tool

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


def _playwright() -> object:
    try:
        from playwright import sync_api
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("the Python package playwright is not installed")
        pytest.skip("the Python package playwright is not installed")
    return sync_api


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_opens_in_chromium(rendered: dict[str, Rendered], lang: str, tmp_path: Path) -> None:
    need_tool(CHROMIUM)
    sync_api = _playwright()
    html = rendered[lang].paths["html"]
    errors: list[str] = []
    requests: list[str] = []
    with sync_api.sync_playwright() as p:  # type: ignore[attr-defined]
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1400})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(html.as_uri())
            h1 = page.inner_text("h1")
            h2 = page.locator("h2").all_inner_texts()
            charts = page.locator("svg.chart").count()
            rate_charts = page.locator("svg.rate-chart").count()
            bars = page.locator("svg.status-chart rect").count()
            badge = page.locator("#c-8\\.1\\.a .badge").inner_text()
            box = page.locator("svg.status-chart").bounding_box()
            page.screenshot(path=str(tmp_path / f"report-{lang}.png"), full_page=True)
        finally:
            browser.close()
    assert errors == []
    assert all(u.startswith(("file:", "data:")) for u in requests), requests
    if lang == "zh":
        assert "生成式人工智能服务安全评估报告" in h1
        assert h2 == [
            "一、评估概况",
            "二、逐条评估结论",
            "三、证据清单",
            "四、签字",
            "附：随附材料",
        ]
        assert badge == "不符合"
    else:
        assert "Safety Assessment Report" in h1
        assert h2[0] == "1. Overview" and h2[3] == "4. Signatures"
        assert badge == "Does not conform"
    # two rates are injected by the fixture; the demo's own model evaluation adds more
    assert charts >= 4 and rate_charts >= 2 and bars > 5
    assert box is not None and box["width"] > 300 and box["height"] > 100
    assert (tmp_path / f"report-{lang}.png").stat().st_size > 10_000
