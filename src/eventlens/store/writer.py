"""Writing to the store: one article (its events and stories) per transaction.

:func:`save_article` is the only way events enter the store.  In one
transaction it replaces the article's events (a changed article loses its old
events and gains the new ones, or nothing happens at all), assigns each new
event to a story (:mod:`eventlens.stories.clustering`, candidates queried from the store),
refreshes every story it touched and clears the article's failures.  A crash
at any point leaves the article as it was before, or fully written.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    true,
    update,
)

from eventlens.knowledge import Knowledge
from eventlens.model import FEATURE_LEVELS, Article, Event, stable_id
from eventlens.store.bounds import bounded_article, bounded_failure, fit_row
from eventlens.store.rows import NO_DATE, anchor_day, buckets, event_from_row, event_to_row
from eventlens.store.schema import articles, events, failures, stories
from eventlens.stories.clustering import StoryRules, new_story_id
from eventlens.stories.params import DedupParams
from eventlens.stories.report import Member, Report, date_range, report_window
from eventlens.stories.summaries import StorySummary, summarize

log = logging.getLogger(__name__)

SaveStatus = Literal["new", "changed", "unchanged"]

# The most candidate reports one new event is compared with.
MAX_CANDIDATES = 500
# The most candidate stories (each with all its members) one new event is judged against.
MAX_STORIES = 20
# The most members of one story a new event is compared with (the newest).
MAX_MEMBERS = 200


@dataclass(frozen=True, slots=True)
class SaveResult:
    status: SaveStatus
    n_events: int
    stories_new: int = 0
    stories_joined: int = 0


def now() -> datetime:
    return datetime.now(UTC)


def save_article(
    conn: Connection,
    article: Article,
    *,
    content_hash: str,
    text: str,
    events_: Sequence[Event],
    etag: str | None = None,
    last_modified: str | None = None,
    pipeline_version: str | None = None,
    force: bool = False,
    rules: StoryRules | None = None,
    sentences: Mapping[int, str] | None = None,
) -> SaveResult:
    """Write one processed article inside the caller's transaction.

    ``rules``: the store's story clustering (default: built from a fresh Knowledge).
    ``sentences`` (sentence index -> text) gives each event's sentence, which
    story clustering compares (and the store keeps with the event).  The
    article's fields are bounded (:func:`eventlens.store.bounds.bounded_article`)
    and every string cleaned and cut to its column, the same on both stores.
    """
    article = bounded_article(article)
    ts = now()
    old = conn.execute(
        select(articles.c.content_hash, articles.c.n_events, articles.c.ingested_at).where(
            articles.c.id == article.id
        )
    ).first()
    if old is not None and old.content_hash == content_hash and not force:
        conn.execute(
            update(articles)
            .where(articles.c.id == article.id)
            .values(etag=etag, last_modified=last_modified)
        )
        clear_failures(conn, article.id, article.origin)
        return SaveResult("unchanged", old.n_events)

    touched: set[str] = set()
    if old is not None:
        touched.update(
            sid
            for (sid,) in conn.execute(
                select(events.c.story_id)
                .where(events.c.article_id == article.id, events.c.story_id.is_not(None))
                .distinct()
            )
        )
        conn.execute(delete(events).where(events.c.article_id == article.id))

    unique = _unique(events_, article.id)
    values: dict[str, Any] = {
        "url": article.url,
        "source": article.source,
        "title": article.title,
        "origin": article.origin,
        "published": article.published,
        "fetched_at": article.fetched_at,
        "language": article.language,
        "content_hash": content_hash,
        "etag": etag,
        "last_modified": last_modified,
        "text": text,
        "n_events": len(unique),
        "pipeline_version": pipeline_version,
        "updated_at": ts,
    }
    values = fit_row(articles, values)
    if old is None:
        conn.execute(insert(articles).values(id=article.id, ingested_at=ts, **values))
    else:
        conn.execute(update(articles).where(articles.c.id == article.id).values(**values))

    rules = rules or StoryRules(Knowledge())
    new_stories = joined = 0
    for e in unique:
        context = (sentences or {}).get(e.evidence.sentence)
        report = Report(e, article.source, article.published, article.url, context, text)
        story_id, created = _assign(conn, report, rules, touched)
        row = event_to_row(
            e,
            source=article.source,
            published=article.published,
            story_id=story_id,
            context=context,
        )
        conn.execute(insert(events).values(fit_row(events, row)))
        touched.add(story_id)
        if created:
            new_stories += 1
        else:
            joined += 1
    for sid in sorted(touched):
        refresh_story(conn, sid, ts)
    clear_failures(conn, article.id, article.origin)
    return SaveResult("new" if old is None else "changed", len(unique), new_stories, joined)


def _unique(evs: Sequence[Event], article_id: str) -> list[Event]:
    seen: set[str] = set()
    out: list[Event] = []
    for e in evs:
        if e.article_id != article_id:
            log.warning("event %s names article %s, not %s", e.id, e.article_id, article_id)
        if e.id in seen:
            log.warning("article %s: duplicate event id %s dropped", article_id, e.id)
            continue
        seen.add(e.id)
        out.append(e)
    return out


_REPORT_COLS = [
    *events.c,
    articles.c.url.label("article_url"),
    articles.c.text.label("article_text"),
]


def _report(row: Any) -> Report:
    m = row._mapping
    return Report(
        event_from_row(m),
        m["source"],
        m["published"],
        m["article_url"],
        m["context"],
        m["article_text"],
    )


# The longest date range an event can have (a year), so that a window query
# can bound the start of the ranges it reads from both sides.
MAX_SPAN = timedelta(days=366)
# A report whose search box covers more grid cells than this is searched by
# country instead (a country-level place: the box is most of the country).
MAX_CELLS = 64


def candidates(conn: Connection, report: Report, params: DedupParams) -> list[Member]:
    """Reports already in stories that could be the same event as ``report``.

    The queries keep every report that can pass the gates of
    :meth:`eventlens.stories.clustering.StoryRules.compare` and few others:
    same type and status, an overlapping date window (or no date to judge
    by: undated is unknown, not unmatchable), and a compatible place —
    within the farthest distance the report's own feature level allows (the
    grid cells of a bounding box), or coarser places in its country, or no
    coordinates at all.  Each (date kind, place kind) pair is its own query
    on an index that starts with type, status and the place key, and every
    date range is bounded on both sides, so the rows read per report depend
    on how many events lie near it in place and time, not on the store's size.
    """
    rows: list[Any] = []
    for when in _date_conditions(report, params):
        for where, order in _place_conditions(report.event, params):
            stmt = (
                select(events)
                .where(
                    events.c.event_type == report.event.event_type,
                    events.c.status == report.event.status,
                    events.c.story_id.is_not(None),
                    when,
                    where,
                )
                .order_by(*order, events.c.sort_date.desc(), events.c.id)
                .limit(MAX_CANDIDATES - len(rows))
            )
            rows.extend(conn.execute(stmt))
            if len(rows) >= MAX_CANDIDATES:
                return _members(rows)
    return _members(rows)


def _members(rows: Sequence[Any]) -> list[Member]:
    out = []
    for row in rows:
        m = row._mapping
        out.append(
            Member(
                Report(event_from_row(m), m["source"], m["published"], None, m["context"]),
                row.story_id,
            )
        )
    return out


def _date_conditions(report: Report, params: DedupParams) -> list[ColumnElement[bool]]:
    """One condition per kind of date: dated ranges overlapping the report's
    window, undated events published in it, and events with no date at all."""
    c = events.c
    unknowable = and_(c.date_start.is_(None), c.published.is_(None))
    window = report_window(report, params)
    if window is None:
        return [unknowable]
    slack = timedelta(days=params.max_slack_days)
    undated = timedelta(days=params.undated_window_days)
    try:
        lo, hi = window[0] - slack, window[1] + slack
        lo_undated, hi_undated = lo - undated, hi + undated
        earliest = lo - MAX_SPAN
    except OverflowError:  # a window at the ends of the calendar: only the undated
        return [unknowable]
    return [
        and_(c.date_start <= hi, c.date_start >= earliest, c.date_end >= lo),
        and_(c.date_start.is_(None), c.published >= lo_undated, c.published <= hi_undated),
        unknowable,
    ]


def _place_conditions(
    e: Event, params: DedupParams
) -> list[tuple[ColumnElement[bool], list[ColumnElement[Any]]]]:
    """The places a candidate may have, one (condition, order) per index-friendly kind:
    near the report's point (by grid cell), coarser places of its country, placeless."""
    c = events.c
    loc = e.location
    country = loc.country if loc else None
    in_country = c.country == country if country else true()
    if loc is None or loc.lat is None or loc.lon is None:
        if country is None:
            return [(true(), [])]
        return [(in_country, []), (c.country.is_(None), [])]
    levels = list(FEATURE_LEVELS)
    if loc.feature in levels:
        km = params.max_radius_factor * params.radius(loc.feature)
        coarser = levels[: levels.index(loc.feature)]
    else:  # unknown level: the other report's level decides, so any distance may do
        km = params.max_radius_factor * max(r for _, r in params.radius_km)
        coarser = []
    box = _box(loc.lat, loc.lon, km)
    near = and_(c.lat.between(box[0], box[1]), _lon_between(box[2], box[3]))
    cells = _cells(box)
    nearest = [func.abs(c.lat - loc.lat) + func.abs(c.lon - loc.lon)]
    same_or_none = or_(c.country == country, c.country.is_(None)) if country else true()
    near = and_(c.cell.in_(cells), near, same_or_none) if cells else and_(near, same_or_none)
    out = [(near, nearest)]
    if coarser:
        out.append((and_(in_country, c.feature.in_(coarser)), nearest))
    out.append((and_(c.cell.is_(None), same_or_none), []))
    return out


