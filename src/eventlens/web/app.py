"""The web application: the REST API and the dashboard, from one FastAPI app.

Build one with :func:`create_app` from an open :class:`~eventlens.store.Store`
and :class:`WebSettings`; ``eventlens serve`` runs it with uvicorn.  The app
only reads: every route is a GET (anything else is 405), every statement is
built by the store's query layer or :mod:`eventlens.web.queries` with bound
parameters.  Every response carries a Content-Security-Policy that lets only
the app's own scripts run, so text from articles (untrusted) can never run
as script even if a bug put it into the page as markup; the dashboard itself
writes text only through ``textContent``.

The parts: :mod:`~eventlens.web.routes` (the ``/api`` routes, in groups),
:mod:`~eventlens.web.downloads` (exports and the brief as files),
:mod:`~eventlens.web.middleware` (security headers, Host check, query limits),
:mod:`~eventlens.web.settings` (:class:`WebSettings` and the CSP); this module
puts them together with the dashboard's static files.
"""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from eventlens import __version__
from eventlens.errors import UsageError
from eventlens.formats import GEONAMES_ATTRIBUTION
from eventlens.store import Store
from eventlens.web.middleware import HostCheck, QueryLimits, SecurityHeaders
from eventlens.web.queries import Queries
from eventlens.web.routes import api_router
from eventlens.web.settings import WebSettings, content_security_policy

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"


# ------------------------------------------------------------------- the app


def _docs_page() -> str:
    return """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>eventlens API</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">
</head><body><div id="swagger-ui"></div>
<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/docs.js"></script>
</body></html>
"""


def create_app(store: Store, settings: WebSettings | None = None) -> FastAPI:
    """The app over ``store`` (which the caller opens and closes)."""
    settings = settings or WebSettings()
    queries = Queries.on(store.engine)
    app = FastAPI(
        title="eventlens",
        version=__version__,
        description="Political-violence events coded from news articles: events, stories "
        "(the same real-world event reported by several articles), counts and exports. "
        "Read-only. " + GEONAMES_ATTRIBUTION,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.include_router(api_router(store, queries, settings))

    @app.exception_handler(UsageError)
    async def usage_error(_request: Request, exc: UsageError) -> JSONResponse:
        return JSONResponse(
            status_code=422,
            content={"detail": [{"type": "value_error", "loc": ["query"], "msg": str(exc)}]},
        )

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(_docs_page())

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    def dashboard() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(QueryLimits)
    app.add_middleware(SecurityHeaders, csp=content_security_policy(settings))
    if settings.allowed_hosts is not None:
        app.add_middleware(
            HostCheck, allowed=settings.allowed_hosts, any_ip=settings.allow_ip_hosts
        )
    return app


__all__ = ["WebSettings", "create_app"]
