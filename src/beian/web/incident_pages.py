"""The console's incident register page (operators)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from beian.errors import InputError
from beian.web import incidents
from beian.web.app import checked_post, redirect, render, web_of
from beian.web.optout_pages import operator
from beian.web.reviews import Forbidden, WebError


async def register_page(request: Request) -> Response:
    sess = operator(request)
    web = web_of(request)
    return render(
        request, "incidents.html", sess=sess, rows=incidents.incidents(web.store),
        levels=incidents.LEVELS, settings=web.settings,
    )  # fmt: skip


async def _post(request: Request) -> tuple[str, dict[str, str]]:
    sess, form = await checked_post(request)
    if not sess.user.has("operator"):
        raise Forbidden("forbidden")
    return sess.user.name, form


async def open_one(request: Request) -> Response:
    who, form = await _post(request)
    try:
        incidents.open_incident(
            web_of(request).store, form.get("title", ""), form.get("level", ""), who
        )
    except InputError:
        raise WebError("bad_input") from None
    return redirect("/console/incidents")


async def scan(request: Request) -> Response:
    who, _ = await _post(request)
    web = web_of(request)
    incidents.open_bursts(web.store, web.settings.burst_blocked, web.settings.burst_minutes, who)
    return redirect("/console/incidents")


async def handle(request: Request) -> Response:
    who, form = await _post(request)
    try:
        incident = int(request.path_params["incident"])
        incidents.handle(
            web_of(request).store, incident, form.get("level", ""),
            form.get("reported_to", ""), form.get("notes", ""), who,
        )  # fmt: skip
    except (InputError, ValueError):
        raise WebError("bad_input") from None
    return redirect("/console/incidents")


async def export(request: Request) -> Response:
    operator(request)
    body = incidents.register_csv(web_of(request).store)
    headers = {"Content-Disposition": 'attachment; filename="incidents.csv"'}
    return Response(body, media_type="text/csv; charset=utf-8", headers=headers)


def routes() -> list[Route]:
    return [
        Route("/console/incidents", register_page, methods=["GET"]),
        Route("/console/incidents", open_one, methods=["POST"]),
        Route("/console/incidents/scan", scan, methods=["POST"]),
        Route("/console/incidents/{incident}/handle", handle, methods=["POST"]),
        Route("/console/incidents.csv", export, methods=["GET"]),
    ]
