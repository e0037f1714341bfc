"""The pages: public list and batches, providers' applications, reviewers' desk, list admin."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from beian.filing.kinds import FILING_TYPES
from beian.filing.numbers import CENTRAL_SOE, PROVINCES
from beian.registry_service import publish, views, workflow
from beian.registry_service.app import settings_of
from beian.registry_service.formdata import FormData
from beian.registry_service.uploads import application_of, read_form, uploads_of
from beian.web import auth
from beian.web import pages as web_pages
from beian.web.app import checked_post, redirect, render, signed_in, web_of
from beian.web.reviews import Forbidden, WebError

PROVINCE_CHOICES = [zh for _p, zh, _c in PROVINCES] + [CENTRAL_SOE[1]]


def _who(request: Request) -> auth.SignedIn:
    sess = signed_in(request)
    if sess is None:
        raise Forbidden("forbidden")
    return sess


def _id(request: Request) -> int:
    try:
        return int(request.path_params["id"])
    except ValueError:
        raise WebError("not_found") from None


def _batch(request: Request) -> int | None:
    value = request.query_params.get("batch", "")
    return int(value) if value.isdigit() else None


async def home(request: Request) -> Response:
    return redirect("/dossiers" if signed_in(request) else "/list")


async def public_list(request: Request) -> Response:
    store, q, batch = web_of(request).store, request.query_params.get("q", ""), _batch(request)
    found = publish.entries(store, q, batch)
    return render(request, "list.html", entries=found, q=q, batch=batch,
                  batches=publish.batches(store), qs=f"q={quote(q)}&batch={batch or ''}")  # fmt: skip


async def list_json(request: Request) -> Response:
    found = publish.entries(web_of(request).store, request.query_params.get("q", ""),
                            _batch(request))  # fmt: skip
    return JSONResponse({"count": len(found), "entries": publish.as_json(found)})


async def list_csv(request: Request) -> Response:
    found = publish.entries(web_of(request).store, request.query_params.get("q", ""),
                            _batch(request))  # fmt: skip
    return Response(publish.as_csv(found), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=beian-list.csv"})  # fmt: skip


async def batches_page(request: Request) -> Response:
    return render(request, "batches.html", batches=publish.batches(web_of(request).store))


async def dossiers_page(request: Request) -> Response:
    sess = signed_in(request)
    if sess is None:
        return redirect("/login")
    status = request.query_params.get("status", "")
    found = views.dossiers(web_of(request).store, sess.user, status)
    return render(request, "dossiers.html", sess=sess, dossiers=found, status_filter=status)


async def new_page(request: Request) -> Response:
    sess = _who(request)
    if not sess.user.has("provider"):
        raise Forbidden("forbidden")
    return render(request, "new.html", sess=sess, types=FILING_TYPES, provinces=PROVINCE_CHOICES)


async def _multipart(request: Request) -> tuple[auth.SignedIn, FormData]:
    form = await read_form(request, settings_of(request).max_upload_bytes)
    sess = _who(request)
    if not auth.same_token(sess.csrf, form.fields.get("csrf")):
        raise Forbidden("csrf")
    return sess, form


async def create(request: Request) -> Response:
    sess, form = await _multipart(request)
    dossier_id = workflow.submit(web_of(request).store, sess.user, application_of(form),
                                 uploads_of(form))  # fmt: skip
    return redirect(f"/dossiers/{dossier_id}")


async def new_version(request: Request) -> Response:
    sess, form = await _multipart(request)
    workflow.resubmit(web_of(request).store, sess.user, _id(request), uploads_of(form))
    return redirect(f"/dossiers/{_id(request)}")


async def dossier_page(request: Request) -> Response:
    sess = signed_in(request)
    if sess is None:
        return redirect("/login")
    found = views.dossier(web_of(request).store, sess.user, _id(request))
    return render(request, "dossier.html", sess=sess, d=found)


async def comment(request: Request) -> Response:
    sess, form = await checked_post(request)
    workflow.comment(web_of(request).store, sess.user, _id(request), form.get("text", ""))
    return redirect(f"/dossiers/{_id(request)}")


async def send_back(request: Request) -> Response:
    sess, form = await checked_post(request)
    workflow.send_back(web_of(request).store, sess.user, _id(request), form.get("reason", ""))
    return redirect(f"/dossiers/{_id(request)}")


async def accept(request: Request) -> Response:
    sess, _form = await checked_post(request)
    workflow.accept(web_of(request).store, sess.user, _id(request))
    return redirect(f"/dossiers/{_id(request)}")


async def download(request: Request) -> Response:
    sess = _who(request)
    name, data = views.file_content(web_of(request).store, sess.user, _id(request))
    return Response(data, media_type="application/octet-stream",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})  # fmt: skip


async def admin_page(request: Request) -> Response:
    sess = _who(request)
    if not sess.user.has("registry_admin"):
        raise Forbidden("forbidden")
    store = web_of(request).store
    waiting = [d for d in views.dossiers(store, sess.user, "filed")]
    listed = {e.number for e in publish.entries(store)}
    return render(request, "admin.html", sess=sess, batches=publish.batches(store),
                  waiting=[d for d in waiting if d.number not in listed])  # fmt: skip


async def publish_post(request: Request) -> Response:
    sess, form = await checked_post(request)
    publish.publish_batch(web_of(request).store, sess.user, form.get("label", ""))
    return redirect("/batches")


def routes() -> list[Route]:
    return [
        Route("/", home),
        Route("/login", web_pages.login_page, methods=["GET"]),
        Route("/login", web_pages.login, methods=["POST"]),
        Route("/logout", web_pages.logout, methods=["POST"]),
        Route("/list", public_list, methods=["GET"]),
        Route("/list.json", list_json, methods=["GET"]),
        Route("/list.csv", list_csv, methods=["GET"]),
        Route("/batches", batches_page, methods=["GET"]),
        Route("/dossiers", dossiers_page, methods=["GET"]),
        Route("/dossiers", create, methods=["POST"]),
        Route("/dossiers/new", new_page, methods=["GET"]),
        Route("/dossiers/{id}", dossier_page, methods=["GET"]),
        Route("/dossiers/{id}/versions", new_version, methods=["POST"]),
        Route("/dossiers/{id}/comment", comment, methods=["POST"]),
        Route("/dossiers/{id}/return", send_back, methods=["POST"]),
        Route("/dossiers/{id}/accept", accept, methods=["POST"]),
        Route("/files/{id}", download, methods=["GET"]),
        Route("/admin", admin_page, methods=["GET"]),
        Route("/admin/publish", publish_post, methods=["POST"]),
    ]
