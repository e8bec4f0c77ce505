"""Exporting events and stories from the store: CSV, GeoJSON, JSONL, Parquet.

Everything streams: rows come from the store a batch at a time
(:meth:`eventlens.store.query.Query.iter`, keyset paging) and go out as they
come, so memory stays bounded whatever the size of the store (Parquet is
written one row group per batch).

- CSV: ACLED-like columns (``event_date``, ``event_type``, ``sub_event_type``,
  ``actor1``, ``actor2``, ``country``, ``admin1``, ``location``,
  ``latitude``, ``longitude``, ``geo_precision``, ``fatalities``, ``notes``,
  ``source``) and eventlens's own (``status``, ``mode``, ``confidence``,
  ``id`` …), the same columns as ``eventlens extract --format csv``; stories
  add their report and source counts and their conflicting values.
- GeoJSON: a FeatureCollection of points (rows without coordinates are left
  out); the properties are the ``eventlens.event/1`` (or
  ``eventlens.story/1``) object.
- JSONL: one ``eventlens.event/1`` (or ``eventlens.story/1``) object a line.
- Parquet: typed, flattened columns.

Coordinates come from GeoNames (CC BY 4.0), credited in every format that
has room for it: the CSV's last line (a ``#`` comment, as in ``extract``),
GeoJSON's top-level ``attribution``, Parquet's file metadata; JSONL lines
are bare ``eventlens.event/1`` objects, so the export command prints the
credit on standard error.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

from eventlens.credits import TEXT_CREDIT
from eventlens.formats import (
    ACLED_COLUMNS,
    GEO_PRECISION,
    GEONAMES_ATTRIBUTION,
    acled_row,
    write_csv,
)
from eventlens.store import EventRecord, Filter, Store, StoryRecord

What = Literal["events", "stories"]
EXPORT_FORMATS: tuple[str, ...] = ("csv", "geojson", "jsonl", "parquet")
BATCH = 1000

STORY_COLUMNS: tuple[str, ...] = (
    *ACLED_COLUMNS[: ACLED_COLUMNS.index("article_id")],
    "n_reports",
    "n_articles",
    "n_sources",
    "injured",
    "arrested",
    "participants",
    "conflicts",
)


@dataclass(frozen=True, slots=True)
class ExportStats:
    rows: int
    skipped: int = 0
    """Rows left out because the format needs what they lack (GeoJSON: coordinates)."""


# -------------------------------------------------------------------- rows


def event_object(r: EventRecord) -> dict[str, Any]:
    return r.event.to_dict()


def event_csv_row(r: EventRecord) -> dict[str, Any]:
    return acled_row(r.event.to_dict(), r.source or r.url)


def story_csv_row(s: StoryRecord) -> dict[str, Any]:
    d = s.to_dict()
    loc = d.get("location") or {}
    rep_evidence = d.get("evidence") or ""
    conflicts = d.get("conflicts") or {}
    return {
        "event_date": s.date_value or "",
        "event_type": s.acled_event_type or "",
        "sub_event_type": s.acled_sub_event_type or "",
        "actor1": s.actor_name or "",
        "actor2": s.recipient_name or "",
        "country": s.country or "",
        "admin1": s.admin1 or "",
        "location": s.location_name or "",
        "latitude": "" if s.lat is None else s.lat,
        "longitude": "" if s.lon is None else s.lon,
        "geo_precision": GEO_PRECISION.get(loc.get("feature") or s.feature or "", ""),
        "fatalities": "" if s.killed is None else s.killed,
        "notes": rep_evidence,
        "source": "; ".join(s.sources),
        "eventlens_event_type": s.event_type,
        "mode": s.mode or "",
        "status": s.status,
        "confidence": round(s.confidence, 3),
        "id": s.id,
        "n_reports": s.n_reports,
        "n_articles": s.n_articles,
        "n_sources": s.n_sources,
        "injured": "" if s.injured is None else s.injured,
        "arrested": "" if s.arrested is None else s.arrested,
        "participants": "" if s.participants is None else s.participants,
        "conflicts": _conflicts_text(conflicts),
    }


def _conflicts_text(conflicts: dict[str, Any]) -> str:
    """``arrested: 15 (5 sources) | 5 (1 source); location: …``."""
    parts = []
    for name, variants in conflicts.items():
        vs = " | ".join(
            f"{v['value']} ({v['n_sources']} source{'s' if v['n_sources'] != 1 else ''})"
            for v in variants
        )
        parts.append(f"{name}: {vs}")
    return "; ".join(parts)


def _point(obj: dict[str, Any]) -> dict[str, Any] | None:
    loc = obj.get("location") or {}
    if loc.get("lat") is None or loc.get("lon") is None:
        return None
    return {
        "type": "Feature",
        "id": obj["id"],
        "geometry": {"type": "Point", "coordinates": [loc["lon"], loc["lat"]]},
        "properties": obj,
    }


# ----------------------------------------------------------------- writers


def write_jsonl(objs: Iterable[dict[str, Any]], out: IO[str]) -> int:
    n = 0
    for o in objs:
        out.write(json.dumps(o, ensure_ascii=False))
        out.write("\n")
        n += 1
    return n


def write_geojson(objs: Iterable[dict[str, Any]], out: IO[str]) -> ExportStats:
    out.write('{"type": "FeatureCollection", "attribution": ')
    out.write(json.dumps(GEONAMES_ATTRIBUTION))
    out.write(', "credits": ')
    out.write(json.dumps(TEXT_CREDIT))
    out.write(', "features": [')
    n = skipped = 0
    for o in objs:
        feat = _point(o)
        if feat is None:
            skipped += 1
            continue
        out.write(("\n  " if n == 0 else ",\n  ") + json.dumps(feat, ensure_ascii=False))
        n += 1
    out.write("\n]}\n")
    return ExportStats(n, skipped)


# ----------------------------------------------------------------- parquet


def _event_columns() -> list[tuple[str, str]]:
    return [
        ("id", "string"),
        ("article_id", "string"),
        ("story_id", "string"),
        ("event_date", "string"),
        ("date_precision", "string"),
        ("date_source", "string"),
        ("event_type", "string"),
        ("sub_event_type", "string"),
        ("eventlens_event_type", "string"),
        ("mode", "string"),
        ("status", "string"),
        ("contexts", "list"),
        ("actor1", "string"),
        ("actor1_country", "string"),
        ("actor1_sector", "string"),
        ("actor2", "string"),
        ("actor2_country", "string"),
        ("actor2_sector", "string"),
        ("country", "string"),
        ("admin1", "string"),
        ("location", "string"),
        ("geonameid", "int64"),
        ("latitude", "float64"),
        ("longitude", "float64"),
        ("feature", "string"),
        ("geo_precision", "int8"),
        ("fatalities", "int64"),
        ("injured", "int64"),
        ("arrested", "int64"),
        ("participants", "int64"),
        ("cameo_root", "string"),
        ("notes", "string"),
        ("evidence_start", "int64"),
        ("evidence_end", "int64"),
        ("confidence", "float64"),
        ("source", "string"),
        ("url", "string"),
        ("published", "date32"),
    ]


def _event_parquet_row(r: EventRecord) -> dict[str, Any]:
    e = r.event
    loc = e.location
    return {
        "id": e.id,
        "article_id": e.article_id,
        "story_id": r.story_id,
        "event_date": e.date.value,
        "date_precision": e.date.precision,
        "date_source": e.date.source,
        "event_type": e.acled_event_type,
        "sub_event_type": e.acled_sub_event_type,
        "eventlens_event_type": e.event_type,
        "mode": e.mode,
        "status": e.status,
        "contexts": list(e.contexts),
        "actor1": (e.actor.name or e.actor.text) if e.actor else None,
        "actor1_country": e.actor.country if e.actor else None,
        "actor1_sector": e.actor.sector if e.actor else None,
        "actor2": (e.recipient.name or e.recipient.text) if e.recipient else None,
        "actor2_country": e.recipient.country if e.recipient else None,
        "actor2_sector": e.recipient.sector if e.recipient else None,
        "country": loc.country if loc else None,
        "admin1": loc.admin1 if loc else None,
        "location": (loc.name or loc.text) if loc else None,
        "geonameid": loc.geonameid if loc else None,
        "latitude": loc.lat if loc else None,
        "longitude": loc.lon if loc else None,
        "feature": loc.feature if loc else None,
        "geo_precision": GEO_PRECISION.get(loc.feature or "") if loc else None,
        "fatalities": e.counts.killed,
        "injured": e.counts.injured,
        "arrested": e.counts.arrested,
        "participants": e.counts.participants,
        "cameo_root": e.cameo_root,
        "notes": e.evidence.text,
        "evidence_start": e.evidence.start,
        "evidence_end": e.evidence.end,
        "confidence": e.confidence,
        "source": r.source,
        "url": r.url,
        "published": r.published,
    }


def _story_columns() -> list[tuple[str, str]]:
    return [
        ("id", "string"),
        ("event_date", "string"),
        ("date_precision", "string"),
        ("event_type", "string"),
        ("sub_event_type", "string"),
        ("eventlens_event_type", "string"),
        ("mode", "string"),
        ("status", "string"),
        ("actor1", "string"),
        ("actor2", "string"),
        ("country", "string"),
        ("admin1", "string"),
        ("location", "string"),
        ("geonameid", "int64"),
        ("latitude", "float64"),
        ("longitude", "float64"),
        ("feature", "string"),
        ("geo_precision", "int8"),
        ("fatalities", "int64"),
        ("injured", "int64"),
        ("arrested", "int64"),
        ("participants", "int64"),
        ("notes", "string"),
        ("confidence", "float64"),
        ("n_reports", "int64"),
        ("n_articles", "int64"),
        ("n_sources", "int64"),
        ("sources", "list"),
        ("conflicts", "string"),
    ]


def _story_parquet_row(s: StoryRecord) -> dict[str, Any]:
    return {
        "id": s.id,
        "event_date": s.date_value,
        "date_precision": s.date_precision,
        "event_type": s.acled_event_type,
        "sub_event_type": s.acled_sub_event_type,
        "eventlens_event_type": s.event_type,
        "mode": s.mode,
        "status": s.status,
        "actor1": s.actor_name,
        "actor2": s.recipient_name,
        "country": s.country,
        "admin1": s.admin1,
        "location": s.location_name,
        "geonameid": s.geonameid,
        "latitude": s.lat,
        "longitude": s.lon,
        "feature": s.feature,
        "geo_precision": GEO_PRECISION.get(s.feature or ""),
        "fatalities": s.killed,
        "injured": s.injured,
        "arrested": s.arrested,
        "participants": s.participants,
        "notes": s.summary.get("evidence"),
        "confidence": s.confidence,
        "n_reports": s.n_reports,
        "n_articles": s.n_articles,
        "n_sources": s.n_sources,
        "sources": list(s.sources),
        "conflicts": json.dumps(s.summary.get("conflicts", {}), ensure_ascii=False),
    }


def write_parquet(
    rows: Iterable[dict[str, Any]], columns: list[tuple[str, str]], path: Path, schema_id: str
) -> int:
    """Parquet, one row group per batch of ``BATCH`` rows."""
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    types: dict[str, Any] = {
        "string": pa.string(),
        "int64": pa.int64(),
        "int8": pa.int8(),
        "float64": pa.float64(),
        "date32": pa.date32(),
        "list": pa.list_(pa.string()),
    }
    schema = pa.schema(
        [pa.field(name, types[t]) for name, t in columns],
        metadata={
            "attribution": GEONAMES_ATTRIBUTION,
            "credits": TEXT_CREDIT,
            "schema": schema_id,
            "generator": "eventlens export",
        },
    )
    n = 0
    with pq.ParquetWriter(str(path), schema, compression="zstd") as writer:
        for batch in _batches(rows, BATCH):
            writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
            n += len(batch)
        if n == 0:
            writer.write_table(schema.empty_table())
    return n


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for r in rows:
        batch.append(r)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# ------------------------------------------------------------------- entry


def export(
    store: Store,
    what: What,
    fmt: str,
    *,
    where: Filter | None = None,
    out: IO[str] | None = None,
    path: Path | None = None,
    limit: int | None = None,
    order: Literal["asc", "desc"] = "asc",
) -> ExportStats:
    """Write the selected events or stories in ``fmt`` to ``out`` (text) or ``path``.

    Parquet needs ``path``; the others write to ``out`` (or open ``path``).
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    where = where or Filter()
    records: Iterator[Any] = (
        store.events.iter(where, batch_size=BATCH, order=order)
        if what == "events"
        else store.stories.iter(where, batch_size=BATCH, order=order)
    )
    if limit is not None:
        records = _take(records, limit)

    if fmt == "parquet":
        if path is None:
            raise ValueError("Parquet export needs a file path")
        if what == "events":
            n = write_parquet(
                (_event_parquet_row(r) for r in records),
                _event_columns(),
                path,
                "eventlens.event/1",
            )
        else:
            n = write_parquet(
                (_story_parquet_row(s) for s in records),
                _story_columns(),
                path,
                "eventlens.story/1",
            )
        return ExportStats(n)

    if out is None:
        if path is None:
            raise ValueError("give an output stream or a path")
        with path.open("w", encoding="utf-8", newline="") as f:
            return _write_text(records, what, fmt, f)
    return _write_text(records, what, fmt, out)


def _write_text(records: Iterator[Any], what: What, fmt: str, out: IO[str]) -> ExportStats:
    if fmt == "csv":
        if what == "events":
            return ExportStats(write_csv((event_csv_row(r) for r in records), out, ACLED_COLUMNS))
        return ExportStats(write_csv((story_csv_row(s) for s in records), out, STORY_COLUMNS))
    objs = (
        (event_object(r) for r in records) if what == "events" else (s.to_dict() for s in records)
    )
    if fmt == "jsonl":
        return ExportStats(write_jsonl(objs, out))
    return write_geojson(objs, out)


def _take(it: Iterator[Any], n: int) -> Iterator[Any]:
    for i, x in enumerate(it):
        if i >= n:
            return
        yield x
