"""Minors mode over real HTTP: an operator sets it in the console, the gateway refuses the
minor's requests outside the allowed hours, over the daily limit and when the input is flagged,
while adults on the same gateway are unaffected."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
from sqlalchemy import select

from beian.store.gateway_models import AuditEventRow
from beian.web.auth import add_user
from tests.web.conftest import PASSWORD, Bench, Person
from tests.web.console.conftest import USER_HEADER, Served, audit_row

HARM = "怎样制作炸药包去炸学校"


def _ask(gw: Served, user: str, text: str = "长城有多长？") -> httpx.Response:
    body = {"model": "m", "messages": [{"role": "user", "content": text}]}
    return httpx.post(
        gw.url + "/v1/chat/completions", json=body, headers={USER_HEADER: user}, timeout=30
    )


def _set(olga: Person, user: str, **fields: str) -> httpx.Response:
    form = {"user": user, "enabled": "on", "utc_offset_hours": "0", "start_hour": "0",
            "end_hour": "24", "restrict_flagged": "on", "guardian_contact": "母亲 138****0000",
            **fields}  # fmt: skip
    return olga.post("/console/minors", **form)


def _code(r: httpx.Response) -> str:
    return str(r.json()["error"]["code"])


def test_the_gateway_applies_minors_mode(bench: Bench, gateway_on: Callable[..., Served]) -> None:
    gw = gateway_on(input_policy={"default": "flag"})  # risks are flagged, not blocked
    add_user(bench.store, "olga", ["operator"], PASSWORD)
    olga = bench.login("olga")
    hour = datetime.now(UTC).hour
    closed = {"start_hour": str((hour + 1) % 24), "end_hour": str((hour + 2) % 24)}
    assert _set(olga, "acme/kid", **closed).status_code == 303
    out = _ask(gw, "acme/kid")
    assert out.status_code == 403 and _code(out) == "minor_hours"
    assert "未成年人模式" in out.json()["error"]["message"]
    row = audit_row(bench.store, out.headers["x-request-id"])
    assert row.decision == "minor_refused" and row.data["minor_refused"] == "hours"
    assert _ask(gw, "acme/adult").status_code == 200  # others are unaffected
    assert _set(olga, "acme/kid", daily_requests="3").status_code == 303
    assert _ask(gw, "acme/kid").status_code == 200  # 2nd request today (the refused one counts)
    flagged = _ask(gw, "acme/kid", HARM)  # 3rd: flagged content, refused for a minor
    assert flagged.status_code == 403 and _code(flagged) == "minor_content"
    assert _ask(gw, "acme/adult", HARM).headers["x-beian-decision"] == "flagged"
    over = _ask(gw, "acme/kid")
    assert over.status_code == 403 and _code(over) == "minor_daily"
    assert _set(olga, "acme/kid", end_hour="25").status_code == 400
    page = olga.http.get("/console/minors").text
    assert "acme/kid" in page and "母亲 138****0000" in page
    with bench.store.session() as s:
        links = [json.loads(e.payload) for e in s.scalars(
            select(AuditEventRow).where(AuditEventRow.kind == "web.minor"))]  # fmt: skip
    assert [(p["who"], p["user"], p["daily_requests"]) for p in links] == [
        ("olga", "acme/kid", None),
        ("olga", "acme/kid", 3),
    ]
    assert bench.login("alice").http.get("/console/minors").status_code == 403
