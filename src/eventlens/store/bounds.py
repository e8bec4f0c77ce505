"""What either store accepts, decided in one place before either sees it.

SQLite takes almost anything; PostgreSQL rejects a NUL in text, a lone
surrogate (not UTF-8) and a value longer than its column.  So every article
is passed through :func:`bounded_article` before it is looked up, written or
recorded as a failure, and both stores get the same values:

- text fields (id, url, title, source, origin, language, content): NUL and
  lone surrogates replaced with U+FFFD (one character for one, so offsets
  into the text stay right);
- an id longer than :data:`MAX_ID` characters is replaced by a hash of it
  (``h:`` and 62 hex digits), so two long ids stay distinct;
- ``source`` longer than :data:`MAX_SOURCE`, ``language`` longer than
  :data:`MAX_LANGUAGE` and ``title`` longer than :data:`MAX_TITLE` are cut,
  with a warning;
- a ``published`` date outside :data:`MIN_YEAR`…:data:`MAX_YEAR` is dropped
  with a warning (the article is kept): such dates are typos or placeholders
  (``0001-01-01``, ``9999-12-31``) and break date arithmetic downstream.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import Table

from eventlens.model import Article

log = logging.getLogger(__name__)

MAX_ID = 64
MAX_SOURCE = 255
MAX_LANGUAGE = 16
MAX_TITLE = 2000
MAX_ORIGIN = 4000
MAX_REASON = 2000
MIN_YEAR = 1800
MAX_YEAR = 2100

_BAD = re.compile("[\x00\ud800-\udfff]")


def clean_str(value: str) -> str:
    """``value`` with NUL and lone surrogates replaced by U+FFFD (same length)."""
    return _BAD.sub("\ufffd", value)


def clean_opt(value: str | None) -> str | None:
    return clean_str(value) if value is not None else None


def bounded_id(value: str) -> str:
    """An id both stores accept: cleaned, and hashed when longer than :data:`MAX_ID`."""
    v = clean_str(value)
    if len(v) <= MAX_ID:
        return v
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
    return "h:" + digest[: MAX_ID - 2]


def _escape_byte(m: re.Match[str]) -> str:
    c = ord(m.group(0))
    return f"\\x{c - 0xDC00:02x}" if 0xDC80 <= c <= 0xDCFF else "\ufffd"


def name_str(value: str) -> str:
    """A file name or other origin as valid text: bytes that were not UTF-8
    (``surrogateescape``, as Python gives them) written ``\\xe9``; NUL removed."""
    return _BAD.sub(_escape_byte, value.replace("\x00", ""))


def bounded_origin(value: str) -> str:
    v = name_str(value)
    return v if len(v) <= MAX_ORIGIN else v[: MAX_ORIGIN - 1] + "…"


def date_in_range(d: date | None) -> bool:
    return d is None or MIN_YEAR <= d.year <= MAX_YEAR


def bounded_article(article: Article) -> Article:
    """The article as both stores accept it (see the module's docstring)."""
    notes: list[str] = []
    where = article.origin or article.id

    def cut(name: str, value: str | None, limit: int) -> str | None:
        if value is None:
            return None
        v = clean_str(value)
        if len(v) > limit:
            notes.append(f"{name} longer than {limit} characters; cut")
            v = v[:limit]
        return v

    new_id = bounded_id(article.id)
    if new_id != article.id and len(article.id) > MAX_ID:
        notes.append(f"id longer than {MAX_ID} characters; stored as its hash {new_id}")
    published = article.published
    if not date_in_range(published):
        notes.append(f"published date {published} is outside {MIN_YEAR}-{MAX_YEAR}; ignored")
        published = None
    out = replace(
        article,
        id=new_id,
        content=clean_str(article.content),
        url=clean_opt(article.url),
        source=cut("source", article.source, MAX_SOURCE),
        title=cut("title", article.title, MAX_TITLE),
        language=cut("language", article.language, MAX_LANGUAGE),
        origin=bounded_origin(article.origin) if article.origin is not None else None,
        source_place=cut("source_place", article.source_place, MAX_SOURCE),
        published=published,
    )
    if notes:
        from eventlens.formats import printable

        for n in notes:
            log.warning("%s: %s", printable(where), n)
        out = replace(out, warnings=(*out.warnings, *notes))
    return out


def fit_row(table: Table, row: Mapping[str, Any]) -> dict[str, Any]:
    """``row`` as ``table`` accepts it on either store: every string cleaned
    (:func:`clean_str`) and cut to its column's length, if it has one."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, str):
            value = clean_str(value)
            col = table.c.get(key)
            length = getattr(col.type, "length", None) if col is not None else None
            if length is not None and len(value) > length:
                log.warning("%s.%s longer than %d characters; cut", table.name, key, length)
                value = value[:length]
        out[key] = value
    return out


def bounded_failure(
    origin: str, reason: str, error_type: str, article_id: str | None
) -> tuple[str, str, str, str | None]:
    """A failure's origin, reason, error type and article id as both stores accept them."""
    r = clean_str(reason)
    if len(r) > MAX_REASON:
        r = r[: MAX_REASON - 1] + "…"
    return (
        bounded_origin(origin),
        r,
        clean_str(error_type)[:64],
        bounded_id(article_id) if article_id is not None else None,
    )
