"""Query parameters of the API and their checks: filters, paging, counts.

FastAPI checks types (an unknown status, a malformed date: 422); the checks
here add what types cannot say (a box's corners, an empty date range, a
control character in a search), and answer them the same way: 422 with the
parameter named and a message a person can act on.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import Depends, Query
from fastapi.exceptions import RequestValidationError
from pydantic import Field

from eventlens.errors import UsageError
from eventlens.model import EventType
from eventlens.web.models import Status
from eventlens.web.queries import WebFilter

Order = Literal["asc", "desc"]
Period = Literal["day", "week", "month"]
EventGroup = Literal[
    "day", "week", "month", "country", "admin1", "event_type", "mode", "status", "source"
]
StoryGroup = Literal["day", "week", "month", "country", "admin1", "event_type", "mode", "status"]
Split = Literal["country", "event_type", "status"]
ExportFormat = Literal["csv", "geojson", "jsonl", "parquet"]
BriefFormat = Literal["md", "html", "pdf"]

MAX_TEXT = 200
MAX_VALUES = 50
"""The most values one repeated filter takes (``actor=a&actor=b`` or ``actor=a,b``):
more would make a query too large for the database to plan (SQLite refuses an
expression tree deeper than 1,000), so they are a 422, not a 500."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ISO3 = re.compile(r"^[A-Za-z]{3}$")

Country = Annotated[str, Field(pattern=r"^[A-Za-z]{3}$")]
Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
Id = Annotated[str, Field(min_length=1, max_length=64)]


def invalid(name: str, message: str, value: Any = None) -> RequestValidationError:
    """A 422 for query parameter ``name``, in FastAPI's own error shape."""
    return RequestValidationError(
        [{"type": "value_error", "loc": ("query", name), "msg": message, "input": value}]
    )


def _strings(name: str, values: list[str] | None) -> tuple[str, ...]:
    """Repeated and comma-separated values, stripped; control characters refused."""
    out: list[str] = []
    values = values or []
    if len(values) > MAX_VALUES:
        raise invalid(name, f"at most {MAX_VALUES} values, not {len(values)}", None)
    for v in values:
        if len(v) > MAX_TEXT * MAX_VALUES:
            raise invalid(name, f"longer than {MAX_TEXT * MAX_VALUES} characters", None)
        if _CONTROL.search(v):
            raise invalid(name, "must not contain control characters", v)
        out.extend(p.strip() for p in v.split(",") if p.strip())
    unique = tuple(dict.fromkeys(out))
    if len(unique) > MAX_VALUES:
        raise invalid(name, f"at most {MAX_VALUES} values, not {len(unique)}", None)
    for u in unique:
        if len(u) > MAX_TEXT:
            raise invalid(name, f"each value at most {MAX_TEXT} characters", u[:MAX_TEXT])
    return unique


def _text(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    if _CONTROL.search(value):
        raise invalid(name, "must not contain control characters", value)
    return value.strip() or None


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if value is None:
        return None
    parts = value.split(",")
    try:
        if len(parts) != 4:
            raise ValueError
        w, s, e, n = (float(p) for p in parts)
    except ValueError:
        raise invalid("bbox", "want four numbers WEST,SOUTH,EAST,NORTH in degrees", value) from None
    if not all(abs(x) <= 180 for x in (w, e)) or not all(abs(x) <= 90 for x in (s, n)):
        raise invalid("bbox", "longitudes must be in -180..180 and latitudes in -90..90", value)
    if s > n:
        raise invalid("bbox", "south must not be greater than north", value)
    return w, s, e, n


def common_filter(
    country: Annotated[
        list[Country] | None,
        Query(description="ISO 3166 alpha-3 country code of the place, e.g. TUR; repeatable"),
    ] = None,
    admin1: Annotated[
        list[Text] | None,
        Query(description="first-level region as stored, e.g. İstanbul; repeatable"),
    ] = None,
    event_type: Annotated[
        list[EventType] | None, Query(description="PLOVER event type; repeatable")
    ] = None,
    mode: Annotated[
        list[Text] | None, Query(description="PLOVER mode, e.g. arrest; repeatable")
    ] = None,
    status: Annotated[
        list[Status] | None,
        Query(
            description="occurred, attempted, foiled, planned, threatened, warned, denied, "
            "hypothetical; repeatable"
        ),
    ] = None,
    actor: Annotated[
        list[Text] | None,
        Query(description="actor or recipient name or text contains this (any of them)"),
    ] = None,
    source: Annotated[
        list[Text] | None, Query(description="article source (outlet) as stored; repeatable")
    ] = None,
    date_from: Annotated[
        date | None, Query(description="on or after this day (YYYY-MM-DD); undated rows drop")
    ] = None,
    date_to: Annotated[date | None, Query(description="on or before this day (YYYY-MM-DD)")] = None,
    bbox: Annotated[
        str | None,
        Query(
            max_length=100,
            description="WEST,SOUTH,EAST,NORTH in degrees (WEST > EAST crosses the antimeridian)",
        ),
    ] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=MAX_TEXT,
            description="full-text search: evidence, place and actor names contain every word",
        ),
    ] = None,
    min_confidence: Annotated[
        float | None, Query(ge=0.0, le=1.0, allow_inf_nan=False, description="0..1")
    ] = None,
) -> WebFilter:
    """The filter the event and story endpoints share."""
    countries = _strings("country", country)
    for c in countries:
        if not _ISO3.match(c):
            raise invalid("country", "want ISO 3166 alpha-3 codes such as TUR", c)
    if date_from and date_to and date_from > date_to:
        raise invalid("date_to", f"date range is empty: {date_from} is after {date_to}", date_to)
    try:
        return WebFilter(
            country=tuple(c.upper() for c in countries),
            admin1=_strings("admin1", admin1),
            event_type=tuple(dict.fromkeys(event_type or ())),
            mode=_strings("mode", mode),
            status=tuple(dict.fromkeys(status or ())),
            actor=_strings("actor", actor),
            source=_strings("source", source),
            date_from=date_from,
            date_to=date_to,
            bbox=parse_bbox(bbox),
            text=_text("q", q),
            min_confidence=min_confidence,
        )
    except UsageError as e:
        raise invalid("filter", str(e)) from None


def event_filter(
    common: Annotated[WebFilter, Depends(common_filter)],
    article_id: Annotated[Id | None, Query(description="only this article's events")] = None,
    story_id: Annotated[Id | None, Query(description="only the reports of this story")] = None,
) -> WebFilter:
    return replace(
        common, article_id=_text("article_id", article_id), story_id=_text("story_id", story_id)
    )


def story_filter(
    common: Annotated[WebFilter, Depends(common_filter)],
    article_id: Annotated[Id | None, Query(description="only stories this article reports")] = None,
    min_sources: Annotated[
        int | None, Query(ge=1, le=1_000_000, description="at least this many sources")
    ] = None,
) -> WebFilter:
    return replace(common, article_id=_text("article_id", article_id), min_sources=min_sources)
