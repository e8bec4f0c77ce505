"""Reading the store: filters, stable paging, streaming and counts.

The one query layer for the CLI exports and the REST API: callers describe
what they want with a :class:`Filter` and never write SQL.  Every statement
is built with SQLAlchemy expressions and bound parameters.

Order is stable: by the event's (or story's) anchor day, then id.  Paging is
keyset paging on that order (an opaque cursor, not an offset), so a page
never repeats or skips rows while new articles arrive.  :meth:`Query.iter`
streams a whole selection in batches with the same keyset, so memory stays
bounded whatever the size of the store.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, Literal, TypeVar

from sqlalchemy import (
    ColumnElement,
    Engine,
    Row,
    Select,
    Table,
    func,
    or_,
    select,
    tuple_,
)

from eventlens.errors import UsageError
from eventlens.model import Event
from eventlens.store.rows import event_from_row
from eventlens.store.schema import articles, events, stories

Order = Literal["asc", "desc"]
GroupBy = Literal[
    "day", "week", "month", "country", "admin1", "event_type", "mode", "status", "source"
]
GROUP_BY: tuple[str, ...] = (
    "day",
    "week",
    "month",
    "country",
    "admin1",
    "event_type",
    "mode",
    "status",
    "source",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Filter:
    """What to select.  Empty tuples and None mean "any".

    ``date_from``/``date_to`` bound the anchor day, inclusive (rows with no
    known date are left out when either is set).  ``bbox`` is
    ``(west, south, east, north)`` in degrees; west > east crosses the
    antimeridian.  ``text`` matches, case-insensitively, rows whose evidence,
    place or actor names contain every word of it.
    """

    country: tuple[str, ...] = ()
    admin1: tuple[str, ...] = ()
    event_type: tuple[str, ...] = ()
    mode: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    bbox: tuple[float, float, float, float] | None = None
    text: str | None = None
    min_confidence: float | None = None
    article_id: str | None = None
    story_id: str | None = None
    min_sources: int | None = None
    """Stories only: at least this many distinct sources."""

    def __post_init__(self) -> None:
        if self.bbox is not None:
            w, s, e, n = self.bbox
            if not (-180 <= w <= 180 and -180 <= e <= 180 and -90 <= s <= n <= 90):
                raise UsageError(f"bad bbox {self.bbox}: want west,south,east,north in degrees")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise UsageError(f"date range is empty: {self.date_from} > {self.date_to}")


@dataclass(frozen=True, slots=True)
class EventRecord:
    """An event as stored, with its article's provenance and its story."""

    event: Event
    story_id: str | None
    source: str | None
    url: str | None
    title: str | None
    published: date | None


@dataclass(frozen=True, slots=True)
class StoryRecord:
    """A story as stored: representative values and the full summary."""

    id: str
    event_type: str
    mode: str | None
    status: str
    date_value: str | None
    date_precision: str | None
    location_name: str | None
    geonameid: int | None
    lat: float | None
    lon: float | None
    feature: str | None
    admin1: str | None
    country: str | None
    actor_name: str | None
    recipient_name: str | None
    killed: int | None
    injured: int | None
    arrested: int | None
    participants: int | None
    acled_event_type: str | None
    acled_sub_event_type: str | None
    confidence: float
    n_reports: int
    n_articles: int
    n_sources: int
    sources: tuple[str, ...]
    text: str | None
    summary: dict[str, Any] = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The story as a JSON object (``eventlens.story/1``)."""
        return {
            "schema": "eventlens.story/1",
            "id": self.id,
            "event_type": self.event_type,
            "mode": self.mode,
            "status": self.status,
            "date": self.summary.get("date")
            or {"value": self.date_value, "precision": self.date_precision},
            "location": self.summary.get("location"),
            "actor": self.actor_name,
            "recipient": self.recipient_name,
            "counts": {
                "killed": self.killed,
                "injured": self.injured,
                "arrested": self.arrested,
                "participants": self.participants,
            },
            "acled": {
                "event_type": self.acled_event_type,
                "sub_event_type": self.acled_sub_event_type,
            },
            "confidence": round(self.confidence, 3),
            "n_reports": self.n_reports,
            "n_articles": self.n_articles,
            "n_sources": self.n_sources,
            "sources": list(self.sources),
            "representative": self.summary.get("representative"),
            "evidence": self.summary.get("evidence"),
            "conflicts": self.summary.get("conflicts", {}),
        }


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of results and the cursor of the next (None on the last page)."""

    items: list[T]
    next_cursor: str | None


