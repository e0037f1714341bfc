"""The workbench over real HTTP: sign-in, CSRF, §5.3 role separation, review, adjudication,
audit links and publishing into the store that ``beian assess`` reads."""

from __future__ import annotations

import json

from sqlalchemy import select

from beian.assess.sections.corpus import _manual_clause
from beian.gateway.verify import verify
from beian.report.render import figures as fig
from beian.scan.record import VERDICTS_KIND
from beian.store.gateway_models import AuditEventRow
from beian.store.models import ItemRow, VerdictRow
from beian.store.web_models import WebReviewRow, WebSessionRow
from tests.web.conftest import Bench, csrf_of


def _kinds(bench: Bench) -> list[str]:
    with bench.store.session() as s:
        return list(s.scalars(select(AuditEventRow.kind).order_by(AuditEventRow.seq)))


def _reviews(bench: Bench) -> int:
    with bench.store.session() as s:
        return len(list(s.scalars(select(WebReviewRow))))


def test_sign_in_wrong_password_refused_and_audited(bench: Bench) -> None:
    c = bench.client()
    page = c.get("/login")
    assert page.status_code == 200 and "登录" in page.text
    r = c.post("/login", data={"csrf": csrf_of(page.text), "name": "alice", "password": "nope"})
    assert r.status_code == 401 and "用户名或密码错误" in r.text
    assert c.get("/").status_code == 303  # still signed out
    alice = bench.login("alice")
    token = alice.http.cookies["beian_session"]
    with bench.store.session() as s:
        stored = list(s.scalars(select(WebSessionRow.token_sha256)))
    assert token not in stored and len(stored) == 1  # only the token's digest is kept
    assert _kinds(bench)[-2:] == ["web.login_fail", "web.login"]


def test_login_needs_its_csrf_cookie(bench: Bench) -> None:
    c = bench.client()
    token = csrf_of(c.get("/login").text)
    c.cookies.clear()
    r = c.post("/login", data={"csrf": token, "name": "alice", "password": "correct horse 1"})
    assert r.status_code == 403


def test_post_without_or_with_wrong_csrf_is_refused(bench: Bench) -> None:
    alice = bench.login("alice")
    item = alice.current_item(bench.queue_id)
    assert item is not None
    url = f"/q/{bench.queue_id}/verdict"
    form = {"item": str(item), "verdict": "qualified"}
    assert alice.http.post(url, data=form).status_code == 403
    bad = alice.http.post(url, data={**form, "csrf": "x" * 43})
    assert bad.status_code == 403 and "表单已过期" in bad.text
    assert _reviews(bench) == 0
    assert alice.post(url, **form).status_code == 303
    assert _reviews(bench) == 1


def test_session_ends_at_logout(bench: Bench) -> None:
    alice = bench.login("alice")
    token = alice.http.cookies["beian_session"]
    assert alice.post("/logout").status_code == 303
    stale = bench.client()
    stale.cookies.set("beian_session", token)
    assert stale.get("/").headers["location"] == "/login"


def test_reviewer_cannot_review_the_same_item_twice(bench: Bench) -> None:
    alice = bench.login("alice")
    item = alice.review(bench.queue_id, "qualified")
    r = alice.post(f"/q/{bench.queue_id}/verdict", item=str(item), verdict="unqualified")
    assert r.status_code == 403 and "§5.3" in r.text


