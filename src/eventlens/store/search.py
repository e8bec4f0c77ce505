"""Story search: the reports already in stories that could be the same event.

The candidate queries keep every report that can pass the gates of
:meth:`eventlens.stories.clustering.StoryRules.compare` and few others: same
type and status, an overlapping date window (or no date to judge by:
undated is unknown, not unmatchable), and a compatible place — within the
farthest distance the report's own feature level allows (the grid cells of
a bounding box), or coarser places in its country, or no coordinates at
all.  Each (date kind, place kind) pair is its own query on an index that
starts with type, status and the place key (migration 0003), and every date
range is bounded on both sides, so the rows read per report depend on how
many events lie near it in place and time, not on the store's size.

The queries differ by shape only: :class:`StorySearch` builds each shape
once, with bound parameters, and runs it with each report's values.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, Integer, Select, and_, bindparam, func, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from eventlens.model import FEATURE_LEVELS, Event
from eventlens.store.schema import events
from eventlens.stories.params import DedupParams
from eventlens.stories.report import Report, report_window

MAX_CANDIDATES = 500
"""At most this many candidate reports per event (the nearest, then the newest)."""
MAX_SPAN = timedelta(days=366)
"""The longest date range an event can have (a year): a window query bounds the
start of the ranges it reads from both sides."""
MAX_CELLS = 64
"""A search box covering more grid cells than this is searched by country."""

Values = dict[str, Any]


class StorySearch:
    """The candidate queries of one store, each shape built once."""

    def __init__(self, params: DedupParams) -> None:
        self.params = params
        self._statements: dict[tuple[str, str], Select[Any]] = {}

    def candidates(self, conn: Connection, report: Report, limit: int) -> list[str]:
        """The stories of the candidate reports, nearest and newest first, at
        most ``limit`` of them (only their ids are read: the writer then reads
        the members of these stories, not every candidate report)."""
        e = report.event
        found: dict[str, None] = {}
        n = 0
        base = {"event_type": e.event_type, "status": e.status}
        for when, when_values in self._dates(report):
            for where, where_values in self._places(e):
                values = {**base, **when_values, **where_values}
                values["limit"] = MAX_CANDIDATES - n
                for (sid,) in conn.execute(self._statement(when, where), values):
                    n += 1
                    found.setdefault(sid)
                    if len(found) >= limit:
                        return list(found)
                if n >= MAX_CANDIDATES:
                    return list(found)
        return list(found)

    # -- the values of one report ---------------------------------------------------

    def _dates(self, report: Report) -> list[tuple[str, Values]]:
        """One entry per kind of date: dated ranges overlapping the report's window,
        undated events published in it, and events with no date at all."""
        window = report_window(report, self.params)
        if window is None:
            return [("unknowable", {})]
        slack = timedelta(days=self.params.max_slack_days)
        undated = timedelta(days=self.params.undated_window_days)
        try:
            lo, hi = window[0] - slack, window[1] + slack
            dated = {"lo": lo, "hi": hi, "earliest": lo - MAX_SPAN}
            published = {"p_lo": lo - undated, "p_hi": hi + undated}
        except OverflowError:  # a window at the ends of the calendar: only the undated
            return [("unknowable", {})]
        return [("dated", dated), ("published", published), ("unknowable", {})]

    def _places(self, e: Event) -> list[tuple[str, Values]]:
        """The places a candidate may have, one entry per index-friendly kind: near
        the report's point (by grid cell), coarser places of its country, placeless."""
        loc = e.location
        country = loc.country if loc else None
        c: Values = {"country": country} if country else {}
        suffix = "+country" if country else ""
        if loc is None or loc.lat is None or loc.lon is None:
            return [(f"any{suffix}", c)] + ([("no_country", {})] if country else [])
        levels = list(FEATURE_LEVELS)
        if loc.feature in levels:
            km = self.params.max_radius_factor * self.params.radius(loc.feature)
            coarser = levels[: levels.index(loc.feature)]
        else:  # unknown level: the other report's level decides, so any distance may do
            km = self.params.max_radius_factor * max(r for _, r in self.params.radius_km)
            coarser = []
        lat0, lat1, lon0, lon1 = _box(loc.lat, loc.lon, km)
        point = {"lat": loc.lat, "lon": loc.lon}
        box = {**point, "lat0": lat0, "lat1": lat1, "lon0": lon0, "lon1": lon1, **c}
        cells = _cells(lat0, lat1, lon0, lon1)
        out: list[tuple[str, Values]] = [
            (f"cells{suffix}", {**box, "cells": cells}) if cells else (f"box{suffix}", box)
        ]
        if coarser:
            out.append((f"coarser{suffix}", {**point, "coarser": coarser, **c}))
        out.append((f"placeless{suffix}", c))
        return out

    # -- the statements -----------------------------------------------------------

    def _statement(self, when: str, where: str) -> Select[Any]:
        key = (when, where)
        stmt = self._statements.get(key)
        if stmt is None:
            stmt = self._statements[key] = _build(when, where)
        return stmt


