"""The event store: articles, events, stories and failures in SQL.

SQLite file by default, PostgreSQL by URL; one schema through SQLAlchemy,
migrated with Alembic when the store opens.  Open one with
:meth:`Store.open`; read it through :attr:`Store.events` and
:attr:`Store.stories` (:mod:`eventlens.store.query`: filters, stable paging,
counts); write to it only through :meth:`Store.save_article` and
:meth:`Store.record_failure`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import TracebackType

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.engine import make_url

from eventlens.errors import UsageError
from eventlens.knowledge import Knowledge
from eventlens.model import Article, Event
from eventlens.store.bounds import bounded_id, bounded_origin
from eventlens.store.engine import (
    check_revision,
    lock_for_write,
    make_engine,
    migrate,
    resolve_url,
)
from eventlens.store.query import (
    EventQuery,
    EventRecord,
    Filter,
    Page,
    StoryQuery,
    StoryRecord,
)
from eventlens.store.schema import articles, events, failures, stories, threads
from eventlens.store.search import StorySearch
from eventlens.store.writer import SaveResult, record_failure, save_article
from eventlens.stories.clustering import StoryRules
from eventlens.stories.params import DEFAULT_PARAMS, DedupParams
from eventlens.stories.threads import ThreadRules

__all__ = [
    "ArticleRecord",
    "ArticleState",
    "EventRecord",
    "FailureRecord",
    "Filter",
    "Page",
    "SaveResult",
    "Store",
    "StoryRecord",
    "ThreadRecord",
    "Totals",
    "resolve_url",
]

# Lookups of many ids go in chunks of this size (SQLite's parameter limit).
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class ArticleState:
    """What the store knows of an article, to skip it when it has not changed."""

    id: str
    content_hash: str
    etag: str | None
    last_modified: str | None
    n_events: int


@dataclass(frozen=True, slots=True)
class FailureRecord:
    origin: str
    article_id: str | None
    stage: str
    error_type: str
    reason: str
    content_hash: str | None
    attempts: int
    first_seen: datetime
    last_seen: datetime


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    id: str
    url: str | None
    source: str | None
    title: str | None
    origin: str | None
    published: date | None
    text: str | None
    n_events: int
    ingested_at: datetime
    updated_at: datetime
    language: str | None = None
    fetched_at: datetime | None = None
    thread_id: str | None = None


@dataclass(frozen=True, slots=True)
class ThreadRecord:
    """A thread: the articles of many outlets that report one happening."""

    id: str
    title: str | None
    n_articles: int
    n_sources: int
    first_published: date | None
    last_published: date | None
    articles: tuple[ArticleRecord, ...]
    """Its articles in the order they arrived (without their texts)."""


@dataclass(frozen=True, slots=True)
class Totals:
    articles: int
    events: int
    stories: int
    failures: int


def _shown(url: str) -> str:
    """A store's URL for messages: a SQLite file's path; a URL without its password."""
    sa = make_url(url)
    if sa.get_backend_name() == "sqlite":
        return sa.database or url
    return sa.render_as_string(hide_password=True)


_ARTICLE_COLUMNS = tuple(
    articles.c[name]
    for name in (
        "id",
        "url",
        "source",
        "title",
        "origin",
        "published",
        "n_events",
        "ingested_at",
        "updated_at",
        "language",
        "fetched_at",
        "thread_id",
    )
)
"""An :class:`ArticleRecord`'s columns but its text."""


