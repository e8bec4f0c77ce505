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
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also answer requests for this Host name (repeatable; '*' answers any: only "
        "behind a proxy that checks). By default only the --host address (and localhost "
        "when it is a loopback address) is answered, so no web page can read the store "
        "through DNS rebinding",
    )
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


def allowed_hosts(host: str, extra: list[str]) -> tuple[str, ...]:
    """The Host names ``serve`` answers when bound to ``host``.

    The bound address itself; ``localhost`` (and both loopback addresses) when
    it is a loopback address; every address of this machine's interfaces is an
    IP literal, which DNS rebinding cannot produce, so a wildcard bind
    (``0.0.0.0``, ``::``) answers any IP-literal Host.  Names only by ``extra``.
    """
    out = [host.strip("[]").lower()]
    if _is_loopback(host):
        out += ["localhost", "127.0.0.1", "::1"]
    out += [h.strip() for h in extra if h.strip()]
    return tuple(dict.fromkeys(out))


def _wildcard(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        return False


def port_free(host: str, port: int) -> str | None:
    """None when ``host:port`` can be bound now, else why not (in words)."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((host.strip("[]"), port))
    except OSError as e:
        return e.strerror.lower() if e.strerror else str(e)
    return None


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from eventlens.store import Store
    from eventlens.web import WebSettings, create_app

    if not 0 < args.port < 65536:
        raise UsageError(f"--port must be 1..65535, not {args.port}")
    hosts = allowed_hosts(args.host, args.allow_host)
    settings = WebSettings(
        tile_url=args.tile_url,
        tile_attribution=args.tile_attribution,
        allowed_hosts=None if "*" in hosts else hosts,
        allow_ip_hosts=_wildcard(args.host),
    )
    if not _is_loopback(args.host):
        log.warning(
            "listening on %s: the store is readable by anyone who can reach this address",
            args.host,
        )
    # Read-only: no write engine, no migrations (a store of another schema is
    # refused with the command that upgrades it).
    with Store.open(args.db, create=False, read_only=True) as store:
        app = create_app(store, settings)
        totals = store.totals()
        busy = port_free(args.host, args.port)
        if busy:
            raise UsageError(f"cannot listen on {_display(args.host)}:{args.port}: {busy}")
        if not args.quiet:
            print(
                f"eventlens: serving {totals.events} events, {totals.stories} stories from "
                f"{totals.articles} articles at http://{_display(args.host)}:{args.port}/ "
                f"(API docs at /docs; Ctrl-C stops)",
                file=sys.stderr,
            )
        config = uvicorn.Config(
            app,
            host=args.host,
            port=args.port,
            log_level="warning" if not args.verbose else "info",
            access_log=bool(args.verbose),
            server_header=False,
        )
        server = uvicorn.Server(config)
        try:
            server.run()
        except SystemExit:  # uvicorn exits when it cannot bind
            server.started = False
        if not server.started:  # lost a race for the port after the check
            raise UsageError(f"cannot listen on {_display(args.host)}:{args.port}")
    return 0


def _display(host: str) -> str:
    return f"[{host}]" if ":" in host else host
