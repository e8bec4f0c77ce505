"""How long ``eventlens brief`` takes over a large store (prints figures, asserts nothing).

Builds a SQLite store of N constructed events (default 100,000) in one
country over a year, written straight into the tables (the writer's
story-joining is not what is measured), each its own story, then times
building the brief for the last 60 days and writing Markdown and HTML.

    .venv/bin/python bench/bench_brief.py [--events N]
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from eventlens.brief import BriefRequest, build_brief, render_html, render_markdown
from eventlens.model import Actor, Counts, Event, EventDate, Evidence, Place
from eventlens.store import Filter, Store
from eventlens.store.rows import event_to_row
from eventlens.store.schema import articles, events, stories

STATUSES = ("occurred",) * 6 + ("foiled", "planned", "threatened", "warned")
TYPES = (("ASSAULT", "Battles"), ("COERCE", "Strategic developments"), ("PROTEST", "Protests"))


def fill(store: Store, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    start = date(2023, 1, 1)
    with store.transaction() as conn:
        conn.execute(
            insert(articles),
            [
                {
                    "id": "bench-article",
                    "content_hash": "x",
                    "n_events": n,
                    "ingested_at": now,
                    "updated_at": now,
                    "source": "bench.example",
                }
            ],
        )
        ev_rows, st_rows = [], []
        for i in range(n):
            day = start + timedelta(days=rng.randrange(365))
            t, acled = TYPES[i % len(TYPES)]
            text = f"Constructed event {i} near a town"
            e = Event(
                id=f"e{i:07d}",
                article_id="bench-article",
                event_type=t,
                mode=None,
                status=STATUSES[rng.randrange(len(STATUSES))],  # type: ignore[arg-type]
                evidence=Evidence(text=text, start=0, end=len(text), sentence=0),
                confidence=0.9,
                actor=Actor(text="a", name="armed group"),
                location=Place(
                    text="town",
                    start=0,
                    end=4,
                    name=f"town {i % 500}",
                    lat=36 + (i % 500) / 100,
                    lon=30 + (i % 700) / 100,
                    feature="city",
                    country="TUR",
                    score=1.0,
                ),
                date=EventDate(value=day.isoformat(), precision="day", source="explicit"),
                counts=Counts(killed=i % 4 or None),
                acled_event_type=acled,
            )
            row = event_to_row(e, source="bench.example", story_id=f"s{i:07d}")
            ev_rows.append(row)
            summary = {"conflicts": {}, "location": {"name": row["location_name"]}}
            st_rows.append(
                {
                    k: row[k]
                    for k in (
                        "event_type",
                        "mode",
                        "status",
                        "date_value",
                        "date_precision",
                        "date_start",
                        "date_end",
                        "sort_date",
                        "day",
                        "week",
                        "month",
                        "location_name",
                        "geonameid",
                        "lat",
                        "lon",
                        "feature",
                        "admin1",
                        "country",
                        "actor_name",
                        "recipient_name",
                        "killed",
                        "injured",
                        "arrested",
                        "participants",
                        "acled_event_type",
                        "acled_sub_event_type",
                        "confidence",
                    )
                }
                | {
                    "id": f"s{i:07d}",
                    "n_reports": 1,
                    "n_articles": 1,
                    "n_sources": 1 + i % 3,
                    "sources": json.dumps(["bench.example"]),
                    "text": text,
                    "summary": json.dumps(summary),
                    "created_at": now,
                    "updated_at": now,
                }
            )
        conn.execute(insert(stories), st_rows)
        conn.execute(insert(events), ev_rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=100_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        db = str(Path(d) / "bench.db")
        t0 = time.perf_counter()
        with Store.open(db) as store:
            fill(store, args.events)
        print(f"store of {args.events:,} events built in {time.perf_counter() - t0:.1f} s")
        with Store.open(db, create=False) as store:
            req = BriefRequest(
                scope=Filter(country=("TUR",)), since=date(2023, 11, 2), until=date(2023, 12, 31)
            )
            t1 = time.perf_counter()
            brief = build_brief(store.events, store.stories, req)
            t2 = time.perf_counter()
            md = render_markdown(brief)
            html = render_html(brief)
            t3 = time.perf_counter()
        print(
            f"brief over {args.events:,} events in the store ({brief.n_events:,} in the period, "
            f"{sum(brief.total.baseline):,} in the baseline): built in {t2 - t1:.2f} s, "
            f"Markdown + HTML written in {t3 - t2:.2f} s; total {t3 - t1:.2f} s "
            f"({len(md):,} and {len(html):,} characters)"
        )


if __name__ == "__main__":
    main()