class Store:
    """A connection to one event store."""

    def __init__(
        self,
        url: str,
        *,
        params: DedupParams = DEFAULT_PARAMS,
        read_only: bool = False,
        knowledge: Knowledge | None = None,
    ) -> None:
        self.url = url
        self.params = params
        self._knowledge = knowledge
        self._story_rules: StoryRules | None = None
        self._story_search: StorySearch | None = None
        self._thread_rules: ThreadRules | None = None
        self.read_only = read_only
        self._write_engine: Engine | None
        if read_only:
            # No write engine, no migrations: the schema must already be this version's.
            self._write_engine = None
            self.engine = make_engine(url, read_only=True)
            try:
                check_revision(self.engine, _shown(url))
            except Exception:
                self.engine.dispose()
                raise
        else:
            self._write_engine = make_engine(url, write=True)
            migrate(self._write_engine)
            if self._write_engine.dialect.name == "sqlite":
                self.engine = make_engine(url, write=False)
            else:
                self.engine = self._write_engine
        self.events = EventQuery(self.engine)
        self.stories = StoryQuery(self.engine)

    @classmethod
    def open(
        cls,
        db: str | None = None,
        *,
        params: DedupParams = DEFAULT_PARAMS,
        create: bool = True,
        read_only: bool = False,
        knowledge: Knowledge | None = None,
    ) -> Store:
        """Open (creating and migrating as needed) the store ``db`` names:
        a path, a URL, or None for ``$EVENTLENS_DB`` or ``./eventlens.db``.

        With ``create=False`` a SQLite file that does not exist is a
        :class:`UsageError` (reading commands should not leave empty stores behind).
        With ``read_only=True`` (``eventlens serve``) nothing can be written
        and nothing is migrated: a store of another schema is a UsageError.
        ``knowledge`` gives the tables story clustering reads (pass the
        pipeline's, ``resources.knowledge``, to parse them once).
        """
        url = resolve_url(db)
        if not create or read_only:
            sa_url = make_url(url)
            path = sa_url.database
            local = sa_url.get_backend_name() == "sqlite" and path and path != ":memory:"
            if local and not Path(path or "").exists():
                raise UsageError(f"no event store at {path} (run eventlens ingest first)")
        return cls(url, params=params, read_only=read_only, knowledge=knowledge)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()
        if self._write_engine is not None:
            self._write_engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- writing --------------------------------------------------------------

    def share_knowledge(self, knowledge: Knowledge) -> None:
        """Cluster stories with this ``knowledge`` (a pipeline's), unless the store
        was opened with its own or has already built its rules: the tables are
        then parsed once per run, not once by the pipeline and again here."""
        if self._knowledge is None and self._story_rules is None:
            self._knowledge = knowledge

    @property
    def story_search(self) -> StorySearch:
        """The store's story search (its query shapes are built once)."""
        if self._story_search is None:
            self._story_search = StorySearch(self.story_rules.params)
        return self._story_search

    @property
    def story_rules(self) -> StoryRules:
        """The story clustering rules this store applies (built on first use,
        from the ``knowledge`` it was opened with, or a fresh one)."""
        if self._story_rules is None:
            self._story_rules = StoryRules(self._knowledge or Knowledge(), self.params)
        return self._story_rules

    @property
    def thread_rules(self) -> ThreadRules:
        """The thread rules this store applies (built on first use, with the
        knowledge its story rules read)."""
        if self._thread_rules is None:
            self._thread_rules = ThreadRules(self.story_rules.knowledge)
        return self._thread_rules

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction (the only writer while it lasts)."""
        if self._write_engine is None:
            raise UsageError("this store was opened read-only")
        with self._write_engine.begin() as conn:
            lock_for_write(conn)
            yield conn

    def save_article(
        self,
        article: Article,
        *,
        content_hash: str,
        text: str,
        events: Sequence[Event],
        etag: str | None = None,
        last_modified: str | None = None,
        pipeline_version: str | None = None,
        force: bool = False,
        sentences: Mapping[int, str] | None = None,
    ) -> SaveResult:
        """Store one processed article with its events and stories, atomically."""
        with self.transaction() as conn:
            return save_article(
                conn,
                article,
                content_hash=content_hash,
                text=text,
                events_=events,
                etag=etag,
                last_modified=last_modified,
                pipeline_version=pipeline_version,
                force=force,
                rules=self.story_rules,
                sentences=sentences,
                search=self.story_search,
                thread_rules=self.thread_rules,
            )

    def record_failure(
        self,
        origin: str,
        reason: str,
        *,
        stage: str,
        error_type: str,
        article_id: str | None = None,
        content_hash: str | None = None,
    ) -> None:
        with self.transaction() as conn:
            record_failure(
                conn,
                origin,
                reason,
                stage=stage,
                error_type=error_type,
                article_id=article_id,
                content_hash=content_hash,
            )

    # -- reading --------------------------------------------------------------

    def states(self, ids: Iterable[str]) -> dict[str, ArticleState]:
        """The stored state of each of these article ids that the store has."""
        out: dict[str, ArticleState] = {}
        wanted = list(dict.fromkeys(bounded_id(i) for i in ids))
        c = articles.c
        with self.engine.connect() as conn:
            for i in range(0, len(wanted), _CHUNK):
                rows = conn.execute(
                    select(c.id, c.content_hash, c.etag, c.last_modified, c.n_events).where(
                        c.id.in_(wanted[i : i + _CHUNK])
                    )
                )
                for r in rows:
                    out[r.id] = ArticleState(
                        r.id, r.content_hash, r.etag, r.last_modified, r.n_events
                    )
        return out

    def failure_states(self, origins: Iterable[str]) -> dict[str, FailureRecord]:
        """The recorded failure of each of these origins that has one."""
        out: dict[str, FailureRecord] = {}
        wanted = list(dict.fromkeys(bounded_origin(o) for o in origins))
        with self.engine.connect() as conn:
            for i in range(0, len(wanted), _CHUNK):
                rows = conn.execute(
                    select(failures).where(failures.c.origin.in_(wanted[i : i + _CHUNK]))
                )
                for r in rows:
                    out[r.origin] = FailureRecord(**r._mapping)
        return out

    def failures(
        self, *, stage: str | None = None, limit: int | None = None
    ) -> Iterator[FailureRecord]:
        """Recorded failures, most recent first."""
        stmt = select(failures).order_by(failures.c.last_seen.desc(), failures.c.origin)
        if stage:
            stmt = stmt.where(failures.c.stage == stage)
        if limit is not None:
            stmt = stmt.limit(limit)
        with self.engine.connect() as conn:
            for r in conn.execute(stmt):
                yield FailureRecord(**r._mapping)

    def article(self, article_id: str) -> ArticleRecord | None:
        c = articles.c
        with self.engine.connect() as conn:
            r = conn.execute(
                select(*_ARTICLE_COLUMNS, c.text).where(c.id == bounded_id(article_id))
            ).first()
        return ArticleRecord(**r._mapping) if r is not None else None

    def thread(self, thread_id: str, *, limit: int = 200) -> ThreadRecord | None:
        """One thread with its first ``limit`` articles (texts left out)."""
        with self.engine.connect() as conn:
            t = conn.execute(select(threads).where(threads.c.id == bounded_id(thread_id))).first()
            if t is None:
                return None
            members = self._article_refs(conn, articles.c.thread_id == t.id, limit)
        return ThreadRecord(
            t.id,
            t.title,
            t.n_articles,
            t.n_sources,
            t.first_published,
            t.last_published,
            members,
        )

    def coverage(self, article_ids: Iterable[str], *, limit: int = 200) -> list[ArticleRecord]:
        """The other articles of these articles' threads: coverage of the same
        happening in which no event of the story was coded."""
        ids = list(dict.fromkeys(bounded_id(i) for i in article_ids))
        if not ids:
            return []
        c = articles.c
        with self.engine.connect() as conn:
            tids = [
                t
                for (t,) in conn.execute(
                    select(c.thread_id).where(c.id.in_(ids), c.thread_id.is_not(None)).distinct()
                )
            ]
            if not tids:
                return []
            return list(self._article_refs(conn, c.thread_id.in_(tids) & c.id.not_in(ids), limit))

    @staticmethod
    def _article_refs(conn: Connection, where: object, limit: int) -> tuple[ArticleRecord, ...]:
        c = articles.c
        rows = conn.execute(
            select(*_ARTICLE_COLUMNS)
            .where(where)  # type: ignore[arg-type]
            .order_by(c.ingested_at, c.id)
            .limit(limit)
        ).all()
        return tuple(ArticleRecord(text=None, **r._mapping) for r in rows)

    def totals(self) -> Totals:
        with self.engine.connect() as conn:

            def n(t: object) -> int:
                return int(conn.execute(select(func.count()).select_from(t)).scalar_one())  # type: ignore[arg-type]

            return Totals(
                articles=n(articles),
                events=n(events),
                stories=int(
                    conn.execute(
                        select(func.count()).select_from(stories).where(stories.c.n_reports > 0)
                    ).scalar_one()
                ),
                failures=n(failures),
            )
