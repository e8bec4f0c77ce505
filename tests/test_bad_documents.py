"""One bad document never stops a batch, at every stage, on both stores (issue 12).

Each case of the faulty-input audit sits in a folder with good documents; the
folder is ingested into SQLite and PostgreSQL (``EVENTLENS_TEST_PG``) and read
as ``extract`` reads it.  No run aborts, every good document is stored, every
bad one is a recorded failure with a one-line reason in words, and both
stores end up with the same articles.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from eventlens.errors import InputError, ResourceError
from eventlens.formats import printable, strip_controls
from eventlens.ingest import ingest
from eventlens.inputs import bomless_wide_encoding, read_articles
from eventlens.model import Article, Document
from eventlens.pipeline import Pipeline
from eventlens.settings import Settings
from eventlens.store import Store
from eventlens.store.bounds import MAX_ID, bounded_article, bounded_id, clean_str, name_str

STORY = (
    "Gunmen on motorcycles attacked an army post near the central Malian town of Mopti on "
    "Saturday, killing two soldiers and wounding five others, the army said in a statement."
)
LATIN1_NAME = b"caf\xe9.txt"

# JSONL lines: (line, what is expected: "good" = stored, else a failure reason fragment)
LINES: list[tuple[str, str]] = [
    ('{{"id": {}, "text": "{}"}}'.format("1" * 5000, STORY), "number too long"),
    (json.dumps({"id": "a\ud83d", "text": STORY}), "good"),
    (json.dumps({"id": "t-title", "title": "\udfff", "text": STORY}), "good"),
    (json.dumps({"id": "t-9999", "published": "9999-12-31", "text": STORY}), "good"),
    (json.dumps({"id": "t-0001", "published": "0001-01-01", "text": STORY}), "good"),
    (json.dumps({"id": "x" * 100, "text": STORY}), "good"),
    (json.dumps({"id": "t-source", "source": "s" * 300, "text": STORY}), "good"),
    (json.dumps({"id": "t-nul", "title": "a\x00b", "text": STORY}), "good"),
    (json.dumps({"id": "dup", "text": STORY}), "good"),
    (json.dumps({"id": "dup", "text": STORY + " Again."}), "duplicate id"),
    (json.dumps({"id": "dup", "text": STORY}), "good-again"),  # same content: not a duplicate
    (json.dumps({"id": "good-line", "text": STORY}), "good"),
]


def _clean_only() -> Pipeline:
    return Pipeline(Settings(pipeline=("eventlens.clean.v1",), check_language=False))


def make_folder(d: Path) -> dict[str, str]:
    """The audit's cases among good documents; origin -> "good" or a reason fragment."""
    d.mkdir(parents=True, exist_ok=True)
    want: dict[str, str] = {}

    def put(name: str | bytes, data: bytes, expect: str) -> None:
        path = os.path.join(os.fsencode(d), name) if isinstance(name, bytes) else d / name
        with open(path, "wb") as f:
            f.write(data)
        want[os.fsdecode(path)] = expect

    put("good1.txt", STORY.encode() + b"\n", "good")
    put(
        "charset.html",
        b'<html><head><meta charset="undefined"></head><body><p>'
        + STORY.encode()
        + b" caf\xe9</p></body></html>",
        "good",
    )
    put(LATIN1_NAME, STORY.encode(), "good")
    put("zwsp.txt", "\u200b\u200b \u200b\n".encode(), "no visible text")
    put("utf32.txt", STORY.encode("utf-32"), "good")  # with a BOM (FF FE 00 00)
    put("utf32_nobom.txt", STORY.encode("utf-32-le"), "good")
    put("blob.txt", bytes(range(0x80, 0x100)) * 2 + b"\x01\x02\x03", "binary")
    put("nul.txt", b"ab\x00\x01\x02cd" * 4, "binary")
    put("ansi\n\x1b[2J\x1b]0;pwned\x07name.txt", STORY.encode(), "good")
    lines = d / "lines.jsonl"
    lines.write_text("\n".join(line for line, _ in LINES) + "\n")
    for n, (_line, expect) in enumerate(LINES, 1):
        if expect != "good-again":
            want[f"{lines}:{n}"] = expect
    return want


