"""Output formats for events: a table for people; JSON, JSONL, GeoJSON and
ACLED-like CSV for programs.  Streaming writers: one event in memory at a time
(the JSON array is written element by element)."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from typing import IO, Any

from eventlens.model import Event

GEONAMES_ATTRIBUTION = (
    "Place coordinates from GeoNames (https://www.geonames.org), licensed CC BY 4.0; "
    "subdivision centres from iso3166-2 (MIT), computed from OpenStreetMap "
    "(data by OpenStreetMap contributors, ODbL)."
)

ACLED_COLUMNS: tuple[str, ...] = (
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
    "eventlens_event_type",
    "mode",
    "status",
    "confidence",
    "id",
    "article_id",
)
GEO_PRECISION = {"city": 1, "locality": 1, "admin2": 2, "admin1": 2, "country": 3}


def _actor_name(a: dict[str, Any] | None) -> str:
    if not a:
        return ""
    return str(a.get("name") or a.get("text") or "")


def acled_row(ev: dict[str, Any], source: str | None = None) -> dict[str, Any]:
    """One ``eventlens.event/1`` object as an ACLED-like CSV row."""
    loc = ev.get("location") or {}
    date = ev.get("date") or {}
    acled = ev.get("acled") or {}
    counts = ev.get("counts") or {}
    return {
        "event_date": date.get("value") or "",
        "event_type": acled.get("event_type") or "",
        "sub_event_type": acled.get("sub_event_type") or "",
        "actor1": _actor_name(ev.get("actor")),
        "actor2": _actor_name(ev.get("recipient")),
        "country": loc.get("country") or "",
        "admin1": loc.get("admin1") or "",
        "location": loc.get("name") or "",
        "latitude": "" if loc.get("lat") is None else loc["lat"],
        "longitude": "" if loc.get("lon") is None else loc["lon"],
        "geo_precision": GEO_PRECISION.get(loc.get("feature") or "", ""),
        "fatalities": "" if counts.get("killed") is None else counts["killed"],
        "notes": (ev.get("evidence") or {}).get("text", ""),
        "source": source or "",
        "eventlens_event_type": ev.get("event_type", ""),
        "mode": ev.get("mode") or "",
        "status": ev.get("status", ""),
        "confidence": ev.get("confidence", ""),
        "id": ev.get("id", ""),
        "article_id": ev.get("article_id", ""),
    }


def geojson_feature(ev: dict[str, Any]) -> dict[str, Any] | None:
    """A GeoJSON Feature for an event with coordinates, else None."""
    loc = ev.get("location") or {}
    if loc.get("lat") is None or loc.get("lon") is None:
        return None
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [loc["lon"], loc["lat"]]},
        "properties": ev,
    }


def write_jsonl(events: Iterable[dict[str, Any]], out: IO[str]) -> int:
    n = 0
    for ev in events:
        out.write(json.dumps(ev, ensure_ascii=False) + "\n")
        n += 1
    return n


def write_json(events: Iterable[dict[str, Any]], out: IO[str]) -> int:
    n = 0
    out.write("[")
    for ev in events:
        out.write(("\n  " if n == 0 else ",\n  ") + json.dumps(ev, ensure_ascii=False))
        n += 1
    out.write("\n]\n" if n else "]\n")
    return n


def write_geojson(events: Iterable[dict[str, Any]], out: IO[str]) -> int:
    """A FeatureCollection; events without coordinates are left out."""
    out.write('{"type": "FeatureCollection", "attribution": ')
    out.write(json.dumps(GEONAMES_ATTRIBUTION) + ', "features": [')
    n = 0
    for ev in events:
        feat = geojson_feature(ev)
        if feat is None:
            continue
        out.write(("\n  " if n == 0 else ",\n  ") + json.dumps(feat, ensure_ascii=False))
        n += 1
    out.write("\n]}\n")
    return n


def write_csv(
    rows: Iterable[dict[str, Any]], out: IO[str], columns: tuple[str, ...] = ACLED_COLUMNS
) -> int:
    """CSV (ACLED-like columns by default); a trailing comment line credits GeoNames."""
    w = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    n = 0
    for row in rows:
        w.writerow({k: strip_controls(v) if isinstance(v, str) else v for k, v in row.items()})
        n += 1
    out.write(f"# {GEONAMES_ATTRIBUTION}\n")
    return n


def counts_text(ev: Event) -> str:
    parts = [f"{k} {v}" for k, v in ev.counts.to_dict().items() if v is not None]
    return ", ".join(parts)


def place_text(ev: Event) -> str:
    loc = ev.location
    if loc is None:
        return ""
    where = loc.name or loc.text
    bits = [b for b in (loc.admin1 if loc.admin1 != where else None, loc.country) if b]
    return f"{where} ({', '.join(bits)})" if bits else where


def date_text(ev: Event) -> str:
    d = ev.date
    if d.value is None:
        return "?"
    mark = {"publication": " (pub.)", "relative": " (rel.)"}.get(d.source, "")
    approx = "~" if d.precision == "week" else ""
    return f"{approx}{d.value}{mark}"


def party_text(ev: Event) -> str:
    def one(a: Any) -> str:
        if a is None:
            return "—"
        tag = "/".join(x for x in (a.country, a.sector) if x)
        return f"{a.text} [{tag}]" if tag else a.text

    return f"{one(ev.actor)} → {one(ev.recipient)}"


def table_rows(events: Iterable[Event]) -> Iterator[tuple[str, ...]]:
    """One row of text cells per event, control characters removed (text is data)."""
    for ev in events:
        kind = ev.event_type + (f"/{ev.mode}" if ev.mode else "")
        yield tuple(strip_controls(cell) for cell in _cells(ev, kind))


def _cells(ev: Event, kind: str) -> tuple[str, ...]:
    return (
        kind,
        ev.status,
        party_text(ev),
        place_text(ev),
        date_text(ev),
        counts_text(ev),
        f"{ev.confidence:.2f}",
        ev.evidence.text,
    )


TABLE_HEADERS: tuple[str, ...] = (
    "type",
    "status",
    "actor → recipient",
    "place",
    "date",
    "counts",
    "conf",
    "evidence",
)


# -- text shown to people --------------------------------------------------------

# C0 and C1 controls (ESC starts ANSI/OSC sequences), DEL, and the bidirectional
# formatting characters (embeddings, overrides, isolates, marks) that can make
# text display in another order than it is stored.
_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_LINE_BREAKS = re.compile("[\n\r\t\u2028\u2029\x85]")


def _escape(m: re.Match[str]) -> str:
    c = m.group(0)
    return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"


def printable(value: object) -> str:
    """``value`` as one line of plain text for a terminal or a log: control
    characters, ANSI/OSC escapes, bidi overrides, lone surrogates and line breaks
    escaped (``\\x1b``, ``\\u202e``, ``\\n``), so a name or text shown is data,
    never a command to the terminal, and always one line."""
    s = str(value)
    s = _LINE_BREAKS.sub(_escape, s)
    return _CONTROLS.sub(_escape, s)


def strip_controls(value: str) -> str:
    """``value`` with control and bidi characters removed, line breaks kept
    (for text cells: CSV, tables)."""
    return _CONTROLS.sub("", value)
