"""The JSON API: sign in for a bearer token, submit and resubmit dossiers, read them, read the
list. A bearer token is a session token sent in a header (no cookie), so no CSRF token is
needed; it is refused when the session ended or expired."""

from __future__ import annotations

import json
from dataclasses import asdict

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from beian.registry_service import publish, views, workflow
from beian.registry_service.app import settings_of
from beian.registry_service.pages import list_json
from beian.registry_service.uploads import application_of, read_form, uploads_of
from beian.web import auth
from beian.web.app import web_of
from beian.web.reviews import Forbidden, WebError


def _bearer(request: Request) -> auth.User:
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else ""
    sess = auth.session_of(web_of(request).store, token)
    if sess is None:
        raise Forbidden("forbidden")
    return sess.user


async def session(request: Request) -> Response:
    try:
        body = json.loads(await request.body())
        name, password = str(body["name"]), str(body["password"])
    except (ValueError, KeyError, TypeError):
        raise WebError("bad_input") from None
    web = web_of(request)
    if web.throttle.blocked(name):
        return JSONResponse({"error": "locked"}, status_code=429)
    token = await run_in_threadpool(auth.login, web.store, name, password,
                                    web.settings.session_hours)  # fmt: skip
    if token is None:
        web.throttle.failed(name)
        return JSONResponse({"error": "bad_login"}, status_code=401)
    web.throttle.succeeded(name)
    return JSONResponse({"token": token, "hours": web.settings.session_hours})


def _view(request: Request, user: auth.User, dossier_id: int, status: int = 200) -> Response:
    found = views.dossier(web_of(request).store, user, dossier_id)
    return JSONResponse(found.as_json(), status_code=status)


async def create(request: Request) -> Response:
    user = _bearer(request)
    form = await read_form(request, settings_of(request).max_upload_bytes)
    dossier_id = workflow.submit(web_of(request).store, user, application_of(form),
                                 uploads_of(form))  # fmt: skip
    return _view(request, user, dossier_id, status=201)


def _id(request: Request) -> int:
    try:
        return int(request.path_params["id"])
    except ValueError:
        raise WebError("not_found") from None


async def new_version(request: Request) -> Response:
    user = _bearer(request)
    form = await read_form(request, settings_of(request).max_upload_bytes)
    workflow.resubmit(web_of(request).store, user, _id(request), uploads_of(form))
    return _view(request, user, _id(request), status=201)


async def show(request: Request) -> Response:
    return _view(request, _bearer(request), _id(request))


async def listing(request: Request) -> Response:
    found = views.dossiers(web_of(request).store, _bearer(request),
                           request.query_params.get("status", ""))  # fmt: skip
    return JSONResponse([d.as_json() for d in found])


async def batches(request: Request) -> Response:
    return JSONResponse([asdict(b) for b in publish.batches(web_of(request).store)])


def routes() -> list[Route]:
    return [
        Route("/api/session", session, methods=["POST"]),
        Route("/api/dossiers", create, methods=["POST"]),
        Route("/api/dossiers", listing, methods=["GET"]),
        Route("/api/dossiers/{id}", show, methods=["GET"]),
        Route("/api/dossiers/{id}/versions", new_version, methods=["POST"]),
        Route("/api/list", list_json, methods=["GET"]),
        Route("/api/batches", batches, methods=["GET"]),
    ]
