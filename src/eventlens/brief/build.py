"""Gathering a brief from the store: figures against a baseline, map points, a
timeline, top stories and what did not (yet) happen.

Everything is read through the store's query layer (``Query.select(filter)``
gives the WHERE clause, as in :mod:`eventlens.web.queries`), so a filter means
here what it means in ``eventlens export`` and the API.  Counts are grouped in
the database, a handful of statements whatever the size of the store; only
the shown stories are read in full.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select

from eventlens import __version__
from eventlens.brief.settings import BriefSettings, Call
from eventlens.errors import UsageError
from eventlens.formats import GEONAMES_ATTRIBUTION
from eventlens.store import EventRecord, Filter, StoryRecord
from eventlens.store.query import EventQuery, StoryQuery
from eventlens.store.schema import events
from eventlens.stories.report import date_range

log = logging.getLogger(__name__)

Progress = Callable[[str], None]
DEFAULT_DAYS = 30
NO_ACLED = "no ACLED event type"


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def before(self, k: int) -> Period:
        """The period of the same length ``k`` periods before this one."""
        shift = timedelta(days=self.days * k)
        return Period(self.start - shift, self.end - shift)

    def __str__(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


@dataclass(frozen=True, slots=True, kw_only=True)
class BriefRequest:
    """A place (any store filter but dates: country, admin1, bbox, …) and a period."""

    scope: Filter = field(default_factory=Filter)
    since: date | None = None
    until: date | None = None
    baseline_periods: int | None = None
    place: str | None = None
    """How the brief names the place (``Turkey (TUR)``, ``region Sahel``); None: from the filter."""


@dataclass(frozen=True, slots=True)
class FigureRow:
    """One line of the headline table: a count now, before and in the baseline."""

    label: str
    current: int
    previous: int
    baseline: tuple[int, ...]
    call: Call | None
    mean: float
    spread: float
    ids: tuple[str, ...]
    """Up to ``cite_ids`` ids of this period's events behind ``current``."""
    export: str
    """``eventlens export events`` options that select them (beside the period's)."""


@dataclass(frozen=True, slots=True)
class Quote:
    text: str
    event_id: str
    article_id: str
    url: str | None
    title: str | None
    source: str | None
    published: date | None


@dataclass(frozen=True, slots=True)
class ConflictValue:
    value: str
    n_sources: int
    event_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Conflict:
    name: str
    values: tuple[ConflictValue, ...]


@dataclass(frozen=True, slots=True)
class StoryItem:
    id: str
    event_type: str
    mode: str | None
    status: str
    acled: str | None
    first: date | None
    last: date | None
    place: str | None
    actor: str | None
    recipient: str | None
    counts: dict[str, int]
    n_sources: int
    n_reports: int
    sources: tuple[str, ...]
    conflicts: tuple[Conflict, ...]
    quotes: tuple[Quote, ...]
    event_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StatusSection:
    status: str
    n_events: int
    n_stories: int
    stories: tuple[StoryItem, ...]


@dataclass(frozen=True, slots=True)
class MapPoint:
    lat: float
    lon: float
    status: str
    n: int


@dataclass(frozen=True, slots=True)
class Brief:
    place: str
    period: Period
    previous: Period
    baseline: tuple[Period, ...]
    rule: str
    n_events: int
    n_stories: int
    n_located: int
    total: FigureRow
    by_acled: tuple[FigureRow, ...]
    by_status: tuple[FigureRow, ...]
    happened: tuple[StoryItem, ...]
    n_happened_stories: int
    not_happened: tuple[StatusSection, ...]
    points: tuple[MapPoint, ...]
    timeline: tuple[tuple[date, dict[str, int]], ...]
    export: str
    """The ``eventlens export events`` command that lists every event of the period."""
    first_day: date | None = None
    """The earliest dated event of the place in the store."""
    version: str = __version__
    credits: str = field(default=GEONAMES_ATTRIBUTION)

    @property
    def empty(self) -> bool:
        return self.n_events == 0


# ------------------------------------------------------------------ helpers


def place_label(f: Filter) -> str:
    """The place a filter selects, in words (``TUR``, ``Istanbul (admin1)`` …)."""
    parts: list[str] = []
    if f.country:
        parts.append(", ".join(f.country))
    if f.admin1:
        parts.append(", ".join(f.admin1) + " (first-level region)")
    if f.bbox:
        w, s, e, n = f.bbox
        parts.append(f"the box {w:g},{s:g},{e:g},{n:g} (W,S,E,N)")
    return "; ".join(parts) or "everywhere"


