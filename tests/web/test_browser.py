"""The workbench as people use it: Debian's chromium, driven by Playwright, keyboard only.

Two reviewers review a six-item sample by keyboard (with a risk tag, a note, a skip and an
undo), disagree on two items, an adjudicator rules on both, and the admin's dashboard shows
the qualified rate and Cohen's kappa. Labels, focus order, contrast and the page language are
checked on the review page; screenshots go to tests/web/screenshots/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.report.render.conftest import need_tool
from tests.report.render.test_browser import ARGS, CHROMIUM, _playwright
from tests.web.conftest import PASSWORD, Bench

SHOTS = Path(__file__).parent / "screenshots"

UNLABELLED = """() => [...document.querySelectorAll('input:not([type=hidden]), textarea, select')]
  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
  .map(e => e.id || e.name)"""
FOCUSED = """() => { const e = document.activeElement;
  return e ? (e.id || (e.dataset && e.dataset.key ? 'key-' + e.dataset.key : e.tagName)) : ''; }"""
CONTRAST = """(sel) => { const e = document.querySelector(sel); const s = getComputedStyle(e);
  const rgb = c => c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
  const lum = c => { const [r, g, b] = rgb(c).map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  let bg = s.backgroundColor, p = e;
  while (bg === 'rgba(0, 0, 0, 0)' && p.parentElement) { p = p.parentElement; bg = getComputedStyle(p).backgroundColor; }
  if (bg === 'rgba(0, 0, 0, 0)') bg = 'rgb(255, 255, 255)';
  const [a, b] = [lum(s.color), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05); }"""


def _sign_in(page: Any, url: str, name: str) -> None:
    page.goto(url + "/login")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _key(page: Any, key: str) -> None:
    """Press a verdict/skip/undo key and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def _tag(page: Any, risk: str, note: str) -> None:
    """r → type in the risk search, Enter leaves it; n → note, Esc leaves it."""
    page.keyboard.press("r")
    page.keyboard.type(risk)
    page.keyboard.press("Enter")
    page.keyboard.press("n")
    page.keyboard.type(note)
    page.keyboard.press("Escape")


def _review_all(page: Any, verdicts: str, shot: str | None = None) -> None:
    for v in verdicts:
        if v == "2":
            _tag(page, "A.1.g", "与事实不符")
            if shot:
                page.screenshot(path=str(SHOTS / shot))
                shot = None
        _key(page, v)


def _check_accessibility(page: Any) -> None:
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert page.evaluate(UNLABELLED) == []
    order = []
    page.locator("body").focus()
    for _ in range(14):
        page.keyboard.press("Tab")
        order.append(page.evaluate(FOCUSED))
    wanted = ["risk", "note", "key-1", "key-2", "key-s", "key-u"]
    assert [f for f in order if f in wanted] == wanted, order
    page.keyboard.press("Escape")
    page.locator("body").focus()
    for sel in ("body", "button.ok", "button.bad", ".keys", "label[for=risk]"):
        assert page.evaluate(CONTRAST, sel) >= 4.5, sel


@pytest.mark.slow
def test_two_reviewers_disagree_and_an_adjudicator_resolves(bench: Bench) -> None:
    need_tool(CHROMIUM)
    sync_api: Any = _playwright()
    SHOTS.mkdir(exist_ok=True)
    q, errors = bench.queue_id, []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for name in ("alice", "bob", "dave", "root"):
                ctx = browser.new_context(viewport={"width": 1000, "height": 760})
                page = ctx.new_page()
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e: errors.append(str(e)))
                _sign_in(page, bench.url, name)
                if name == "alice":
                    page.goto(f"{bench.url}/q/{q}")
                    _check_accessibility(page)
                    _key(page, "1")
                    _key(page, "1")
                    third = page.input_value("input[name=item]")
                    _key(page, "s")
                    assert page.input_value("input[name=item]") != third
                    _key(page, "u")  # the skip is undone: item three is back
                    assert page.input_value("input[name=item]") == third
                    _review_all(page, "1121", shot="review.png")
                    assert "本队列没有待您审核的条目" in page.inner_text("main")
                    assert "6" in page.inner_text("#progress")
                elif name == "bob":
                    page.goto(f"{bench.url}/q/{q}")
                    _review_all(page, "111222")
                elif name == "dave":
                    page.goto(f"{bench.url}/q/{q}/adjudicate")
                    assert "2" in page.inner_text("#progress")
                    assert "alice" in page.inner_text("table.reviews")
                    page.screenshot(path=str(SHOTS / "adjudicate.png"))
                    _key(page, "1")
                    _key(page, "2")
                    assert "没有待您裁决的分歧" in page.inner_text("main")
                else:
                    page.goto(f"{bench.url}/q/{q}/dashboard")
                    rate = page.inner_text("#rate")
                    kappa = page.locator("#kappa td.kappa").first.inner_text()
                    pace = page.inner_text("#pace")
                    page.screenshot(path=str(SHOTS / "dashboard.png"), full_page=True)
                ctx.close()
        finally:
            browser.close()
    assert errors == []
    assert rate == "66.7% (4/6)"
    assert kappa == "0.333"
    assert "alice" in pace and "bob" in pace and "dave" in pace
    for shot in ("review.png", "adjudicate.png", "dashboard.png"):
        assert (SHOTS / shot).stat().st_size > 5_000


@pytest.mark.slow
def test_operator_answers_a_complaint_in_the_browser(bench: Bench) -> None:
    from beian.gateway.audit import AuditLog
    from beian.gateway.config import AuditConfig
    from beian.web.auth import add_user

    need_tool(CHROMIUM)
    sync_api: Any = _playwright()
    ticket = (
        AuditLog(bench.store, AuditConfig())
        .add_complaint(content="回答泄露了我的住址", contact="u9@example.com",
                       category="privacy", request_id=None, user_id="u9", handling_days=15)
        .id
    )  # fmt: skip
    add_user(bench.store, "olga", ["operator"], PASSWORD)
    errors: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            _sign_in(page, bench.url, "olga")
            with page.expect_navigation():
                page.click("text=投诉举报")
            with page.expect_navigation():
                page.click(f"text={ticket}")
            with page.expect_navigation():
                page.click("button[value=handling]")
            assert page.evaluate(UNLABELLED) == []
            page.fill("#text", "您好，相关内容已删除。")
            with page.expect_navigation():
                page.click("button[value=answered]")
            reply = page.inner_text("#reply")
            history = page.inner_text("#history")
            page.screenshot(path=str(SHOTS / "complaint.png"), full_page=True)
        finally:
            browser.close()
    assert errors == []
    assert reply == "您好，相关内容已删除。"
    assert "处理中" in history and "已答复" in history and "olga" in history
