"""story search by grid cell

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

Story search read every earlier event of a type and status (its index on
``date_start`` bounded the range on one side only), so saving an article got
slower as the store grew.  Events get the 1° grid cell of their point
(``cell``, filled in here for the events already stored) and two indexes:
type, status, cell, date for the events near a point, and type, status,
country, feature, date for coarser places in a country.  Stores at 0002 get
them when they are next opened (:func:`eventlens.store.engine.migrate`).

A migration is a frozen record: the cell formula is written here, not
imported, so this revision does the same forever.
"""

import math
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000


def _cell(lat: float, lon: float) -> int:
    row = min(179, max(0, math.floor(lat + 90)))
    col = min(359, max(0, math.floor(lon + 180)))
    return row * 360 + col


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cell", sa.Integer(), nullable=True))
    events = sa.table(
        "events", sa.column("id", sa.String), sa.column("lat"), sa.column("lon"), sa.column("cell")
    )
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(events.c.id, events.c.lat, events.c.lon).where(
            events.c.lat.is_not(None), events.c.lon.is_not(None)
        )
    ).fetchall()
    update = (
        sa.update(events)
        .where(events.c.id == sa.bindparam("b_id"))
        .values(cell=sa.bindparam("b_cell"))
    )
    for i in range(0, len(rows), BATCH):
        chunk = rows[i : i + BATCH]
        conn.execute(update, [{"b_id": r.id, "b_cell": _cell(r.lat, r.lon)} for r in chunk])
    op.create_index(
        op.f("ix_events_event_type_status_cell_date_start"),
        "events",
        ["event_type", "status", "cell", "date_start"],
        unique=False,
    )
    op.create_index(
        op.f("ix_events_event_type_status_country_feature_date_start"),
        "events",
        ["event_type", "status", "country", "feature", "date_start"],
        unique=False,
    )


def downgrade() -> None:
    """Downgrade schema."""
    for name in ("country_feature_date_start", "cell_date_start"):
        op.drop_index(op.f(f"ix_events_event_type_status_{name}"), table_name="events")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("cell")
