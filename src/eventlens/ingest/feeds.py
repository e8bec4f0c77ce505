"""RSS and Atom feeds, and lists of URLs.

A feed is parsed from bytes already read or fetched (feedparser is never
allowed to fetch anything itself).  Each entry becomes a link to fetch, or,
when it has no link (or with ``--feed-content``), an article made of the
entry's own content.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

import feedparser  # type: ignore[import-untyped]

from eventlens.errors import InputError

_FEED_START = re.compile(rb"<(rss|feed|rdf:RDF)[\s>]", re.I)
_URL = re.compile(r"^https?://\S+$", re.I)


@dataclass(frozen=True, slots=True)
class FeedEntry:
    link: str | None
    title: str | None
    published: date | None
    content: str | None
    content_type: Literal["text", "html"]
    guid: str | None


@dataclass(frozen=True, slots=True)
class Feed:
    title: str | None
    link: str | None
    entries: tuple[FeedEntry, ...]


def looks_like_feed(head: bytes) -> bool:
    """Whether these first bytes are an RSS, RDF or Atom document."""
    start = head[:4096].lstrip(b"\xef\xbb\xbf").lstrip()
    if not start.startswith(b"<"):
        return False
    return bool(_FEED_START.search(start))


def parse_feed(data: bytes, origin: str) -> Feed:
    """Parse an RSS/Atom document; :class:`InputError` when it is not one."""
    parsed: Any = feedparser.parse(io.BytesIO(data), sanitize_html=True, resolve_relative_uris=True)
    version = parsed.get("version") or ""
    if not version and not parsed.entries:
        reason = parsed.get("bozo_exception")
        raise InputError(origin, f"not an RSS or Atom feed ({reason or 'no feed elements'})")
    feed = parsed.feed
    entries = tuple(_entry(e) for e in parsed.entries)
    return Feed(feed.get("title") or None, feed.get("link") or None, entries)


def _entry(e: Any) -> FeedEntry:
    content: str | None = None
    ctype: Literal["text", "html"] = "html"
    blocks = e.get("content") or []
    if blocks:
        content = "\n".join(b.get("value", "") for b in blocks) or None
        ctype = "text" if all(b.get("type") == "text/plain" for b in blocks) else "html"
    elif e.get("summary"):
        content = e.get("summary")
        detail = e.get("summary_detail") or {}
        ctype = "text" if detail.get("type") == "text/plain" else "html"
    published = None
    for key in ("published_parsed", "updated_parsed"):
        t = e.get(key)
        if t:
            y, mo, d, h, mi, sec = t[:6]
            published = datetime(y, mo, d, h, mi, sec, tzinfo=UTC).date()
            break
    return FeedEntry(
        link=(e.get("link") or "").strip() or None,
        title=e.get("title") or None,
        published=published,
        content=content,
        content_type=ctype,
        guid=e.get("id") or None,
    )


def looks_like_url_list(text: str) -> bool:
    """Whether every non-blank, non-comment line is one http(s) URL."""
    lines = [ln.strip() for ln in text.splitlines()]
    urls = [ln for ln in lines if ln and not ln.startswith("#")]
    return bool(urls) and all(_URL.match(u) for u in urls)


def iter_url_list(text: str, origin: str) -> Iterator[tuple[str, str]]:
    """(origin of the line, URL) for each non-blank, non-comment line.

    A line that is not an http(s) URL is yielded too: fetching it fails and
    the failure is recorded with its line.
    """
    for n, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if s and not s.startswith("#"):
            yield f"{origin}:{n}", s
