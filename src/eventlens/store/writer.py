"""Writing to the store: one article (its events and stories) per transaction.

:func:`save_article` is the only way events enter the store.  In one
transaction it replaces the article's events (a changed article loses its old
events and gains the new ones, or nothing happens at all), assigns each new
event to a story (:mod:`eventlens.stories.clustering`, candidates queried from the store),
refreshes every story it touched, puts the article in its thread (the
articles of other outlets that report the same happening:
:mod:`eventlens.store.thread_writer`) and clears the article's failures.  A crash
at any point leaves the article as it was before, or fully written.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any, Literal

from sqlalchemy import (
    Connection,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)

from eventlens.knowledge import Knowledge
from eventlens.model import Article, Event, stable_id
from eventlens.store.bounds import bounded_article, bounded_failure, fit_row
from eventlens.store.rows import NO_DATE, anchor_day, buckets, event_from_row, event_to_row
from eventlens.store.schema import articles, events, failures, stories
from eventlens.store.search import StorySearch
from eventlens.store.thread_writer import join_thread, leave_thread
from eventlens.stories.clustering import StoryRules, new_story_id
from eventlens.stories.report import Report, TermVector, date_range
from eventlens.stories.summaries import StorySummary, summarize
from eventlens.stories.threads import ThreadRules, vector_from_json

VectorParser = Callable[[str | None], TermVector]
"""Reads an article's stored vector (``articles.terms``)."""

log = logging.getLogger(__name__)