def _box(lat: float, lon: float, km: float) -> tuple[float, float, float | None, float | None]:
    """The bounding box within ``km`` of a point: lat range, then lon range (None
    where the box wraps around the antimeridian: then any longitude)."""
    dlat = km / 110.0
    edge = min(89.9, abs(lat) + dlat)
    dlon = km / (111.32 * math.cos(math.radians(edge)))
    if lon - dlon > -180 and lon + dlon < 180:
        return lat - dlat, lat + dlat, lon - dlon, lon + dlon
    return lat - dlat, lat + dlat, None, None


def _lon_between(lo: float | None, hi: float | None) -> ColumnElement[bool]:
    return true() if lo is None or hi is None else events.c.lon.between(lo, hi)


def _cells(box: tuple[float, float, float | None, float | None]) -> list[int] | None:
    """The grid cells (:func:`eventlens.store.rows.grid_cell`) a box covers, or None
    when it covers more than MAX_CELLS (or every longitude)."""
    lat0, lat1, lon0, lon1 = box
    if lon0 is None or lon1 is None:
        return None
    rows = range(max(0, math.floor(lat0 + 90)), min(179, math.floor(lat1 + 90)) + 1)
    cols = range(max(0, math.floor(lon0 + 180)), min(359, math.floor(lon1 + 180)) + 1)
    if len(rows) * len(cols) > MAX_CELLS:
        return None
    return [r * 360 + col for r in rows for col in cols]


