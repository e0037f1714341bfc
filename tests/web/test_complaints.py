"""The complaints console over HTTP: a complaint received by the gateway's intake goes to
handling and is answered (or closed) by an operator, against its published deadline."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select, update

from beian.gateway.audit import AuditLog
from beian.gateway.config import AuditConfig
from beian.gateway.verify import verify
from beian.store.gateway_models import AuditEventRow, ComplaintRow
from beian.web.auth import add_user
from tests.web.conftest import PASSWORD, Bench


def _intake(bench: Bench) -> tuple[str, str]:
    """Two complaints through the gateway's own register; the second is 20 days old."""
    log = AuditLog(bench.store, AuditConfig())
    fresh = log.add_complaint(content="回答里有我的手机号", contact="u1@example.com",
                              category="privacy", request_id=None, user_id="u1",
                              handling_days=15)  # fmt: skip
    old = log.add_complaint(content="回答歧视外地人", contact="", category="discrimination",
                            request_id=None, user_id="u2", handling_days=15)  # fmt: skip
    with bench.store.session() as s:
        s.execute(
            update(ComplaintRow)
            .where(ComplaintRow.id == old.id)
            .values(
                created_at=old.created_at - timedelta(days=20),
                due_at=old.due_at - timedelta(days=20),
            )  # fmt: skip
        )
    return fresh.id, old.id


def test_complaint_from_intake_to_answered(bench: Bench) -> None:
    fresh, old = _intake(bench)
    add_user(bench.store, "olga", ["operator"], PASSWORD)
    alice, olga = bench.login("alice"), bench.login("olga")
    assert alice.http.get("/complaints").status_code == 403
    listing = olga.http.get("/complaints").text
    assert listing.index(old) < listing.index(fresh)  # the overdue one first
    assert listing.count("已逾期") == 1
    step = f"/complaints/{fresh}/step"
    assert olga.post(step, to="answered", text="已删除").status_code == 409  # not yet handling
    assert olga.http.post(step, data={"to": "handling"}).status_code == 403  # no CSRF token
    assert olga.post(step, to="handling").status_code == 303
    assert alice.post(step, to="answered", text="x").status_code == 403  # not an operator
    assert olga.post(step, to="answered", text="  ").status_code == 400  # a reply is required
    reply = "您好，涉及的个人信息已删除，并已调整过滤规则。"
    assert olga.post(step, to="answered", text=reply).status_code == 303
    page = olga.http.get(f"/complaints/{fresh}").text
    assert reply in page and "已答复" in page and "olga" in page
    # what the complainant's ticket (GET /v1/complaints/{ticket}) reads
    row = AuditLog(bench.store, AuditConfig()).complaint(fresh)
    assert row is not None and (row.status, row.resolution) == ("answered", reply)
    assert olga.post(f"/complaints/{old}/step", to="closed", text="重复投诉").status_code == 303
    with bench.store.session() as s:
        links = [
            json.loads(p)
            for p in s.scalars(
                select(AuditEventRow.payload).where(AuditEventRow.kind == "web.complaint")
            )
        ]
    assert [(x["ticket"], x["to"], x["overdue"]) for x in links] == [
        (fresh, "handling", False), (fresh, "answered", False), (old, "closed", True),
    ]  # fmt: skip
    assert verify(bench.store).ok
    assert "已逾期" not in olga.http.get("/complaints").text  # closed: no longer overdue