SaveStatus = Literal["new", "changed", "unchanged"]

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
    thread_id: str | None = None
    """The article's thread (None when its text says too little to compare)."""


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
    search: StorySearch | None = None,
    thread_rules: ThreadRules | None = None,
) -> SaveResult:
    """Write one processed article inside the caller's transaction.

    ``rules``: the store's story clustering (default: built from a fresh Knowledge);
    ``search``: its story search (default: built for ``rules.params``);
    ``thread_rules``: its thread assignment (default: the default thresholds).
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
    rules = rules or StoryRules(Knowledge())
    thread_rules = thread_rules or ThreadRules(rules.knowledge)
    values: dict[str, Any] = {
        "content_hash": content_hash,
        "etag": etag,
        "last_modified": last_modified,
        "text": text,
        "n_events": len(unique),
        "pipeline_version": pipeline_version,
        "updated_at": ts,
    }
    vector = thread_rules.vector(text)
    thread_id = _write_article(conn, article, values, vector, new=old is None, rules=thread_rules)

    search = search or StorySearch(rules.params)
    parse = thread_rules.vector_of  # stored vectors, parsed once per store
    reports = [
        Report(
            e,
            article.source,
            article.published,
            article.url,
            (sentences or {}).get(e.evidence.sentence),
            text,
            thread_id,
        )
        for e in unique
    ]
    new_stories, joined = _save_events(conn, reports, rules, search, touched, parse)
    for sid in sorted(touched):
        refresh_story(conn, sid, ts, parse)
    clear_failures(conn, article.id, article.origin)
    return SaveResult(
        "new" if old is None else "changed", len(unique), new_stories, joined, thread_id
    )


def _save_events(
    conn: Connection,
    reports: Sequence[Report],
    rules: StoryRules,
    search: StorySearch,
    touched: set[str],
    parse: VectorParser,
) -> tuple[int, int]:
    """Insert an article's events, each in the story it joins or a new one, with
    its sentence's embedding (the encoder runs once for all of them); the
    numbers of new stories and of stories joined."""
    new_stories = joined = 0
    embedded = rules.similarity.embed_sentences(reports)
    for report, sentence_vector in zip(reports, embedded, strict=True):
        report = replace(report, sentence_vector=sentence_vector)
        story_id, created = _assign(conn, report, rules, search, touched, parse)
        row = event_to_row(
            report.event,
            source=report.source,
            published=report.published,
            story_id=story_id,
            context=report.context,
        )
        row["sentence_vector"] = sentence_vector
        conn.execute(insert(events).values(fit_row(events, row)))
        touched.add(story_id)
        if created:
            new_stories += 1
        else:
            joined += 1
    return new_stories, joined


def _write_article(
    conn: Connection,
    article: Article,
    values: dict[str, Any],
    vector: TermVector,
    *,
    new: bool,
    rules: ThreadRules,
) -> str | None:
    """Insert or update the article's row (the article's own fields and
    ``values``) and put it, with its ``vector``, in its thread; its thread id."""
    ts = values["updated_at"]
    row = fit_row(
        articles,
        {
            "url": article.url,
            "source": article.source,
            "title": article.title,
            "origin": article.origin,
            "published": article.published,
            "fetched_at": article.fetched_at,
            "language": article.language,
            **values,
        },
    )
    if new:
        conn.execute(insert(articles).values(id=article.id, ingested_at=ts, **row))
    else:
        leave_thread(conn, article.id, rules, ts)
        conn.execute(update(articles).where(articles.c.id == article.id).values(**row))
    return join_thread(conn, article.id, vector, article.published, rules, ts)


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
    articles.c.thread_id.label("article_thread"),
    articles.c.terms.label("article_terms"),
]


def _report(row: Any, parse: VectorParser = vector_from_json) -> Report:
    m = row._mapping
    return Report(
        event_from_row(m),
        m["source"],
        m["published"],
        m["article_url"],
        m["context"],
        m["article_text"],
        m["article_thread"],
        parse(m["article_terms"]),
        m["sentence_vector"],
    )


def candidate_stories(
    conn: Connection,
    report: Report,
    search: StorySearch,
    parse: VectorParser = vector_from_json,
) -> dict[str, list[Report]]:
    """The stories ``report`` could join, each with its members (up to
    ``MAX_MEMBERS``, the newest): a report is judged against whole stories."""
    wanted = search.candidates(conn, report, MAX_STORIES)
    members = newest_members(conn, wanted, MAX_MEMBERS, parse)
    return {sid: members.get(sid, []) for sid in wanted}


def _assign(
    conn: Connection,
    report: Report,
    rules: StoryRules,
    search: StorySearch,
    touched: set[str],
    parse: VectorParser,
) -> tuple[str, bool]:
    a = rules.assign(report, candidate_stories(conn, report, search, parse))
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


def story_members(
    conn: Connection, story_id: str, parse: VectorParser = vector_from_json
) -> list[Report]:
    """A story's reports in date order; ``parse`` reads each article's stored
    vector (the newest few of many stories: :func:`newest_members`)."""
    stmt = (
        select(*_REPORT_COLS)
        .join(articles, articles.c.id == events.c.article_id)
        .where(events.c.story_id == story_id)
        .order_by(events.c.sort_date, events.c.id)
    )
    return [_report(r, parse) for r in conn.execute(stmt)]


def newest_members(
    conn: Connection,
    story_ids: Sequence[str],
    limit: int,
    parse: VectorParser = vector_from_json,
) -> dict[str, list[Report]]:
    """The newest ``limit`` reports of each story, in date order (the last
    ``limit`` of :func:`story_members`), for many stories in one query."""
    if not story_ids:
        return {}
    c = events.c
    n = (
        func.row_number()
        .over(partition_by=c.story_id, order_by=(c.sort_date.desc(), c.id.desc()))
        .label("member_n")
    )
    inner = (
        select(*_REPORT_COLS, n)
        .join(articles, articles.c.id == c.article_id)
        .where(c.story_id.in_(list(story_ids)))
        .subquery()
    )
    rows = conn.execute(
        select(inner)
        .where(inner.c.member_n <= limit)
        .order_by(inner.c.story_id, inner.c.sort_date, inner.c.id)
    ).all()
    out: dict[str, list[Report]] = {}
    for r in rows:
        out.setdefault(r.story_id, []).append(_report(r, parse))
    return out


def refresh_story(
    conn: Connection,
    story_id: str,
    ts: datetime | None = None,
    parse: VectorParser = vector_from_json,
) -> None:
    """Recompute a story's row from its reports; delete it when it has none."""
    members = story_members(conn, story_id, parse=parse)
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