def export_options(f: Filter) -> str:
    """The ``eventlens export`` options for a filter (dates included)."""
    opts: list[str] = []
    for flag, values in (
        ("--country", f.country),
        ("--admin1", f.admin1),
        ("--type", f.event_type),
        ("--mode", f.mode),
        ("--status", f.status),
        ("--source", f.source),
    ):
        if values:
            opts.append(f"{flag} {_shell(','.join(values))}")
    if f.bbox:
        opts.append("--bbox " + ",".join(f"{x:g}" for x in f.bbox))
    if f.date_from:
        opts.append(f"--since {f.date_from.isoformat()}")
    if f.date_to:
        opts.append(f"--until {f.date_to.isoformat()}")
    if f.text:
        opts.append(f"--text {_shell(f.text)}")
    if f.min_confidence is not None:
        opts.append(f"--min-confidence {f.min_confidence:g}")
    return " ".join(opts)


def _shell(s: str) -> str:
    safe = s.replace("-", "").replace("_", "").replace(",", "").replace(".", "")
    if s and safe.isalnum():
        return s
    return "'" + s.replace("'", "'\\''") + "'"


def _where(q: EventQuery | StoryQuery, f: Filter) -> ColumnElement[bool] | None:
    where: ColumnElement[bool] | None = q.select(f).whereclause
    return where


def _day_bound(events_q: EventQuery, scope: Filter, fn: Any) -> date | None:
    """The first (``func.min``) or last (``func.max``) dated event's day in ``scope``."""
    day = events.c.day
    stmt = select(fn(day)).select_from(events).where(day.is_not(None))
    where = _where(events_q, scope)
    if where is not None:
        stmt = stmt.where(where)
    with events_q.engine.connect() as conn:
        found: date | None = conn.execute(stmt).scalar_one()
    return found


def resolve_period(
    events_q: EventQuery, scope: Filter, since: date | None, until: date | None
) -> Period:
    """The period asked for; a missing end is the last day with events in the place
    (today when there are none), a missing start ``DEFAULT_DAYS`` before the end."""
    if until is None:
        hi = _day_bound(events_q, scope, func.max)
        until = hi if hi is not None else date.today()
        if since is not None and until < since:
            until = since + timedelta(days=DEFAULT_DAYS - 1)
    if since is None:
        since = until - timedelta(days=DEFAULT_DAYS - 1)
    if since > until:
        raise UsageError(f"the period is empty: --since {since} is after --until {until}")
    return Period(since, until)


# ------------------------------------------------------------------- counts


def _period_counts(
    events_q: EventQuery, scope: Filter, span: Period
) -> list[tuple[date, str | None, str, int]]:
    """Events per (day, ACLED type, status) over ``span``."""
    c = events.c
    stmt = select(c.day, c.acled_event_type, c.status, func.count()).select_from(events)
    where = _where(events_q, replace(scope, date_from=span.start, date_to=span.end))
    if where is not None:
        stmt = stmt.where(where)
    stmt = stmt.group_by(c.day, c.acled_event_type, c.status)
    with events_q.engine.connect() as conn:
        return [(r[0], r[1], r[2], int(r[3])) for r in conn.execute(stmt)]


def _cited_ids(
    events_q: EventQuery, f: Filter, key: str, limit: int
) -> dict[str | None, tuple[str, ...]]:
    """Up to ``limit`` event ids per value of column ``key`` (a window function)."""
    c = events.c
    rn = func.row_number().over(partition_by=c[key], order_by=(c.sort_date, c.id)).label("rn")
    inner = select(c.id, c[key].label("k"), rn).select_from(events)
    where = _where(events_q, f)
    if where is not None:
        inner = inner.where(where)
    sub = inner.subquery()
    stmt = select(sub.c.k, sub.c.id).where(sub.c.rn <= limit).order_by(sub.c.k, sub.c.rn)
    out: dict[str | None, list[str]] = defaultdict(list)
    with events_q.engine.connect() as conn:
        for k, i in conn.execute(stmt):
            out[k].append(i)
    return {k: tuple(v) for k, v in out.items()}


def _rows(
    counts: Sequence[tuple[date, str | None, str, int]],
    key: int,
    period: Period,
    n_base: int,
    settings: BriefSettings,
    ids: dict[str | None, tuple[str, ...]],
    labels: Callable[[str | None], tuple[str, str]],
    order: Sequence[str | None] = (),
) -> list[FigureRow]:
    """Figure rows for one key (1: ACLED type, 2: status) of the grouped counts."""
    per: dict[str | None, list[int]] = defaultdict(lambda: [0] * (n_base + 1))
    for row in counts:
        day = row[0]
        k = row[key]
        assert k is None or isinstance(k, str)
        if day is None:
            continue
        idx = 0 if day >= period.start else (period.start - day).days // period.days + 1
        if 0 <= idx <= n_base:
            per[k][idx] += row[3]
    keys = [k for k in order if k in per] + sorted(
        (k for k in per if k not in order), key=lambda k: (k is None, k or "")
    )
    out = []
    for k in keys:
        series = per[k]
        base = tuple(series[1:])
        label, export = labels(k)
        out.append(_figure(label, series[0], base, settings, ids.get(k, ()), export))
    return out


