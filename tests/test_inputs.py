"""Reading inputs: formats, folders, standard input, JSONL fields, dates."""

from __future__ import annotations

import io
import json
import sys
from datetime import date
from pathlib import Path

import pytest

from eventlens.errors import DocumentError, UsageError
from eventlens.inputs import detect_format, html_url, parse_published, read_articles
from eventlens.model import Article
from eventlens.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "inputs"
ARTICLE = (
    "Police arrested three men in Kabul on Monday after a bomb attack on a market, "
    "officials said.\n\nThe men were handed over to prosecutors."
)
PAGE = (
    "<!DOCTYPE html><html><head><title>Kabul arrests</title>"
    '<link rel="canonical" href="https://news.example.org/kabul-arrests"></head>'
    f"<body><article><p>{ARTICLE}</p></article></body></html>"
)


def _articles(items: list[Article | DocumentError]) -> list[Article]:
    assert all(isinstance(i, Article) for i in items), items
    return [i for i in items if isinstance(i, Article)]


def _set_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


# -- formats -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "head", "fmt"),
    [
        (".jsonl", b"anything", "jsonl"),
        (".ndjson", b"anything", "jsonl"),
        (".html", b"no tags at all", "html"),
        (".htm", b"", "html"),
        (".HTML", b"", "html"),
        (".txt", b"<!doctype html><html>", "text"),
        ("", b"<!DOCTYPE html>\n<html lang='en'>", "html"),
        ("", b"\xef\xbb\xbf  <html>\n<body>", "html"),
        ("", b"<!-- saved page -->\n<html>", "html"),
        (".dat", b"<HEAD><TITLE>x</TITLE></HEAD>", "html"),
        ("", b"<p>a fragment</p>", "text"),
        ("", b'{"id": "1", "text": "Police said."}\n{"id": "2"', "jsonl"),
        ("", b'{"id": "1", "html": "<p>x</p>"}', "jsonl"),
        ("", b'{"name": "not a document"}', "text"),
        ("", b"{ not json", "text"),
        ("", b"Police arrested three men.", "text"),
    ],
)
def test_detect_format(suffix: str, head: bytes, fmt: str) -> None:
    assert detect_format(suffix, head) == fmt


def test_text_file(tmp_path: Path) -> None:
    path = tmp_path / "kabul.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    (a,) = _articles(list(read_articles([str(path)])))
    assert a.content == ARTICLE
    assert a.content_type == "text"
    assert a.origin == str(path)
    assert a.url is None
    assert a.id == Article.make_id(None, ARTICLE)
    assert a.warnings == ()


def test_html_file_by_extension_and_by_content(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "page").write_text(PAGE, encoding="utf-8")
    items = _articles(list(read_articles([str(tmp_path / "page.html"), str(tmp_path / "page")])))
    for a in items:
        assert a.content_type == "html"
        assert a.url == "https://news.example.org/kabul-arrests"
        assert a.id == Article.make_id("https://news.example.org/kabul-arrests", "")
    assert items[0].id == items[1].id  # the same page, saved twice: one id


@pytest.mark.parametrize(
    ("fmt", "content_type"), [("text", "text"), ("html", "html")]
)  # fmt: skip
def test_input_format_overrides_the_extension(tmp_path: Path, fmt: str, content_type: str) -> None:
    path = tmp_path / "page.jsonl"
    path.write_text(PAGE, encoding="utf-8")
    (a,) = _articles(list(read_articles([str(path)], fmt)))
    assert a.content_type == content_type


def test_unknown_input_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown input format 'xml'"):
        list(read_articles(["x"], "xml"))


def test_utf8_bom_and_utf16_are_decoded() -> None:
    (a,) = _articles(list(read_articles([str(FIXTURES / "utf16.txt")])))
    assert a.content.startswith("Protesters blocked the main highway into Santiago")
    assert a.warnings == ()


def test_utf8_bom_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + ARTICLE.encode())
    (a,) = _articles(list(read_articles([str(path)])))
    assert a.content == ARTICLE


# -- folders and standard input --------------------------------------------------------


