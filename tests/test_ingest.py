"""Ingest: fetching from a real HTTP server on 127.0.0.1, feeds and URL lists,
idempotence, changed articles, failures, worker processes, Dask, and a run
killed with SIGKILL that resumes without losing or doubling anything."""

from __future__ import annotations

import itertools
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from eventlens.cli import main
from eventlens.evaluate.dedup import load_set
from eventlens.ingest import Fetcher, FetchError, FetchOptions, IngestOptions, ingest
from eventlens.ingest.sources import ReadFailure, SourceReader, Unchanged, Work
from eventlens.model import Article, Document
from eventlens.pipeline import Pipeline
from eventlens.settings import Settings
from eventlens.store import Filter, Store

ROOT = Path(__file__).resolve().parent.parent

# ------------------------------------------------------------------ server


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    chunked: bool = False


Route = Callable[["Handler", int], Reply]


@dataclass
class Site:
    """Routes and a log of requests (path -> request times)."""

    routes: dict[str, Route] = field(default_factory=dict)
    hits: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    base: str = ""

    def add(self, path: str, reply: Reply | Route) -> None:
        if isinstance(reply, Reply):
            fixed = reply

            def route(_h: Handler, _n: int) -> Reply:
                return fixed

            self.routes[path] = route
        else:
            self.routes[path] = reply

    def url(self, path: str) -> str:
        return self.base + path


class Handler(BaseHTTPRequestHandler):
    site: Site

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path
        self.site.hits[path].append(time.monotonic())
        route = self.site.routes.get(path)
        if route is None:
            self.send_error(404)
            return
        reply = route(self, len(self.site.hits[path]))
        if reply.delay:
            time.sleep(reply.delay)
        try:
            self.send_response(reply.status)
            for k, v in reply.headers.items():
                self.send_header(k, v)
            if reply.chunked:
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for i in range(0, len(reply.body), 8192):
                    part = reply.body[i : i + 8192]
                    self.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")
                return
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()
    handler = type("H", (Handler,), {"site": s})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    s.base = f"http://127.0.0.1:{server.server_address[1]}"
    t = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    t.start()
    yield s
    server.shutdown()
    server.server_close()


def html(title: str, body: str) -> bytes:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><article><h1>{title}</h1><p>{body}</p></article></body></html>"
    ).encode()


FAST = FetchOptions(
    read_timeout=0.5,
    connect_timeout=0.5,
    retries=2,
    backoff=0.05,
    rate_per_host=1000,
    max_bytes=100_000,
)


# ----------------------------------------------------------------- fetcher


@pytest.mark.parametrize(
    ("replies", "ok", "requests", "reason"),
    [
        ([Reply(body=b"hello")], True, 1, None),
        ([Reply(404)], False, 1, "HTTP 404"),
        ([Reply(503), Reply(502), Reply(body=b"third time")], True, 3, None),
        ([Reply(500)] * 3, False, 3, "HTTP 500 (after 3 attempts)"),
        ([Reply(delay=1.5, body=b"late")] * 3, False, 3, "timed out"),
        ([Reply(body=b"x" * 200_000)], False, 1, "size limit"),
        ([Reply(body=b"x" * 200_000, chunked=True)], False, 1, "size limit"),
        ([Reply(429, headers={"Retry-After": "1"}), Reply(body=b"ok")], True, 2, None),
    ],
    ids=[
        "ok",
        "404",
        "retry-5xx",
        "give-up-5xx",
        "timeout",
        "too-big",
        "too-big-chunked",
        "429-retry-after",
    ],
)
def test_fetcher(
    site: Site, replies: list[Reply], ok: bool, requests: int, reason: str | None
) -> None:
    site.add("/r", lambda _h, n: replies[min(n, len(replies)) - 1])
    t0 = time.monotonic()
    with Fetcher(FAST) as f:
        if ok:
            got = f.fetch(site.url("/r"))
            assert got.status == 200 and got.body == replies[-1].body
        else:
            with pytest.raises(FetchError) as e:
                f.fetch(site.url("/r"))
            assert reason and reason in e.value.reason
    assert len(site.hits["/r"]) == requests
    if replies[0].status == 429:
        assert time.monotonic() - t0 >= 0.9  # honoured Retry-After