def _stored_origins(store: Store) -> set[str]:
    from sqlalchemy import select

    from eventlens.store.schema import articles

    with store.engine.connect() as conn:
        return {r for (r,) in conn.execute(select(articles.c.origin))}


def _store_kinds() -> list[str]:
    return ["sqlite", "postgresql"]


@pytest.fixture(params=_store_kinds())
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        with Store.open(str(tmp_path / "bad.db")) as s:
            yield s
        return
    from test_store import pg_database

    gen = pg_database()  # skips, saying why, without a server
    url = next(gen)
    try:
        with Store.open(url) as s:
            yield s
    finally:
        next(gen, None)


def test_bad_documents_never_stop_an_ingest(
    tmp_path: Path, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    want = make_folder(tmp_path / "in")
    with caplog.at_level(logging.WARNING):
        stats = ingest([str(tmp_path / "in")], store, pipeline=_clean_only())
    stored = _stored_origins(store)
    good = {name_str(o) for o, w in want.items() if w == "good"}
    assert good <= stored, f"good documents not stored: {sorted(good - stored)}"
    fails = {f.origin: f for f in store.failures()}
    bad = {name_str(o): w for o, w in want.items() if w != "good"}
    assert set(fails) == set(bad)
    for origin, fragment in bad.items():
        f = fails[origin]
        assert fragment in f.reason, (origin, f.reason)
        assert "\n" not in f.reason and "Traceback" not in f.reason
    assert stats.failed == len(bad)
    assert stats.new == len(good)
    # every failure was said on one line, names escaped
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == len(bad)
    for line in (r.getMessage() for r in caplog.records):
        assert "\n" not in line and "\x1b" not in line
    # the fields were bounded the same way on either store
    rec = store.article(bounded_id("x" * 100))
    assert rec is not None and len(rec.id) <= MAX_ID
    t = store.article("t-nul")
    assert t is not None and t.title == "a\ufffdb"
    for key in ("t-9999", "t-0001"):
        kept = store.article(key)
        assert kept is not None and kept.published is None
    src = store.article("t-source")
    assert src is not None and src.source is not None and len(src.source) == 255


def test_a_second_run_over_the_folder_adds_nothing(tmp_path: Path) -> None:
    make_folder(tmp_path / "in")
    with Store.open(str(tmp_path / "again.db")) as store:
        first = ingest([str(tmp_path / "in")], store, pipeline=_clean_only())
        second = ingest([str(tmp_path / "in")], store, pipeline=_clean_only())
    assert second.new == 0 and second.changed == 0
    assert second.unchanged == first.new + first.unchanged
    assert second.failed == first.failed


def test_bad_documents_never_stop_extract_reading(tmp_path: Path) -> None:
    want = make_folder(tmp_path / "in")
    p = _clean_only()
    results = list(p.process(read_articles([str(tmp_path / "in")], "auto", p.settings)))
    by_origin = {r.origin: r for r in results}
    for origin, expect in want.items():
        if expect in ("good", "duplicate id"):  # extract keeps both: nothing is stored
            continue
        r = by_origin[origin]
        assert r.error is not None and expect in r.error.reason, (origin, r.error)
    ok = [r for r in results if r.ok]
    assert len(ok) >= sum(1 for w in want.values() if w in ("good", "duplicate id"))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("hello world, this is text".encode("utf-32-le"), "utf-32-le"),
        ("hello world, this is text".encode("utf-32-be"), "utf-32-be"),
        ("hello world, this is text".encode("utf-16-le"), "utf-16-le"),
        ("hello world, this is text".encode("utf-16-be"), "utf-16-be"),
        (b"plain ascii text, nothing wide here", None),
        (b"\x00" * 64, None),
    ],
)
def test_bomless_wide_encodings(data: bytes, expected: str | None) -> None:
    assert bomless_wide_encoding(data) == expected


def test_utf32_with_bom_is_not_read_as_utf16(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(STORY.encode("utf-32"))
    (item,) = read_articles([str(tmp_path / "a.txt")])
    assert isinstance(item, Article) and item.content == STORY


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a\x00b", "a\ufffdb"),
        ("x\ud83dy", "x\ufffdy"),
        ("plain", "plain"),
    ],
)
def test_clean_str_keeps_length(value: str, expected: str) -> None:
    assert clean_str(value) == expected and len(clean_str(value)) == len(value)


