"""The complaints console's pages (operators only)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from beian.web import complaints
from beian.web.app import checked_post, redirect, render, signed_in, web_of
from beian.web.auth import SignedIn
from beian.web.reviews import Forbidden, WebError


def _operator(request: Request) -> SignedIn:
    sess = signed_in(request)
    if sess is None or not sess.user.has("operator"):
        raise Forbidden("forbidden")
    return sess


async def listing(request: Request) -> Response:
    sess = _operator(request)
    rows = complaints.list_complaints(web_of(request).store)
    return render(request, "complaints.html", sess=sess, complaints=rows)


async def detail(request: Request) -> Response:
    sess = _operator(request)
    found = complaints.complaint(web_of(request).store, request.path_params["ticket"])
    if found is None:
        raise WebError("not_found")
    c, history = found
    return render(
        request, "complaint.html", sess=sess, c=c, history=history,
        steps=complaints.STEPS.get(c.status, ()),
    )  # fmt: skip


async def step(request: Request) -> Response:
    sess, form = await checked_post(request)
    ticket = request.path_params["ticket"]
    complaints.advance(
        web_of(request).store, sess.user, ticket, form.get("to", ""), form.get("text", "")
    )
    return redirect(f"/complaints/{ticket}")


def routes() -> list[Route]:
    return [
        Route("/complaints", listing, methods=["GET"]),
        Route("/complaints/{ticket}", detail, methods=["GET"]),
        Route("/complaints/{ticket}/step", step, methods=["POST"]),
    ]
