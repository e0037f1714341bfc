"""The console's monitoring-roster page (admins): add people, end their time on the roster."""

from __future__ import annotations

from datetime import date

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from beian.errors import InputError
from beian.evaluate.record import now_local
from beian.web import auth, monitors
from beian.web.app import checked_post, redirect, render, signed_in, web_of
from beian.web.reviews import Forbidden, WebError


def _admin(request: Request) -> auth.SignedIn:
    sess = signed_in(request)
    if sess is None or not sess.user.has("admin"):
        raise Forbidden("forbidden")
    return sess


async def roster_page(request: Request) -> Response:
    sess = _admin(request)
    rows = monitors.roster(web_of(request).store)
    today = now_local().date()  # roster dates are the operator's calendar days
    current = {r.id for r in monitors.on_duty(rows, today)}
    return render(request, "monitors.html", sess=sess, rows=rows, current=current, today=today)


async def _admin_post(request: Request) -> tuple[auth.SignedIn, dict[str, str]]:
    sess, form = await checked_post(request)
    if not sess.user.has("admin"):
        raise Forbidden("forbidden")
    return sess, form


async def roster_add(request: Request) -> Response:
    sess, form = await _admin_post(request)
    try:
        monitors.add(web_of(request).store, monitors.parse(form), sess.user.name)
    except InputError:
        raise WebError("bad_input") from None
    return redirect("/console/monitors")


async def roster_end(request: Request) -> Response:
    sess, form = await _admin_post(request)
    try:
        ended = date.fromisoformat(form.get("ended_on", ""))
        monitors.end(web_of(request).store, int(form.get("monitor", "")), ended, sess.user.name)
    except (ValueError, InputError):
        raise WebError("bad_input") from None
    return redirect("/console/monitors")


def routes() -> list[Route]:
    return [
        Route("/console/monitors", roster_page, methods=["GET"]),
        Route("/console/monitors", roster_add, methods=["POST"]),
        Route("/console/monitors/end", roster_end, methods=["POST"]),
    ]
