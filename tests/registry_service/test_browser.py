"""The registry as people use it, in Debian's chromium driven by Playwright: a provider uploads
the dossier a fresh ``beian assess`` wrote (the page computes the SHA-256 list), a reviewer
returns it with a reason, the provider fixes the workspace and uploads a new version, the
reviewer accepts it (a number is issued), the admin publishes a batch, and anyone finds the
entry on the public page, in English too, and in the JSON API; the provider's register then
picks up the number. Screenshots go to tests/registry_service/screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from beian.filing.dossier import collect
from tests.registry_service.conftest import COMPANY, MODEL, Registry, assessed, fix_and_reassess
from tests.registry_service.flow import provider_picks_up
from tests.report.render.conftest import need_tool
from tests.report.render.test_browser import ARGS, CHROMIUM, _playwright
from tests.web.conftest import PASSWORD

SHOTS = Path(__file__).parent / "screenshots"
REASON = "报告为草稿：请三位负责人签字，并在 beian.toml 中写明服务名称后重新评估"


def _sign_in(page: Any, url: str, name: str) -> None:
    page.goto(url + "/login")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


def _pick_files(page: Any, run: Path) -> None:
    """Choose the run's files; wait until the page has hashed every one of them."""
    files = [str(f.path) for f in collect([run])]
    page.set_input_files("#files", files)
    page.wait_for_function(
        "n => document.querySelector('#sha256').value.split('\\n').length === n", arg=len(files)
    )


def _click(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def _levels(page: Any, version: int) -> set[str]:
    found = page.eval_on_selector_all(
        f"#v{version} .checks li", "els => els.map(e => e.dataset.level + ':' + e.dataset.code)"
    )
    return set(found)


def _provider_submits(page: Any, url: str, run: Path) -> int:
    _sign_in(page, url, "xinghe")
    page.goto(url + "/dossiers/new")
    page.fill("#company", COMPANY)
    page.select_option("#filing_type", "model_filing")
    page.fill("#model_name", MODEL)
    page.fill("#number_name", "XingHeDuiHua")
    page.select_option("#province", "北京")
    _pick_files(page, run)
    page.screenshot(path=str(SHOTS / "upload.png"), full_page=True)
    _click(page, "#submit")
    assert {"error:draft", "error:name"} <= _levels(page, 1)
    page.screenshot(path=str(SHOTS / "checked.png"), full_page=True)
    return int(page.url.rsplit("/", 1)[1])


def _reviewer_returns(page: Any, url: str, dossier: int) -> None:
    _sign_in(page, url, "shen")
    page.goto(f"{url}/dossiers/{dossier}")
    page.fill("#reason", REASON)
    _click(page, "#send-back")
    assert page.inner_text("#status") == "已退回"
    assert REASON in page.inner_text("#history")


def _provider_resubmits(page: Any, url: str, dossier: int, run: Path) -> None:
    page.goto(f"{url}/dossiers/{dossier}")
    assert REASON in page.inner_text("#history")
    _pick_files(page, run)
    _click(page, "#submit")
    levels = _levels(page, 2)
    assert not any(x.startswith("error") for x in levels), levels
    assert "warning:pending" in levels


def _reviewer_accepts(page: Any, url: str, dossier: int) -> str:
    page.goto(f"{url}/dossiers/{dossier}")
    _click(page, "#accept")
    assert page.inner_text("#status") == "已备案"
    page.screenshot(path=str(SHOTS / "filed.png"), full_page=True)
    return str(page.inner_text("#number")).strip()


def _public_finds(page: Any, url: str, number: str) -> None:
    page.goto(url + "/list")
    page.fill("#q", "星河")
    _click(page, "button[type=submit]")
    assert number in page.inner_text("#entries")
    assert page.get_attribute("html", "lang") == "zh-CN"
    page.screenshot(path=str(SHOTS / "public-list.png"), full_page=True)
    _click(page, "a[hreflang=en]")
    assert page.get_attribute("html", "lang") == "en"
    assert "Filing number" in page.inner_text("#entries")


@pytest.mark.slow
def test_dossier_returned_fixed_filed_and_published(registry: Registry, tmp_path: Path) -> None:
    need_tool(CHROMIUM)
    sync_api: Any = _playwright()
    SHOTS.mkdir(exist_ok=True)
    ws, url, errors = tmp_path / "ws", registry.url, []
    first_run = assessed(ws)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            pages = {}
            for name in ("xinghe", "shen", "guan", "public"):
                ctx = browser.new_context(viewport={"width": 1100, "height": 800})
                pages[name] = ctx.new_page()
                pages[name].on("pageerror", lambda e: errors.append(str(e)))
            dossier = _provider_submits(pages["xinghe"], url, first_run)
            _reviewer_returns(pages["shen"], url, dossier)
            _provider_resubmits(pages["xinghe"], url, dossier, fix_and_reassess(ws))
            number = _reviewer_accepts(pages["shen"], url, dossier)
            _sign_in(pages["guan"], url, "guan")
            pages["guan"].goto(url + "/admin")
            assert number in pages["guan"].inner_text("#waiting")
            pages["guan"].fill("#label", "2026年12月")
            _click(pages["guan"], "#publish")
            _public_finds(pages["public"], url, number)
        finally:
            browser.close()
    assert errors == []
    api = httpx.get(f"{url}/api/list", params={"q": number}).json()
    assert [e["model_name"] for e in api["entries"]] == [MODEL]
    provider_picks_up(ws, url, number, tmp_path)