def candidate_stories(
    conn: Connection, report: Report, params: DedupParams
) -> dict[str, list[Report]]:
    """The stories ``report`` could join, each with its members (up to
    ``MAX_MEMBERS``, the newest): a report is judged against whole stories."""
    wanted: list[str] = []
    for m in candidates(conn, report, params):
        if m.story_id not in wanted:
            wanted.append(m.story_id)
        if len(wanted) >= MAX_STORIES:
            break
    return {sid: story_members(conn, sid, limit=MAX_MEMBERS) for sid in wanted}


def _assign(
    conn: Connection, report: Report, rules: StoryRules, touched: set[str]
) -> tuple[str, bool]:
    a = rules.assign(report, candidate_stories(conn, report, rules.params))
    if a.story_id is None:
        # A story is named after its first report.  That report may have been
        # replaced (its article changed) while the story lives on in others.
        sid = new_story_id(report)
        n = 0
        while conn.execute(select(stories.c.id).where(stories.c.id == sid)).first():
            n += 1
            sid = stable_id("story", report.event.id, str(n))
        conn.execute(insert(stories).values(_placeholder(sid, report.event)))
        return sid, True
    if a.merge:
        conn.execute(
            update(events).where(events.c.story_id.in_(a.merge)).values(story_id=a.story_id)
        )
        conn.execute(delete(stories).where(stories.c.id.in_(a.merge)))
        touched.difference_update(a.merge)
    return a.story_id, False


