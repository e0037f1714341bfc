"""The service console: its index page, and the routes of each of its registers."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from beian.errors import InputError
from beian.standard import Profile
from beian.web import incident_pages, minor_pages, monitor_pages, optout_pages, sanction_pages
from beian.web.app import checked_post, redirect, render, web_of
from beian.web.optout_pages import operator
from beian.web.queues import create_queue
from beian.web.reviews import Forbidden, WebError
from beian.web.traffic import record_traffic

SECTIONS = (
    ("/complaints", "complaints", ("IM15-1",)),
    ("/console/optouts", "optouts", ("OPT-1",)),
    ("/console/users", "sanctions", ()),
    ("/console/minors", "minors", ("MIN-1", "MIN-2")),
    ("/console/incidents", "incidents", ("EMG-1",)),
)
"""(path, title key, report clauses using its record) of each console page, in order."""


def _clauses(profile: Profile, ids: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(id, Chinese title, English title) of the clauses the profile has."""
    out = []
    for cid in ids:
        try:
            c = profile.clause(cid)
        except KeyError:
            continue
        out.append((c.id, c.title_zh, c.title_en))
    return out


async def index(request: Request) -> Response:
    sess = operator(request)
    profile = web_of(request).profile
    sections = [(path, key, _clauses(profile, ids)) for path, key, ids in SECTIONS]
    return render(request, "console.html", sess=sess, sections=sections)


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
        *incident_pages.routes(),
        *monitor_pages.routes(),
    ]