def _build(when: str, where: str) -> Select[Any]:
    c = events.c
    dates: dict[str, ColumnElement[bool]] = {
        "dated": and_(
            c.date_start <= bindparam("hi"),
            c.date_start >= bindparam("earliest"),
            c.date_end >= bindparam("lo"),
        ),
        "published": and_(
            c.date_start.is_(None),
            c.published >= bindparam("p_lo"),
            c.published <= bindparam("p_hi"),
        ),
        "unknowable": and_(c.date_start.is_(None), c.published.is_(None)),
    }
    kind, _, in_country = where.partition("+")
    country = c.country == bindparam("country")
    same_or_none = or_(country, c.country.is_(None)) if in_country else true()
    box = and_(
        c.lat.between(bindparam("lat0"), bindparam("lat1")),
        c.lon.between(bindparam("lon0"), bindparam("lon1")),
        same_or_none,
    )
    places: dict[str, ColumnElement[bool]] = {
        "any": country if in_country else true(),
        "no_country": c.country.is_(None),
        "cells": and_(c.cell.in_(bindparam("cells", expanding=True)), box),
        "box": box,
        "coarser": and_(
            country if in_country else true(), c.feature.in_(bindparam("coarser", expanding=True))
        ),
        "placeless": and_(c.cell.is_(None), same_or_none),
    }
    nearest = kind in ("cells", "box", "coarser")
    order = [func.abs(c.lat - bindparam("lat")) + func.abs(c.lon - bindparam("lon"))]
    return (
        select(c.story_id)
        .where(
            c.event_type == bindparam("event_type"),
            c.status == bindparam("status"),
            c.story_id.is_not(None),
            dates[when],
            places[kind],
        )
        .order_by(*(order if nearest else []), c.sort_date.desc(), c.id)
        .limit(bindparam("limit", type_=Integer))
    )


def _box(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """The bounding box within ``km`` of a point (every longitude where it would
    wrap around the antimeridian)."""
    dlat = km / 110.0
    edge = min(89.9, abs(lat) + dlat)
    dlon = km / (111.32 * math.cos(math.radians(edge)))
    if lon - dlon > -180 and lon + dlon < 180:
        return lat - dlat, lat + dlat, lon - dlon, lon + dlon
    return lat - dlat, lat + dlat, -180.0, 180.0


def _cells(lat0: float, lat1: float, lon0: float, lon1: float) -> list[int] | None:
    """The grid cells (:func:`eventlens.store.rows.grid_cell`) a box covers, or None
    when it covers more than MAX_CELLS."""
    rows = range(max(0, math.floor(lat0 + 90)), min(179, math.floor(lat1 + 90)) + 1)
    cols = range(max(0, math.floor(lon0 + 180)), min(359, math.floor(lon1 + 180)) + 1)
    if len(rows) * len(cols) > MAX_CELLS:
        return None
    return [r * 360 + col for r in rows for col in cols]
