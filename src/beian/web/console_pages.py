"""The service console: its index page, and the routes of each of its registers."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from beian.web import optout_pages
from beian.web.app import render
from beian.web.optout_pages import operator

SECTIONS = (("/console/optouts", "optouts"),)
"""(path, title key) of each console page, in the order the index lists them."""


async def index(request: Request) -> Response:
    sess = operator(request)
    return render(request, "console.html", sess=sess, sections=SECTIONS)


def routes() -> list[Route]:
    return [Route("/console", index, methods=["GET"]), *optout_pages.routes()]
