"""What the API needs beyond the store's query layer, built on it.

:mod:`eventlens.store.query` selects, pages and counts; this module adds,
without SQL strings and without touching the store:

- an ``actor`` filter (actor or recipient name or text contains a value),
  through :class:`WebFilter` and the query classes' condition hook;
- counts split by a second key (a timeline stacked by status);
- compact map points, the date span of a selection.

Every statement starts from ``Query.select(filter)``, so a filter means the
same thing here as in ``eventlens export``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Engine, func, or_, select

from eventlens.store import EventRecord, Filter
from eventlens.store.query import EventQuery, Query, StoryQuery
from eventlens.store.schema import events, stories


@dataclass(frozen=True, slots=True, kw_only=True)
class WebFilter(Filter):
    """The store's :class:`~eventlens.store.query.Filter` plus ``actor``:
    rows whose actor or recipient (canonical name or text) contains any of
    these values, case-insensitively."""

    actor: tuple[str, ...] = ()


def _actor_condition(
    cols: list[ColumnElement[Any]], values: tuple[str, ...]
) -> ColumnElement[bool]:
    return or_(*(c.icontains(v, autoescape=True) for v in values for c in cols))


class WebEventQuery(EventQuery):
    """Events, with the ``actor`` filter of :class:`WebFilter`."""

    def _more_conditions(self, f: Filter) -> list[ColumnElement[bool]]:
        c = super()._more_conditions(f)
        if isinstance(f, WebFilter) and f.actor:
            e = events.c
            c.append(
                _actor_condition(
                    [e.actor_name, e.actor_text, e.recipient_name, e.recipient_text], f.actor
                )
            )
        return c


class WebStoryQuery(StoryQuery):
    """Stories, with the ``actor`` filter of :class:`WebFilter`."""

    def _more_conditions(self, f: Filter) -> list[ColumnElement[bool]]:
        c = super()._more_conditions(f)
        if isinstance(f, WebFilter) and f.actor:
            s = stories.c
            c.append(_actor_condition([s.actor_name, s.recipient_name], f.actor))
        return c

    def reports(self, story_id: str) -> list[EventRecord]:
        return list(WebEventQuery(self.engine).iter(Filter(story_id=story_id)))


@dataclass(frozen=True, slots=True)
class Queries:
    """The API's read access to one store."""

    events: WebEventQuery
    stories: WebStoryQuery

    @classmethod
    def on(cls, engine: Engine) -> Queries:
        return cls(WebEventQuery(engine), WebStoryQuery(engine))


def count_split(q: Query[Any], by: str, split: str, f: Filter) -> list[tuple[Any, Any, int]]:
    """Counts per (``by``, ``split``) pair, e.g. per week and status.

    Rows whose ``by`` or ``split`` key is unknown are left out; ascending keys.
    """
    inner = q.select(f).where(q.table.c[by].is_not(None), q.table.c[split].is_not(None))
    sub = inner.subquery()
    stmt = (
        select(sub.c[by], sub.c[split], func.count())
        .group_by(sub.c[by], sub.c[split])
        .order_by(sub.c[by], sub.c[split])
    )
    with q.engine.connect() as conn:
        return [(k, s, int(n)) for k, s, n in conn.execute(stmt)]


@dataclass(frozen=True, slots=True)
class Point:
    id: str
    lat: float
    lon: float
    event_type: str
    status: str


def points(q: Query[Any], f: Filter, limit: int) -> tuple[list[Point], int]:
    """Up to ``limit`` located rows, newest first, and how many are located in all."""
    t = q.table
    located = q.select(f).where(t.c.lat.is_not(None), t.c.lon.is_not(None)).subquery()
    rows_stmt = (
        select(
            located.c.id,
            located.c.lat,
            located.c.lon,
            located.c.event_type,
            located.c.status,
        )
        .order_by(located.c.sort_date.desc(), located.c.id.desc())
        .limit(limit)
    )
    n_stmt = select(func.count()).select_from(located)
    with q.engine.connect() as conn:
        rows = [Point(r.id, r.lat, r.lon, r.event_type, r.status) for r in conn.execute(rows_stmt)]
        n = int(conn.execute(n_stmt).scalar_one())
    return rows, n


def date_span(q: Query[Any], f: Filter) -> tuple[date | None, date | None]:
    """The first and last known day of the selection."""
    sub = q.select(f).where(q.table.c.day.is_not(None)).subquery()
    with q.engine.connect() as conn:
        lo, hi = conn.execute(select(func.min(sub.c.day), func.max(sub.c.day))).one()
    return lo, hi
