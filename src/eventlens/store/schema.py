"""The store's tables (SQLAlchemy Core), one schema for SQLite and PostgreSQL.

These are the tables as they are now (the head revision).  The Alembic
migrations in :mod:`eventlens.migrations` create exactly these tables; each
migration is a frozen record of one change and writes out what it creates
itself (0001 the tables again) rather than importing this module, which
changes.  ``tests/test_store.py`` and ``tests/test_store_migrations.py`` check
that a database migrated to the head agrees with this metadata; a change here
is a new revision (``python -m eventlens.migrations revision "what changed"``).

- ``articles``: one row per article ever processed successfully, keyed by
  ``Article.id``, with a hash of its raw content (how re-ingest knows an
  article is unchanged) and its clean text (evidence offsets point into it).
- ``events``: one row per event, every field of ``eventlens.event/1`` in its
  own column so an event round-trips exactly; derived columns (``date_start``,
  ``date_end``, ``day``/``week``/``month``, ``sort_date``) serve filters,
  counts and stable paging; ``sentence_vector`` keeps the embedding of the
  event's sentence that story clustering compares.
- ``stories``: clusters of events from different articles that report the
  same real-world event (:mod:`eventlens.stories.clustering`), with their representative
  values and, in ``summary``, every conflicting value with its provenance.
- ``threads``: clusters of articles from different outlets that report the
  same happening, whatever events the coder found in them
  (:mod:`eventlens.stories.threads`); ``articles.thread_id`` names an
  article's thread, ``articles.terms`` keeps its TF-IDF vector, and
  ``thread_terms`` the heaviest terms of a thread's members, by which a new
  article finds its candidate threads.
- ``failures``: documents that could not be read, fetched or processed, with
  the reason; removed when the document later succeeds.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

ID = 64

articles = Table(
    "articles",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("url", Text),
    Column("source", String(255)),
    Column("title", Text),
    Column("origin", Text),
    Column("published", Date),
    Column("fetched_at", DateTime(timezone=True)),
    Column("language", String(16)),
    Column("content_hash", String(ID), nullable=False),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("text", Text),
    Column("n_events", Integer, nullable=False),
    Column("pipeline_version", String(32)),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # no foreign key: adding one would rebuild the table on SQLite (migration 0004)
    Column("thread_id", String(ID), index=True),
    # the article's TF-IDF vector (JSON [[term, weight], ...]) that threads compare
    Column("terms", Text),
)

threads = Table(
    "threads",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("title", Text),
    Column("n_articles", Integer, nullable=False),
    Column("n_sources", Integer, nullable=False),
    Column("first_published", Date),
    Column("last_published", Date),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

thread_terms = Table(
    "thread_terms",
    metadata,
    Column(
        "thread_id",
        String(ID),
        ForeignKey("threads.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("term", String(64), primary_key=True),
    Index(None, "term", "thread_id"),
)

stories = Table(
    "stories",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("event_type", String(16), nullable=False),
    Column("mode", String(64)),
    Column("status", String(16), nullable=False),
    Column("date_value", String(10)),
    Column("date_precision", String(8)),
    Column("date_start", Date),
    Column("date_end", Date),
    Column("sort_date", Date, nullable=False),
    Column("day", Date),
    Column("week", Date),
    Column("month", Date),
    Column("location_name", Text),
    Column("geonameid", Integer),
    Column("lat", Float),
    Column("lon", Float),
    Column("feature", String(16)),
    Column("admin1", String(255)),
    Column("country", String(3)),
    Column("actor_name", Text),
    Column("recipient_name", Text),
    Column("killed", Integer),
    Column("injured", Integer),
    Column("arrested", Integer),
    Column("participants", Integer),
    Column("acled_event_type", String(64)),
    Column("acled_sub_event_type", String(64)),
    Column("confidence", Float, nullable=False),
    Column("n_reports", Integer, nullable=False),
    Column("n_articles", Integer, nullable=False),
    Column("n_sources", Integer, nullable=False),
    Column("sources", Text),
    Column("text", Text),
    Column("summary", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index(None, "sort_date", "id"),
    Index(None, "event_type", "status", "date_start"),
    Index(None, "country", "sort_date"),
)

events = Table(
    "events",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column(
        "article_id",
        String(ID),
        ForeignKey("articles.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column(
        "story_id",
        String(ID),
        ForeignKey("stories.id", ondelete="SET NULL"),
        index=True,
    ),
    Column("event_type", String(16), nullable=False),
    Column("mode", String(64)),
    Column("status", String(16), nullable=False),
    Column("contexts", Text, nullable=False),
    Column("actor_text", Text),
    Column("actor_start", Integer),
    Column("actor_end", Integer),
    Column("actor_name", Text),
    Column("actor_country", String(3)),
    Column("actor_sector", String(8)),
    Column("actor_wikidata", String(32)),
    Column("recipient_text", Text),
    Column("recipient_start", Integer),
    Column("recipient_end", Integer),
    Column("recipient_name", Text),
    Column("recipient_country", String(3)),
    Column("recipient_sector", String(8)),
    Column("recipient_wikidata", String(32)),
    Column("location_text", Text),
    Column("location_start", Integer),
    Column("location_end", Integer),
    Column("location_name", Text),
    Column("geonameid", Integer),
    Column("lat", Float),
    Column("lon", Float),
    # the 1° grid cell of the point (eventlens.store.rows.grid_cell), for story search
    Column("cell", Integer),
    Column("feature", String(16)),
    Column("admin1", String(255)),
    Column("country", String(3)),
    Column("location_score", Float),
    Column("date_value", String(10)),
    Column("date_precision", String(8)),
    Column("date_source", String(16), nullable=False),
    Column("date_start", Date),
    Column("date_end", Date),
    Column("sort_date", Date, nullable=False),
    Column("day", Date),
    Column("week", Date),
    Column("month", Date),
    Column("killed", Integer),
    Column("injured", Integer),
    Column("arrested", Integer),
    Column("participants", Integer),
    Column("acled_event_type", String(64)),
    Column("acled_sub_event_type", String(64)),
    Column("cameo_root", String(4)),
    Column("evidence_text", Text, nullable=False),
    Column("evidence_start", Integer, nullable=False),
    Column("evidence_end", Integer, nullable=False),
    Column("evidence_sentence", Integer, nullable=False),
    Column("context", Text),
    # the context sentence's embedding by the sentence encoder (float16 bytes), kept
    # so that story search compares meanings without running the encoder again
    Column("sentence_vector", LargeBinary),
    Column("confidence", Float, nullable=False),
    Column("source", String(255)),
    Column("published", Date),
    Index(None, "sort_date", "id"),
    Index(None, "event_type", "status", "date_start"),
    # Story search: the events of a type and status near a point (by grid cell) or
    # in a country, in a date range: rows read per report do not grow with the store.
    Index(None, "event_type", "status", "cell", "date_start"),
    Index(None, "event_type", "status", "country", "feature", "date_start"),
    Index(None, "country", "sort_date"),
    # Counts over time (the API's timeline: by day, week or month, alone or
    # split by status) read one of these in key order instead of scanning
    # and sorting the table; with status they cover both forms.
    Index(None, "day", "status"),
    Index(None, "week", "status"),
    Index(None, "month", "status"),
)

failures = Table(
    "failures",
    metadata,
    Column("origin", Text, primary_key=True),
    Column("article_id", String(ID), index=True),
    Column("stage", String(16), nullable=False),
    Column("error_type", String(64), nullable=False),
    Column("reason", Text, nullable=False),
    Column("content_hash", String(ID)),
    Column("attempts", Integer, nullable=False),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
)
