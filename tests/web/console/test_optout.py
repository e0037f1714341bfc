"""The training opt-out register (§7 c) over real HTTP: the gateway hands out a signed link,
the user opts out on the public page, the gateway records the new state on each audit row,
operators see and export the register, and a tampered link changes nothing."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import httpx
from sqlalchemy import select

from beian.gateway.userprefs import link_secret, load_prefs, optout_token, token_user
from beian.store.console_models import OptOutRow
from beian.store.gateway_models import AuditEventRow
from beian.web.auth import add_user
from tests.web.conftest import PASSWORD, Bench, csrf_of
from tests.web.console.conftest import Served, audit_row, chat


def _page(bench: Bench, token: str) -> tuple[httpx.Client, httpx.Response]:
    c = bench.client()
    return c, c.get(f"/optout/{token}")


def _state(html: str) -> str:
    m = re.search(r'data-opted-out="(\w+)"', html)
    assert m, "no state on the page"
    return m.group(1)


def test_signed_token_round_trip_and_tampering(bench: Bench) -> None:
    key = link_secret(bench.store)
    assert link_secret(bench.store) == key  # created once, then shared
    token = optout_token(key, "acme/u-7")
    assert token_user(key, token) == "acme/u-7"
    uid, sig = token.split(".")
    assert token_user(key, f"{uid}.{'0' * len(sig)}") is None
    other = optout_token(key, "acme/u-8").split(".")[0]
    assert token_user(key, f"{other}.{sig}") is None  # another user's id with this signature
    assert token_user(b"another store", token) is None
    assert token_user(key, "!!!.x") is None


def test_user_opts_out_and_the_gateway_records_it(
    bench: Bench, gateway_on: Callable[..., Served]
) -> None:
    gw = gateway_on()
    first, token = chat(gw, "u-1")
    assert token and audit_row(bench.store, first).data["training_opt_out"] is False
    c, page = _page(bench, token)
    assert page.status_code == 200 and "u-1" in page.text and _state(page.text) == "no"
    assert "未退出" in page.text
    r = c.post(f"/optout/{token}", data={"csrf": csrf_of(page.text), "choice": "out"})
    assert r.status_code == 303
    page = c.get(r.headers["location"])
    assert _state(page.text) == "yes" and "已保存" in page.text and "用户本人" in page.text
    second, again = chat(gw, "u-1")
    assert again == token
    assert audit_row(bench.store, second).data["training_opt_out"] is True
    stream = gw.client("u-1").chat.completions.with_raw_response.create(
        model="m", messages=[{"role": "user", "content": "长城有多长？"}], stream=True
    )
    assert stream.headers["x-beian-optout-token"] == token
    streamed = stream.headers["x-request-id"]
    assert list(stream.parse())  # read to the end: the row is finished when the stream ends
    assert audit_row(bench.store, streamed).data["training_opt_out"] is True
    other, _ = chat(gw, "u-2")  # someone else is unaffected
    assert audit_row(bench.store, other).data["training_opt_out"] is False
    r = c.post(f"/optout/{token}", data={"csrf": csrf_of(page.text), "choice": "in"})
    third, _ = chat(gw, "u-1")  # the change back applies at once, too
    assert audit_row(bench.store, third).data["training_opt_out"] is False
    with bench.store.session() as s:
        links = [json.loads(e.payload) for e in s.scalars(
            select(AuditEventRow).where(AuditEventRow.kind == "web.optout"))]  # fmt: skip
    assert [(p["user"], p["opted_out"], p["method"]) for p in links] == [
        ("u-1", True, "page"),
        ("u-1", False, "page"),
    ]


def test_tampered_link_and_missing_csrf_change_nothing(bench: Bench) -> None:
    token = optout_token(link_secret(bench.store), "u-3")
    bad = token[:-1] + ("0" if token[-1] != "0" else "1")
    c, page = _page(bench, bad)
    assert page.status_code == 400 and "链接无效" in page.text
    c, page = _page(bench, token)
    assert c.post(f"/optout/{token}", data={"choice": "out"}).status_code == 403
    c.cookies.clear()
    r = c.post(f"/optout/{token}", data={"csrf": csrf_of(page.text), "choice": "out"})
    assert r.status_code == 403
    with bench.store.session() as s:
        assert list(s.scalars(select(OptOutRow))) == []


def test_english_page(bench: Bench) -> None:
    token = optout_token(link_secret(bench.store), "u-4")
    c = bench.client()
    c.cookies.set("lang", "en")
    page = c.get(f"/optout/{token}")
    assert 'lang="en"' in page.text and "Current state: not opted out" in page.text


def test_operator_records_a_request_and_exports_the_register(bench: Bench) -> None:
    add_user(bench.store, "olga", ["operator"], PASSWORD)
    olga = bench.login("olga")
    assert olga.http.get("/console").status_code == 200
    r = olga.post("/console/optouts", user="acme", choice="out")
    assert r.status_code == 303
    assert olga.post("/console/optouts", user="has space", choice="out").status_code == 400
    listing = olga.http.get("/console/optouts").text
    assert "acme" in listing and "运营人员" in listing and "/optout/" in listing
    lines = olga.http.get("/console/optouts.jsonl").text.splitlines()
    assert [json.loads(x)["user_id"] for x in lines] == ["acme"]
    assert json.loads(lines[0])["opted_out"] is True and json.loads(lines[0])["method"] == "console"
    # the key user's opt-out covers its end users unless they chose otherwise
    assert load_prefs(bench.store, "acme/e1").opted_out is True
    alice = bench.login("alice")  # a reviewer is not an operator
    assert alice.http.get("/console/optouts").status_code == 403
    assert alice.http.get("/console/optouts.jsonl").status_code == 403