def test_rate_limit_per_host(site: Site) -> None:
    site.add("/a", Reply(body=b"a"))
    opts = FetchOptions(rate_per_host=10, concurrency=4, read_timeout=2)
    with Fetcher(opts) as f:
        results = list(f.fetch_many([site.url("/a")] * 6, f.fetch))
    assert all(not isinstance(r, FetchError) for _, r in results)
    times = sorted(site.hits["/a"])
    # six requests at most ten a second: at least half a second from first to last
    assert times[-1] - times[0] >= 0.45
    assert all(b - a >= 0.08 for a, b in itertools.pairwise(times))


def test_conditional_get(site: Site) -> None:
    def page(h: Handler, _n: int) -> Reply:
        if h.headers.get("If-None-Match") == '"v1"':
            return Reply(304)
        return Reply(body=b"<p>x</p>", headers={"ETag": '"v1"', "Content-Type": "text/html"})

    site.add("/p", page)
    with Fetcher(FAST) as f:
        first = f.fetch(site.url("/p"))
        again = f.fetch(site.url("/p"), etag=first.etag)
    assert first.etag == '"v1"' and not first.not_modified
    assert again.not_modified


# ------------------------------------------------------------- sources

REPORTS = load_set()


def rss(site: Site, paths: list[str], extra: str = "") -> bytes:
    items = "".join(
        f"<item><title>Story {i}</title><link>{site.url(p)}</link>"
        f"<pubDate>{formatdate(1675500000 + i * 60, usegmt=True)}</pubDate>"
        f"<description>Summary {i}</description></item>"
        for i, p in enumerate(paths)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Test Wire</title>'
        f"<link>{site.base}</link>{items}{extra}</channel></rss>"
    ).encode()


def serve_articles(site: Site, n: int, start: int = 0) -> list[str]:
    paths = []
    for i in range(start, start + n):
        r = REPORTS[i]
        p = f"/articles/{i}"
        site.add(
            p,
            Reply(
                body=html(f"{r.cluster} {i}", r.report.event.evidence.text),
                headers={"Content-Type": "text/html; charset=utf-8", "ETag": f'"{i}"'},
            ),
        )
        paths.append(p)
    return paths


def read(sources: list[str], **kw: object) -> list[object]:
    with Fetcher(FAST) as f:
        return list(SourceReader(Settings(), f, **kw)(sources))  # type: ignore[arg-type]


def test_feed_url_entries_are_fetched(site: Site) -> None:
    paths = serve_articles(site, 3)
    no_link = (
        "<item><title>Only text</title><description>Police said that twenty "
        "people were arrested.</description></item>"
    )
    site.add(
        "/feed.xml",
        Reply(body=rss(site, paths, no_link), headers={"Content-Type": "application/rss+xml"}),
    )
    items = read([site.url("/feed.xml")])
    works = [i for i in items if isinstance(i, Work)]
    assert len(works) == 4
    fetched = [w for w in works if w.article.url and "/articles/" in w.article.url]
    assert len(fetched) == 3
    assert {w.article.title for w in fetched} == {"Story 0", "Story 1", "Story 2"}
    assert all(w.article.source == "Test Wire" and w.article.published for w in fetched)
    assert all(w.article.content_type == "html" and w.etag for w in fetched)
    assert any("twenty people" in w.article.content for w in works)


def test_feed_file_and_url_list_file(site: Site, tmp_path: Path) -> None:
    paths = serve_articles(site, 4)
    (tmp_path / "wire.rss").write_bytes(rss(site, paths[:2]))
    (tmp_path / "more.urls").write_text(
        f"# a list of URLs\n{site.url(paths[2])}\n\n{site.url(paths[3])}\n{site.url('/missing')}\n"
    )
    (tmp_path / "local.txt").write_text(REPORTS[10].report.event.evidence.text)
    items = read([str(tmp_path)])
    works = [i for i in items if isinstance(i, Work)]
    fails = [i for i in items if isinstance(i, ReadFailure)]
    assert len(works) == 5
    assert [f.origin for f in fails] == [site.url("/missing")]
    assert "HTTP 404" in fails[0].reason and fails[0].stage == "fetch"


