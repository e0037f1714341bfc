"""The service console: its index page, and the routes of each of its registers."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from beian.errors import InputError
from beian.web import minor_pages, optout_pages, sanction_pages
from beian.web.app import checked_post, redirect, render, web_of
from beian.web.optout_pages import operator
from beian.web.queues import create_queue
from beian.web.reviews import Forbidden, WebError
from beian.web.traffic import record_traffic

SECTIONS = (
    ("/console/optouts", "optouts"),
    ("/console/users", "sanctions"),
    ("/console/minors", "minors"),
)
"""(path, title key) of each console page, in the order the index lists them."""


async def index(request: Request) -> Response:
    sess = operator(request)
    return render(request, "console.html", sess=sess, sections=SECTIONS)


async def queue_traffic(request: Request) -> Response:
    """Admin: a review queue over the blocked and flagged gateway requests."""
    sess, form = await checked_post(request)
    if not sess.user.has("admin"):
        raise Forbidden("forbidden")
    web = web_of(request)
    try:
        run_id = record_traffic(web.store, web.profile)
        required = int(form.get("reviewers", "1")) if form.get("reviewers") in ("1", "2") else 1
        create_queue(web.store, run_id, required, True, sess.user.name)
    except InputError:
        raise WebError("no_traffic") from None
    return redirect("/admin")


def routes() -> list[Route]:
    return [
        Route("/console", index, methods=["GET"]),
        Route("/admin/traffic", queue_traffic, methods=["POST"]),
        *optout_pages.routes(),
        *sanction_pages.routes(),
        *minor_pages.routes(),
    ]
