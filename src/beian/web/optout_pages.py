"""The public opt-out page (§7 c) and the operators' opt-out register.

A user is identified by a signed link, ``/optout/<token>``: the token is the gateway user id
with an HMAC under a secret kept in the store, so the gateway (which hands it out in the
``x-beian-optout-token`` header of every answer) and this page agree without sharing
accounts, and nobody can change another user's choice without their link.
"""

from __future__ import annotations

import secrets

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from beian.errors import InputError
from beian.gateway.userprefs import link_secret, optout_token, token_user
from beian.web import auth, optouts
from beian.web.app import checked_post, form_of, redirect, render, signed_in, web_of
from beian.web.reviews import Forbidden, WebError

OPTOUT_CSRF_COOKIE = "beian_optout_csrf"


def operator(request: Request) -> auth.SignedIn:
    sess = signed_in(request)
    if sess is None or not sess.user.has("operator"):
        raise Forbidden("forbidden")
    return sess


def _user_of(request: Request) -> str:
    user = token_user(link_secret(web_of(request).store), request.path_params["token"])
    if user is None:
        raise WebError("optout_bad_link")
    return user


async def public_page(request: Request) -> Response:
    user = _user_of(request)
    token = secrets.token_urlsafe(32)
    current = optouts.choice(web_of(request).store, user)
    response = render(
        request, "optout.html", subject=user, current=current, optout_csrf=token,
        saved=request.query_params.get("saved") == "1",
    )  # fmt: skip
    response.set_cookie(OPTOUT_CSRF_COOKIE, token, httponly=True, samesite="strict")
    return response


async def public_set(request: Request) -> Response:
    user = _user_of(request)
    form = await form_of(request)
    # Double-submit token: another site cannot post a choice even if it learnt the link.
    if not auth.same_token(request.cookies.get(OPTOUT_CSRF_COOKIE, ""), form.get("csrf")):
        raise Forbidden("csrf")
    if form.get("choice") not in ("out", "in"):
        raise WebError("bad_input")
    optouts.set_choice(web_of(request).store, user, form["choice"] == "out", "page", user)
    return redirect(f"/optout/{request.path_params['token']}?saved=1")


async def register_page(request: Request) -> Response:
    sess = operator(request)
    store = web_of(request).store
    key = link_secret(store)
    base = str(request.base_url).rstrip("/")
    rows = [(o, f"{base}/optout/{optout_token(key, o.user)}") for o in optouts.register(store)]
    return render(request, "optouts.html", sess=sess, rows=rows)


async def register_set(request: Request) -> Response:
    sess, form = await checked_post(request)
    if not sess.user.has("operator"):
        raise Forbidden("forbidden")
    try:
        optouts.set_choice(
            web_of(request).store, form.get("user", ""), form.get("choice") == "out", "console",
            sess.user.name,
        )  # fmt: skip
    except InputError:
        raise WebError("bad_input") from None
    return redirect("/console/optouts")


async def export(request: Request) -> Response:
    operator(request)
    lines = optouts.export_lines(web_of(request).store)
    headers = {"Content-Disposition": 'attachment; filename="training-optouts.jsonl"'}
    return StreamingResponse(lines, media_type="application/x-ndjson", headers=headers)


def routes() -> list[Route]:
    return [
        Route("/optout/{token}", public_page, methods=["GET"]),
        Route("/optout/{token}", public_set, methods=["POST"]),
        Route("/console/optouts", register_page, methods=["GET"]),
        Route("/console/optouts", register_set, methods=["POST"]),
        Route("/console/optouts.jsonl", export, methods=["GET"]),
    ]
