"""Ingest, store and export speed (prints figures; asserts nothing).

    .venv/bin/python bench/bench_ingest.py [--n 5000] [--workers 1 2] [--work DIR]

Builds a JSONL corpus of ``--n`` articles, then, each through the real CLI
in a fresh process (model loading included, as a user would see it):

1. ``eventlens ingest corpus.jsonl --db DB --workers W`` for each ``W``:
   articles/s, and the scaling ratio against the first ``W``;
2. the same command again on the first store: the rate of a re-run that
   finds everything unchanged;
3. store size per 1,000 events (SQLite file after a WAL checkpoint);
4. ``eventlens export events|stories`` in every format: rows/s;
5. with ``--ecbplus DIR`` (``../shared/eval/ecbplus-dev``): the ECB+ documents,
   one JSONL line each and no publication date, ingested with one worker
   (documents/s, as ``eventlens eval stories`` reads them);
6. story and thread search as the store grows (``--story-sizes``, default
   1,000 and 100,000 events): a store is filled directly with that many
   stored events (spread over three years and 400 places, one in ten
   undated), each article with its vector, in the thread of the articles
   with the same text (one of its own until the corpus runs out), with its
   search terms, then the same probe articles are saved with the ingest writer
   (story assignment and thread re-clustering both); milliseconds per
   article, which should not grow with the store.  Then the same again with
   the places growing with the store (the events per place of the smallest
   store): a store that grows by covering more places and time, not by
   packing more events into the same ones.

The corpus: the NGEC synthetic news stories (``../shared/train/ngec-synthetic``,
or under ``$EVENTLENS_SHARED``;
4,500 stories written by a language model, marked synthetic; MIT) when
present, cycled and paired to reach ``--n`` distinct articles; otherwise the
report texts of the bundled dedup set, three to an article.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("EVENTLENS_SHARED") or ROOT.parent / "shared")
SYNTHETIC = SHARED / "train/ngec-synthetic/gpt_synthetic_events_2023-10-19_19.csv.zip"


def synthetic_texts() -> list[tuple[str, str, str]] | None:
    """(title, source, text) of the synthetic corpus, or None when it is absent."""
    if not SYNTHETIC.exists():
        return None
    with zipfile.ZipFile(SYNTHETIC) as z:
        name = z.namelist()[0]
        with z.open(name) as f:
            rows = list(csv.DictReader(io.TextIOWrapper(f, "utf-8")))
    return [(r["title"], r["source"], r["text"]) for r in rows if r.get("text")]


def bundled_texts() -> list[tuple[str, str, str]]:
    sys.path.insert(0, str(ROOT / "src"))
    from eventlens.evaluate.dedup import load_set

    reps = load_set()
    out = []
    for i in range(0, len(reps) - 2):
        texts = [reps[i + k].report.event.evidence.text for k in range(3)]
        out.append((reps[i].cluster, reps[i].report.source or "", " ".join(texts)))
    return out


def corpus(n: int) -> Iterator[dict[str, str]]:
    """``n`` distinct JSONL articles."""
    texts = synthetic_texts() or bundled_texts()
    m = len(texts)
    for i in range(n):
        title, source, text = texts[i % m]
        if i >= m:  # a second pass: pair with another story, so every article is new
            text = text + "\n\n" + texts[(i * 31 + 7) % m][2]
        yield {
            "id": f"bench-{i:06d}",
            "title": title,
            "source": source,
            "published": "2023-10-19",
            "text": text,
        }


def run(cmd: list[str]) -> tuple[float, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    dt = time.perf_counter() - t0
    if p.returncode not in (0, 1):
        raise SystemExit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr}")
    return dt, p.stdout + p.stderr


def show(cmd: list[str]) -> str:
    return " ".join(
        ["eventlens", *cmd[3:]] if cmd[:3] == [sys.executable, "-m", "eventlens.cli"] else cmd
    )


def db_size(db: Path) -> int:
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return db.stat().st_size


def counts(db: Path) -> tuple[int, int, int]:
    con = sqlite3.connect(db)
    try:
        a = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        e = con.execute("SELECT count(*) FROM events").fetchone()[0]
        s = con.execute("SELECT count(*) FROM stories WHERE n_reports > 0").fetchone()[0]
    finally:
        con.close()
    return a, e, s


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=5000, help="articles (default 5000)")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--work", type=Path, default=None, help="keep files here (default: a temp dir)")
    ap.add_argument(
        "--ecbplus", type=Path, default=None, help="an ECB+ layout to ingest (1 worker)"
    )
    ap.add_argument(
        "--story-sizes",
        type=int,
        nargs="*",
        default=[1000, 100000],
        help="store sizes (events) to time story search at (default 1000 100000)",
    )
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="eventlens-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    src = work / "corpus.jsonl"
    with src.open("w", encoding="utf-8") as f:
        for obj in corpus(args.n):
            f.write(json.dumps(obj, ensure_ascii=False) + "\n")
    size_mb = src.stat().st_size / 1e6
    kind = "NGEC synthetic" if synthetic_texts() else "bundled dedup set"
    print(f"corpus: {args.n} articles, {size_mb:.1f} MB ({kind})")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"machine: {os.cpu_count()} CPUs (load average {load:.1f}), Python {sys.version.split()[0]}"
    )
    cli = [sys.executable, "-m", "eventlens.cli"]
    rates: dict[int, float] = {}
    first_db: Path | None = None
    for w in args.workers:
        db = work / f"w{w}.db"
        for p in work.glob(f"w{w}.db*"):
            p.unlink()
        cmd = [*cli, "-q", "ingest", str(src), "--db", str(db), "--workers", str(w)]
        dt, out = run(cmd)
        rates[w] = args.n / dt
        m = re.search(r"\((\d+(?:\.\d+)?)/s\)", out)
        a, e, s = counts(db)
        plural = "s" if w > 1 else ""
        print(
            f"\ningest, {w} worker{plural}: {dt:.1f} s wall, {rates[w]:.1f} articles/s "
            f"(as the command reports it: {m.group(1) if m else '?'}/s)"
        )
        print(f"  {a} articles, {e} events, {s} stories")
        print(f"  $ {show(cmd)}")
        first_db = first_db or db
    base = args.workers[0]
    for w in args.workers[1:]:
        print(f"scaling {w} vs {base} workers: {rates[w] / rates[base]:.2f}x")
    assert first_db is not None
    cmd = [*cli, "-q", "ingest", str(src), "--db", str(first_db)]
    dt, _ = run(cmd)
    print(
        f"\nre-ingest, nothing changed: {dt:.1f} s, {args.n / dt:.0f} articles/s\n  $ {show(cmd)}"
    )
    a, e, s = counts(first_db)
    size = db_size(first_db)
    print(
        f"\nstore: {size / 1e6:.1f} MB for {e} events ({a} articles with clean text, {s} stories): "
        f"{size / max(e, 1) * 1000 / 1e6:.2f} MB per 1,000 events"
    )
    print()
    for what in ("events", "stories"):
        for fmt in ("csv", "jsonl", "geojson", "parquet"):
            out_path = work / f"{what}.{fmt}"
            cmd = [
                *cli,
                "export",
                what,
                "--db",
                str(first_db),
                "--format",
                fmt,
                "-o",
                str(out_path),
            ]
            wall, log = run(cmd)
            m = re.search(r"exported (\d+) \w+ .* in (\d+(?:\.\d+)?) s", log)
            rows, dt = (int(m.group(1)), float(m.group(2))) if m else (0, wall)
            print(
                f"export {what:7} {fmt:8} {rows / max(dt, 1e-9):8.0f} rows/s "
                f"({rows} rows in {dt:.2f} s; {wall:.1f} s with start-up; "
                f"{out_path.stat().st_size / 1e6:.1f} MB)  $ {show(cmd)}"
            )
    if args.ecbplus is not None:
        ecbplus_rate(args.ecbplus, work, cli)
    for n in args.story_sizes:
        story_search(n, work, 400)
    if len(args.story_sizes) > 1:  # the same, the density of events held constant
        for n in args.story_sizes:
            story_search(n, work, max(1, n * 400 // args.story_sizes[0]))
    print(f"\nfiles in {work}")
    return 0


def ecbplus_rate(root: Path, work: Path, cli: list[str]) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from eventlens.evaluate.stories import load_corpus

    docs = load_corpus(root)
    src = work / "ecbplus.jsonl"
    with src.open("w", encoding="utf-8") as f:
        for d in docs:
            line = {"id": d.name, "text": d.text, **({"url": d.url} if d.url else {})}
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    db = work / "ecbplus.db"
    for p in work.glob("ecbplus.db*"):
        p.unlink()
    cmd = [*cli, "-q", "ingest", str(src), "--db", str(db), "--workers", "1"]
    dt, _ = run(cmd)
    _, e, s = counts(db)
    print(
        f"\nECB+ ingest, 1 worker: {len(docs)} documents in {dt:.1f} s wall (model loading "
        f"included): {len(docs) / dt:.1f} documents/s; {e} events, {s} stories\n  $ {show(cmd)}"
    )


def story_search(n_events: int, work: Path, n_places: int) -> None:
    """Milliseconds per probe article saved into a store of ``n_events`` events
    spread over ``n_places`` places."""
    import random
    from datetime import date, timedelta

    sys.path.insert(0, str(ROOT / "src"))
    from sqlalchemy import insert

    from eventlens.evaluate.dedup import make_event, make_place
    from eventlens.knowledge import Knowledge
    from eventlens.model import Article, EventDate
    from eventlens.store import Store
    from eventlens.store.rows import event_to_row
    from eventlens.store.schema import articles, events, stories, thread_terms, threads
    from eventlens.store.writer import _placeholder, now
    from eventlens.stories.report import Report
    from eventlens.stories.threads import ThreadRules, vector_json

    rng = random.Random(0)
    texts = [t for _, _, t in (synthetic_texts() or bundled_texts())]
    types = ["ASSAULT", "PROTEST", "COERCE", "ACCUSE", "THREATEN"]
    places = [
        {
            "name": f"Town {i}",
            "lat": rng.uniform(-40, 60),
            "lon": rng.uniform(-120, 140),
            "feature": "city",
            "country": f"C{i % 60:02d}",
        }
        for i in range(n_places)
    ]
    start = date(2021, 1, 1)

    def event(key: str, text: str) -> Any:
        undated = rng.random() < 0.1
        day = start + timedelta(days=rng.randrange(3 * 365))
        return make_event(
            event_id=key,
            article_id=f"a-{key}",
            event_type=rng.choice(types),
            status="occurred",
            text=text.split(". ")[0][:300],
            place=make_place(rng.choice(places)),
            when=EventDate() if undated else EventDate(day.isoformat(), "day", "explicit"),
        )

    thread_rules = ThreadRules(Knowledge())
    vectors = [thread_rules.vector(t) for t in texts]

    def thread_of(e: Any) -> str:
        return f"t-{int(e.id[1:]) % len(texts)}"

    def copies(e: Any) -> int:
        i = int(e.id[1:]) % len(texts)
        return len(range(i, n_events, len(texts)))

    db = work / f"stories-{n_events}.db"
    for p in work.glob(f"stories-{n_events}.db*"):
        p.unlink()
    with Store.open(str(db)) as store:
        ts = now()
        # each distinct sentence's embedding, as the writer keeps it with its events
        sentences = sorted({t.split(". ")[0][:300] for t in texts})
        embedded = store.story_rules.similarity.embed_sentences(
            [
                Report(make_event(article_id="v", event_type="ASSAULT", status="occurred", text=t))
                for t in sentences
            ]
        )
        vector_of = dict(zip(sentences, embedded, strict=True))
        batch = 2000
        with store.transaction() as conn:
            for lo in range(0, n_events, batch):
                evs = [
                    event(f"e{i}", texts[i % len(texts)])
                    for i in range(lo, min(n_events, lo + batch))
                ]
                # Articles with the same text share a thread, as the writer
                # would have put them (a text is reused once the store
                # outgrows the corpus).
                firsts = [e for e in evs if int(e.id[1:]) < len(texts)]
                if firsts:
                    conn.execute(
                        insert(threads),
                        [
                            {
                                "id": thread_of(e),
                                "n_articles": copies(e),
                                "n_sources": 1,
                                "created_at": ts,
                                "updated_at": ts,
                            }
                            for e in firsts
                        ],
                    )
                conn.execute(
                    insert(articles),
                    [
                        {
                            "id": e.article_id,
                            "source": "bench",
                            "content_hash": "x",
                            "text": texts[int(e.id[1:]) % len(texts)],
                            "n_events": 1,
                            "ingested_at": ts,
                            "updated_at": ts,
                            "thread_id": thread_of(e),
                            "terms": vector_json(vectors[int(e.id[1:]) % len(texts)]),
                        }
                        for e in evs
                    ],
                )
                if firsts:
                    conn.execute(
                        insert(thread_terms),
                        [
                            {"thread_id": thread_of(e), "term": t}
                            for e in firsts
                            for t in dict.fromkeys(
                                thread_rules.search_terms(vectors[int(e.id[1:]) % len(texts)])
                            )
                        ],
                    )
                conn.execute(insert(stories), [_placeholder(f"s-{e.id}", e) for e in evs])
                conn.execute(
                    insert(events),
                    [
                        {
                            **event_to_row(e, source="bench", story_id=f"s-{e.id}"),
                            "sentence_vector": vector_of.get(e.evidence.text),
                        }
                        for e in evs
                    ],
                )
        probes = [event(f"p{i}", texts[(i * 7919) % len(texts)]) for i in range(60)]
        _ = store.story_rules  # parse the clustering tables now, not in the first probe
        t0 = time.perf_counter()
        for e in probes:
            text = texts[int(e.id[1:]) * 7919 % len(texts)]
            store.save_article(
                Article(id=e.article_id, content=text, source="probe"),
                content_hash="p",
                text=text,
                events=[e],
                sentences={0: e.evidence.text},
            )
        dt = time.perf_counter() - t0
    print(
        f"\nstory and thread search, store of {n_events:,} events and as many articles "
        f"({min(n_events, len(texts)):,} threads) over {n_places:,} places "
        f"({n_events / n_places:.1f} events a place): {1000 * dt / len(probes):.1f} ms per "
        f"probe article ({len(probes)} articles, one event each, one in ten undated, saved "
        "with the ingest writer)"
    )


if __name__ == "__main__":
    raise SystemExit(main())
