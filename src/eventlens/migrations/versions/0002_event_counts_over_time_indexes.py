"""indexes for event counts by day, week and month

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

Counts of events over time (``/api/counts/events?by=day|week|month``, alone
or with ``split=status``: the dashboard's timeline) scanned the whole events
table and sorted it.  An index on each time key with the status reads the
counts in key order from the index alone.  Stores at 0001 get them when they
are next opened (:func:`eventlens.store.engine.migrate`).
"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEYS = ("day", "week", "month")


def upgrade() -> None:
    """Upgrade schema."""
    for key in KEYS:
        op.create_index(op.f(f"ix_events_{key}_status"), "events", [key, "status"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    for key in reversed(KEYS):
        op.drop_index(op.f(f"ix_events_{key}_status"), table_name="events")