def _figure(
    label: str,
    current: int,
    base: tuple[int, ...],
    settings: BriefSettings,
    ids: tuple[str, ...],
    export: str,
) -> FigureRow:
    rule = settings.spike
    mean = sum(base) / len(base) if base else 0.0
    return FigureRow(
        label=label,
        current=current,
        previous=base[0] if base else 0,
        baseline=base,
        call=rule.call(current, base),
        mean=mean,
        spread=rule.spread(base),
        ids=ids,
        export=export,
    )


def _points(events_q: EventQuery, f: Filter, limit: int) -> tuple[list[MapPoint], int]:
    c = events.c
    stmt = select(c.lat, c.lon, c.status, func.count().label("n")).select_from(events)
    located: list[ColumnElement[bool]] = [c.lat.is_not(None), c.lon.is_not(None)]
    where = _where(events_q, f)
    if where is not None:
        located.append(where)
    stmt = stmt.where(*located).group_by(c.lat, c.lon, c.status)
    with events_q.engine.connect() as conn:
        rows = [
            MapPoint(float(r[0]), float(r[1]), str(r[2]), int(r[3])) for r in conn.execute(stmt)
        ]
    rows.sort(key=lambda p: (-p.n, p.lat, p.lon, p.status))
    return rows[:limit], sum(p.n for p in rows)


# ------------------------------------------------------------------ stories


def _story_ids(
    stories_q: StoryQuery, f: Filter, statuses: Sequence[str], limit: int
) -> tuple[list[str], int]:
    """The ids of the most-sourced stories of these statuses, and how many there are."""
    t = stories_q.table
    if f.status and statuses:
        # the caller's own status filter narrows the section's statuses
        statuses = [st for st in statuses if st in f.status]
        if not statuses:
            return [], 0
    g = replace(f, status=tuple(statuses) or f.status)
    base = stories_q.select(g).with_only_columns(t.c.id)
    stmt = base.order_by(
        t.c.n_sources.desc(), t.c.n_reports.desc(), t.c.confidence.desc(), t.c.id
    ).limit(limit)
    n_stmt = select(func.count()).select_from(base.subquery())
    with stories_q.engine.connect() as conn:
        ids = [r[0] for r in conn.execute(stmt)]
        n = int(conn.execute(n_stmt).scalar_one())
    return ids, n


def one_line(text: str, limit: int) -> str:
    """Text on one line (whitespace runs become one space), cut at ``limit`` with …."""
    s = " ".join(text.split())
    return s if len(s) <= limit else s[: limit - 1].rstrip() + "…"


def _story_item(s: StoryRecord, reports: list[EventRecord], settings: BriefSettings) -> StoryItem:
    lo: date | None = None
    hi: date | None = None
    for r in reports:
        rng = date_range(r.event.date)
        if rng is None:
            continue
        lo = rng[0] if lo is None else min(lo, rng[0])
        hi = rng[1] if hi is None else max(hi, rng[1])
    quotes: list[Quote] = []
    seen: set[str] = set()
    for r in sorted(reports, key=lambda r: (-r.event.confidence, r.event.id)):
        text = one_line(r.event.evidence.text, settings.quote_chars)
        if not text or text in seen:
            continue
        seen.add(text)
        quotes.append(
            Quote(text, r.event.id, r.event.article_id, r.url, r.title, r.source, r.published)
        )
        if len(quotes) >= settings.quotes_per_story:
            break
    conflicts = tuple(
        Conflict(
            str(name),
            tuple(
                ConflictValue(
                    one_line(str(v.get("value")), 80),
                    int(v.get("n_sources") or 0),
                    tuple(str(x) for x in v.get("reports") or ()),
                )
                for v in variants
            ),
        )
        for name, variants in (s.summary.get("conflicts") or {}).items()
    )
    loc: dict[str, Any] = s.summary.get("location") or {}
    place_bits = [loc.get("name") or s.location_name, s.admin1, s.country]
    place = ", ".join(dict.fromkeys(str(b) for b in place_bits if b)) or None
    counts = {
        k: v
        for k, v in (
            ("killed", s.killed),
            ("injured", s.injured),
            ("arrested", s.arrested),
            ("participants", s.participants),
        )
        if v is not None
    }
    return StoryItem(
        id=s.id,
        event_type=s.event_type,
        mode=s.mode,
        status=s.status,
        acled=s.acled_sub_event_type or s.acled_event_type,
        first=lo,
        last=hi,
        place=place,
        actor=s.actor_name,
        recipient=s.recipient_name,
        counts=counts,
        n_sources=s.n_sources,
        n_reports=s.n_reports,
        sources=s.sources,
        conflicts=conflicts,
        quotes=tuple(quotes),
        event_ids=tuple(r.event.id for r in reports),
    )


