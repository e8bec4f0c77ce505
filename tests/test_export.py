"""Exports: CSV (ACLED-like), GeoJSON, JSONL (eventlens.event/1), Parquet;
filters; bounded memory."""

from __future__ import annotations

import csv
import io
import json
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert

from eventlens import export as export_mod
from eventlens.cli import main
from eventlens.evaluate.dedup import LabelledReport, load_set
from eventlens.export import STORY_COLUMNS, export
from eventlens.formats import ACLED_COLUMNS, GEONAMES_ATTRIBUTION
from eventlens.model import Article
from eventlens.store import Filter, Store
from eventlens.store.rows import event_to_row
from eventlens.store.schema import articles, events

SCHEMA = Path(__file__).resolve().parent.parent / "src/eventlens/schema/event.schema.json"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[LabelledReport]]]:
    path = tmp_path_factory.mktemp("export") / "events.db"
    reports = load_set()
    with Store.open(str(path)) as store:
        for r in reports:
            e = r.report.event
            store.save_article(
                Article(
                    id=e.article_id,
                    content=e.evidence.text,
                    source=r.report.source,
                    published=r.report.published,
                    url=f"https://news.example/{e.article_id}",
                ),
                content_hash="h",
                text=e.evidence.text,
                events=[e],
            )
    yield path, reports


@pytest.fixture
def store(db: tuple[Path, list[LabelledReport]]) -> Iterator[Store]:
    with Store.open(str(db[0])) as s:
        yield s


def _text(store: Store, what: str, fmt: str, flt: Filter | None = None) -> str:
    out = io.StringIO()
    export(store, what, fmt, where=flt, out=out)  # type: ignore[arg-type]
    return out.getvalue()


def test_events_csv_has_acled_columns_and_credits_geonames(store: Store) -> None:
    text = _text(store, "events", "csv")
    lines = text.splitlines()
    assert lines[-1] == f"# {GEONAMES_ATTRIBUTION}"
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[:-1]))))
    assert list(rows[0]) == list(ACLED_COLUMNS)
    for col in (
        "event_date",
        "event_type",
        "sub_event_type",
        "actor1",
        "actor2",
        "country",
        "admin1",
        "location",
        "latitude",
        "longitude",
        "geo_precision",
        "fatalities",
        "notes",
        "source",
        "status",
        "mode",
        "confidence",
        "id",
    ):
        assert col in rows[0]
    assert len(rows) == store.events.count()
    ist = next(
        r
        for r in rows
        if r["source"] == "Marmara Daily"
        and r["mode"] == "arrest"
        and r["country"] == "TUR"
        and "ISIS" in r["notes"]
    )
    assert ist["event_type"] == "Strategic developments"
    assert ist["sub_event_type"] == "Arrests"
    assert ist["location"] == "Istanbul" and ist["geo_precision"] == "1"


def test_stories_csv_counts_sources_and_conflicts(store: Store) -> None:
    text = _text(store, "stories", "csv", Filter(country=("TUR",), event_type=("COERCE",)))
    rows = list(csv.DictReader(io.StringIO("\n".join(text.splitlines()[:-1]))))
    assert list(rows[0]) == list(STORY_COLUMNS)
    ist = next(r for r in rows if r["location"] == "Istanbul" and r["arrested"] == "15")
    assert int(ist["n_sources"]) == 7
    assert "arrested: 15 (6 sources) | 5 (1 source)" in ist["conflicts"]


