"""Threads in the store: each saved article joins the thread of articles that
report the same happening (:mod:`eventlens.stories.threads`), inside the
transaction that saves it.

A new article finds its candidate threads by its heaviest terms
(``thread_terms``, indexed by term); it and the newest members of those
threads (their vectors are kept in ``articles.terms``) are clustered again
(:meth:`eventlens.stories.threads.ThreadRules.recluster`), and every article
whose thread changed is moved, every thread touched recounted, and a thread
left empty deleted.  A changed article leaves its old thread first.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from eventlens.store.schema import articles, thread_terms, threads
from eventlens.stories.report import TermVector
from eventlens.stories.threads import (
    ThreadMember,
    ThreadRules,
    neighbourhood,
    new_thread_id,
    vector_json,
)


def leave_thread(conn: Connection, article_id: str, rules: ThreadRules, ts: datetime) -> None:
    """Take a (changed) article out of its thread."""
    row = conn.execute(select(articles.c.thread_id).where(articles.c.id == article_id)).first()
    if row is None or row.thread_id is None:
        return
    conn.execute(update(articles).where(articles.c.id == article_id).values(thread_id=None))
    refresh_thread(conn, row.thread_id, ts, rebuild=rules)


def candidate_threads(
    conn: Connection, vector: TermVector, rules: ThreadRules, exclude: str
) -> list[tuple[str, list[ThreadMember]]]:
    """The threads sharing most of the article's search terms (best first),
    each with its newest members (one query for them all)."""
    terms = rules.search_terms(vector)
    if not terms:
        return []
    hits = func.count().label("hits")
    ranked = [
        r.thread_id
        for r in conn.execute(
            select(thread_terms.c.thread_id, hits)
            .where(thread_terms.c.term.in_(terms))
            .group_by(thread_terms.c.thread_id)
            .order_by(hits.desc(), thread_terms.c.thread_id)
            .limit(rules.params.max_candidates)
        )
    ]
    if not ranked:
        return []
    c = articles.c
    newest = (
        func.row_number()
        .over(partition_by=c.thread_id, order_by=(c.ingested_at.desc(), c.id.desc()))
        .label("n")
    )
    inner = (
        select(c.id, c.thread_id, c.terms, c.published, newest)
        .where(c.thread_id.in_(ranked), c.id != exclude)
        .subquery()
    )
    rows = conn.execute(
        select(inner.c.id, inner.c.thread_id, inner.c.terms, inner.c.published)
        .where(inner.c.n <= rules.params.max_members)
        .order_by(inner.c.thread_id, inner.c.n.desc())
    ).all()
    by_thread: dict[str, list[Any]] = {}
    for r in rows:
        by_thread.setdefault(r.thread_id, []).append(r)
    # Only the threads the neighbourhood can take (whole threads, best first,
    # at most ``max_local`` articles with the new one) are parsed.
    out: list[tuple[str, list[ThreadMember]]] = []
    room = rules.params.max_local - 1
    for tid in ranked:
        got = by_thread.get(tid)
        if not got:
            continue
        if len(got) > room:
            break
        room -= len(got)
        members = []
        for r in got:
            vector, index = rules.parsed(r.terms)
            members.append(ThreadMember(r.id, vector, r.published, index))
        out.append((tid, members))
    return out


def join_thread(
    conn: Connection,
    article_id: str,
    vector: TermVector,
    published: date | None,
    rules: ThreadRules,
    ts: datetime,
) -> str | None:
    """Assign the (already written) article to a thread, re-clustering its
    neighbourhood; its thread id, or None when it says too little to compare."""
    conn.execute(
        update(articles).where(articles.c.id == article_id).values(terms=vector_json(vector))
    )
    if not rules.usable(vector):
        return None
    me = ThreadMember(article_id, vector, published)
    local = neighbourhood(
        me, candidate_threads(conn, vector, rules, article_id), rules.params.max_local
    )
    old = {m.article_id: tid for m, tid in local}
    vectors = {m.article_id: m.vector for m, _ in local}
    touched: set[str] = set()
    left: set[str] = set()
    mine: str | None = None
    for kept, ids in rules.recluster(local):
        tid = kept or _new_thread(conn, ids[0], ts)
        moved = [a for a in ids if old[a] != tid]
        if moved:
            conn.execute(update(articles).where(articles.c.id.in_(moved)).values(thread_id=tid))
            left.update(t for a in moved if (t := old[a]) is not None)
            terms = [t for a in moved for t in rules.search_terms(vectors[a])]
            _add_terms(conn, tid, terms)
            touched.add(tid)
        if article_id in ids:
            mine = tid
    for tid in sorted(touched | left):
        refresh_thread(conn, tid, ts, rebuild=rules if tid in left else None)
    return mine


def _new_thread(conn: Connection, article_id: str, ts: datetime) -> str:
    tid, n = new_thread_id(article_id), 0
    while conn.execute(select(threads.c.id).where(threads.c.id == tid)).first():
        n += 1
        tid = new_thread_id(f"{article_id}/{n}")
    conn.execute(
        insert(threads).values(id=tid, n_articles=0, n_sources=0, created_at=ts, updated_at=ts)
    )
    return tid


def _add_terms(conn: Connection, tid: str, terms: list[str]) -> None:
    wanted = list(dict.fromkeys(t[:64] for t in terms))
    if not wanted:
        return
    have = set(
        conn.execute(
            select(thread_terms.c.term).where(
                thread_terms.c.thread_id == tid, thread_terms.c.term.in_(wanted)
            )
        ).scalars()
    )
    new = [{"thread_id": tid, "term": t} for t in wanted if t not in have]
    if new:
        conn.execute(insert(thread_terms), new)


def refresh_thread(
    conn: Connection, tid: str, ts: datetime, *, rebuild: ThreadRules | None = None
) -> None:
    """Recount a thread from its articles; delete it when it has none.  With
    ``rebuild`` (after a member left), its search terms are those its members
    have now."""
    c = articles.c
    rows = conn.execute(
        select(c.id, c.title, c.source, c.url, c.published, c.terms)
        .where(c.thread_id == tid)
        .order_by(c.ingested_at, c.id)
    ).all()
    if not rows:
        conn.execute(delete(thread_terms).where(thread_terms.c.thread_id == tid))
        conn.execute(delete(threads).where(threads.c.id == tid))
        return
    dates = [r.published for r in rows if r.published is not None]
    values: dict[str, Any] = {
        "title": next((r.title for r in rows if r.title), None),
        "n_articles": len(rows),
        "n_sources": len({(r.source or r.url or r.id).casefold() for r in rows}),
        "first_published": min(dates, default=None),
        "last_published": max(dates, default=None),
        "updated_at": ts,
    }
    conn.execute(update(threads).where(threads.c.id == tid).values(**values))
    if rebuild is not None:
        conn.execute(delete(thread_terms).where(thread_terms.c.thread_id == tid))
        terms = [t for r in rows for t in rebuild.search_terms(rebuild.parsed(r.terms)[0])]
        _add_terms(conn, tid, terms)
