"""article threads

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

Threads (:mod:`eventlens.stories.threads`) join the articles of many outlets
that report one happening, by their texts, whatever events the coder found
in them.  New tables ``threads`` and ``thread_terms`` (the heaviest terms of
a thread's members, by which a new article finds its candidate threads) and
two article columns: ``thread_id`` and ``terms`` (the article's TF-IDF
vector).  Articles stored before this revision have no thread; they get one
when they are next ingested (``eventlens ingest --force``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "threads",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("n_articles", sa.Integer(), nullable=False),
        sa.Column("n_sources", sa.Integer(), nullable=False),
        sa.Column("first_published", sa.Date(), nullable=True),
        sa.Column("last_published", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_threads")),
    )
    op.create_table(
        "thread_terms",
        sa.Column("thread_id", sa.String(length=64), nullable=False),
        sa.Column("term", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["threads.id"],
            name=op.f("fk_thread_terms_thread_id_threads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("thread_id", "term", name=op.f("pk_thread_terms")),
    )
    op.create_index(
        op.f("ix_thread_terms_term_thread_id"), "thread_terms", ["term", "thread_id"], unique=False
    )
    # Plain ADD COLUMN, no foreign key: a batch rebuild of ``articles`` on SQLite
    # would drop the table, and its events with it (ON DELETE CASCADE).
    op.add_column("articles", sa.Column("thread_id", sa.String(length=64), nullable=True))
    op.add_column("articles", sa.Column("terms", sa.Text(), nullable=True))
    op.create_index(op.f("ix_articles_thread_id"), "articles", ["thread_id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_articles_thread_id"), table_name="articles")
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+), never a rebuild of ``articles``.
    op.drop_column("articles", "terms")
    op.drop_column("articles", "thread_id")
    op.drop_index(op.f("ix_thread_terms_term_thread_id"), table_name="thread_terms")
    op.drop_table("thread_terms")
    op.drop_table("threads")
