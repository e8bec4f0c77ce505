"""The web application: the REST API and the dashboard, from one FastAPI app.

Build one with :func:`create_app` from an open :class:`~eventlens.store.Store`
and :class:`WebSettings`; ``eventlens serve`` runs it with uvicorn.  The app
only reads: every route is a GET (anything else is 405), every statement is
built by the store's query layer or :mod:`eventlens.web.queries` with bound
parameters.  Every response carries a Content-Security-Policy that lets only
the app's own scripts run, so text from articles (untrusted) can never run
as script even if a bug put it into the page as markup; the dashboard itself
writes text only through ``textContent``.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import tempfile
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any, cast, get_args
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.background import BackgroundTask

from eventlens import __version__
from eventlens.credits import CREDITS
from eventlens.errors import UsageError
from eventlens.formats import GEONAMES_ATTRIBUTION
from eventlens.model import EVENT_TYPES, STATUSES
from eventlens.store import EventRecord, Store, StoryRecord
from eventlens.web.models import (
    ArticleDetail,
    ArticleOut,
    ArticleRef,
    CountsResult,
    ErrorOut,
    EventDetail,
    EventPage,
    MetaOut,
    PointsResult,
    StoryDetail,
    StoryPage,
    TotalsOut,
)
from eventlens.web.params import (
    BriefFormat,
    EventGroup,
    ExportFormat,
    Order,
    Split,
    StoryGroup,
    event_filter,
    invalid,
    story_filter,
)
from eventlens.web.queries import Queries, WebFilter, date_span, grouped_counts, points

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
MAX_PAGE = 1000
MAX_POINTS = 20_000

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True, slots=True, kw_only=True)
class WebSettings:
    """Options of the web app.

    ``tile_url`` is a raster tile URL template (``https://…/{z}/{x}/{y}.png``)
    for users who have a tile server; without one the map draws country
    outlines (Natural Earth) and needs no network at all.
    """

    tile_url: str | None = None
    tile_attribution: str | None = None
    allowed_hosts: tuple[str, ...] | None = None
    """``Host`` header values the app answers (names or IP addresses, without a
    port; ``*.example.org`` covers subdomains); any other Host is a 400.  None
    answers any Host (for an app behind a proxy that checks, or in tests).
    ``eventlens serve`` sets it to the bound address (and ``localhost`` on
    loopback) plus ``--allow-host`` names, which defeats DNS rebinding: a web
    page on another name cannot read the store through the user's browser."""
    allow_ip_hosts: bool = False
    """Also answer any IP-address Host (a server bound to all interfaces)."""

    def __post_init__(self) -> None:
        if self.tile_url is not None:
            parts = urlsplit(self.tile_url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise UsageError(f"tile URL must be http(s)://…, not {self.tile_url!r}")
            if not all(k in self.tile_url for k in ("{z}", "{x}", "{y}")):
                raise UsageError("tile URL must contain {z}, {x} and {y}")

    def tile_source(self) -> str | None:
        """The CSP source that lets the map load tiles from ``tile_url``."""
        if self.tile_url is None:
            return None
        parts = urlsplit(self.tile_url)
        host = parts.netloc
        if host.startswith("{s}."):
            host = "*." + host[4:]
        if "{" in host or "}" in host:
            return f"{parts.scheme}:"
        return f"{parts.scheme}://{host}"


def content_security_policy(settings: WebSettings) -> str:
    img = "'self' data:"
    tiles = settings.tile_source()
    if tiles:
        img += f" {tiles}"
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src {img}; connect-src 'self'; font-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


class SecurityHeaders:
    """Adds the Content-Security-Policy and friends to every response."""

    def __init__(self, app: ASGIApp, csp: str) -> None:
        self.app = app
        self.headers = [
            (b"content-security-policy", csp.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"),
            (b"cross-origin-opener-policy", b"same-origin"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.headers]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def host_name(header: str) -> str:
    """The name or address in a ``Host`` header, without the port, lower case."""
    h = header.strip().lower()
    if h.startswith("["):  # [IPv6]:port
        end = h.find("]")
        return h[1:end] if end > 0 else h
    if h.count(":") == 1:
        h = h.split(":", 1)[0]
    return h.rstrip(".")


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def host_allowed(header: str, allowed: tuple[str, ...], *, any_ip: bool = False) -> bool:
    """Whether a request with this ``Host`` header is answered."""
    name = host_name(header)
    if not name:
        return False
    if any_ip and _is_ip(name):
        return True
    for a in allowed:
        a = a.lower().strip("[]").rstrip(".")
        if a == "*" or a == name:
            return True
        if a.startswith("*.") and name.endswith(a[1:]):
            return True
    return False


class HostCheck:
    """Answers only requests whose ``Host`` is allowed (400 otherwise)."""

    def __init__(self, app: ASGIApp, allowed: tuple[str, ...], any_ip: bool = False) -> None:
        self.app = app
        self.allowed = allowed
        self.any_ip = any_ip

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = ""
        for k, v in scope.get("headers", []):
            if k == b"host":
                header = v.decode("latin-1")
                break
        if host_allowed(header, self.allowed, any_ip=self.any_ip):
            await self.app(scope, receive, send)
            return
        response = JSONResponse(
            status_code=400,
            content={
                "detail": "unknown Host header; eventlens serve --allow-host NAME answers "
                "another name"
            },
        )
        await response(scope, receive, send)


MAX_QUERY_BYTES = 32 * 1024
MAX_QUERY_PARAMS = 400


class QueryLimits:
    """Refuses a query string over :data:`MAX_QUERY_BYTES` bytes or with more than
    :data:`MAX_QUERY_PARAMS` parameters with a 422 before anything parses it
    (thousands of repeated parameters otherwise cost seconds of validation)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            qs: bytes = scope.get("query_string", b"")
            why = None
            if len(qs) > MAX_QUERY_BYTES:
                why = f"query string longer than {MAX_QUERY_BYTES} bytes"
            elif qs.count(b"&") + 1 > MAX_QUERY_PARAMS:
                why = f"more than {MAX_QUERY_PARAMS} query parameters"
            if why:
                response = JSONResponse(
                    status_code=422,
                    content={"detail": [{"type": "value_error", "loc": ["query"], "msg": why}]},
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


# ------------------------------------------------------------------ converters


def event_item(r: EventRecord) -> dict[str, Any]:
    return {
        "event": r.event.to_dict(),
        "story_id": r.story_id,
        "article": {
            "id": r.event.article_id,
            "title": r.title,
            "url": r.url,
            "source": r.source,
            "published": r.published,
        },
    }


def story_object(s: StoryRecord) -> dict[str, Any]:
    d = s.to_dict()
    d["date"] = {"value": None, "precision": None, "source": None, **(d.get("date") or {})}
    return d


def _key(k: Any) -> str:
    return k.isoformat() if hasattr(k, "isoformat") else str(k)


NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut, "description": "unknown id"}}
ID = Annotated[str, PathParam(min_length=1, max_length=64)]


# ---------------------------------------------------------------------- routes


def api_router(store: Store, queries: Queries, settings: WebSettings) -> APIRouter:
    """Every API route, bound to one store."""
    r = APIRouter(prefix="/api")

    @r.get("/meta", response_model=MetaOut, summary="What the store holds and the vocabularies")
    def meta() -> dict[str, Any]:
        t = store.totals()
        lo, hi = date_span(queries.events, WebFilter())
        return {
            "version": __version__,
            "totals": TotalsOut(
                articles=t.articles, events=t.events, stories=t.stories, failures=t.failures
            ),
            "statuses": list(STATUSES),
            "event_types": list(EVENT_TYPES),
            "group_by": list(get_args(EventGroup)),
            "export_formats": list(get_args(ExportFormat)),
            "date_min": lo,
            "date_max": hi,
            "attribution": GEONAMES_ATTRIBUTION,
            "tile_url": settings.tile_url,
            "tile_attribution": settings.tile_attribution,
            "credits": CREDITS,
        }

    # -- events ------------------------------------------------------------

    @r.get("/events", response_model=EventPage, summary="List and filter events")
    def list_events(
        f: Annotated[WebFilter, Depends(event_filter)],
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
        cursor: Annotated[
            str | None, Query(max_length=256, description="`next_cursor` of the previous page")
        ] = None,
        order: Annotated[Order, Query(description="by date then id")] = "desc",
    ) -> dict[str, Any]:
        try:
            page = queries.events.page(f, limit=limit, cursor=cursor, order=order)
        except UsageError as e:
            raise invalid("cursor", str(e), cursor) from None
        return {
            "items": [event_item(x) for x in page.items],
            "next_cursor": page.next_cursor,
            "limit": limit,
            "order": order,
        }

    @r.get(
        "/events/{event_id}",
        response_model=EventDetail,
        responses=NOT_FOUND,
        summary="One event with its article and evidence",
    )
    def get_event(event_id: ID) -> dict[str, Any]:
        rec = queries.events.get(event_id)
        if rec is None:
            raise HTTPException(404, f"no event with id {event_id!r}")
        art = store.article(rec.event.article_id)
        if art is None:  # cannot happen: events reference their article
            raise HTTPException(404, f"no article with id {rec.event.article_id!r}")
        return {
            "event": rec.event.to_dict(),
            "story_id": rec.story_id,
            "article": _article(art),
            "attribution": CREDITS,
        }

    @r.get(
        "/articles/{article_id}",
        response_model=ArticleDetail,
        responses=NOT_FOUND,
        summary="One article, its text and every event coded from it",
    )
    def get_article(article_id: ID) -> dict[str, Any]:
        art = store.article(article_id)
        if art is None:
            raise HTTPException(404, f"no article with id {article_id!r}")
        evs = queries.events.iter(WebFilter(article_id=article_id))
        return {
            "article": _article(art),
            "events": [event_item(x) for x in evs],
            "attribution": CREDITS,
        }

    # -- stories -----------------------------------------------------------

    @r.get("/stories", response_model=StoryPage, summary="List and filter stories")
    def list_stories(
        f: Annotated[WebFilter, Depends(story_filter)],
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
        cursor: Annotated[str | None, Query(max_length=256)] = None,
        order: Annotated[Order, Query()] = "desc",
    ) -> dict[str, Any]:
        try:
            page = queries.stories.page(f, limit=limit, cursor=cursor, order=order)
        except UsageError as e:
            raise invalid("cursor", str(e), cursor) from None
        return {
            "items": [story_object(s) for s in page.items],
            "next_cursor": page.next_cursor,
            "limit": limit,
            "order": order,
        }

    @r.get(
        "/stories/{story_id}",
        response_model=StoryDetail,
        responses=NOT_FOUND,
        summary="One story with every report and the values they disagree on",
    )
    def get_story(story_id: ID) -> dict[str, Any]:
        s = queries.stories.get(story_id)
        if s is None:
            raise HTTPException(404, f"no story with id {story_id!r}")
        return {
            "story": story_object(s),
            "reports": [event_item(x) for x in queries.stories.reports(story_id)],
            "attribution": CREDITS,
        }

    # -- counts, map, export ------------------------------------------------

    @r.get("/counts/events", response_model=CountsResult, summary="Count events by a key")
    def count_events(
        f: Annotated[WebFilter, Depends(event_filter)],
        by: Annotated[EventGroup, Query(description="day, week (Monday), month (1st), …")] = "day",
        split: Annotated[
            Split | None, Query(description="also count by this second key (stacked timeline)")
        ] = None,
    ) -> dict[str, Any]:
        return _counts(queries.events, f, by, split)

    @r.get("/counts/stories", response_model=CountsResult, summary="Count stories by a key")
    def count_stories(
        f: Annotated[WebFilter, Depends(story_filter)],
        by: Annotated[StoryGroup, Query()] = "day",
        split: Annotated[Split | None, Query()] = None,
    ) -> dict[str, Any]:
        return _counts(queries.stories, f, by, split)

    @r.get("/map/events", response_model=PointsResult, summary="Located events for the map")
    def map_events(
        f: Annotated[WebFilter, Depends(event_filter)],
        limit: Annotated[int, Query(ge=1, le=MAX_POINTS)] = 5000,
    ) -> dict[str, Any]:
        pts, n = points(queries.events, f, limit)
        return {
            "points": [
                {
                    "id": p.id,
                    "lat": p.lat,
                    "lon": p.lon,
                    "event_type": p.event_type,
                    "status": p.status,
                }
                for p in pts
            ],
            "total": n,
            "truncated": n > len(pts),
            "attribution": GEONAMES_ATTRIBUTION,
        }

    @r.get(
        "/export/events",
        summary="Export events (the formats of `eventlens export`)",
        response_class=Response,
        responses={200: {"description": "the file", "content": _EXPORT_CONTENT}},
    )
    def export_events(
        f: Annotated[WebFilter, Depends(event_filter)],
        format: Annotated[ExportFormat, Query()] = "csv",
        limit: Annotated[int | None, Query(ge=0, le=10_000_000)] = None,
        order: Annotated[Order, Query()] = "asc",
    ) -> Response:
        return _export(queries, "events", format, f, limit, order)

    @r.get(
        "/export/stories",
        summary="Export stories (the formats of `eventlens export stories`)",
        response_class=Response,
        responses={200: {"description": "the file", "content": _EXPORT_CONTENT}},
    )
    def export_stories(
        f: Annotated[WebFilter, Depends(story_filter)],
        format: Annotated[ExportFormat, Query()] = "csv",
        limit: Annotated[int | None, Query(ge=0, le=10_000_000)] = None,
        order: Annotated[Order, Query()] = "asc",
    ) -> Response:
        return _export(queries, "stories", format, f, limit, order)

    @r.get(
        "/brief",
        summary="A situation brief for the filters (the report of `eventlens brief`)",
        response_class=Response,
        responses={
            200: {"description": "the brief", "content": _BRIEF_CONTENT},
            503: {"model": ErrorOut, "description": "PDF asked for and no Chromium installed"},
        },
    )
    def brief(
        f: Annotated[WebFilter, Depends(event_filter)],
        format: Annotated[BriefFormat, Query(description="md, html or pdf")] = "html",
        baseline: Annotated[
            int | None, Query(ge=1, le=100, description="baseline periods (default 6)")
        ] = None,
    ) -> Response:
        return _brief(queries, f, format, baseline)

    @r.get("/health", summary="Liveness", response_model=dict[str, str])
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return r


def _article(a: Any) -> dict[str, Any]:
    ref = ArticleRef(id=a.id, title=a.title, url=a.url, source=a.source, published=a.published)
    return ArticleOut(**ref.model_dump(), text=a.text, n_events=a.n_events).model_dump()


def _counts(q: Any, f: WebFilter, by: str, split: str | None) -> dict[str, Any]:
    groups = grouped_counts(q, [by] if split is None else [by, split], f)
    total = sum(n for _, n in groups)
    merged: dict[str, dict[str, Any]] = {}
    for keys, n in groups:
        if keys[0] is None:
            continue
        k = _key(keys[0])
        row = merged.get(k)
        if row is None:
            row = merged[k] = {"key": k, "n": 0, "split": None if split is None else {}}
        row["n"] += n
        if split is not None and keys[1] is not None:
            row["split"][_key(keys[1])] = n
    rows = list(merged.values())
    return {
        "by": by,
        "split": split,
        "total": total,
        "unknown": total - sum(r["n"] for r in rows),
        "counts": rows,
    }


_EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
    "jsonl": "application/x-ndjson",
    "parquet": "application/vnd.apache.parquet",
}
_EXPORT_CONTENT: dict[str, Any] = {t.split(";")[0]: {} for t in _EXPORT_TYPES.values()}


@dataclass(frozen=True, slots=True)
class _QueryStore:
    """What :func:`eventlens.export.export` reads of a store: its two queries
    (here the API's, which know the ``actor`` filter)."""

    events: Any
    stories: Any


def _export(
    queries: Queries, what: str, fmt: str, f: WebFilter, limit: int | None, order: str
) -> Response:
    from eventlens.export import export

    fd, name = tempfile.mkstemp(prefix="eventlens-export-", suffix=f".{fmt}")
    os.close(fd)
    path = Path(name)
    try:
        export(
            cast(Store, _QueryStore(queries.events, queries.stories)),
            cast(Any, what),
            fmt,
            where=f,
            path=path,
            limit=limit,
            order=cast(Any, order),
        )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return FileResponse(
        path,
        media_type=_EXPORT_TYPES[fmt],
        filename=f"eventlens-{what}.{fmt}",
        headers={"X-Attribution": GEONAMES_ATTRIBUTION},
        background=BackgroundTask(path.unlink, missing_ok=True),
    )


_BRIEF_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
}
_BRIEF_CONTENT: dict[str, Any] = {t.split(";")[0]: {} for t in _BRIEF_TYPES.values()}


def _brief(queries: Queries, f: WebFilter, fmt: str, baseline: int | None) -> Response:
    """The brief as a download: the period from the date filters, the place (and any
    other filter) from the rest."""
    from eventlens.brief import (
        BriefRequest,
        build_brief,
        find_chromium,
        html_to_pdf,
        render_html,
        render_markdown,
    )

    if fmt == "pdf" and find_chromium() is None:
        from eventlens.brief.pdf import INSTALL

        raise HTTPException(503, INSTALL)
    request = BriefRequest(
        scope=replace(f, date_from=None, date_to=None),
        since=f.date_from,
        until=f.date_to,
        baseline_periods=baseline,
    )
    b = build_brief(queries.events, queries.stories, request)
    name = f"eventlens-brief-{b.period.start}-{b.period.end}.{fmt}"
    headers = {
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Attribution": GEONAMES_ATTRIBUTION,
    }
    if fmt != "pdf":
        text = render_markdown(b) if fmt == "md" else render_html(b)
        return Response(text, media_type=_BRIEF_TYPES[fmt], headers=headers)
    fd, tmp = tempfile.mkstemp(prefix="eventlens-brief-", suffix=".pdf")
    os.close(fd)
    path = Path(tmp)
    try:
        html_to_pdf(render_html(b), path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return FileResponse(
        path,
        media_type=_BRIEF_TYPES["pdf"],
        headers=headers,
        background=BackgroundTask(path.unlink, missing_ok=True),
    )


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