def _stories(
    events_q: EventQuery,
    stories_q: StoryQuery,
    ids: Sequence[str],
    settings: BriefSettings,
    progress: Progress,
    what: str,
) -> list[StoryItem]:
    out: list[StoryItem] = []
    for i, sid in enumerate(ids, 1):
        s = stories_q.get(sid)
        if s is None:  # removed since the ids were read
            continue
        progress(f"{what}: story {i} of {len(ids)}")
        reports = list(events_q.iter(Filter(story_id=sid)))
        out.append(_story_item(s, reports, settings))
    return out


# -------------------------------------------------------------------- brief


def _no_progress(_message: str) -> None:
    return None


def build_brief(
    events_q: EventQuery,
    stories_q: StoryQuery,
    request: BriefRequest,
    *,
    settings: BriefSettings | None = None,
    progress: Progress | None = None,
) -> Brief:
    """The brief for a place and period from a store's queries."""
    settings = settings or BriefSettings.load()
    say = progress or _no_progress
    n_base = (
        settings.baseline_periods if request.baseline_periods is None else request.baseline_periods
    )
    if not 1 <= n_base <= 100:
        raise UsageError(f"--baseline must be 1..100 periods, not {n_base}")
    scope = replace(request.scope, date_from=None, date_to=None)
    period = resolve_period(events_q, scope, request.since, request.until)
    baseline = tuple(period.before(k) for k in range(1, n_base + 1))
    in_period = replace(scope, date_from=period.start, date_to=period.end)

    say(f"counting events {baseline[-1].start} to {period.end}")
    counts = _period_counts(events_q, scope, Period(baseline[-1].start, period.end))
    acled_ids = _cited_ids(events_q, in_period, "acled_event_type", settings.cite_ids)
    status_ids = _cited_ids(events_q, in_period, "status", settings.cite_ids)
    all_ids = tuple(i for v in status_ids.values() for i in v)[: settings.cite_ids]

    def acled_label(k: str | None) -> tuple[str, str]:
        return (k or NO_ACLED, "")

    def status_label(k: str | None) -> tuple[str, str]:
        return (str(k), f"--status {k}")

    by_acled = _rows(counts, 1, period, n_base, settings, acled_ids, acled_label)
    by_status = _rows(
        counts,
        2,
        period,
        n_base,
        settings,
        status_ids,
        status_label,
        order=(*settings.happened, *settings.not_happened),
    )
    cur = sum(r.current for r in by_status)
    base = tuple(sum(r.baseline[i] for r in by_status) for i in range(n_base))
    total = _figure("all events", cur, base, settings, all_ids, "")

    say("placing events on the map")
    points, n_located = _points(events_q, in_period, settings.map_points)

    timeline_map: dict[date, dict[str, int]] = defaultdict(dict)
    for day, _acled, status, n in counts:
        if day is not None and period.start <= day <= period.end:
            timeline_map[day][status] = timeline_map[day].get(status, 0) + n
    timeline = tuple(sorted(timeline_map.items()))

    say("choosing the top stories")
    top_ids, n_happened = _story_ids(stories_q, in_period, settings.happened, settings.top_stories)
    happened = _stories(events_q, stories_q, top_ids, settings, say, "what happened")
    sections: list[StatusSection] = []
    status_counts = {r.label: r.current for r in by_status}
    for st in settings.not_happened:
        ids, n = _story_ids(stories_q, in_period, (st,), settings.per_status)
        items = _stories(events_q, stories_q, ids, settings, say, st)
        sections.append(StatusSection(st, status_counts.get(st, 0), n, tuple(items)))
    n_stories = _story_ids(stories_q, in_period, (), 1)[1]
    say("writing")
    return Brief(
        place=request.place or place_label(scope),
        period=period,
        previous=baseline[0],
        baseline=baseline,
        rule=settings.spike.words(n_base, period.days),
        n_events=cur,
        n_stories=n_stories,
        n_located=n_located,
        total=total,
        by_acled=tuple(by_acled),
        by_status=tuple(by_status),
        happened=tuple(happened),
        n_happened_stories=n_happened,
        not_happened=tuple(sections),
        points=tuple(points),
        timeline=timeline,
        export="eventlens export events " + export_options(in_period),
        first_day=_day_bound(events_q, scope, func.min),
    )