def _encode_cursor(sort_date: date, row_id: str, order: Order) -> str:
    raw = json.dumps([sort_date.isoformat(), row_id, order]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, order: Order) -> tuple[date, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        d, row_id, o = json.loads(raw)
        if o != order:
            raise ValueError("cursor is for the other order")
        return date.fromisoformat(d), str(row_id)
    except (ValueError, TypeError) as e:
        raise UsageError(f"bad cursor: {e}") from None


class Query(Generic[T]):
    """Filtered, ordered access to one table (events or stories)."""

    table: Table

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- building blocks ------------------------------------------------------

    def _base(self) -> Select[Any]:
        raise NotImplementedError

    def _convert(self, row: Row[Any]) -> T:
        raise NotImplementedError

    def _text_columns(self) -> list[ColumnElement[Any]]:
        raise NotImplementedError

    def conditions(self, f: Filter) -> list[ColumnElement[bool]]:
        t = self.table
        c: list[ColumnElement[bool]] = []
        for name in ("country", "admin1", "event_type", "mode", "status"):
            values = getattr(f, name)
            if values:
                c.append(t.c[name].in_(values))
        if f.date_from or f.date_to:
            c.append(t.c.day.is_not(None))
            if f.date_from:
                c.append(t.c.sort_date >= f.date_from)
            if f.date_to:
                c.append(t.c.sort_date <= f.date_to)
        if f.bbox is not None:
            w, s, e, n = f.bbox
            c.append(t.c.lat.between(s, n))
            c.append(t.c.lon.between(w, e) if w <= e else or_(t.c.lon >= w, t.c.lon <= e))
        if f.min_confidence is not None:
            c.append(t.c.confidence >= f.min_confidence)
        if f.text:
            cols = self._text_columns()
            for word in f.text.split():
                c.append(or_(*(col.icontains(word, autoescape=True) for col in cols)))
        c.extend(self._more_conditions(f))
        return c

    def _more_conditions(self, f: Filter) -> list[ColumnElement[bool]]:
        return []

    def select(self, f: Filter) -> Select[Any]:
        return self._base().where(*self.conditions(f))

    # -- reading --------------------------------------------------------------

    def get(self, row_id: str) -> T | None:
        with self.engine.connect() as conn:
            row = conn.execute(self._base().where(self.table.c.id == row_id)).first()
        return self._convert(row) if row is not None else None

    def page(
        self,
        f: Filter = Filter(),
        *,
        limit: int = 100,
        cursor: str | None = None,
        order: Order = "desc",
    ) -> Page[T]:
        """One page in stable order; pass ``next_cursor`` back for the next."""
        if not 1 <= limit <= 10_000:
            raise UsageError(f"page size must be 1..10000, not {limit}")
        t = self.table
        stmt = self.select(f)
        key = tuple_(t.c.sort_date, t.c.id)
        if cursor:
            d, rid = _decode_cursor(cursor, order)
            stmt = stmt.where(key < tuple_(d, rid) if order == "desc" else key > tuple_(d, rid))
        if order == "desc":
            stmt = stmt.order_by(t.c.sort_date.desc(), t.c.id.desc())
        else:
            stmt = stmt.order_by(t.c.sort_date, t.c.id)
        with self.engine.connect() as conn:
            rows = list(conn.execute(stmt.limit(limit + 1)))
        more = len(rows) > limit
        rows = rows[:limit]
        nxt = None
        if more and rows:
            last = rows[-1]._mapping
            nxt = _encode_cursor(last["sort_date"], last["id"], order)
        return Page([self._convert(r) for r in rows], nxt)

    def iter(
        self, f: Filter = Filter(), *, batch_size: int = 1000, order: Order = "asc"
    ) -> Iterator[T]:
        """Every selected row in stable order, fetched a batch at a time."""
        cursor: str | None = None
        while True:
            p = self.page(f, limit=batch_size, cursor=cursor, order=order)
            yield from p.items
            if p.next_cursor is None:
                return
            cursor = p.next_cursor

    def count(self, f: Filter = Filter()) -> int:
        stmt = select(func.count()).select_from(self.select(f).subquery())
        with self.engine.connect() as conn:
            return int(conn.execute(stmt).scalar_one())

    def count_by(self, by: GroupBy, f: Filter = Filter()) -> list[tuple[Any, int]]:
        """Counts per day, week (Monday), month (first day), country, type, status …

        Rows whose key is unknown are left out; keys come in ascending order.
        Counted on the table alone: every condition of :meth:`select` is on
        the table's own columns and the events' join to their articles only
        adds columns, so the count can read an index on the key (the
        ``day``/``week``/``month`` ones) instead of the table.
        """
        if by not in GROUP_BY or by not in self.table.c:
            raise UsageError(f"cannot count by {by!r}; choose from {', '.join(GROUP_BY)}")
        col = self.table.c[by]
        stmt = select(col, func.count()).select_from(self.table).where(col.is_not(None))
        where = self.select(f).whereclause
        if where is not None:
            stmt = stmt.where(where)
        stmt = stmt.group_by(col).order_by(col)
        with self.engine.connect() as conn:
            return [(k, int(n)) for k, n in conn.execute(stmt)]


class EventQuery(Query[EventRecord]):
    table = events

    def _base(self) -> Select[Any]:
        return select(
            # every column but the sentence embedding (story clustering's, not the reader's)
            *(c for c in events.c if c.name != "sentence_vector"),
            articles.c.url.label("article_url"),
            articles.c.title.label("article_title"),
        ).join(articles, articles.c.id == events.c.article_id)

    def _text_columns(self) -> list[ColumnElement[Any]]:
        c = events.c
        return [
            c.evidence_text,
            c.location_name,
            c.location_text,
            c.actor_name,
            c.actor_text,
            c.recipient_name,
            c.recipient_text,
        ]

    def _more_conditions(self, f: Filter) -> list[ColumnElement[bool]]:
        c: list[ColumnElement[bool]] = []
        if f.source:
            c.append(events.c.source.in_(f.source))
        if f.article_id:
            c.append(events.c.article_id == f.article_id)
        if f.story_id:
            c.append(events.c.story_id == f.story_id)
        if f.min_sources is not None:
            raise UsageError("min_sources filters stories, not events")
        return c

    def _convert(self, row: Row[Any]) -> EventRecord:
        m = row._mapping
        return EventRecord(
            event_from_row(m),
            m["story_id"],
            m["source"],
            m["article_url"],
            m["article_title"],
            m["published"],
        )


class StoryQuery(Query[StoryRecord]):
    table = stories

    def _base(self) -> Select[Any]:
        return select(*stories.c).where(stories.c.n_reports > 0)

    def _text_columns(self) -> list[ColumnElement[Any]]:
        return [stories.c.text]

    def _more_conditions(self, f: Filter) -> list[ColumnElement[bool]]:
        c: list[ColumnElement[bool]] = []
        if f.min_sources is not None:
            c.append(stories.c.n_sources >= f.min_sources)
        if f.story_id:
            c.append(stories.c.id == f.story_id)
        if f.source:
            # A story matches when any of its reports comes from the source.
            c.append(
                stories.c.id.in_(select(events.c.story_id).where(events.c.source.in_(f.source)))
            )
        if f.article_id:
            c.append(
                stories.c.id.in_(
                    select(events.c.story_id).where(events.c.article_id == f.article_id)
                )
            )
        return c

    def _convert(self, row: Row[Any]) -> StoryRecord:
        m = row._mapping
        return StoryRecord(
            id=m["id"],
            event_type=m["event_type"],
            mode=m["mode"],
            status=m["status"],
            date_value=m["date_value"],
            date_precision=m["date_precision"],
            location_name=m["location_name"],
            geonameid=m["geonameid"],
            lat=m["lat"],
            lon=m["lon"],
            feature=m["feature"],
            admin1=m["admin1"],
            country=m["country"],
            actor_name=m["actor_name"],
            recipient_name=m["recipient_name"],
            killed=m["killed"],
            injured=m["injured"],
            arrested=m["arrested"],
            participants=m["participants"],
            acled_event_type=m["acled_event_type"],
            acled_sub_event_type=m["acled_sub_event_type"],
            confidence=m["confidence"],
            n_reports=m["n_reports"],
            n_articles=m["n_articles"],
            n_sources=m["n_sources"],
            sources=tuple(json.loads(m["sources"] or "[]")),
            text=m["text"],
            summary=json.loads(m["summary"]),
        )

    def reports(self, story_id: str) -> list[EventRecord]:
        """Every report of a story, oldest first."""
        return list(EventQuery(self.engine).iter(Filter(story_id=story_id)))
