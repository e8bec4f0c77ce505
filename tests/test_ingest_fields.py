"""Every article field the pipeline fills in reaches the store (issue 9, point 1).

An HTML page gets its title, date, source and language from the clean stage,
not from the file as read; the ingest runner must store the article as the
pipeline left it.  One HTML page, one JSONL line and one feed item (its own
content) are ingested and every stored field is read back with plain SQL.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from eventlens import extract
from eventlens.errors import ProcessingError, UsageError
from eventlens.ingest import IngestOptions, ingest
from eventlens.ingest.sources import Work
from eventlens.ingest.workers import process
from eventlens.model import Article, Document
from eventlens.pipeline import Pipeline
from eventlens.settings import Settings
from eventlens.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "inputs"
STORY = (
    "Gunmen on motorcycles attacked an army post near the central Malian town of Mopti on "
    "Saturday, killing two soldiers and wounding five others, the army said in a statement."
)
MORE = (
    "The attackers fled north towards the border on their motorcycles, and the army said "
    "it had sent reinforcements and launched a search operation across the whole area."
)
FEED = f"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Sahel Wire</title><link>https://wire.example/</link>
<item><title>Army post attacked near Mopti</title><guid isPermaLink="false">wire-1</guid>
<pubDate>Sun, 05 Mar 2023 08:00:00 GMT</pubDate>
<description>{STORY} {MORE}</description></item>
</channel></rss>
"""


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    p = Pipeline(Settings())
    p.warm_up()
    return p


def _rows(db: Path) -> dict[str, dict[str, Any]]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return {r["origin"]: dict(r) for r in con.execute("SELECT * FROM articles")}
    finally:
        con.close()


def test_html_jsonl_and_feed_item_store_every_field(tmp_path: Path, pipeline: Pipeline) -> None:
    src = tmp_path / "in"
    src.mkdir()
    page = src / "news_page.html"
    shutil.copy(FIXTURES / "news_page.html", page)
    line = {
        "id": "wire-42",
        "url": "https://news.example/mali/42",
        "title": "Attack near Mopti",
        "source": "News Example",
        "published": "2023-03-04",
        "language": "EN",
        "text": STORY,
    }
    (src / "lines.jsonl").write_text(json.dumps(line) + "\n")
    feed = tmp_path / "wire.rss"
    feed.write_text(FEED)
    db = tmp_path / "fields.db"
    with Store.open(str(db)) as store:
        stats = ingest(
            [str(src), str(feed)],
            store,
            pipeline.settings,
            IngestOptions(feed_content=True),
            pipeline=pipeline,
        )
    assert (stats.new, stats.failed) == (3, 0)
    rows = _rows(db)
    assert len(rows) == 3

    html = rows[str(page)]
    assert html["title"] == (
        "This is why there are fears of ISIS carrying out attacks inside Turkey"
    )
    assert html["published"] == "2023-02-06"
    assert html["source"] == "The Meridian Herald"
    assert html["language"] == "en"
    assert html["url"] == (
        "https://www.meridian-herald.example/world/2023/02/06/fears-isis-attacks-turkey/"
    )
    assert html["text"] and html["text"].startswith(html["title"])

    js = rows[f"{src / 'lines.jsonl'}:1"]
    assert js["id"] == "wire-42"
    assert (js["url"], js["title"], js["source"]) == (
        line["url"],
        line["title"],
        line["source"],
    )
    assert (js["published"], js["language"]) == ("2023-03-04", "en")
    assert js["text"] == STORY

    item = rows[f"{feed}#1"]
    assert (item["title"], item["source"], item["published"]) == (
        "Army post attacked near Mopti",
        "Sahel Wire",
        "2023-03-05",
    )
    assert item["language"] == "en"
    assert item["text"] and STORY in item["text"]

    for r in rows.values():  # bookkeeping columns are always set
        assert r["content_hash"] and r["ingested_at"] and r["updated_at"]
        assert r["pipeline_version"]
        assert r["n_events"] >= 0