def _placeholder(sid: str, e: Event) -> dict[str, Any]:
    ts = now()
    return {
        "id": sid,
        "event_type": e.event_type,
        "status": e.status,
        "sort_date": NO_DATE,
        "confidence": e.confidence,
        "n_reports": 0,
        "n_articles": 0,
        "n_sources": 0,
        "summary": "{}",
        "created_at": ts,
        "updated_at": ts,
    }


def story_members(conn: Connection, story_id: str, limit: int | None = None) -> list[Report]:
    """A story's reports in date order (with ``limit``, the newest ``limit``)."""
    stmt = (
        select(*_REPORT_COLS)
        .join(articles, articles.c.id == events.c.article_id)
        .where(events.c.story_id == story_id)
    )
    if limit is None:
        rows = conn.execute(stmt.order_by(events.c.sort_date, events.c.id)).all()
    else:
        newest = stmt.order_by(events.c.sort_date.desc(), events.c.id.desc()).limit(limit)
        rows = list(reversed(conn.execute(newest).all()))
    return [_report(r) for r in rows]


def refresh_story(conn: Connection, story_id: str, ts: datetime | None = None) -> None:
    """Recompute a story's row from its reports; delete it when it has none."""
    members = story_members(conn, story_id)
    if not members:
        conn.execute(delete(stories).where(stories.c.id == story_id))
        return
    values = story_values(summarize(members), members)
    values["updated_at"] = ts or now()
    conn.execute(update(stories).where(stories.c.id == story_id).values(**values))


def story_values(s: StorySummary, members: Iterable[Report]) -> dict[str, Any]:
    rng = date_range(s.date)
    anchor = anchor_day(s.date)
    published = min((m.published for m in members if m.published), default=None)
    loc = s.location or {}
    rep = s.representative
    words = [rep.evidence.text, loc.get("name") or "", s.actor_name or "", s.recipient_name or ""]
    return {
        "event_type": s.event_type,
        "mode": s.mode,
        "status": s.status,
        "date_value": s.date.value,
        "date_precision": s.date.precision,
        "date_start": rng[0] if rng else None,
        "date_end": rng[1] if rng else None,
        "sort_date": anchor or published or NO_DATE,
        **buckets(anchor),
        "location_name": loc.get("name") or loc.get("text"),
        "geonameid": loc.get("geonameid"),
        "lat": loc.get("lat"),
        "lon": loc.get("lon"),
        "feature": loc.get("feature"),
        "admin1": loc.get("admin1"),
        "country": loc.get("country"),
        "actor_name": s.actor_name,
        "recipient_name": s.recipient_name,
        "killed": s.counts["killed"],
        "injured": s.counts["injured"],
        "arrested": s.counts["arrested"],
        "participants": s.counts["participants"],
        "acled_event_type": rep.acled_event_type,
        "acled_sub_event_type": rep.acled_sub_event_type,
        "confidence": s.confidence,
        "n_reports": s.n_reports,
        "n_articles": s.n_articles,
        "n_sources": s.n_sources,
        "sources": json.dumps(list(s.sources)),
        "text": " ".join(w for w in words if w),
        "summary": json.dumps(s.to_dict(), default=_json_default),
    }


def _json_default(o: object) -> object:
    if isinstance(o, date):
        return o.isoformat()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def clear_failures(conn: Connection, article_id: str, origin: str | None) -> None:
    cond = failures.c.article_id == article_id
    if origin:
        cond = or_(cond, failures.c.origin == origin)
    conn.execute(delete(failures).where(cond))


def record_failure(
    conn: Connection,
    origin: str,
    reason: str,
    *,
    stage: str,
    error_type: str,
    article_id: str | None = None,
    content_hash: str | None = None,
) -> None:
    """Record (or update) why the document at ``origin`` failed."""
    origin, reason, error_type, article_id = bounded_failure(origin, reason, error_type, article_id)
    ts = now()
    row = conn.execute(select(failures.c.attempts).where(failures.c.origin == origin)).first()
    values = {
        "article_id": article_id,
        "stage": stage,
        "error_type": error_type,
        "reason": reason,
        "content_hash": content_hash,
        "last_seen": ts,
    }
    if row is None:
        conn.execute(insert(failures).values(origin=origin, attempts=1, first_seen=ts, **values))
    else:
        conn.execute(
            update(failures)
            .where(failures.c.origin == origin)
            .values(attempts=row.attempts + 1, **values)
        )
