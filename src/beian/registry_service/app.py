"""The ``beian registry serve`` application, built on ``beian web``'s sessions, CSRF, sign-in
pages and templates (its own pages come first in the template search path)."""

from __future__ import annotations

from importlib import resources

import jinja2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from beian.errors import BeianError
from beian.registry_service.i18n import text
from beian.standard import Profile
from beian.store import Store
from beian.web import app as web_app
from beian.web.app import Web, render
from beian.web.config import WebSettings
from beian.web.reviews import WebError
from beian.web.throttle import Throttle


class RegistrySettings(WebSettings):
    """Server behaviour: the web settings plus the upload limit."""

    max_upload_bytes: int = 50 * 1024 * 1024


def _templates() -> Jinja2Templates:
    own = resources.files("beian.registry_service") / "templates"
    web = resources.files("beian.web") / "templates"
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(own)),
                                  jinja2.FileSystemLoader(str(web))])  # fmt: skip
    env = jinja2.Environment(loader=loader, autoescape=True)
    return Jinja2Templates(env=env)


async def _refused(request: Request, exc: Exception) -> Response:
    """A refusal as one readable line: JSON under /api/, the error page elsewhere."""
    if isinstance(exc, WebError):
        status, message = exc.status, text(exc.key, "zh") + " / " + text(exc.key, "en")
    else:
        status, message = 400, str(exc)
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status_code=status)
    key = exc.key if isinstance(exc, WebError) else message
    return render(request, "error.html", status=status, message_key=key)


def create_app(
    store: Store, profile: Profile, settings: RegistrySettings | None = None
) -> Starlette:
    """The registry service on ``store``."""
    from beian.registry_service import api, pages

    settings = settings or RegistrySettings()
    throttle = Throttle(settings.login_max_failures, settings.login_window_seconds)
    web = Web(store, profile, settings, _templates(), throttle, texts=text)
    static = resources.files("beian.registry_service") / "static"
    routes = [
        *pages.routes(),
        *api.routes(),
        Route("/lang", web_app.switch_language),
        Route("/favicon.ico", lambda _r: Response(status_code=204)),
        Mount("/static", StaticFiles(directory=str(resources.files("beian.web") / "static"))),
        Mount("/rstatic", StaticFiles(directory=str(static))),
    ]
    handlers = {WebError: _refused, BeianError: _refused}
    app = Starlette(routes=routes, exception_handlers=handlers)
    app.state.web = web
    return app


def settings_of(request: Request) -> RegistrySettings:
    found = web_app.web_of(request).settings
    assert isinstance(found, RegistrySettings)
    return found
