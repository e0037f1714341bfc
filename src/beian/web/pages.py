"""The pages and actions of ``beian web`` (each handler: check, act, redirect or render)."""

from __future__ import annotations

import secrets

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from beian.errors import BeianError
from beian.web import auth, queues, reviews
from beian.web.agreement import overview
from beian.web.app import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    checked_post,
    form_of,
    not_found,
    redirect,
    render,
    signed_in,
    web_of,
)
from beian.web.audit import action
from beian.web.judge_agreement import judge_agreement
from beian.web.publish import PUBLISHABLE, publish
from beian.web.reviews import Forbidden, WebError
from beian.web.states import item_states


async def login_page(request: Request) -> Response:
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html", login_csrf=token, failed=False)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict")
    return response


async def login(request: Request) -> Response:
    form = await form_of(request)
    # Double-submit token: a page elsewhere cannot sign a browser in as someone else.
    if not auth.same_token(request.cookies.get(LOGIN_CSRF_COOKIE, ""), form.get("csrf")):
        raise Forbidden("csrf")
    web = web_of(request)
    name = form.get("name", "")
    if web.throttle.blocked(name):
        with action(web.store, "web.login_locked", name):
            pass
        return render(request, "login.html", status=429, login_csrf=form["csrf"], failed="locked")
    token = await run_in_threadpool(
        auth.login, web.store, name, form.get("password", ""), web.settings.session_hours
    )
    if token is None:
        web.throttle.failed(name)
        return render(request, "login.html", status=401, login_csrf=form["csrf"], failed=True)
    web.throttle.succeeded(name)
    response = redirect("/")
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="strict",
        secure=web.settings.secure_cookies, max_age=int(web.settings.session_hours * 3600),
    )  # fmt: skip
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


async def logout(request: Request) -> Response:
    sess, _ = await checked_post(request)
    auth.logout(web_of(request).store, request.cookies.get(SESSION_COOKIE, ""), sess.user.name)
    response = redirect("/login")
    response.delete_cookie(SESSION_COOKIE)
    return response


async def home(request: Request) -> Response:
    sess = signed_in(request)
    if sess is None:
        return redirect("/login")
    return render(request, "home.html", sess=sess, queues=queues.list_queues(web_of(request).store))


def _queue(request: Request) -> queues.Queue:
    try:
        queue_id = int(request.path_params["queue"])
    except ValueError:
        raise WebError("not_found") from None
    queue = queues.get_queue(web_of(request).store, queue_id)
    if queue is None:
        raise WebError("not_found")
    return queue


def _int(form: dict[str, str], name: str) -> int:
    try:
        return int(form.get(name, ""))
    except ValueError:
        raise WebError("bad_input") from None


def _risk(request: Request, form: dict[str, str]) -> str:
    risk = form.get("risk", "").strip().split(" ", 1)[0]
    if risk and risk not in {r.id for r in web_of(request).profile.risks}:
        raise WebError("bad_input")
    return risk


async def review_page(request: Request) -> Response:
    sess = signed_in(request)
    if sess is None:
        return redirect("/login")
    if not sess.user.has("reviewer"):
        raise Forbidden("forbidden")
    queue, store = _queue(request), web_of(request).store
    wanted = request.query_params.get("item")
    item_id = int(wanted) if wanted and wanted.isdigit() else None
    item_id = item_id or queues.next_item(store, queue, sess.user.id)
    item = queues.item_view(store, queue, item_id) if item_id else None
    mine, skipped = queues.counts(store, queue.id, sess.user.id)
    return render(
        request, "review.html", sess=sess, queue=queue, item=item, mine=mine, skipped=skipped,
        risks=web_of(request).profile.risks, verdicts=queues.VERDICTS_OF[queue.kind],
    )  # fmt: skip


async def verdict(request: Request) -> Response:
    sess, form = await checked_post(request)
    queue = _queue(request)
    reviews.record(
        web_of(request).store, queue, sess.user, _int(form, "item"), form.get("verdict", ""),
        _risk(request, form), form.get("note", "").strip(),
    )  # fmt: skip
    return redirect(f"/q/{queue.id}")


async def skip(request: Request) -> Response:
    sess, form = await checked_post(request)
    queue = _queue(request)
    reviews.skip(web_of(request).store, queue, sess.user, _int(form, "item"))
    return redirect(f"/q/{queue.id}")


async def undo(request: Request) -> Response:
    sess, _ = await checked_post(request)
    queue = _queue(request)
    item_id = reviews.undo(web_of(request).store, queue, sess.user)
    target = "adjudicate" if sess.user.has("adjudicator") and "adj" in request.query_params else ""
    return redirect(f"/q/{queue.id}/{target}" if target else f"/q/{queue.id}?item={item_id}")


async def revisit(request: Request) -> Response:
    sess, _ = await checked_post(request)
    queue = _queue(request)
    reviews.revisit(web_of(request).store, queue, sess.user)
    return redirect(f"/q/{queue.id}")