def test_url_list_served_as_uri_list(site: Site) -> None:
    paths = serve_articles(site, 2)
    site.add(
        "/list",
        Reply(
            body="\n".join(site.url(p) for p in paths).encode(),
            headers={"Content-Type": "text/uri-list"},
        ),
    )
    works = [i for i in read([site.url("/list")]) if isinstance(i, Work)]
    assert sorted(w.article.url or "" for w in works) == sorted(site.url(p) for p in paths)


def test_unchanged_url_is_a_304(site: Site) -> None:
    paths = serve_articles(site, 1)
    known = {}
    for w in read([site.url(paths[0])]):
        assert isinstance(w, Work)
        known[w.article.id] = (w.etag, w.last_modified)
    site.routes[paths[0]] = lambda h, _n: Reply(304) if h.headers.get("If-None-Match") else Reply()
    again = read([site.url(paths[0])], known=known.get)
    assert [type(i) for i in again] == [Unchanged]


# --------------------------------------------------------- end to end


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    p = Pipeline(Settings())
    p.warm_up()
    return p


def write_articles(folder: Path, n: int, per_article: int = 1) -> list[Path]:
    """Article files made of report texts of the labelled set (several per file)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        texts = [
            REPORTS[(i * per_article + k) % len(REPORTS)].report.event.evidence.text
            for k in range(per_article)
        ]
        p = folder / f"article_{i:03d}.txt"
        p.write_text("\n\n".join(texts) + "\n")
        out.append(p)
    return out


def snapshot(db: Path) -> dict[str, list[tuple[str, str]]]:
    """Article id -> its events (id, evidence), read with plain sqlite3."""
    con = sqlite3.connect(db)
    try:
        rows = con.execute(
            "SELECT article_id, id, evidence_text FROM events ORDER BY article_id, id"
        ).fetchall()
        arts = con.execute("SELECT id, n_events FROM articles").fetchall()
    finally:
        con.close()
    out: dict[str, list[tuple[str, str]]] = {a: [] for a, _ in arts}
    for a, e, ev in rows:
        out[a].append((e, ev))
    assert {a: len(v) for a, v in out.items()} == dict(arts), "n_events disagrees with events"
    return out


@pytest.mark.slow
def test_reingest_adds_nothing_and_a_changed_file_replaces_its_events(
    tmp_path: Path, pipeline: Pipeline
) -> None:
    files = write_articles(tmp_path / "in", 8)
    (tmp_path / "in" / "broken.jsonl").write_text('{"id": "x", "text": "ok"}\n{not json}\n')
    with Store.open(str(tmp_path / "s.db")) as store:
        seen: list[tuple[int, int, int]] = []
        first = ingest(
            [str(tmp_path / "in")],
            store,
            pipeline=pipeline,
            on_progress=lambda s: seen.append((s.articles, s.new, s.failed)),
        )
        assert (first.new, first.unchanged, first.changed) == (9, 0, 0)
        assert seen == sorted(seen) and seen[-1] == (10, 9, 1)  # the progress bar's feed
        assert first.failed == 1 and first.events > 0
        before = snapshot(tmp_path / "s.db")
        stories_before = store.totals().stories

        again = ingest([str(tmp_path / "in")], store, pipeline=pipeline)
        assert (again.new, again.unchanged, again.changed, again.events) == (0, 9, 0, 0)
        assert snapshot(tmp_path / "s.db") == before
        assert store.totals().stories == stories_before

        files[0].write_text(REPORTS[60].report.event.evidence.text + "\n")
        third = ingest([str(tmp_path / "in")], store, pipeline=pipeline)
        assert (third.new, third.unchanged, third.changed) == (0, 8, 1)
        after = snapshot(tmp_path / "s.db")
        changed = [a for a in after if after[a] != before[a]]
        assert len(changed) == 1 and set(after) == set(before)
        evidence = {ev for _, ev in after[changed[0]]}
        assert evidence and not evidence & {ev for _, ev in before[changed[0]]}
        failures = list(store.failures())
        assert [f.origin for f in failures] == [f"{tmp_path / 'in' / 'broken.jsonl'}:2"]
        assert "invalid JSON" in failures[0].reason


@pytest.mark.slow
def test_feed_over_http_is_idempotent_with_conditional_requests(
    site: Site, tmp_path: Path, pipeline: Pipeline
) -> None:
    paths = serve_articles(site, 4)

    def etagged(i: int, p: str) -> Route:
        def route(h: Handler, _n: int) -> Reply:
            if h.headers.get("If-None-Match") == f'"{i}"':
                return Reply(304)
            return Reply(
                body=html(f"a{i}", REPORTS[i].report.event.evidence.text),
                headers={"Content-Type": "text/html", "ETag": f'"{i}"'},
            )

        return route

    for i, p in enumerate(paths):
        site.add(p, etagged(i, p))
    site.add("/feed.xml", Reply(body=rss(site, paths), headers={"Content-Type": "text/xml"}))
    opts = IngestOptions(fetch=FAST)
    with Store.open(str(tmp_path / "s.db")) as store:
        first = ingest([site.url("/feed.xml")], store, options=opts, pipeline=pipeline)
        assert first.new == 4 and first.failed == 0
        second = ingest([site.url("/feed.xml")], store, options=opts, pipeline=pipeline)
        assert second.unchanged == 4 and second.new == second.changed == 0
        stored = {r.url for r in store.events.iter(Filter())}
        assert stored <= {site.url(p) for p in paths}
        assert all(r.source == "Test Wire" for r in store.events.iter(Filter()))


@pytest.mark.slow
def test_cli_ingest_summary_failures_and_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Site
) -> None:
    write_articles(tmp_path / "in", 3)
    (tmp_path / "in" / "list.urls").write_text(site.url("/gone") + "\n")
    db = str(tmp_path / "cli.db")
    rc = main(["ingest", str(tmp_path / "in"), "--db", db, "--retries", "0"])
    out, err = capsys.readouterr()
    assert rc == 1
    assert "3 new, 0 unchanged, 0 changed, 1 failed" in out
    assert "stories:" in out and "events:" in out
    assert "\r" not in err  # no progress bar when stderr is not a terminal
    assert main(["failures", "--db", db, "--format", "jsonl"]) == 0
    rows = [json.loads(x) for x in capsys.readouterr()[0].splitlines()]
    assert [(r["origin"], r["stage"]) for r in rows] == [(site.url("/gone"), "fetch")]
    assert "HTTP 404" in rows[0]["reason"]
    rc = main(["ingest", str(tmp_path / "in"), "--db", db, "--retries", "0"])
    assert rc == 1
    assert "0 new, 3 unchanged, 0 changed, 1 failed" in capsys.readouterr()[0]


@pytest.mark.slow
def test_worker_processes_store_what_one_process_stores(tmp_path: Path, pipeline: Pipeline) -> None:
    write_articles(tmp_path / "in", 12)
    with Store.open(str(tmp_path / "one.db")) as s1:
        ingest([str(tmp_path / "in")], s1, pipeline=pipeline)
    with Store.open(str(tmp_path / "two.db")) as s2:
        stats = ingest([str(tmp_path / "in")], s2, options=IngestOptions(workers=2))
        assert stats.new == 12
    assert snapshot(tmp_path / "two.db") == snapshot(tmp_path / "one.db")


@pytest.mark.slow
def test_dask_local_cluster(tmp_path: Path, pipeline: Pipeline) -> None:
    distributed = pytest.importorskip("distributed")
    write_articles(tmp_path / "in", 6)
    with Store.open(str(tmp_path / "one.db")) as s1:
        ingest([str(tmp_path / "in")], s1, pipeline=pipeline)
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Store.open(str(tmp_path / "dask.db")) as store,
    ):
        stats = ingest(
            [str(tmp_path / "in")],
            store,
            options=IngestOptions(scheduler=cluster.scheduler_address),
        )
        assert stats.new == 6 and stats.failed == 0
    assert snapshot(tmp_path / "dask.db") == snapshot(tmp_path / "one.db")


@pytest.mark.slow
def test_kill_9_loses_nothing_committed_and_the_next_run_resumes(tmp_path: Path) -> None:
    files = write_articles(tmp_path / "in", 60, per_article=3)
    db = tmp_path / "k.db"
    cmd = [
        sys.executable,
        "-m",
        "eventlens.cli",
        "-q",
        "ingest",
        str(tmp_path / "in"),
        "--db",
        str(db),
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        committed = 0
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
            if db.exists():
                try:
                    con = sqlite3.connect(db, timeout=1)
                    committed = con.execute("SELECT count(*) FROM articles").fetchone()[0]
                    con.close()
                except sqlite3.OperationalError:
                    continue  # schema not there yet
                if committed >= 10:
                    break
        assert proc.poll() is None, "the run finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    at_kill = snapshot(db)  # consistent: every article's events are all there
    assert 10 <= len(at_kill) < len(files)

    resumed = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{len(files) - len(at_kill)} new, {len(at_kill)} unchanged" in resumed.stdout
    final = snapshot(db)
    assert len(final) == len(files)
    assert all(final[a] == ev for a, ev in at_kill.items())

    clean = tmp_path / "clean.db"
    once = subprocess.run(
        [*cmd[:-1], str(clean)], env=env, capture_output=True, text=True, timeout=300
    )
    assert once.returncode == 0, once.stderr
    assert snapshot(clean) == final
    con = sqlite3.connect(db)
    con2 = sqlite3.connect(clean)
    try:
        q = "SELECT id, story_id FROM events ORDER BY id"
        assert con.execute(q).fetchall() == con2.execute(q).fetchall()
    finally:
        con.close()
        con2.close()


@pytest.mark.slow
def test_ingest_into_postgresql(tmp_path: Path, pipeline: Pipeline) -> None:
    from test_store import pg_database

    write_articles(tmp_path / "in", 6)
    (tmp_path / "in" / "bad.jsonl").write_text("[1, 2]\n")
    gen = pg_database()
    url = next(gen)
    try:
        with Store.open(url) as store:
            first = ingest([str(tmp_path / "in")], store, pipeline=pipeline)
            assert (first.new, first.failed) == (6, 1)
            again = ingest([str(tmp_path / "in")], store, pipeline=pipeline)
            assert (again.new, again.unchanged, again.events) == (0, 6, 0)
            totals = store.totals()
            assert totals.articles == 6 and totals.failures == 1
            assert totals.events == first.events
    finally:
        next(gen, None)


@pytest.mark.slow
def test_pipeline_ships_to_workers_as_settings_only(pipeline: Pipeline) -> None:
    import pickle

    from eventlens.ingest.dask_runner import PipelinePlugin

    # Warmed up (models loaded), it still pickles small: workers load their own.
    assert len(pickle.dumps(pipeline)) < 5_000
    plugin = pickle.loads(pickle.dumps(PipelinePlugin(pipeline)))
    assert plugin.pipeline.settings == pipeline.settings


class DyingPipeline(Pipeline):
    """No models: the text is the document; an article saying DIE kills its worker."""

    def warm_up(self) -> None:
        pass

    def __call__(self, article: Article) -> Document:
        if "DIE" in article.content:
            os._exit(3)
        return Document(article=article, text=article.content)


def test_a_worker_that_dies_costs_only_its_document(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(6):
        (folder / f"{i}.txt").write_text("DIE now\n" if i == 2 else f"article {i}\n")
    with Store.open(str(tmp_path / "d.db")) as store:
        stats = ingest(
            [str(folder)],
            store,
            options=IngestOptions(workers=2),
            pipeline=DyingPipeline(Settings()),
        )
        assert (stats.new, stats.failed) == (5, 1)
        (failure,) = list(store.failures())
        assert failure.origin == str(folder / "2.txt")
        assert "worker process died (exit code 3)" in failure.reason


def test_content_hash_covers_the_source_place_when_set() -> None:
    from eventlens.ingest.sources import content_hash

    plain = Article(id="a", content="Shots were fired in Arlington.")
    tx = Article(id="a", content=plain.content, source_place="Fort Worth, Texas")
    va = Article(id="a", content=plain.content, source_place="Alexandria, Virginia")
    assert len({content_hash(plain), content_hash(tx), content_hash(va)}) == 3
    # without a source place the hash is what it was before the field existed,
    # so stores ingested earlier do not process every article again
    assert content_hash(plain) == "a32a15ad0f679ff84162512bbc2ff1727ab42606fe66c15d29bd4c6551c8839f"
