"""The service console in Debian's chromium: an operator goes from the top bar to each
register, sets minors mode and opens an incident, and an admin keeps the monitoring roster,
with the keyboard and mouse as people do; every input is labelled, text contrast holds and
screenshots are saved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from beian.standard import Profile
from beian.web.auth import add_user
from tests.report.render.conftest import need_tool
from tests.report.render.test_browser import ARGS, CHROMIUM, _playwright
from tests.web.conftest import PASSWORD, Bench
from tests.web.console.conftest import obligations_profile
from tests.web.test_browser import CONTRAST, SHOTS, UNLABELLED, _sign_in


@pytest.fixture
def profile(tmp_path: Path) -> Profile:
    return obligations_profile(tmp_path)


PAGES = ("训练数据退出登记", "用户与处置", "未成年人模式", "安全事件台账（应急响应）")


def _keep_the_roster(browser: Any, url: str, errors: list[str]) -> list[str]:
    """An admin reaches the monitoring roster (7 g) from the top bar and adds two people."""
    page = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _sign_in(page, url, "root")
    with page.expect_navigation():
        page.click("header >> text=监看人员名册")
    for name, hours in (("张三", "早班 08:00–16:00"), ("李四", "晚班 16:00–24:00")):
        page.fill("#name", name)
        page.fill("#role", "内容安全监看")
        page.fill("#hours", hours)
        page.fill("#started_on", "2026-01-05")
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert "李四" in page.inner_text("#monitors")
    assert page.inner_text("#on-duty strong") == "2"
    assert page.evaluate(CONTRAST, "h1") >= 4.5
    page.screenshot(path=str(SHOTS / "monitors.png"), full_page=True)
    missing: list[str] = page.evaluate(UNLABELLED)
    return missing


@pytest.mark.slow
def test_operator_walks_the_console(bench: Bench) -> None:
    need_tool(CHROMIUM)
    sync_api: Any = _playwright()
    add_user(bench.store, "olga", ["operator"], PASSWORD)
    errors: list[str] = []
    unlabelled: dict[str, list[str]] = {}
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            _sign_in(page, bench.url, "olga")
            with page.expect_navigation():
                page.click("text=服务控制台")
            page.screenshot(path=str(SHOTS / "console.png"), full_page=True)
            assert "EMG-1" in page.inner_text("#sections")
            for title in PAGES:
                with page.expect_navigation():
                    page.click(f"#sections >> text={title}")
                unlabelled[title] = page.evaluate(UNLABELLED)
                assert page.evaluate(CONTRAST, "h1") >= 4.5
                if title == "未成年人模式":
                    page.fill("#user", "acme/kid")
                    page.fill("#daily_requests", "20")
                    page.fill("#guardian_contact", "父亲 139****1111")
                    with page.expect_navigation():
                        page.click("#minor-form button[type=submit]")
                    assert "acme/kid" in page.inner_text("#minors")
                    page.screenshot(path=str(SHOTS / "minors.png"), full_page=True)
                if title.startswith("安全事件台账"):
                    page.fill("#title", "发现批量诱导输出违法内容的请求")
                    page.select_option("#level", "III")
                    with page.expect_navigation():
                        page.keyboard.press("Enter")
                    assert "发现批量诱导" in page.inner_text("#incidents")
                    assert page.evaluate(UNLABELLED) == []
                    page.screenshot(path=str(SHOTS / "incidents.png"), full_page=True)
                with page.expect_navigation():
                    page.click("text=服务控制台")
            unlabelled["roster"] = _keep_the_roster(browser, bench.url, errors)
        finally:
            browser.close()
    assert errors == []
    assert unlabelled == {t: [] for t in (*PAGES, "roster")}
    for shot in ("console.png", "minors.png", "incidents.png", "monitors.png"):
        assert (SHOTS / shot).stat().st_size > 5_000
