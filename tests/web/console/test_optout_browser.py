"""The opt-out page as a user reaches it: from the service's own page, in Debian's chromium.

The service shows the link the gateway handed out with its last answer; the user follows it,
sees their state, opts out, and the gateway's next audit row records the new state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.report.render.conftest import need_tool
from tests.report.render.test_browser import ARGS, CHROMIUM, _playwright
from tests.web.conftest import Bench
from tests.web.console.conftest import Served, audit_row, chat
from tests.web.test_browser import CONTRAST, SHOTS, UNLABELLED

SERVICE_PAGE = """<!doctype html><html lang="zh-CN"><body><h1>示例对话服务</h1>
<nav><a href="{url}/optout/{token}" id="privacy">隐私设置 · 训练数据</a></nav></body></html>"""


@pytest.mark.slow
def test_user_opts_out_from_the_service_page_and_the_gateway_records_it(
    bench: Bench, gateway_on: Callable[..., Served]
) -> None:
    need_tool(CHROMIUM)
    sync_api: Any = _playwright()
    gw = gateway_on()
    before, token = chat(gw, "acme/zhang")
    clicks, errors = 0, []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 900, "height": 700})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.set_content(SERVICE_PAGE.format(url=bench.url, token=token))
            with page.expect_navigation():
                page.click("#privacy")
            clicks += 1
            shown_before = page.inner_text("#state")
            assert page.evaluate(UNLABELLED) == []
            assert page.get_attribute("html", "lang") == "zh-CN"
            assert page.evaluate(CONTRAST, "#toggle") >= 4.5
            with page.expect_navigation():
                page.click("#toggle")
            clicks += 1
            shown_after = page.inner_text("#state")
            page.screenshot(path=str(SHOTS / "optout.png"), full_page=True)
        finally:
            browser.close()
    after, _ = chat(gw, "acme/zhang")
    assert errors == []
    assert clicks <= 4  # §7 c: reachable easily from the service's page
    assert "未退出" in shown_before and "已退出" in shown_after
    assert audit_row(bench.store, before).data["training_opt_out"] is False
    assert audit_row(bench.store, after).data["training_opt_out"] is True
    assert (SHOTS / "optout.png").stat().st_size > 5_000
