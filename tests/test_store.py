"""The event store on a real SQLite file and a real PostgreSQL server.

PostgreSQL tests need ``EVENTLENS_TEST_PG`` (a URL; ``scripts/ci_services.sh``
starts a server and prints one); each test gets a fresh database.  They skip,
saying why, when it is unset or the server cannot be reached.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, select, text

from eventlens.errors import UsageError
from eventlens.evaluate.dedup import LabelledReport, load_set, make_event, make_place
from eventlens.model import Article, Event
from eventlens.store import Filter, Store, resolve_url
from eventlens.store import writer as store_writer
from eventlens.store.engine import head_revision
from eventlens.store.query import GroupBy
from eventlens.store.schema import events, metadata


def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    base = os.environ.get("EVENTLENS_TEST_PG")
    if not base:
        pytest.skip("EVENTLENS_TEST_PG is not set (scripts/ci_services.sh starts a server)")
    admin_url = resolve_url(base)
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as e:
        pytest.skip(f"PostgreSQL at EVENTLENS_TEST_PG is unreachable: {type(e).__name__}: {e}")
    name = f"eventlens_t_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.rsplit("/", 1)[0] + "/" + name
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _open(kind: str, path: Path) -> Iterator[Store]:
    if kind == "sqlite":
        s = Store.open(str(path / "events.db"))
        yield s
        s.close()
        return
    gen = pg_database()
    url = next(gen)
    s = Store.open(url)
    try:
        yield s
    finally:
        s.close()
        next(gen, None)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    yield from _open(request.param, tmp_path)


def _article(r: LabelledReport, content: str | None = None) -> Article:
    e = r.report.event
    return Article(
        id=e.article_id,
        content=content or e.evidence.text,
        source=r.report.source,
        published=r.report.published,
        url=f"https://news.example/{e.article_id}",
        origin=f"test:{e.article_id}",
    )


def _fill(store: Store) -> list[LabelledReport]:
    reports = load_set()
    for r in reports:
        store.save_article(
            _article(r),
            content_hash="v1",
            text=r.report.event.evidence.text,
            events=[r.report.event],
        )
    return reports


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def filled(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, list[LabelledReport]]]:
    """A store holding the labelled dedup set, shared by read-only tests."""
    for s in _open(request.param, tmp_path_factory.mktemp("filled")):
        yield s, _fill(s)


def test_migrations_create_exactly_the_schema(store: Store) -> None:
    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn)
        assert ctx.get_current_revision() == head_revision()
        diffs = compare_metadata(ctx, metadata)
    assert diffs == []


def test_reopening_a_store_does_not_migrate_again(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    Store.open(db).close()
    with Store.open(db) as s:
        assert s.totals().articles == 0


def test_sqlite_store_is_wal(tmp_path: Path) -> None:
    with Store.open(str(tmp_path / "w.db")) as s, s.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_new_unchanged_changed(store: Store) -> None:
    r = load_set()[0]
    e = r.report.event
    a = _article(r)
    first = store.save_article(a, content_hash="v1", text="t", events=[e])
    assert (first.status, first.n_events, first.stories_new) == ("new", 1, 1)
    again = store.save_article(a, content_hash="v1", text="t", events=[e])
    assert again.status == "unchanged"
    assert store.totals().events == 1
    e2 = make_event(
        article_id=e.article_id,
        event_type="ASSAULT",
        status="occurred",
        mode="firearms",
        text="Gunmen opened fire on a police post.",
        place=e.location,
        when=e.date,
    )
    changed = store.save_article(a, content_hash="v2", text="t2", events=[e2])
    assert changed.status == "changed"
    ids = [x.event.id for x in store.events.iter(Filter(article_id=e.article_id))]
    assert ids == [e2.id]
    assert store.totals().stories == 1  # the old story went with its only report


def test_changed_article_is_replaced_in_one_transaction(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    reports = [r for r in load_set() if r.cluster == "istanbul-isis-arrests"]
    for r in reports:
        store.save_article(_article(r), content_hash="v1", text="", events=[r.report.event])
    before = {x.event.id: x.story_id for x in store.events.iter()}
    stories_before = [s.to_dict() for s in store.stories.iter()]

    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("crash in the middle of the write")

    # Fail after the old events are deleted and the new ones half written.
    monkeypatch.setattr(store_writer, "refresh_story", boom)
    r0 = reports[0]
    new_event = replace(r0.report.event, id="replacement")
    with pytest.raises(RuntimeError):
        store.save_article(_article(r0), content_hash="v2", text="", events=[new_event])
    after = {x.event.id: x.story_id for x in store.events.iter()}
    assert after == before
    assert [s.to_dict() for s in store.stories.iter()] == stories_before
    state = store.states([r0.report.event.article_id])[r0.report.event.article_id]
    assert state.content_hash == "v1"


def test_failures_are_recorded_and_cleared_on_success(store: Store) -> None:
    r = load_set()[0]
    a = _article(r)
    store.record_failure(
        a.origin or "",
        "spaCy exploded",
        stage="process",
        error_type="ValueError",
        article_id=a.id,
        content_hash="v0",
    )
    store.record_failure(
        a.origin or "",
        "spaCy exploded again",
        stage="process",
        error_type="ValueError",
        article_id=a.id,
        content_hash="v0",
    )
    store.record_failure(
        "https://gone.example/x", "HTTP 404 Not Found", stage="fetch", error_type="FetchError"
    )
    fs = {f.origin: f for f in store.failures()}
    assert fs[a.origin or ""].attempts == 2
    assert fs[a.origin or ""].reason == "spaCy exploded again"
    assert [f.origin for f in store.failures(stage="fetch")] == ["https://gone.example/x"]
    store.save_article(a, content_hash="v1", text="", events=[r.report.event])
    assert [f.origin for f in store.failures()] == ["https://gone.example/x"]


TUR = ("TUR",)


def _searchable(e: Event) -> str:
    """What the text filter searches: evidence, place and actor names and texts."""
    parts = [e.evidence.text]
    if e.location:
        parts += [e.location.name or "", e.location.text]
    for a in (e.actor, e.recipient):
        if a:
            parts += [a.name or "", a.text]
    return " ".join(parts).lower()


@pytest.mark.parametrize(
    ("flt", "check"),
    [
        (Filter(country=TUR), lambda e: e.location and e.location.country == "TUR"),
        (Filter(event_type=("PROTEST",)), lambda e: e.event_type == "PROTEST"),
        (Filter(status=("foiled",)), lambda e: e.status == "foiled"),
        (
            Filter(mode=("arrest",), country=TUR),
            lambda e: e.mode == "arrest" and e.location.country == "TUR",
        ),
        (Filter(admin1=("Borno",)), lambda e: e.location and e.location.admin1 == "Borno"),
        (
            Filter(date_from=date(2023, 2, 4), date_to=date(2023, 2, 6)),
            lambda e: e.date.value and "2023-02-04" <= e.date.value <= "2023-02-06",
        ),
        (
            Filter(bbox=(28.0, 40.5, 30.0, 41.5)),
            lambda e: e.location and 28 <= e.location.lon <= 30 and 40.5 <= e.location.lat <= 41.5,
        ),
        (
            Filter(bbox=(170.0, -90.0, -60.0, 90.0)),  # across the antimeridian: the Americas
            lambda e: e.location and (e.location.lon >= 170 or e.location.lon <= -60),
        ),
        (
            Filter(text="ISIS istanbul"),
            lambda e: all(w in _searchable(e) for w in ("isis", "istanbul")),
        ),
        (Filter(text="100%_"), lambda e: False),  # LIKE wildcards are matched literally
        (Filter(min_confidence=0.9), lambda e: e.confidence >= 0.9),
    ],
)
def test_event_filters(
    filled: tuple[Store, list[LabelledReport]], flt: Filter, check: object
) -> None:
    store, reports = filled
    want = sorted(r.report.event.id for r in reports if check(r.report.event))  # type: ignore[operator]
    got = sorted(x.event.id for x in store.events.iter(flt))
    assert got == want
    assert store.events.count(flt) == len(want)


def test_events_round_trip_exactly(filled: tuple[Store, list[LabelledReport]]) -> None:
    store, reports = filled
    stored = {x.event.id: x.event for x in store.events.iter()}
    for r in reports:
        assert stored[r.report.event.id] == r.report.event
        assert stored[r.report.event.id].to_dict() == r.report.event.to_dict()


@pytest.mark.parametrize("order", ["asc", "desc"])
def test_paging_is_stable_and_complete(
    filled: tuple[Store, list[LabelledReport]], order: str
) -> None:
    store, reports = filled
    seen: list[tuple[date, str]] = []
    cursor = None
    while True:
        page = store.events.page(limit=7, cursor=cursor, order=order)  # type: ignore[arg-type]
        with store.engine.connect() as conn:
            for rec in page.items:
                d = conn.execute(select(events.c.sort_date).where(events.c.id == rec.event.id))
                seen.append((d.scalar_one(), rec.event.id))
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert len(seen) == len(reports) == len(set(seen))
    assert seen == sorted(seen, reverse=(order == "desc"))
    with pytest.raises(UsageError):
        store.events.page(cursor="not-a-cursor")


def test_counts_by_day_week_month_country_type_status(
    filled: tuple[Store, list[LabelledReport]],
) -> None:
    store, reports = filled
    n = len(reports)
    groups: tuple[GroupBy, ...] = ("country", "event_type", "status", "day", "week", "month")
    for by in groups:
        counts = store.events.count_by(by)
        assert sum(c for _, c in counts) == n, by
        keys = [k for k, _ in counts]
        assert keys == sorted(keys)
    weeks = dict(store.events.count_by("week"))
    assert all(k.weekday() == 0 for k in weeks)
    months = dict(store.events.count_by("month", Filter(country=TUR)))
    feb_tur = [
        r
        for r in reports
        if r.report.event.location is not None
        and r.report.event.location.country == "TUR"
        and (r.report.event.date.value or "").startswith("2023-02")
    ]
    assert months[date(2023, 2, 1)] == len(feb_tur)
    with pytest.raises(UsageError):
        store.events.count_by("evidence_text")  # type: ignore[arg-type]


def test_story_keeps_reports_sources_and_conflicts(
    filled: tuple[Store, list[LabelledReport]],
) -> None:
    store, reports = filled
    first = next(r for r in reports if r.cluster == "istanbul-isis-arrests")
    story_id = next(store.events.iter(Filter(article_id=first.report.event.article_id))).story_id
    assert story_id is not None
    story = store.stories.get(story_id)
    assert story is not None
    members = [r for r in reports if r.cluster == "istanbul-isis-arrests"]
    assert story.n_reports == len(members) == len(store.stories.reports(story_id))
    assert story.n_sources == len({r.report.source for r in members})
    assert story.arrested == 15
    arrested = {v["value"]: v for v in story.to_dict()["conflicts"]["arrested"]}
    fifteen = {r.report.source for r in members if r.report.event.counts.arrested == 15}
    assert arrested[15]["n_sources"] == len(fifteen) == 6
    assert arrested[5]["n_sources"] == 1
    assert arrested[5]["sources"] == ["marmara daily"]
    assert "location" in story.to_dict()["conflicts"]  # Istanbul vs Kocaeli


def test_story_filters(filled: tuple[Store, list[LabelledReport]]) -> None:
    store, _ = filled
    multi = list(store.stories.iter(Filter(min_sources=5)))
    assert multi and all(s.n_sources >= 5 for s in multi)
    tur = list(store.stories.iter(Filter(country=TUR, event_type=("COERCE",))))
    assert {s.location_name for s in tur} == {"Istanbul", "Ankara"}
    assert store.stories.count() == sum(c for _, c in store.stories.count_by("country"))


@pytest.mark.parametrize(
    ("db", "env", "want"),
    [
        (None, None, "sqlite:///{cwd}/eventlens.db"),
        (None, "{tmp}/env.db", "sqlite:///{tmp}/env.db"),
        ("{tmp}/given.db", "{tmp}/env.db", "sqlite:///{tmp}/given.db"),
        ("postgresql://u:p@h:5/d", None, "postgresql+psycopg://u:p@h:5/d"),
        ("sqlite:////x/y.db", None, "sqlite:////x/y.db"),
    ],
)
def test_resolve_url(
    db: str | None, env: str | None, want: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    fill = {"tmp": str(tmp_path.resolve()), "cwd": str(tmp_path.resolve())}
    if env is None:
        monkeypatch.delenv("EVENTLENS_DB", raising=False)
    else:
        monkeypatch.setenv("EVENTLENS_DB", env.format(**fill))
    assert resolve_url(db.format(**fill) if db else None) == want.format(**fill)


def test_unsupported_database_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        resolve_url("mysql://u@h/d")


def test_place_helper_builds_resolved_places() -> None:
    p = make_place({"name": "Kabul", "lat": 34.5, "lon": 69.2, "feature": "city", "country": "AFG"})
    assert p.resolved and p.country == "AFG"


def test_the_newest_members_of_many_stories_in_one_query(
    filled: tuple[Store, list[LabelledReport]],
) -> None:
    from eventlens.store.schema import stories
    from eventlens.store.writer import newest_members, story_members

    store, _ = filled
    with store.transaction() as conn:
        ids = [sid for (sid,) in conn.execute(select(stories.c.id).order_by(stories.c.id))]
        assert len(ids) > 10
        for limit in (1, 2, 1000):
            got = newest_members(conn, ids, limit)
            want = {sid: story_members(conn, sid)[-limit:] for sid in ids}
            assert {sid: m for sid, m in want.items() if m} == got
        assert any(len(m) > 1 for m in newest_members(conn, ids, 1000).values())
        assert newest_members(conn, [], 5) == {}
