"""``eventlens serve``: the REST API and the dashboard over a store."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import sys
from typing import Any

from eventlens.errors import UsageError

log = logging.getLogger(__name__)


def register(sub: Any) -> None:
    from eventlens.commands.ingest import add_db_argument

    p = sub.add_parser(
        "serve",
        help="serve the REST API and the dashboard over the event store",
        description="Serve the store read-only: a REST API (OpenAPI at /docs) and an "
        "analyst's dashboard (map, timeline, table, article and story views) at /. "
        "Needs no internet: the map draws country outlines (Natural Earth) unless "
        "--tile-url names a tile server. Place coordinates from GeoNames (CC BY 4.0).",
    )
    add_db_argument(p)
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only)",
    )
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument(
        "--tile-url",
        metavar="URL",
        default=None,
        help="raster tiles for the map, e.g. https://tiles.example.org/{z}/{x}/{y}.png "
        "(default: country outlines, offline)",
    )
    p.add_argument(
        "--tile-attribution", metavar="TEXT", default=None, help="credit line for --tile-url"
    )
    p.set_defaults(handler=run)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from eventlens.store import Store
    from eventlens.web import WebSettings, create_app

    if not 0 < args.port < 65536:
        raise UsageError(f"--port must be 1..65535, not {args.port}")
    settings = WebSettings(tile_url=args.tile_url, tile_attribution=args.tile_attribution)
    if not _is_loopback(args.host):
        log.warning(
            "listening on %s: the store is readable by anyone who can reach this address",
            args.host,
        )
    with Store.open(args.db, create=False) as store:
        app = create_app(store, settings)
        totals = store.totals()
        if not args.quiet:
            print(
                f"eventlens: serving {totals.events} events, {totals.stories} stories from "
                f"{totals.articles} articles at http://{_display(args.host)}:{args.port}/ "
                f"(API docs at /docs; Ctrl-C stops)",
                file=sys.stderr,
            )
        uvicorn.run(
            app,
            host=args.host,
            port=args.port,
            log_level="warning" if not args.verbose else "info",
            access_log=bool(args.verbose),
            server_header=False,
        )
    return 0


def _display(host: str) -> str:
    return f"[{host}]" if ":" in host else host