def test_folder_is_read_recursively_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("second " + ARTICLE)
    (tmp_path / "a.txt").write_text("first " + ARTICLE)
    (tmp_path / "c.html").write_text(PAGE)
    (tmp_path / "README").write_text("third " + ARTICLE)
    (tmp_path / ".hidden.txt").write_text("hidden")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("hidden")
    (tmp_path / "gold.json").write_text('{"events": []}')
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    items = _articles(list(read_articles([str(tmp_path)])))
    assert [Path(a.origin or "").relative_to(tmp_path).as_posix() for a in items] == [
        "README",
        "a.txt",
        "b/2.txt",
        "c.html",
    ]


def test_named_file_is_read_whatever_its_extension(tmp_path: Path) -> None:
    path = tmp_path / "story.md"
    path.write_text(ARTICLE)
    (a,) = _articles(list(read_articles([str(path)])))
    assert a.content == ARTICLE


@pytest.mark.parametrize(
    ("data", "fmt", "content_type"),
    [
        (ARTICLE.encode(), "auto", "text"),
        (PAGE.encode(), "auto", "html"),
        (ARTICLE.encode(), "html", "html"),
    ],
)
def test_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes, fmt: str, content_type: str) -> None:
    _set_stdin(monkeypatch, data)
    (a,) = _articles(list(read_articles(["-"], fmt)))
    assert a.origin == "<stdin>"
    assert a.content_type == content_type


def test_stdin_jsonl(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [json.dumps({"id": f"d{i}", "text": ARTICLE}) for i in range(3)]
    _set_stdin(monkeypatch, "\n".join(lines).encode())
    items = _articles(list(read_articles(["-"])))  # auto: sniffed as JSONL
    assert [(a.id, a.origin) for a in items] == [
        ("d0", "<stdin>:1"),
        ("d1", "<stdin>:2"),
        ("d2", "<stdin>:3"),
    ]


def test_stdin_between_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _set_stdin(monkeypatch, b"from stdin: " + ARTICLE.encode())
    (tmp_path / "a.txt").write_text(ARTICLE)
    items = _articles(list(read_articles([str(tmp_path / "a.txt"), "-", str(tmp_path / "a.txt")])))
    assert [a.origin for a in items] == [
        str(tmp_path / "a.txt"),
        "<stdin>",
        str(tmp_path / "a.txt"),
    ]


# -- JSONL ---------------------------------------------------------------------------


def test_jsonl_fields(tmp_path: Path) -> None:
    docs = [
        {"id": "kabul-1", "text": ARTICLE, "url": "https://news.example.org/a", "title": "T",
         "published": "2023-02-06", "source": "Example News", "language": "en-GB",
         "source_place": " Kabul, Afghanistan "},
        {"id": 42, "html": PAGE, "published": "2023-02-06T23:30:00-05:00"},
        {"text": ARTICLE, "url": "https://News.Example.org/b/"},
        {"text": ARTICLE},
        {"id": "both", "text": "plain text wins", "html": "<p>html</p>"},
    ]  # fmt: skip
    path = tmp_path / "docs.jsonl"
    path.write_text("\n".join(json.dumps(d) for d in docs) + "\n")
    a, b, c, d, e = _articles(list(read_articles([str(path)])))
    assert (a.id, a.content_type, a.url, a.title, a.published, a.source, a.language) == (
        "kabul-1", "text", "https://news.example.org/a", "T", date(2023, 2, 6), "Example News",
        "en-gb",
    )  # fmt: skip
    assert a.origin == f"{path}:1"
    assert a.source_place == "Kabul, Afghanistan" and b.source_place is None
    assert (b.id, b.content_type, b.published) == ("42", "html", date(2023, 2, 6))
    assert b.url == "https://news.example.org/kabul-arrests"  # from the page's head
    assert c.id == Article.make_id("https://news.example.org/b", ARTICLE)
    assert d.id == Article.make_id(None, ARTICLE)
    assert (e.content, e.content_type) == ("plain text wins", "text")


def test_jsonl_fixture_good_lines_survive_bad_ones() -> None:
    items = list(read_articles([str(FIXTURES / "articles.jsonl")]))
    got = [
        (i.origin.rsplit(":", 1)[1], i.id if isinstance(i, Article) else type(i).__name__)
        for i in items
        if i.origin
    ]
    assert got == [
        ("1", "kabul-1"),
        ("2", "peshawar-2"),
        ("3", "InputError"),
        ("4", "InputError"),
        ("5", "InputError"),
        ("6", "bad-date"),
        ("7", "InputError"),
        ("9", Article.make_id("https://news.example.org/africa/mogadishu-attack", "")),
        ("10", "fr-1"),
    ]


def test_jsonl_streams_without_reading_ahead(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text("\n".join(json.dumps({"id": str(i), "text": ARTICLE}) for i in range(1000)))
    it = read_articles([str(path)])
    first = next(it)
    assert isinstance(first, Article)
    assert first.id == "0"
    assert sum(1 for _ in it) == 999


# -- dates and URLs --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-02-06", date(2023, 2, 6)),
        ("20230206", date(2023, 2, 6)),
        ("2023-02-06T09:14:00", date(2023, 2, 6)),
        ("2023-02-06T09:14:00Z", date(2023, 2, 6)),
        ("2023-02-06 09:14:00+03:00", date(2023, 2, 6)),
        ("  2023-02-06  ", date(2023, 2, 6)),
        ("Mon, 06 Feb 2023 09:14:00 +0300", date(2023, 2, 6)),
        ("next Tuesday", None),
        ("2023-02-30", None),
        ("06/02/2023", None),
        ("", None),
    ],
)
def test_parse_published(value: str, expected: date | None) -> None:
    assert parse_published(value) == expected


