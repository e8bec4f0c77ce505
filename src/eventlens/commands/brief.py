"""``eventlens brief``: a situation report for a place and a period, from the store."""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from eventlens.commands.export import _bbox, _date, _flat, _list
from eventlens.commands.ingest import add_db_argument
from eventlens.errors import UsageError


def register(sub: Any) -> None:
    from eventlens.brief import BRIEF_FORMATS

    p = sub.add_parser(
        "brief",
        help="a situation report for a place and period (Markdown, HTML, PDF)",
        description="Write a brief from the store: events by ACLED type and status against "
        "the previous period and a baseline (spikes called by a stated rule), a map and a "
        "timeline, the top stories with their sources, conflicting values and evidence, and "
        "what was foiled, planned, threatened or warned of, apart from what occurred. Every "
        "line cites its events. PDF is printed by a headless Chromium.",
    )
    add_db_argument(p)
    where = p.add_argument_group("place (repeat or comma-separate values; combine freely)")
    where.add_argument(
        "--country", action="append", type=_list, default=[], metavar="ISO3", help="e.g. TUR"
    )
    where.add_argument(
        "--admin1",
        action="append",
        type=_list,
        default=[],
        metavar="NAME",
        help="first-level region as stored, e.g. Istanbul",
    )
    where.add_argument(
        "--bbox",
        type=_bbox,
        metavar="W,S,E,N",
        help="inside this box (degrees; W > E crosses the antimeridian)",
    )
    where.add_argument(
        "--region",
        metavar="NAME",
        help="a named region's countries (eventlens/data/brief.yaml: sahel, levant, …)",
    )
    when = p.add_argument_group("period")
    when.add_argument(
        "--since",
        "--from",
        dest="since",
        type=_date,
        metavar="DATE",
        help="first day (default: 29 days before --until)",
    )
    when.add_argument(
        "--until",
        "--to",
        dest="until",
        type=_date,
        metavar="DATE",
        help="last day, inclusive (default: the place's latest dated event)",
    )
    when.add_argument(
        "--baseline",
        type=int,
        metavar="N",
        default=None,
        help="compare with the N periods of the same length before (default 6)",
    )
    p.add_argument(
        "--format",
        choices=BRIEF_FORMATS,
        default=None,
        help="md, html or pdf (default: from the -o extension, else md)",
    )
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        metavar="PATH",
        help="write here (required for pdf); default standard output",
    )
    p.set_defaults(handler=run)


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    suffix = args.output.suffix.lower() if args.output else ""
    return {".html": "html", ".htm": "html", ".pdf": "pdf"}.get(suffix, "md")


def run(args: argparse.Namespace) -> int:
    from eventlens.brief import (
        BriefRequest,
        brief_settings,
        build_brief,
        place_label,
        render_html,
        render_markdown,
        write_brief,
    )
    from eventlens.store import Filter, Store

    fmt = _format(args)
    if fmt == "pdf" and args.output is None:
        raise UsageError("--format pdf needs -o PATH")
    if fmt == "pdf":
        from eventlens.brief.pdf import INSTALL, find_chromium

        if find_chromium() is None:  # say so before the work, not after
            raise UsageError(INSTALL)
    countries = tuple(c.upper() for c in _flat(args.country))
    label = None
    if args.region:
        region = brief_settings().region(args.region)
        countries = tuple(dict.fromkeys((*countries, *region.countries)))
        label = f"{region.name} ({', '.join(region.countries)})"
    scope = Filter(country=countries, admin1=_flat(args.admin1), bbox=args.bbox)
    if label is not None and (scope.admin1 or scope.bbox):
        label = f"{label}; {place_label(replace(scope, country=()))}"
    request = BriefRequest(
        scope=scope,
        since=args.since,
        until=args.until,
        baseline_periods=args.baseline,
        place=label,
    )
    quiet = args.quiet

    def progress(message: str) -> None:
        if not quiet:
            print(f"brief: {message}", file=sys.stderr, flush=True)

    t0 = time.perf_counter()
    with Store.open(args.db, create=False) as store:
        brief = build_brief(store.events, store.stories, request, progress=progress)
    if args.output is None:
        text = render_markdown(brief) if fmt == "md" else render_html(brief)
        sys.stdout.write(text)
    else:
        write_brief(brief, fmt, args.output)
    if not quiet:
        where = f" to {args.output}" if args.output else ""
        print(
            f"brief: {brief.n_events} events in {brief.place}, {brief.period}, written as "
            f"{fmt}{where} in {time.perf_counter() - t0:.2f} s",
            file=sys.stderr,
        )
    return 0
