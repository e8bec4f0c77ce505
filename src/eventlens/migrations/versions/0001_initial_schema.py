"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-25

A frozen record: this revision creates the store's tables as they were at
0001 and must create exactly those forever, whatever
:mod:`eventlens.store.schema` (the tables as they are now, at the head) later
becomes.  That is why the tables are written out here a second time instead
of being built from ``schema.py``: a change to the schema is a new revision
(as 0002 added the count indexes), never an edit of this one.  Two tests keep
the two in step: ``tests/test_store.py`` and ``tests/test_store_migrations.py``
compare a database migrated to the head with ``schema.py``'s metadata
(``compare_metadata`` must find no difference), and
``tests/test_store_migrations.py`` compares the SQLite schema this revision
creates with the one it created when it was written
(``tests/fixtures/schema_0001.sql``).

The columns ``stories`` and ``events`` share (place, time, counts and ACLED
labels, in the same order in both) and their three common indexes are made by
the helpers below, which are part of this record too.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Columns = list[sa.Column[Any]]


def upgrade() -> None:
    """Upgrade schema."""
    _create_articles()
    _create_failures()
    _create_stories()
    _create_events()


def _create_articles() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=255), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("origin", sa.Text(), nullable=True),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("n_events", sa.Integer(), nullable=False),
        sa.Column("pipeline_version", sa.String(length=32), nullable=True),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_articles")),
    )


def _create_failures() -> None:
    op.create_table(
        "failures",
        sa.Column("origin", sa.Text(), nullable=False),
        sa.Column("article_id", sa.String(length=64), nullable=True),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("error_type", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("origin", name=op.f("pk_failures")),
    )
    with op.batch_alter_table("failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_failures_article_id"), ["article_id"], unique=False)


def _place() -> Columns:
    """The resolved place: ``location_name`` to ``country``."""
    return [
        sa.Column("location_name", sa.Text(), nullable=True),
        sa.Column("geonameid", sa.Integer(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("feature", sa.String(length=16), nullable=True),
        sa.Column("admin1", sa.String(length=255), nullable=True),
        sa.Column("country", sa.String(length=3), nullable=True),
    ]


def _date_value() -> Columns:
    return [
        sa.Column("date_value", sa.String(length=10), nullable=True),
        sa.Column("date_precision", sa.String(length=8), nullable=True),
    ]


def _date_span() -> Columns:
    """The derived date columns: the span, the sort key and the count keys."""
    return [
        sa.Column("date_start", sa.Date(), nullable=True),
        sa.Column("date_end", sa.Date(), nullable=True),
        sa.Column("sort_date", sa.Date(), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("week", sa.Date(), nullable=True),
        sa.Column("month", sa.Date(), nullable=True),
    ]


def _counts_and_acled() -> Columns:
    return [
        sa.Column("killed", sa.Integer(), nullable=True),
        sa.Column("injured", sa.Integer(), nullable=True),
        sa.Column("arrested", sa.Integer(), nullable=True),
        sa.Column("participants", sa.Integer(), nullable=True),
        sa.Column("acled_event_type", sa.String(length=64), nullable=True),
        sa.Column("acled_sub_event_type", sa.String(length=64), nullable=True),
    ]


def _party(role: str) -> Columns:
    """The actor's or the recipient's columns."""
    return [
        sa.Column(f"{role}_text", sa.Text(), nullable=True),
        sa.Column(f"{role}_start", sa.Integer(), nullable=True),
        sa.Column(f"{role}_end", sa.Integer(), nullable=True),
        sa.Column(f"{role}_name", sa.Text(), nullable=True),
        sa.Column(f"{role}_country", sa.String(length=3), nullable=True),
        sa.Column(f"{role}_sector", sa.String(length=8), nullable=True),
        sa.Column(f"{role}_wikidata", sa.String(length=32), nullable=True),
    ]


def _common_indexes(batch_op: Any, table: str) -> None:
    """The indexes ``stories`` and ``events`` both have (place and time, type and
    status, paging)."""
    batch_op.create_index(
        batch_op.f(f"ix_{table}_country_sort_date"), ["country", "sort_date"], unique=False
    )
    batch_op.create_index(
        batch_op.f(f"ix_{table}_event_type_status_date_start"),
        ["event_type", "status", "date_start"],
        unique=False,
    )
    batch_op.create_index(batch_op.f(f"ix_{table}_sort_date_id"), ["sort_date", "id"], unique=False)


def _create_stories() -> None:
    op.create_table(
        "stories",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=16), nullable=False),
        sa.Column("mode", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        *_date_value(),
        *_date_span(),
        *_place(),
        sa.Column("actor_name", sa.Text(), nullable=True),
        sa.Column("recipient_name", sa.Text(), nullable=True),
        *_counts_and_acled(),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("n_reports", sa.Integer(), nullable=False),
        sa.Column("n_articles", sa.Integer(), nullable=False),
        sa.Column("n_sources", sa.Integer(), nullable=False),
        sa.Column("sources", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stories")),
    )
    with op.batch_alter_table("stories", schema=None) as batch_op:
        _common_indexes(batch_op, "stories")


def _create_events() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("article_id", sa.String(length=64), nullable=False),
        sa.Column("story_id", sa.String(length=64), nullable=True),
        sa.Column("event_type", sa.String(length=16), nullable=False),
        sa.Column("mode", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("contexts", sa.Text(), nullable=False),
        *_party("actor"),
        *_party("recipient"),
        sa.Column("location_text", sa.Text(), nullable=True),
        sa.Column("location_start", sa.Integer(), nullable=True),
        sa.Column("location_end", sa.Integer(), nullable=True),
        *_place(),
        sa.Column("location_score", sa.Float(), nullable=True),
        *_date_value(),
        sa.Column("date_source", sa.String(length=16), nullable=False),
        *_date_span(),
        *_counts_and_acled(),
        sa.Column("cameo_root", sa.String(length=4), nullable=True),
        sa.Column("evidence_text", sa.Text(), nullable=False),
        sa.Column("evidence_start", sa.Integer(), nullable=False),
        sa.Column("evidence_end", sa.Integer(), nullable=False),
        sa.Column("evidence_sentence", sa.Integer(), nullable=False),
        sa.Column("context", sa.Text(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=True),
        sa.Column("published", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_events_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["story_id"],
            ["stories.id"],
            name=op.f("fk_events_story_id_stories"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_article_id"), ["article_id"], unique=False)
        _common_indexes(batch_op, "events")
        batch_op.create_index(batch_op.f("ix_events_story_id"), ["story_id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_story_id"))
        batch_op.drop_index(batch_op.f("ix_events_sort_date_id"))
        batch_op.drop_index(batch_op.f("ix_events_event_type_status_date_start"))
        batch_op.drop_index(batch_op.f("ix_events_country_sort_date"))
        batch_op.drop_index(batch_op.f("ix_events_article_id"))

    op.drop_table("events")
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stories_sort_date_id"))
        batch_op.drop_index(batch_op.f("ix_stories_event_type_status_date_start"))
        batch_op.drop_index(batch_op.f("ix_stories_country_sort_date"))

    op.drop_table("stories")
    with op.batch_alter_table("failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_failures_article_id"))

    op.drop_table("failures")
    op.drop_table("articles")
