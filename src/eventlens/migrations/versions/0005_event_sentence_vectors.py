"""event sentence vectors

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

Story clustering compares the meanings of two reports' sentences by the
packaged sentence encoder (:meth:`eventlens.stories.similarity.Similarity.sentence_similarity`).
``events.sentence_vector`` keeps each event's embedding (float16 bytes) so
that a report is compared with stored ones without running the encoder on
them again.  Events stored before this revision have none; theirs is
computed when they are first compared (and kept only in memory).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    # Plain ADD COLUMN: a batch rebuild of ``events`` is never needed for this.
    op.add_column("events", sa.Column("sentence_vector", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column("events", "sentence_vector")
