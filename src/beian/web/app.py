"""The Starlette application: routing, templates, sessions, CSRF and refusals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from beian.standard import Profile
from beian.store import Store
from beian.web import auth
from beian.web.config import WebSettings
from beian.web.i18n import Lang, pick, text
from beian.web.reviews import Forbidden, WebError
from beian.web.throttle import Throttle

SESSION_COOKIE = "beian_session"
LOGIN_CSRF_COOKIE = "beian_login_csrf"
_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class Web:
    """What every handler needs: the store, the profile, the settings, the templates."""

    store: Store
    profile: Profile
    settings: WebSettings
    templates: Jinja2Templates
    throttle: Throttle
    workspace: str = ""
    texts: Callable[[str, Lang], str] = text
    """The words of the pages (another app built on these helpers brings its own)."""


def web_of(request: Request) -> Web:
    web: Web = request.app.state.web
    return web


def lang_of(request: Request) -> Lang:
    return pick(request.cookies.get("lang"))


def signed_in(request: Request) -> auth.SignedIn | None:
    return auth.session_of(web_of(request).store, request.cookies.get(SESSION_COOKIE))


def render(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    lang = lang_of(request)
    sess = context.pop("sess", None) or signed_in(request)
    words = web_of(request).texts
    context.update(
        lang=lang,
        t=lambda key: words(key, lang),
        user=sess.user if sess else None,
        csrf=sess.csrf if sess else "",
        path=request.url.path,
    )
    response = web_of(request).templates.TemplateResponse(
        request, name, context, status_code=status
    )
    response.headers.update(_HEADERS)
    return response


async def form_of(request: Request) -> dict[str, str]:
    """The url-encoded form of a POST (plain HTML forms only; size-limited)."""
    body = await request.body()
    if len(body) > web_of(request).settings.max_form_bytes:
        raise WebError("bad_input")
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


async def checked_post(request: Request) -> tuple[auth.SignedIn, dict[str, str]]:
    """A signed-in POST whose CSRF token matches its session; refused otherwise."""
    form = await form_of(request)
    sess = signed_in(request)
    if sess is None:
        raise Forbidden("forbidden")
    if not auth.same_token(sess.csrf, form.get("csrf")):
        raise Forbidden("csrf")
    return sess, form


def redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


def safe_next(value: str | None) -> str:
    """A local path to go back to (never another site)."""
    if value and value.startswith("/") and not value.startswith("//"):
        return value
    return "/"


async def _refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WebError)
    return render(request, "error.html", status=exc.status, message_key=exc.key)


async def switch_language(request: Request) -> Response:
    response = redirect(safe_next(request.query_params.get("next")))
    response.set_cookie("lang", pick(request.query_params.get("to")), samesite="lax")
    return response


def create_app(
    store: Store, profile: Profile, settings: WebSettings | None = None, *, workspace: str = ""
) -> Starlette:
    """The ``beian web`` application on ``store``."""
    from beian.web import complaint_pages, console_pages, pages

    package = resources.files("beian.web")
    templates = Jinja2Templates(directory=str(package / "templates"))
    settings = settings or WebSettings()
    throttle = Throttle(settings.login_max_failures, settings.login_window_seconds)
    web = Web(store, profile, settings, templates, throttle, workspace)
    routes = [
        *pages.routes(),
        *complaint_pages.routes(),
        *console_pages.routes(),
        Route("/lang", switch_language),
        Route("/favicon.ico", lambda _r: Response(status_code=204)),
        Mount("/static", StaticFiles(directory=str(package / "static")), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={WebError: _refused})
    app.state.web = web
    return app


def not_found(request: Request) -> Response:
    return render(request, "error.html", status=404, message_key="not_found")
