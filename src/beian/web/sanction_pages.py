"""The console's users and sanctions page (operators): strikes, suspensions, lifting one."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from beian.errors import InputError
from beian.web import sanctions_view
from beian.web.app import checked_post, redirect, render, web_of
from beian.web.optout_pages import operator
from beian.web.reviews import Forbidden, WebError


async def users_page(request: Request) -> Response:
    sess = operator(request)
    rows = sanctions_view.user_records(web_of(request).store)
    return render(request, "sanctions.html", sess=sess, rows=rows)


async def lift(request: Request) -> Response:
    sess, form = await checked_post(request)
    if not sess.user.has("operator"):
        raise Forbidden("forbidden")
    try:
        sanctions_view.lift(
            web_of(request).store, form.get("user", ""), form.get("reason", ""), sess.user.name
        )
    except InputError:
        raise WebError("reason_needed") from None
    return redirect("/console/users")


def routes() -> list[Route]:
    return [
        Route("/console/users", users_page, methods=["GET"]),
        Route("/console/users/lift", lift, methods=["POST"]),
    ]