async def adjudicate_page(request: Request) -> Response:
    sess = signed_in(request)
    if sess is None:
        return redirect("/login")
    if not sess.user.has("adjudicator"):
        raise Forbidden("forbidden")
    queue, store = _queue(request), web_of(request).store
    states = item_states(store, queue.id, queue.reviewers_required)
    mine = sess.user.name
    # §5.3: an adjudicator never sees, let alone rules on, an item they reviewed themselves
    todo = [s for s in states if s.status == "disputed" and mine not in {r.user for r in s.reviews}]
    state = todo[0] if todo else None
    item = queues.item_view(store, queue, state.item_id) if state else None
    return render(
        request, "adjudicate.html", sess=sess, queue=queue, item=item, state=state,
        left=len(todo), risks=web_of(request).profile.risks,
        verdicts=queues.VERDICTS_OF[queue.kind],
    )  # fmt: skip


async def adjudicate(request: Request) -> Response:
    sess, form = await checked_post(request)
    queue = _queue(request)
    reviews.record(
        web_of(request).store, queue, sess.user, _int(form, "item"), form.get("verdict", ""),
        _risk(request, form), form.get("note", "").strip(), role="adjudicator",
    )  # fmt: skip
    return redirect(f"/q/{queue.id}/adjudicate")


async def dashboard(request: Request) -> Response:
    sess = signed_in(request)
    if sess is None:
        return redirect("/login")
    web = web_of(request)
    queue = _queue(request)
    states = item_states(web.store, queue.id, queue.reviewers_required)
    positive = queues.VERDICTS_OF[queue.kind][0]
    ov = overview(
        states, min_items=web.settings.kappa_min_items, idle_cap=web.settings.idle_cap_seconds,
        positive=positive,
    )  # fmt: skip
    judge = judge_agreement(web.store, states) if queue.kind == "refusals" else None
    return render(
        request, "dashboard.html", sess=sess, queue=queue, ov=ov, positive=positive, judge=judge
    )


def _admin(request: Request) -> auth.SignedIn:
    sess = signed_in(request)
    if sess is None or not sess.user.has("admin"):
        raise Forbidden("forbidden")
    return sess


async def admin_page(request: Request) -> Response:
    sess = _admin(request)
    store = web_of(request).store
    return render(
        request, "admin.html", sess=sess, runs=queues.reviewable_runs(store),
        queues=queues.list_queues(store), users=auth.list_users(store),
    )  # fmt: skip


async def add_queue(request: Request) -> Response:
    sess, form = await checked_post(request)
    if not sess.user.has("admin"):
        raise Forbidden("forbidden")
    try:
        queues.create_queue(
            web_of(request).store, form.get("run", ""), _int(form, "reviewers"),
            form.get("blind") == "on", sess.user.name, form.get("kind", ""),
        )  # fmt: skip
    except BeianError:
        raise WebError("bad_input") from None
    return redirect("/admin")


async def publish_queue(request: Request) -> Response:
    sess, _ = await checked_post(request)
    if not sess.user.has("admin"):
        raise Forbidden("forbidden")
    web = web_of(request)
    queue = _queue(request)
    if queue.kind not in PUBLISHABLE:
        raise WebError("not_publishable")
    await run_in_threadpool(
        publish, web.store, queue, web.profile, sess.user.name, workspace=web.workspace,
        min_items=web.settings.kappa_min_items, idle_cap=web.settings.idle_cap_seconds,
    )  # fmt: skip
    return redirect(f"/q/{queue.id}/dashboard")


async def queue_settings(request: Request) -> Response:
    sess, form = await checked_post(request)
    if not sess.user.has("admin"):
        raise Forbidden("forbidden")
    queue = _queue(request)
    try:
        queues.configure(
            web_of(request).store, queue.id, _int(form, "reviewers"), form.get("blind") == "on",
            sess.user.name,
        )  # fmt: skip
    except BeianError:
        raise WebError("bad_input") from None
    return redirect(f"/q/{queue.id}/dashboard")


def routes() -> list[Route]:
    return [
        Route("/", home),
        Route("/login", login_page, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/q/{queue}", review_page, methods=["GET"]),
        Route("/q/{queue}/verdict", verdict, methods=["POST"]),
        Route("/q/{queue}/skip", skip, methods=["POST"]),
        Route("/q/{queue}/undo", undo, methods=["POST"]),
        Route("/q/{queue}/revisit", revisit, methods=["POST"]),
        Route("/q/{queue}/adjudicate", adjudicate_page, methods=["GET"]),
        Route("/q/{queue}/adjudicate", adjudicate, methods=["POST"]),
        Route("/q/{queue}/dashboard", dashboard, methods=["GET"]),
        Route("/q/{queue}/publish", publish_queue, methods=["POST"]),
        Route("/q/{queue}/settings", queue_settings, methods=["POST"]),
        Route("/admin", admin_page, methods=["GET"]),
        Route("/admin/queues", add_queue, methods=["POST"]),
        Route("/404", not_found),
    ]
