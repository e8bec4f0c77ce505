"""Upgrading an existing store, and the indexes that counts over time read.

A store filled with the labelled dedup set is taken back to revision 0001
(before the day/week/month indexes of 0002 and the grid cells of 0003), then
opened the way every command opens a store (:meth:`Store.open` migrates): it
must reach the head revision with exactly :mod:`eventlens.store.schema`,
gain the indexes, fill in every event's grid cell, and count the same.
On a real SQLite file and, with ``EVENTLENS_TEST_PG``, a real PostgreSQL
server (skipped, saying why, without one; see ``test_store.py``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, event, inspect, select

from eventlens.evaluate.dedup import LabelledReport, load_set
from eventlens.model import Article
from eventlens.store import Filter, Store, resolve_url
from eventlens.store import writer as store_writer
from eventlens.store.engine import alembic_config, current_revision, head_revision, make_engine
from eventlens.store.query import EventQuery, GroupBy
from eventlens.store.rows import anchor_day, buckets, grid_cell
from eventlens.store.schema import events, metadata
from eventlens.web.queries import grouped_counts
from test_store import pg_database

FROZEN_0001 = Path(__file__).parent / "fixtures" / "store" / "schema_0001.sql"
OVER_TIME: tuple[GroupBy, ...] = ("day", "week", "month")
COUNT_INDEXES = {f"ix_events_{by}_status" for by in OVER_TIME}
SEARCH_INDEXES = {
    "ix_events_event_type_status_cell_date_start",
    "ix_events_event_type_status_country_feature_date_start",
}


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of either kind."""
    if request.param == "sqlite":
        yield resolve_url(str(tmp_path / "old.db"))
    else:
        yield from pg_database()


def _migrate_to(engine: Engine, revision: str, *, down: bool = False) -> None:
    with engine.begin() as conn:
        cfg = alembic_config(conn)
        if down:
            command.downgrade(cfg, revision)
        else:
            command.upgrade(cfg, revision)


def _fill(conn: Connection) -> list[LabelledReport]:
    """The labelled set, written with the store's own writer (at the head schema)."""
    reports = load_set()
    for r in reports:
        e = r.report.event
        article = Article(
            id=e.article_id,
            content=e.evidence.text,
            source=r.report.source,
            published=r.report.published,
            origin=f"test:{e.article_id}",
        )
        store_writer.save_article(
            conn, article, content_hash="v1", text=e.evidence.text, events_=[e]
        )
    return reports


def _cells(engine: Engine) -> dict[str, int | None]:
    with engine.connect() as conn:
        rows = conn.execute(select(events.c.id, events.c.lat, events.c.lon, events.c.cell))
        out = {}
        for r in rows:
            assert r.cell == grid_cell(r.lat, r.lon)
            out[r.id] = r.cell
        return out


def _index_names(engine: Engine) -> set[str]:
    return {str(ix["name"]) for ix in inspect(engine).get_indexes("events")}


def _counts(engine: Engine) -> dict[str, Any]:
    """Every count over time, through the store's query layer and the API's."""
    q = EventQuery(engine)
    out: dict[str, Any] = {}
    for by in OVER_TIME:
        out[by] = q.count_by(by)
        out[f"{by}+status"] = grouped_counts(q, [by, "status"], Filter())
    return out


def test_store_at_0001_upgrades_to_head_with_the_count_indexes(url: str) -> None:
    engine = make_engine(url)
    try:
        _migrate_to(engine, "head")
        with engine.begin() as conn:
            reports = _fill(conn)
        cells = _cells(engine)
        assert len(cells) == len(reports) and any(c is not None for c in cells.values())
        _migrate_to(engine, "0001", down=True)
        assert not COUNT_INDEXES & _index_names(engine)
        assert "cell" not in {c["name"] for c in inspect(engine).get_columns("events")}
        before = _counts(engine)
    finally:
        engine.dispose()

    with Store.open(url) as store:  # what every command does: migrate on open
        with store.engine.connect() as conn:
            assert current_revision(conn) == head_revision()
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
        assert _index_names(store.engine) >= COUNT_INDEXES | SEARCH_INDEXES
        assert _cells(store.engine) == cells  # 0003 fills in the cells of stored events
        after = _counts(store.engine)
        assert store.totals().events == len(reports)

    assert after == before
    for by in OVER_TIME:
        expected = Counter(buckets(anchor_day(r.report.event.date))[by] for r in reports)
        expected.pop(None, None)
        assert after[by] == sorted(expected.items()), by
        assert sum(n for _, n in after[f"{by}+status"]) == len(reports), by

    engine = make_engine(url)
    try:
        _migrate_to(engine, "0001", down=True)
        assert not COUNT_INDEXES & _index_names(engine)
        assert _counts(engine) == before
        _migrate_to(engine, "head")
        assert _index_names(engine) >= COUNT_INDEXES
    finally:
        engine.dispose()


def _sqlite_schema(engine: Engine) -> list[str]:
    """The SQL of every table and index, without the Alembic bookkeeping, one stripped
    line per entry."""
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name != 'alembic_version' "
            "ORDER BY type DESC, name"
        ).fetchall()
    return [line.rstrip() for (sql,) in rows for line in f"{sql};".splitlines()]


def test_revision_0001_still_creates_the_schema_it_was_written_with(tmp_path: Path) -> None:
    """0001 is a frozen record: however ``eventlens.store.schema`` changes, migrating an
    empty database to 0001 gives the schema it gave when it was written."""
    frozen = [
        line
        for line in FROZEN_0001.read_text(encoding="utf-8").splitlines()
        if not line.startswith("--")
    ]
    engine = make_engine(resolve_url(str(tmp_path / "frozen.db")))
    try:
        _migrate_to(engine, "0001")
        assert _sqlite_schema(engine) == frozen
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def sqlite_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with Store.open(str(tmp_path_factory.mktemp("plans") / "events.db")) as store:
        with store.transaction() as conn:
            _fill(conn)
        yield store


def _plans(engine: Engine, run: Any) -> list[str]:
    """The SQLite query plan of every statement ``run()`` executes."""
    statements: list[tuple[str, Any]] = []

    def capture(_c: Any, _cur: Any, sql: str, params: Any, _ctx: Any, _many: bool) -> None:
        if sql.lstrip().upper().startswith("SELECT"):
            statements.append((sql, params))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert statements
    with engine.connect() as conn:
        return [
            " | ".join(
                str(row[-1]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)
            )
            for sql, params in statements
        ]


@pytest.mark.parametrize("split", [None, "status"])
@pytest.mark.parametrize("by", OVER_TIME)
def test_counts_over_time_read_their_index(
    sqlite_store: Store, by: GroupBy, split: str | None
) -> None:
    q = sqlite_store.events
    keys: list[str] = [by] if split is None else [by, split]
    runs = [lambda: grouped_counts(q, keys, Filter())]  # the API's counts
    if split is None:
        runs.append(lambda: q.count_by(by))  # the store's
    for run in runs:
        for plan in _plans(sqlite_store.engine, run):
            assert f"COVERING INDEX ix_events_{by}_status" in plan, plan
            assert "TEMP B-TREE" not in plan, plan  # read in key order, no sort