def test_reviewer_of_an_item_cannot_adjudicate_it(bench: Bench) -> None:
    q = bench.queue_id
    carol, bob, dave = bench.login("carol"), bench.login("bob"), bench.login("dave")
    item = carol.review(q, "qualified")
    assert bob.review(q, "unqualified", risk="A.1.f") == item  # a dispute
    # carol holds the adjudicator role, but she reviewed this item: the server refuses
    assert str(item) not in carol.http.get(f"/q/{q}/adjudicate").text.split('name="item"')[-1][:20]
    r = carol.post(f"/q/{q}/adjudicate", item=str(item), verdict="qualified")
    assert r.status_code == 403 and "§5.3" in r.text
    r = bob.post(f"/q/{q}/adjudicate", item=str(item), verdict="qualified")
    assert r.status_code == 403  # bob is no adjudicator at all
    page = dave.http.get(f"/q/{q}/adjudicate").text
    assert f'name="item" value="{item}"' in page and "A.1.f" in page  # reviews shown to him
    assert dave.post(f"/q/{q}/adjudicate", item=str(item), verdict="unqualified",
                     risk="A.1.f").status_code == 303  # fmt: skip
    again = dave.post(f"/q/{q}/adjudicate", item=str(item), verdict="qualified")
    assert again.status_code == 409  # already ruled on


def test_only_admin_creates_queues(bench: Bench) -> None:
    alice, root = bench.login("alice"), bench.login("root")
    assert alice.http.get("/admin").status_code == 403
    form = {"run": bench.run_id, "reviewers": "1", "blind": "on"}
    assert alice.post("/admin/queues", **form).status_code == 403
    assert root.post("/admin/queues", **form).status_code == 303
    assert "#2" in root.http.get("/").text


def test_skip_and_undo(bench: Bench) -> None:
    q = bench.queue_id
    alice = bench.login("alice")
    first = alice.current_item(q)
    assert alice.post(f"/q/{q}/skip", item=str(first)).status_code == 303
    second = alice.review(q, "unqualified", risk="A.2.a", note="歧视")
    assert second != first
    r = alice.post(f"/q/{q}/undo")
    assert r.status_code == 303 and r.headers["location"] == f"/q/{q}?item={second}"
    assert _reviews(bench) == 1  # the skip remains, the verdict went
    assert alice.post(f"/q/{q}/revisit").status_code == 303
    assert alice.current_item(q) == first
    assert "web.undo" in _kinds(bench) and "web.skip" in _kinds(bench)


def test_unknown_risk_is_refused(bench: Bench) -> None:
    alice = bench.login("alice")
    item = alice.current_item(bench.queue_id)
    r = alice.post(f"/q/{bench.queue_id}/verdict", item=str(item), verdict="unqualified",
                   risk="Z.9.z")  # fmt: skip
    assert r.status_code == 400


def _double_review(bench: Bench) -> None:
    """alice and bob review all six items, disagreeing on two; dave rules on both."""
    q = bench.queue_id
    alice, bob, dave = bench.login("alice"), bench.login("bob"), bench.login("dave")
    a = ["qualified"] * 4 + ["unqualified", "qualified"]
    b = ["qualified"] * 3 + ["unqualified", "unqualified", "unqualified"]
    for va, vb in zip(a, b, strict=True):
        alice.review(q, va, risk="A.1.g" if va == "unqualified" else "")
        bob.review(q, vb, risk="A.1.g" if vb == "unqualified" else "")
    assert alice.current_item(q) is None and "没有待您审核" in alice.http.get(f"/q/{q}").text
    for verdict in ("qualified", "unqualified"):
        page = dave.http.get(f"/q/{q}/adjudicate").text
        item = int(page.split('name="item" value="')[1].split('"')[0])
        r = dave.post(f"/q/{q}/adjudicate", item=str(item), verdict=verdict, risk="A.1.g")
        assert r.status_code == 303


def test_dashboard_shows_rate_and_kappa(bench: Bench) -> None:
    _double_review(bench)
    page = bench.login("root").http.get(f"/q/{bench.queue_id}/dashboard").text
    # decided 6: 3 agreed qualified, 1 agreed unqualified, dave: 1 qualified, 1 unqualified
    assert "66.7% (4/6)" in page
    # alice vs bob: observed 4/6; p_a(q)=5/6, p_b(q)=3/6 → pe=0.5, kappa=(0.667-0.5)/0.5
    assert "alice · bob" in page and "0.333" in page