@pytest.mark.parametrize("what", ["events", "stories"])
def test_geojson_points_with_attribution(store: Store, what: str) -> None:
    doc = json.loads(_text(store, what, "geojson"))
    assert doc["type"] == "FeatureCollection"
    assert doc["attribution"] == GEONAMES_ATTRIBUTION
    total = store.events.count() if what == "events" else store.stories.count()
    assert 0 < len(doc["features"]) <= total
    for f in doc["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert f["properties"]["location"]["lon"] == lon
        assert f["properties"]["location"]["lat"] == lat


def test_jsonl_events_are_eventlens_event_objects(store: Store) -> None:
    lines = _text(store, "events", "jsonl").splitlines()
    objs = [json.loads(x) for x in lines]
    assert len(objs) == store.events.count()
    stored = {r.event.id: r.event.to_dict() for r in store.events.iter()}
    for o in objs:
        assert o["schema"] == "eventlens.event/1"
        assert o == stored[o["id"]]
    if SCHEMA.exists():
        import jsonschema

        schema = json.loads(SCHEMA.read_text("utf-8"))
        for o in objs:
            jsonschema.validate(o, schema)


def test_jsonl_stories(store: Store) -> None:
    objs = [json.loads(x) for x in _text(store, "stories", "jsonl").splitlines()]
    assert all(o["schema"] == "eventlens.story/1" for o in objs)
    assert sum(o["n_reports"] for o in objs) == store.events.count()


@pytest.mark.parametrize("what", ["events", "stories"])
def test_parquet(store: Store, tmp_path: Path, what: str) -> None:
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    path = tmp_path / f"{what}.parquet"
    stats = export(store, what, "parquet", path=path)  # type: ignore[arg-type]
    table = pq.read_table(path)
    assert table.num_rows == stats.rows
    assert table.num_rows == (store.events.count() if what == "events" else store.stories.count())
    meta = pq.read_metadata(path).metadata
    assert meta[b"attribution"].decode() == GEONAMES_ATTRIBUTION
    assert "latitude" in table.column_names and "event_type" in table.column_names


@pytest.mark.parametrize(
    ("args", "check"),
    [
        (["--country", "TUR"], lambda r: r["country"] == "TUR"),
        (["--country", "TUR,AFG"], lambda r: r["country"] in ("TUR", "AFG")),
        (["--admin1", "Borno"], lambda r: r["admin1"] == "Borno"),
        (["--type", "PROTEST"], lambda r: r["eventlens_event_type"] == "PROTEST"),
        (["--status", "foiled"], lambda r: r["status"] == "foiled"),
        (
            ["--since", "2023-02-04", "--until", "2023-02-05"],
            lambda r: "2023-02-04" <= r["event_date"] <= "2023-02-05",
        ),
        (
            ["--bbox", "28,40.5,30,41.5"],
            lambda r: (
                r["latitude"]
                and 28 <= float(r["longitude"]) <= 30
                and 40.5 <= float(r["latitude"]) <= 41.5
            ),
        ),
        (["--text", "Kharkiv"], lambda r: "Kharkiv" in r["notes"] or r["location"] == "Kharkiv"),
    ],
)
def test_cli_export_filters(
    db: tuple[Path, list[LabelledReport]],
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    check: Any,
) -> None:
    rc = main(["export", "--db", str(db[0]), "--format", "csv", *args])
    assert rc == 0
    out, err = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO("\n".join(out.splitlines()[:-1]))))
    assert rows, args
    assert all(check(r) for r in rows), args
    everything = main(["export", "--db", str(db[0]), "--format", "csv"])
    assert everything == 0
    all_rows = list(
        csv.DictReader(io.StringIO("\n".join(capsys.readouterr()[0].splitlines()[:-1])))
    )
    assert len(rows) == sum(1 for r in all_rows if check(r)), args
    assert "GeoNames" in err


def test_cli_export_to_file_by_extension(
    db: tuple[Path, list[LabelledReport]], tmp_path: Path
) -> None:
    out = tmp_path / "stories.geojson"
    assert (
        main(["-q", "export", "stories", "--db", str(db[0]), "-o", str(out), "--min-sources", "3"])
        == 0
    )
    doc = json.loads(out.read_text())
    assert doc["features"] and all(f["properties"]["n_sources"] >= 3 for f in doc["features"])


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "parquet"],  # parquet needs -o
        ["--bbox", "1,2,3"],
        ["--since", "yesterday"],
        ["--min-sources", "2"],  # a story filter on events
    ],
)
def test_cli_export_usage_errors(db: tuple[Path, list[LabelledReport]], args: list[str]) -> None:
    assert main(["export", "--db", str(db[0]), *args]) == 2


class _Sink(io.TextIOBase):
    """Counts what is written and keeps nothing."""

    def __init__(self) -> None:
        self.chars = 0

    def write(self, s: str) -> int:
        self.chars += len(s)
        return len(s)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "geojson"])
def test_export_memory_stays_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    template = load_set()[0]
    n = 4000
    with Store.open(str(tmp_path / "big.db")) as store:
        with store.transaction() as conn:
            conn.execute(
                insert(articles),
                [
                    {
                        "id": f"a{i}",
                        "content_hash": "h",
                        "n_events": 1,
                        "ingested_at": _now(),
                        "updated_at": _now(),
                    }
                    for i in range(n)
                ],
            )
            rows = []
            for i in range(n):
                e = template.report.event
                ev = type(e)(
                    **{
                        **{f: getattr(e, f) for f in e.__slots__},
                        "id": f"e{i}",
                        "article_id": f"a{i}",
                    }
                )
                rows.append(event_to_row(ev, source="Wire"))
            conn.execute(insert(events), rows)
            del rows
        monkeypatch.setattr(export_mod, "BATCH", 200)
        export(store, "events", fmt, out=_Sink(), limit=10)  # type: ignore[arg-type]  # warm caches

        def traced(limit: int) -> tuple[int, int]:
            sink = _Sink()
            tracemalloc.start()
            stats = export(store, "events", fmt, out=sink, limit=limit)  # type: ignore[arg-type]
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            assert stats.rows == limit
            return peak, sink.chars

        small_peak, small_chars = traced(n // 4)
        big_peak, big_chars = traced(n)
    # Four times the rows, megabytes more output, about the same memory.
    assert big_chars > 1_000_000 and big_chars > 3 * small_chars
    assert big_peak < 1.25 * small_peak + 100_000, (small_peak, big_peak)


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def test_reading_commands_do_not_create_a_store(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    assert main(["export", "--db", str(missing)]) == 2
    assert main(["failures", "--db", str(missing)]) == 2
    assert not missing.exists()
