"""``eventlens export``: events or stories from the store, filtered, as files."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from eventlens.commands.ingest import add_db_argument
from eventlens.errors import UsageError


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date (YYYY-MM-DD): {value!r}") from None


def _bbox(value: str) -> tuple[float, float, float, float]:
    try:
        w, s, e, n = (float(x) for x in value.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"want WEST,SOUTH,EAST,NORTH in degrees, not {value!r}"
        ) from None
    return w, s, e, n


def _list(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def register(sub: Any) -> None:
    from eventlens.export import EXPORT_FORMATS

    p = sub.add_parser(
        "export",
        help="export events or stories with filters (CSV, GeoJSON, JSONL, Parquet)",
        description="Write events (one per report) or stories (one per real-world event, "
        "with every report's source and conflicting values) from the store. CSV has "
        "ACLED-like columns. Place coordinates from GeoNames (CC BY 4.0).",
    )
    add_db_argument(p)
    p.add_argument(
        "what",
        nargs="?",
        choices=("events", "stories"),
        default="events",
        help="events (default) or stories",
    )
    p.add_argument(
        "--format",
        choices=EXPORT_FORMATS,
        default=None,
        help="output format (default: from the -o extension, else jsonl)",
    )
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        metavar="PATH",
        help="write here instead of standard output (required for parquet)",
    )
    f = p.add_argument_group("filters (repeat or comma-separate values)")
    for name, help_text in (
        ("country", "ISO 3166 alpha-3 country code, e.g. TUR"),
        ("admin1", "first-level region name as stored, e.g. Istanbul"),
        ("type", "PLOVER event type, e.g. ASSAULT"),
        ("mode", "PLOVER mode, e.g. arrest"),
        (
            "status",
            "occurred, attempted, foiled, planned, threatened, warned, denied, hypothetical",
        ),
        ("source", "article source (outlet) as stored"),
    ):
        f.add_argument(
            f"--{name}", action="append", type=_list, default=[], metavar="X", help=help_text
        )
    f.add_argument(
        "--since",
        "--from",
        dest="date_from",
        type=_date,
        metavar="DATE",
        help="on or after this day (YYYY-MM-DD)",
    )
    f.add_argument(
        "--until",
        "--to",
        dest="date_to",
        type=_date,
        metavar="DATE",
        help="on or before this day (YYYY-MM-DD)",
    )
    f.add_argument(
        "--bbox",
        type=_bbox,
        metavar="W,S,E,N",
        help="inside this box (degrees; W > E crosses the antimeridian)",
    )
    f.add_argument(
        "--text", metavar="WORDS", help="evidence, place or actor names contain every word"
    )
    f.add_argument("--min-confidence", type=float, metavar="X")
    f.add_argument("--min-sources", type=int, metavar="N", help="stories: at least N sources")
    f.add_argument("--story", metavar="ID", help="events: the reports of this story")
    f.add_argument("--article", metavar="ID", help="only this article's events or stories")
    p.add_argument(
        "--order", choices=("asc", "desc"), default="asc", help="by date then id (default asc)"
    )
    p.add_argument("--limit", type=int, metavar="N", help="at most N rows")
    p.set_defaults(handler=run)


def _flat(values: list[list[str]]) -> tuple[str, ...]:
    return tuple(v for group in values for v in group)


def run(args: argparse.Namespace) -> int:
    from eventlens.export import export
    from eventlens.formats import GEONAMES_ATTRIBUTION
    from eventlens.store import Filter, Store

    fmt = args.format
    if fmt is None:
        suffix = args.output.suffix.lower() if args.output else ""
        fmt = {
            ".csv": "csv",
            ".geojson": "geojson",
            ".json": "geojson",
            ".parquet": "parquet",
            ".jsonl": "jsonl",
            ".ndjson": "jsonl",
        }.get(suffix, "jsonl")
    if fmt == "parquet" and args.output is None:
        raise UsageError("--format parquet needs -o PATH")
    if args.what == "events" and args.min_sources is not None:
        raise UsageError("--min-sources filters stories: use `eventlens export stories`")
    if args.what == "stories" and args.story:
        raise UsageError("--story selects the reports of a story: use `eventlens export events`")
    if args.limit is not None and args.limit < 0:
        raise UsageError("--limit must be >= 0")
    flt = Filter(
        country=tuple(c.upper() for c in _flat(args.country)),
        admin1=_flat(args.admin1),
        event_type=tuple(t.upper() for t in _flat(args.type)),
        mode=_flat(args.mode),
        status=tuple(s.lower() for s in _flat(args.status)),
        source=_flat(args.source),
        date_from=args.date_from,
        date_to=args.date_to,
        bbox=args.bbox,
        text=args.text,
        min_confidence=args.min_confidence,
        min_sources=args.min_sources,
        story_id=args.story,
        article_id=args.article,
    )
    t0 = time.perf_counter()
    with Store.open(args.db, create=False) as store:
        if args.output is None:
            stats = export(
                store,
                args.what,
                fmt,
                where=flt,
                out=sys.stdout,
                limit=args.limit,
                order=args.order,
            )
        else:
            stats = export(
                store,
                args.what,
                fmt,
                where=flt,
                path=args.output,
                limit=args.limit,
                order=args.order,
            )
    dt = time.perf_counter() - t0
    if not args.quiet:
        skipped = f", {stats.skipped} without coordinates left out" if stats.skipped else ""
        where = f" to {args.output}" if args.output else ""
        print(
            f"exported {stats.rows} {args.what}{where} as {fmt} in {dt:.2f} s{skipped}. "
            f"{GEONAMES_ATTRIBUTION}",
            file=sys.stderr,
        )
    return 0
