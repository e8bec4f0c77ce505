"""What the API needs beyond the store's query layer, built on it.

:mod:`eventlens.store.query` selects, pages and counts; this module adds,
without SQL strings and without touching the store:

- an ``actor`` filter (actor or recipient name or text contains a value),
  through :class:`WebFilter` and the query classes' condition hook;
- counts by one or two keys (a timeline stacked by status) in one pass,
  on the table alone (the events' join to their articles only adds columns);
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


def _where(q: Query[Any], f: Filter) -> ColumnElement[bool] | None:
    """The WHERE clause of ``q.select(f)``: the query's own rule (stories with
    reports) and the filter, to apply to its table alone.  Every condition is
    on the table's own columns (or a subquery), so the events' join to their
    articles (which only adds columns; every event has its article) is not
    needed to count: counts then run on the table and its indexes."""
    return q.select(f).whereclause


def grouped_counts(q: Query[Any], keys: list[str], f: Filter) -> list[tuple[tuple[Any, ...], int]]:
    """Counts of the selection per combination of ``keys`` (unknown keys
    included, as None), in one statement: one pass over the selection gives
    the counts, the total and the number whose key is unknown."""
    t = q.table
    cols = [t.c[k] for k in keys]
    stmt = select(*cols, func.count()).select_from(t)
    where = _where(q, f)
    if where is not None:
        stmt = stmt.where(where)
    stmt = stmt.group_by(*cols).order_by(*cols)
    with q.engine.connect() as conn:
        return [(tuple(r[:-1]), int(r[-1])) for r in conn.execute(stmt)]


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
    located: list[ColumnElement[bool]] = [t.c.lat.is_not(None), t.c.lon.is_not(None)]
    where = _where(q, f)
    if where is not None:
        located.append(where)
    rows_stmt = (
        select(t.c.id, t.c.lat, t.c.lon, t.c.event_type, t.c.status)
        .where(*located)
        .order_by(t.c.sort_date.desc(), t.c.id.desc())
        .limit(limit)
    )
    n_stmt = select(func.count()).select_from(t).where(*located)
    with q.engine.connect() as conn:
        rows = [Point(r.id, r.lat, r.lon, r.event_type, r.status) for r in conn.execute(rows_stmt)]
        n = int(conn.execute(n_stmt).scalar_one())
    return rows, n


def date_span(q: Query[Any], f: Filter) -> tuple[date | None, date | None]:
    """The first and last known day of the selection."""
    day = q.table.c.day
    stmt = select(func.min(day), func.max(day)).where(day.is_not(None))
    where = _where(q, f)
    if where is not None:
        stmt = stmt.where(where)
    with q.engine.connect() as conn:
        lo, hi = conn.execute(stmt).one()
    return lo, hi
