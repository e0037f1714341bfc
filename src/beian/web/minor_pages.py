"""The console's minors-mode page (operators)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from beian.errors import InputError
from beian.web import minors
from beian.web.app import checked_post, redirect, render, web_of
from beian.web.optout_pages import operator
from beian.web.reviews import Forbidden, WebError


async def minors_page(request: Request) -> Response:
    sess = operator(request)
    rows = minors.all_settings(web_of(request).store)
    return render(request, "minors.html", sess=sess, rows=rows)


async def minors_set(request: Request) -> Response:
    sess, form = await checked_post(request)
    if not sess.user.has("operator"):
        raise Forbidden("forbidden")
    try:
        minors.save(web_of(request).store, minors.parse(form), sess.user.name)
    except InputError:
        raise WebError("bad_input") from None
    return redirect("/console/minors")


def routes() -> list[Route]:
    return [
        Route("/console/minors", minors_page, methods=["GET"]),
        Route("/console/minors", minors_set, methods=["POST"]),
    ]
