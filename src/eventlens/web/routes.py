"""The REST API's routes (``/api/…``), in groups, bound to one store by :func:`api_router`.

Every route is a GET that reads: events, articles and stories with filters and
cursor pages, counts, map points, exports and the brief.
"""

from collections.abc import Callable
from typing import Annotated, Any, get_args

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi import Path as PathParam
from fastapi.responses import Response

from eventlens import __version__
from eventlens.credits import CREDITS
from eventlens.errors import UsageError
from eventlens.formats import GEONAMES_ATTRIBUTION
from eventlens.model import EVENT_TYPES, STATUSES
from eventlens.store import EventRecord, Store, StoryRecord
from eventlens.web.downloads import BRIEF_CONTENT, EXPORT_CONTENT, brief_response, export_response
from eventlens.web.models import (
    ArticleDetail,
    ArticleOut,
    ArticleRef,
    CountsResult,
    CoverageRef,
    ErrorOut,
    EventDetail,
    EventPage,
    MetaOut,
    PointsResult,
    StoryDetail,
    StoryPage,
    ThreadDetail,
    ThreadOut,
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
from eventlens.web.settings import WebSettings

MAX_PAGE = 1000
MAX_POINTS = 20_000


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


def _ref(a: Any) -> ArticleRef:
    return ArticleRef(id=a.id, title=a.title, url=a.url, source=a.source, published=a.published)


def _article(a: Any) -> dict[str, Any]:
    return ArticleOut(
        **_ref(a).model_dump(), text=a.text, n_events=a.n_events, thread_id=a.thread_id
    ).model_dump()


def _coverage(a: Any) -> dict[str, Any]:
    return CoverageRef(
        **_ref(a).model_dump(), n_events=a.n_events, thread_id=a.thread_id
    ).model_dump()


def _page(
    q: Any,
    item: Callable[[Any], dict[str, Any]],
    f: WebFilter,
    limit: int,
    cursor: str | None,
    order: Order,
) -> dict[str, Any]:
    """One cursor page of events or stories (a bad cursor is a 422 naming it)."""
    try:
        page = q.page(f, limit=limit, cursor=cursor, order=order)
    except UsageError as e:
        raise invalid("cursor", str(e), cursor) from None
    return {
        "items": [item(x) for x in page.items],
        "next_cursor": page.next_cursor,
        "limit": limit,
        "order": order,
    }


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


# ---------------------------------------------------------------------- routes


def api_router(store: Store, queries: Queries, settings: WebSettings) -> APIRouter:
    """Every API route, bound to one store (in the order the OpenAPI document lists them)."""
    r = APIRouter(prefix="/api")
    _meta_route(r, store, queries, settings)
    _event_routes(r, store, queries)
    _story_routes(r, store, queries)
    _count_routes(r, queries)
    _download_routes(r, queries)

    @r.get("/health", summary="Liveness", response_model=dict[str, str])
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return r


def _meta_route(r: APIRouter, store: Store, queries: Queries, settings: WebSettings) -> None:
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


def _event_routes(r: APIRouter, store: Store, queries: Queries) -> None:
    """The events, one event, and one article with its events."""

    @r.get("/events", response_model=EventPage, summary="List and filter events")
    def list_events(
        f: Annotated[WebFilter, Depends(event_filter)],
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
        cursor: Annotated[
            str | None, Query(max_length=256, description="`next_cursor` of the previous page")
        ] = None,
        order: Annotated[Order, Query(description="by date then id")] = "desc",
    ) -> dict[str, Any]:
        return _page(queries.events, event_item, f, limit, cursor, order)

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


def _story_routes(r: APIRouter, store: Store, queries: Queries) -> None:
    """The stories, one story with its reports and coverage, and one thread."""

    @r.get("/stories", response_model=StoryPage, summary="List and filter stories")
    def list_stories(
        f: Annotated[WebFilter, Depends(story_filter)],
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
        cursor: Annotated[str | None, Query(max_length=256)] = None,
        order: Annotated[Order, Query()] = "desc",
    ) -> dict[str, Any]:
        return _page(queries.stories, story_object, f, limit, cursor, order)

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
        reports = queries.stories.reports(story_id)
        coverage = store.coverage(x.event.article_id for x in reports)
        return {
            "story": story_object(s),
            "reports": [event_item(x) for x in reports],
            "coverage": [_coverage(a) for a in coverage],
            "attribution": CREDITS,
        }

    @r.get(
        "/threads/{thread_id}",
        response_model=ThreadDetail,
        responses=NOT_FOUND,
        summary="One thread: the articles of many outlets that report one happening",
    )
    def get_thread(thread_id: ID) -> dict[str, Any]:
        t = store.thread(thread_id)
        if t is None:
            raise HTTPException(404, f"no thread with id {thread_id!r}")
        return {
            "thread": ThreadOut(
                id=t.id,
                title=t.title,
                n_articles=t.n_articles,
                n_sources=t.n_sources,
                first_published=t.first_published,
                last_published=t.last_published,
            ).model_dump(),
            "articles": [_coverage(a) for a in t.articles],
            "attribution": CREDITS,
        }


def _count_routes(r: APIRouter, queries: Queries) -> None:
    """Counts of events and stories by a key, and the located events for the map."""

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


def _download_routes(r: APIRouter, queries: Queries) -> None:
    """Exports of events and stories, and the brief."""

    _export_route(r, queries, "events", event_filter, "`eventlens export`")
    _export_route(r, queries, "stories", story_filter, "`eventlens export stories`")

    @r.get(
        "/brief",
        summary="A situation brief for the filters (the report of `eventlens brief`)",
        response_class=Response,
        responses={
            200: {"description": "the brief", "content": BRIEF_CONTENT},
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
        return brief_response(queries, f, format, baseline)


def _export_route(
    r: APIRouter,
    queries: Queries,
    what: str,
    filters: Callable[..., WebFilter],
    command: str,
) -> None:
    """``/export/{what}``: events or stories in the formats of ``command``.  (The
    annotations are evaluated here, not postponed: FastAPI reads ``filters`` from them.)"""

    @r.get(
        f"/export/{what}",
        name=f"export_{what}",
        summary=f"Export {what} (the formats of {command})",
        response_class=Response,
        responses={200: {"description": "the file", "content": EXPORT_CONTENT}},
    )
    def export(
        f: Annotated[WebFilter, Depends(filters)],
        format: Annotated[ExportFormat, Query()] = "csv",
        limit: Annotated[int | None, Query(ge=0, le=10_000_000)] = None,
        order: Annotated[Order, Query()] = "asc",
    ) -> Response:
        return export_response(queries, what, format, f, limit, order)