def test_bounded_article_drops_dates_out_of_range_and_hashes_long_ids() -> None:
    from datetime import date

    a = Article(id="i" * 65, content="x", published=date(9999, 12, 31), source="s" * 300)
    b = bounded_article(a)
    assert b.published is None and len(b.id) == MAX_ID and b.id.startswith("h:")
    assert b.source == "s" * 255
    assert len(b.warnings) == 3
    assert bounded_article(b) == b  # idempotent: the store may bound again
    other = bounded_article(Article(id="i" * 66, content="x"))
    assert other.id != b.id


@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        ("a\nb", "a\\x0ab"),
        ("\x1b[2J\x1b]0;title\x07", "\\x1b[2J\\x1b]0;title\\x07"),
        ("abc\u202edcba", "abc\\u202edcba"),
        ("caf\udce9", "caf\\udce9"),
        ("\x9b31m", "\\x9b31m"),
    ],
)
def test_printable_is_one_line_without_controls(shown: str, expected: str) -> None:
    assert printable(shown) == expected


def test_strip_controls_keeps_line_breaks() -> None:
    assert strip_controls("a\x1b[31mred\x1b[0m\nb\u202ec") == "a[31mred[0m\nbc"


def test_read_failure_reasons_are_words(tmp_path: Path) -> None:
    (tmp_path / "big.jsonl").write_text('{"id": ' + "9" * 5000 + ', "text": "x"}\n')
    (item,) = read_articles([str(tmp_path / "big.jsonl")])
    assert isinstance(item, InputError)
    assert item.reason == "invalid JSON: a number too long to read"


def test_sqlite_rows_hold_no_nul(tmp_path: Path) -> None:
    make_folder(tmp_path / "in")
    db = tmp_path / "n.db"
    with Store.open(str(db)) as store:
        ingest([str(tmp_path / "in")], store, pipeline=_clean_only())
    con = sqlite3.connect(db)
    try:
        for (title,) in con.execute("SELECT title FROM articles WHERE title IS NOT NULL"):
            assert "\x00" not in title
    finally:
        con.close()


def test_extract_cli_reports_every_bad_document_on_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import eventlens.pipeline
    from eventlens.cli import main

    clean_only = _clean_only()
    monkeypatch.setattr(eventlens.pipeline, "Pipeline", lambda _settings: clean_only)
    want = make_folder(tmp_path / "in")
    rc = main(["extract", str(tmp_path / "in"), "--format", "jsonl"])
    err = capsys.readouterr().err
    logging.getLogger().handlers.clear()
    assert rc == 1
    errors = [line for line in err.splitlines() if line.startswith("eventlens: error: ")]
    # extract stores nothing, so a repeated id is no failure there
    bad = {o: w for o, w in want.items() if w not in ("good", "duplicate id")}
    assert len(errors) == len(bad), err
    for origin, fragment in bad.items():
        assert any(printable(origin) in e and fragment in e for e in errors), (origin, err)
    for line in err.splitlines():
        assert "\x1b" not in line and "Traceback" not in line


class _Broken(Pipeline):
    """A pipeline whose model data is missing: every document would fail."""

    def __call__(self, article: Article) -> Document:
        raise ResourceError("data file armed_groups.yaml is missing from the package")


def test_a_broken_installation_stops_the_run_instead_of_failing_every_document(
    tmp_path: Path,
) -> None:
    make_folder(tmp_path / "in")
    with Store.open(str(tmp_path / "broken.db")) as store:
        with pytest.raises(ResourceError, match="armed_groups"):
            ingest([str(tmp_path / "in")], store, pipeline=_Broken(Settings()))
        assert not [f for f in store.failures() if f.stage == "process"]


def test_bad_documents_in_worker_processes(tmp_path: Path) -> None:
    from eventlens.ingest import IngestOptions

    want = make_folder(tmp_path / "in")
    p = _clean_only()
    with Store.open(str(tmp_path / "w.db")) as store:
        stats = ingest(
            [str(tmp_path / "in")], store, p.settings, IngestOptions(workers=2), pipeline=p
        )
        stored = _stored_origins(store)
        fails = {f.origin for f in store.failures()}
    good = {name_str(o) for o, w in want.items() if w == "good"}
    assert good <= stored
    assert fails == {name_str(o) for o, w in want.items() if w != "good"}
    assert stats.failed == len(fails)
