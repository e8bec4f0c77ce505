"""From ``eventlens ingest SOURCE…`` arguments to work items.

A source is a file, a folder, ``-`` (standard input) or an http(s) URL:

- text, HTML and JSONL files and folders are read by
  :func:`eventlens.inputs.read_articles`;
- RSS/Atom feeds (a file, a URL, or ``.rss``/``.atom``/``.xml`` files in a
  folder): every entry's link is fetched, or the entry's own content is used
  (when it has no link, or with ``feed_content``);
- lists of URLs (a file of one URL per line, ``#`` comments allowed; ``.urls``
  files in a folder; a URL served as ``text/uri-list``): every URL is fetched;
- any other URL is fetched as one article (HTML or text).

Each document becomes a :class:`Work` (an article to process, with the hash
of what it contains), :class:`Unchanged` (the server said 304), or a
:class:`ReadFailure` (it could not be read or fetched).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Literal

from eventlens.errors import DocumentError, InputError, UsageError
from eventlens.ingest.feeds import (
    Feed,
    iter_url_list,
    looks_like_feed,
    looks_like_url_list,
    parse_feed,
)
from eventlens.ingest.fetch import Fetched, Fetcher, FetchError, decode_body, host_of
from eventlens.inputs import binary_reason, read_articles, unexpected_reason
from eventlens.model import Article, ContentType, canonical_url, stable_id
from eventlens.settings import Settings
from eventlens.store.bounds import name_str

log = logging.getLogger(__name__)

INGEST_FORMATS: tuple[str, ...] = ("auto", "text", "html", "jsonl", "feed", "urls")
FEED_SUFFIXES = frozenset({".rss", ".atom", ".xml"})
URL_LIST_SUFFIXES = frozenset({".urls"})
_SNIFF = 64 * 1024


@dataclass(frozen=True, slots=True)
class Work:
    """An article to run through the pipeline."""

    article: Article
    content_hash: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class Unchanged:
    """A document the server says has not changed since it was stored (HTTP 304)."""

    article_id: str
    origin: str


@dataclass(frozen=True, slots=True)
class ReadFailure:
    """A document that could not be read or fetched."""

    origin: str
    reason: str
    stage: Literal["read", "fetch"]
    error_type: str
    article_id: str | None = None


Item = Work | Unchanged | ReadFailure

# What the store knows of an article id: (etag, last_modified), for conditional GETs.
Known = Callable[[str], tuple[str | None, str | None] | None]


def content_hash(article: Article) -> str:
    """A hash of everything in an article that can change its events."""
    h = hashlib.sha256()
    parts = [
        article.content_type,
        article.url or "",
        article.title or "",
        article.source or "",
        article.published.isoformat() if article.published else "",
        article.content,
    ]
    if article.source_place:  # only when set, so the hashes of articles without one stay
        parts.append(f"source_place={article.source_place}")
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()


def with_identity(article: Article) -> Article:
    """Key a file without a URL by its path, so a changed file replaces its events.

    (The text hash :func:`Article.make_id` gives such a file would make an
    edited file a new article and keep the old one's events.)  JSONL lines
    keep their ``id`` or URL, or their text hash when they have neither.
    """
    if article.url is None and article.origin and article.origin != "<stdin>":
        p = Path(article.origin)
        try:
            if p.is_file():
                return replace(article, id=stable_id("file", name_str(str(p.resolve()))))
        except OSError:
            pass
    return article


def url_article_id(url: str) -> str:
    return Article.make_id(url, "")


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


@dataclass(frozen=True, slots=True)
class _Request:
    """One URL to fetch and what to make of it."""

    url: str
    origin: str
    title: str | None = None
    published: date | None = None
    source: str | None = None
    fallback: str | None = None
    fallback_type: ContentType = "html"

    def __str__(self) -> str:
        return self.url


class SourceReader:
    """Turns sources into work items, fetching what must be fetched."""

    def __init__(
        self,
        settings: Settings,
        fetcher: Fetcher,
        *,
        input_format: str = "auto",
        feed_content: bool = False,
        known: Known | None = None,
    ) -> None:
        if input_format not in INGEST_FORMATS:
            raise UsageError(
                f"unknown input format {input_format!r}; choose one of {', '.join(INGEST_FORMATS)}"
            )
        self.settings = settings
        self.fetcher = fetcher
        self.input_format = input_format
        self.feed_content = feed_content
        self.known = known or (lambda _id: None)

    def __call__(self, sources: Sequence[str]) -> Iterator[Item]:
        for source in sources:
            try:
                if is_url(source):
                    yield from self._url_source(source)
                elif source == "-":
                    yield from self._articles(["-"])
                else:
                    yield from self._path_source(Path(source), source)
            except Exception as e:  # one bad source never stops the others
                log.debug("unexpected failure reading %s", source, exc_info=True)
                yield ReadFailure(source, unexpected_reason("reading", e), "read", "InputError")

    # -- local sources --------------------------------------------------------

    def _articles(self, paths: list[str], fmt: str | None = None) -> Iterator[Item]:
        fmt = fmt or (
            self.input_format if self.input_format in ("text", "html", "jsonl") else "auto"
        )
        for item in read_articles(paths, fmt, self.settings):
            if isinstance(item, DocumentError):
                yield _failure(item, "read")
                continue
            try:
                art = with_identity(item)
                yield Work(art, content_hash(art))
            except Exception as e:  # one bad document never stops a batch
                log.debug("unexpected failure reading %s", item.origin, exc_info=True)
                yield ReadFailure(
                    item.origin or item.id, unexpected_reason("reading", e), "read", "InputError"
                )

    def _path_source(self, path: Path, origin: str) -> Iterator[Item]:
        if path.is_dir():
            special = sorted(
                p
                for p in path.rglob("*")
                if p.suffix.lower() in FEED_SUFFIXES | URL_LIST_SUFFIXES
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            for p in special:
                yield from self._path_source(p, str(p))
            has_articles = any(
                p.is_file() and p.suffix.lower() not in FEED_SUFFIXES | URL_LIST_SUFFIXES
                for p in path.rglob("*")
            )
            if has_articles or not special:
                yield from self._articles([origin])
            return
        kind = self.input_format
        if kind in ("auto", "feed", "urls") and path.is_file():
            try:
                with path.open("rb") as f:
                    head = f.read(_SNIFF)
            except OSError as e:
                yield ReadFailure(origin, e.strerror or str(e), "read", "InputError")
                return
            if kind == "auto":
                kind = self._sniff_local(path, head)
        if kind == "feed":
            data = self._read_limited(path, origin)
            if isinstance(data, ReadFailure):
                yield data
                return
            yield from self._feed(data, origin, base_source=None)
        elif kind == "urls":
            data = self._read_limited(path, origin)
            if isinstance(data, ReadFailure):
                yield data
                return
            yield from self._fetch_all(
                _Request(url, url) for _o, url in iter_url_list(decode_body(data, None), origin)
            )
        else:
            yield from self._articles([origin], kind if kind != "auto" else None)

    def _sniff_local(self, path: Path, head: bytes) -> str:
        suffix = path.suffix.lower()
        if suffix in FEED_SUFFIXES or (
            suffix not in (".jsonl", ".ndjson") and looks_like_feed(head)
        ):
            return "feed"
        if suffix in URL_LIST_SUFFIXES:
            return "urls"
        if (
            suffix in ("", ".txt", ".list")
            and not binary_reason(head)
            and looks_like_url_list(decode_body(head, None))
        ):
            return "urls"
        return "auto"

    def _read_limited(self, path: Path, origin: str) -> bytes | ReadFailure:
        limit = self.settings.max_bytes
        try:
            with path.open("rb") as f:
                data = f.read(limit + 1)
        except OSError as e:
            return ReadFailure(origin, e.strerror or str(e), "read", "InputError")
        if len(data) > limit:
            return ReadFailure(
                origin, f"larger than max_bytes ({limit} bytes)", "read", "InputError"
            )
        return data

    # -- feeds ----------------------------------------------------------------

    def _feed(self, data: bytes, origin: str, base_source: str | None) -> Iterator[Item]:
        try:
            feed = parse_feed(data, origin)
        except InputError as e:
            yield _failure(e, "read")
            return
        if not feed.entries:
            log.info("%s: feed has no entries", origin)
            return
        yield from self._entries(feed, origin, base_source)

    def _entries(self, feed: Feed, origin: str, base_source: str | None) -> Iterator[Item]:
        source = feed.title or base_source
        requests: list[_Request] = []
        for n, e in enumerate(feed.entries, 1):
            where = f"{origin}#{n}"
            if e.link and not self.feed_content:
                requests.append(
                    _Request(
                        e.link,
                        e.link,
                        e.title,
                        e.published,
                        source or host_of(e.link),
                        e.content,
                        e.content_type,
                    )
                )
                continue
            if not e.content or not e.content.strip():
                yield ReadFailure(
                    where, "feed entry has no link and no content", "read", "InputError"
                )
                continue
            url = e.link
            art = Article(
                id=Article.make_id(url, e.content)
                if url
                else stable_id("feed", origin, e.guid or e.content),
                content=e.content,
                content_type=e.content_type,
                url=url,
                source=source or (host_of(url) if url else None),
                title=e.title,
                published=e.published,
                origin=url or where,
            )
            yield Work(art, content_hash(art))
        yield from self._fetch_all(requests)

    # -- URLs -----------------------------------------------------------------

    def _url_source(self, url: str) -> Iterator[Item]:
        req = _Request(url, url)
        try:
            fetched = self._get(req)
        except FetchError as e:
            yield ReadFailure(url, e.reason, "fetch", "FetchError", url_article_id(url))
            return
        if fetched.not_modified:
            yield Unchanged(url_article_id(url), url)
            return
        media = fetched.media_type
        body = fetched.body
        kind = self.input_format
        if kind == "auto":
            if (
                "rss" in media
                or "atom" in media
                or (
                    ("xml" in media or media in ("", "text/plain", "application/octet-stream"))
                    and looks_like_feed(body)
                )
            ):
                kind = "feed"
            elif media == "text/uri-list" or (
                media == "text/plain" and looks_like_url_list(fetched.text())
            ):
                kind = "urls"
        if kind == "feed":
            yield from self._feed(body, url, base_source=host_of(url))
        elif kind == "urls":
            yield from self._fetch_all(
                _Request(u, u) for _o, u in iter_url_list(fetched.text(), url)
            )
        else:
            yield self._article_from(req, fetched)

    def _get(self, req: _Request) -> Fetched:
        state = self.known(url_article_id(req.url))
        etag, modified = state if state else (None, None)
        return self.fetcher.fetch(req.url, etag=etag, last_modified=modified)

    def _fetch_all(self, requests: Iterable[_Request]) -> Iterator[Item]:
        for req, got in self.fetcher.fetch_many(requests, self._get):
            if isinstance(got, FetchError):
                if req.fallback and req.fallback.strip():
                    log.info("%s: %s; using the feed entry's own content", req.url, got.reason)
                    art = Article(
                        id=url_article_id(req.url),
                        content=req.fallback,
                        content_type=req.fallback_type,
                        url=req.url,
                        source=req.source,
                        title=req.title,
                        published=req.published,
                        origin=req.origin,
                    )
                    yield Work(art, content_hash(art))
                    continue
                yield ReadFailure(
                    req.origin, got.reason, "fetch", "FetchError", url_article_id(req.url)
                )
            elif got.not_modified:
                yield Unchanged(url_article_id(req.url), req.origin)
            else:
                yield self._article_from(req, got)

    def _article_from(self, req: _Request, fetched: Fetched) -> Item:
        media = fetched.media_type
        body = fetched.body
        if not body.strip():
            return ReadFailure(
                req.origin, "empty response", "fetch", "InputError", url_article_id(req.url)
            )
        reason = binary_reason(body[:_SNIFF])
        if reason or not (
            media.startswith("text/") or "html" in media or "xml" in media or not media
        ):
            why = reason or f"not a text document ({media})"
            return ReadFailure(req.origin, why, "fetch", "InputError", url_article_id(req.url))
        text = fetched.text()
        ctype: ContentType = "html" if ("html" in media or _looks_html(text)) else "text"
        art = Article(
            id=url_article_id(req.url),
            content=text,
            content_type=ctype,
            url=canonical_url(fetched.final_url) if fetched.final_url else req.url,
            source=req.source or host_of(fetched.final_url or req.url).removeprefix("www."),
            title=req.title,
            published=req.published,
            fetched_at=fetched.fetched_at,
            origin=req.origin,
        )
        return Work(art, content_hash(art), fetched.etag, fetched.last_modified)


def _looks_html(text: str) -> bool:
    head = text[:2048].lstrip().lower()
    return head.startswith(("<!doctype html", "<html", "<head", "<body"))


def _failure(e: DocumentError, stage: Literal["read", "fetch"]) -> ReadFailure:
    return ReadFailure(e.origin, e.reason, stage, type(e).__name__)