@pytest.mark.parametrize(
    ("head", "url"),
    [
        ('<link rel="canonical" href="https://a.example/x">', "https://a.example/x"),
        ("<link href='https://a.example/y' rel='canonical'>", "https://a.example/y"),
        ('<meta property="og:url" content="https://a.example/z">', "https://a.example/z"),
        (
            '<meta property="og:url" content="https://a.example/og">'
            '<link rel="canonical" href="https://a.example/canon">',
            "https://a.example/canon",
        ),
        ('<link rel="canonical" href="/relative/path">', None),
        ('<link rel="stylesheet" href="https://a.example/s.css">', None),
        ("", None),
    ],
)
def test_html_url(head: str, url: str | None) -> None:
    assert html_url(f"<html><head>{head}</head><body><p>x</p></body></html>") == url


def test_html_url_ignores_the_body() -> None:
    page = '<html><head></head><body><link rel="canonical" href="https://x.example/"></body>'
    assert html_url(page) is None


def test_settings_max_bytes_is_respected(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("word " * 1000)
    (a,) = _articles(list(read_articles([str(path)], settings=Settings(max_bytes=100))))
    assert len(a.content.encode()) <= 100
    assert a.content.endswith("word ")


def test_html_in_its_declared_charset(tmp_path: Path) -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
        "</head><body><p>Police in Valparaíso said the prosecutor’s office had charged "
        "four men.</p></body></html>"
    )
    path = tmp_path / "cp1252.html"
    path.write_bytes(page.encode("cp1252"))
    (a,) = _articles(list(read_articles([str(path)])))
    assert "Valparaíso said the prosecutor’s office" in a.content
    assert a.warnings == ()


def test_declared_charset_is_not_used_for_valid_utf8(tmp_path: Path) -> None:
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>Café bombing</p></body></html>'
    path = tmp_path / "mislabelled.html"
    path.write_bytes(page.encode("utf-8"))
    (a,) = _articles(list(read_articles([str(path)])))
    assert "Café bombing" in a.content


def test_utf16_is_truncated_on_a_character_boundary(tmp_path: Path) -> None:
    path = tmp_path / "long16.txt"
    path.write_bytes(("Police said\n" * 100).encode("utf-16"))
    (a,) = _articles(list(read_articles([str(path)], settings=Settings(max_bytes=101))))
    assert a.content.startswith("Police said\nPolice")
    assert "\ufffd" not in a.content