def test_publish_writes_where_the_import_writes(bench: Bench) -> None:
    _double_review(bench)
    root = bench.login("root")
    assert root.post(f"/q/{bench.queue_id}/publish").status_code == 303
    run = bench.store.latest_run(VERDICTS_KIND)
    assert run is not None
    s = run.summary
    assert (s["reviewed"], s["qualified"], s["sample_size"]) == (6, 4, 6)
    assert s["reviewers"] == ["alice", "bob", "dave"] and s["source"] == "beian web"
    assert s["agreement"][0]["pair"] == ["alice", "bob"]
    assert round(s["agreement"][0]["kappa"], 3) == 0.333
    figures = _manual_clause(run).figures  # what assess shows for 9.2 a: the agreement table
    assert figures["reviewer_names"] == "alice, bob, dave"
    assert fig.agreement(figures)[0] == fig.KappaRow("alice · bob", "", 6, 0.6667, 0.3333)
    with bench.store.session() as ses:
        rows = ses.execute(
            select(ItemRow.key, VerdictRow.verdict, VerdictRow.reviewer, VerdictRow.data)
            .join(VerdictRow, VerdictRow.item_id == ItemRow.id)
            .where(ItemRow.run_id == bench.run_id, VerdictRow.method == "manual")
        ).all()
    assert len(rows) == 6
    disputed = [r for r in rows if r[2] == "alice, bob, dave"]
    assert len(disputed) == 2 and {r[1] for r in disputed} == {"qualified", "unqualified"}
    assert all(r[3] == {"risk": "A.1.g"} for r in rows if r[1] == "unqualified")


def test_every_action_is_a_verified_audit_link(bench: Bench) -> None:
    _double_review(bench)
    report = verify(bench.store)
    assert report.ok, report
    kinds = _kinds(bench)
    assert kinds.count("web.verdict") == 12 and kinds.count("web.adjudicate") == 2
    with bench.store.session() as s:
        last = s.scalars(select(AuditEventRow).order_by(AuditEventRow.seq.desc())).first()
    assert last is not None and json.loads(last.payload)["who"] == "dave"


def test_english_on_request(bench: Bench) -> None:
    alice = bench.login("alice")
    r = alice.http.get(f"/lang?to=en&next=/q/{bench.queue_id}")
    assert r.status_code == 303 and r.headers["location"] == f"/q/{bench.queue_id}"
    page = alice.http.get(f"/q/{bench.queue_id}").text
    assert "Qualified" in page and 'lang="en"' in page
    assert alice.http.get("/lang?to=en&next=//evil.example").headers["location"] == "/"


def test_admin_requires_a_second_reviewer_later(bench: Bench) -> None:
    q = bench.queue_id
    root, alice, bob = bench.login("root"), bench.login("alice"), bench.login("bob")
    assert root.post(f"/q/{q}/settings", reviewers="1", blind="on").status_code == 303
    item = alice.review(q, "qualified")
    assert bob.current_item(q) != item  # decided by one reviewer: not offered to bob
    assert alice.post(f"/q/{q}/settings", reviewers="2").status_code == 403
    assert root.post(f"/q/{q}/settings", reviewers="2", blind="on").status_code == 303
    assert bob.current_item(q) == item  # back for a second review
    assert root.post(f"/q/{q}/settings", reviewers="3").status_code == 400
    assert "web.queue_set" in _kinds(bench)


def test_repeated_wrong_passwords_lock_the_name(bench: Bench) -> None:
    c = bench.client()
    token = csrf_of(c.get("/login").text)
    for _ in range(5):
        r = c.post("/login", data={"csrf": token, "name": "bob", "password": "guess"})
        assert r.status_code == 401
    right = {"csrf": token, "name": "bob", "password": "correct horse 1"}
    locked = c.post("/login", data=right)
    assert locked.status_code == 429 and "密码错误次数过多" in locked.text
    assert _kinds(bench)[-1] == "web.login_locked"
    bench.login("alice")  # other names are not affected