def test_article_record_reads_the_language_back(tmp_path: Path, pipeline: Pipeline) -> None:
    (tmp_path / "a.jsonl").write_text(
        json.dumps({"id": "x1", "text": f"{STORY} {MORE}", "published": "2023-03-04"}) + "\n"
    )
    with Store.open(str(tmp_path / "r.db")) as store:
        ingest([str(tmp_path / "a.jsonl")], store, pipeline.settings, pipeline=pipeline)
        rec = store.article("x1")
    assert rec is not None
    assert rec.language == "en"
    assert rec.published == date(2023, 3, 4)


# ---------------------------------------------------------------- one error policy


class _Crashes(Pipeline):
    """A pipeline with a bug that only one document triggers."""

    def __call__(self, article: Article) -> Document:
        if "crash" in article.content:
            raise ZeroDivisionError("division by zero")
        return super().__call__(article)


def test_extract_ingest_and_workers_share_one_error_policy(tmp_path: Path) -> None:
    settings = Settings(pipeline=("eventlens.clean.v1",))
    pipe = _Crashes(settings)
    good = Article(id="a", content=f"{STORY} {MORE}", origin="good.txt")
    bad = Article(id="b", content="This will crash the pipeline, sadly, every time.", origin="b")
    direct = pipe.run(bad)
    assert isinstance(direct.error, ProcessingError)
    assert direct.error.kind == "ZeroDivisionError"
    assert direct.error.reason == pipe.run(bad).error.reason  # type: ignore[union-attr]
    assert [r.ok for r in pipe.process([good, bad])] == [True, False]

    outcome = process(pipe, Work(bad, "hash-b"))
    assert (outcome.error_type, outcome.reason) == ("ZeroDivisionError", direct.error.reason)
    assert process(pipe, Work(good, "hash-a")).ok

    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(f"{STORY} {MORE}")
    (src / "bad.txt").write_text("This will crash the pipeline, sadly, every time it runs.")
    with Store.open(str(tmp_path / "p.db")) as store:
        stats = ingest([str(src)], store, pipeline=pipe)
        (failure,) = list(store.failures())
    assert (stats.new, stats.failed) == (1, 1)
    assert (failure.error_type, failure.reason) == ("ZeroDivisionError", direct.error.reason)


def test_settings_and_a_pipeline_that_disagree_are_refused(tmp_path: Path) -> None:
    pipe = Pipeline(Settings())
    other = Settings(min_confidence=0.1)
    with pytest.raises(UsageError, match="not both"):
        extract(STORY, pipeline=pipe, settings=other)
    with Store.open(str(tmp_path / "d.db")) as store, pytest.raises(UsageError, match="not both"):
        ingest([str(tmp_path)], store, other, pipeline=pipe)


# ---------------------------------------------------------------- run defaults, once


def test_run_defaults_reach_the_stored_article_once_and_never_override_its_own(
    tmp_path: Path,
) -> None:
    """``--published`` and ``--source-place`` fill in what an article lacks, in the
    clean stage, once: the stored article carries them, and a page's own date wins."""
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(FIXTURES / "news_page.html", src / "news_page.html")
    (src / "plain.txt").write_text(f"{STORY} {MORE}")
    settings = Settings(published=date(2023, 3, 9), source_place="Bamako, Mali")
    pipe = Pipeline(settings)
    doc = pipe(Article(id="p", content=f"{STORY} {MORE}", origin="p"))
    assert (doc.article.published, doc.article.source_place) == (date(2023, 3, 9), "Bamako, Mali")
    assert all(e.date.value is None or e.date.value <= "2023-03-09" for e in doc.events)
    with Store.open(str(tmp_path / "defaults.db")) as store:
        ingest([str(src)], store, pipeline=pipe)
    rows = _rows(tmp_path / "defaults.db")
    assert rows[str(src / "plain.txt")]["published"] == "2023-03-09"
    assert rows[str(src / "news_page.html")]["published"] == "2023-02-06"  # the page's own
