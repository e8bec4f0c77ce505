"""Reading input documents: files, folders, standard input; text, HTML, JSONL.

:func:`read_articles` turns a list of sources into :class:`~eventlens.model.Article`
objects, one per document, and yields a :class:`~eventlens.errors.DocumentError`
in place of any document that cannot be read.  It never raises for a bad
document, so one bad file or JSONL line never stops the others.

Memory is bounded: a text or HTML input is read up to ``settings.max_bytes``
(a warning says when it was truncated), and JSONL is streamed line by line.

Problems that still let a document be processed (invalid UTF-8 replaced, a
``published`` value that is not a date, truncation) are logged as warnings
with the document's origin and carried on :attr:`Article.warnings`, which the
clean stage copies to :attr:`Document.warnings`.

Turning bytes into text (binary sniffing, byte-order marks, charsets) is
:mod:`eventlens.decoding`.
"""

from __future__ import annotations

import io
import json
import logging
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import IO, Any

from eventlens.decoding import binary_reason as binary_reason
from eventlens.decoding import bom_encoding as bom_encoding
from eventlens.decoding import bomless_wide_encoding as bomless_wide_encoding
from eventlens.decoding import declared_charset, decode, decode_document, text_problem
from eventlens.errors import DocumentError, InputError, UsageError
from eventlens.model import Article, ContentType
from eventlens.settings import Settings

log = logging.getLogger(__name__)

INPUT_FORMATS: tuple[str, ...] = ("auto", "text", "html", "jsonl")
"""The values ``input_format`` takes."""

STDIN = "-"
STDIN_ORIGIN = "<stdin>"

SUFFIX_FORMATS: dict[str, str] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".txt": "text",
    ".text": "text",
}
"""Format by file name extension, for ``input_format="auto"``."""

# In a folder, only these are taken as inputs (plus files without an extension);
# a named file is always read, whatever its extension.
_FOLDER_SUFFIXES = frozenset(SUFFIX_FORMATS)

_SNIFF_BYTES = 64 * 1024
_LINE_SKIP_CHUNK = 1 << 20
_HTML_START = re.compile(
    rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.I | re.S
)
_JSON_TYPES = {dict: "object", list: "array", str: "string", int: "number", float: "number",
               bool: "boolean", type(None): "null"}  # fmt: skip


@dataclass(slots=True)
class _Notes:
    """Warnings collected while reading one document."""

    origin: str
    items: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        from eventlens.formats import printable

        log.warning("%s: %s", printable(self.origin), printable(message))
        self.items.append(message)


def read_articles(
    sources: Sequence[str],
    input_format: str = "auto",
    settings: Settings | None = None,
) -> Iterator[Article | DocumentError]:
    """Yield one Article per input document, or the DocumentError that stopped it.

    ``sources`` are file paths, folders (their input files in sorted order,
    recursively; hidden files skipped) or ``"-"`` for standard input.
    ``input_format`` is ``"auto"`` (by extension, else by content), ``"text"``,
    ``"html"`` or ``"jsonl"``.  An unknown format is a :class:`UsageError`
    (raised before anything is read); every other problem is yielded.
    """
    if input_format not in INPUT_FORMATS:
        raise UsageError(
            f"unknown input format {input_format!r}; choose one of {', '.join(INPUT_FORMATS)}"
        )
    settings = settings or Settings()
    for source in sources:
        if source == STDIN:
            yield from _read_stream(sys.stdin.buffer, STDIN_ORIGIN, "", input_format, settings)
        else:
            yield from _read_path(Path(source), source, input_format, settings)


def _read_path(
    path: Path, origin: str, input_format: str, settings: Settings
) -> Iterator[Article | DocumentError]:
    try:
        is_dir = path.is_dir()
        exists = is_dir or path.exists()
    except OSError as e:
        yield InputError(origin, _os_reason(e))
        return
    if not exists:
        yield InputError(origin, "no such file or directory")
        return
    if not is_dir:
        yield from _guarded(_read_file(path, origin, input_format, settings), origin)
        return
    try:
        files = _folder_files(path)
    except OSError as e:
        yield InputError(origin, _os_reason(e))
        return
    if not files:
        kinds = ", ".join(sorted(_FOLDER_SUFFIXES))
        yield InputError(origin, f"directory has no input files ({kinds})")
        return
    for f in files:
        yield from _guarded(_read_file(f, str(f), input_format, settings), str(f))


def _guarded(
    items: Iterator[Article | DocumentError], origin: str
) -> Iterator[Article | DocumentError]:
    """``items``, with any unexpected exception while reading turned into an
    InputError for ``origin`` (the rest of that input is lost, the others go on)."""
    try:
        yield from items
    except DocumentError as e:
        yield e
    except Exception as e:  # one bad document never stops a batch
        log.debug("unexpected failure reading %s", origin, exc_info=True)
        yield InputError(origin, unexpected_reason("reading", e))


def unexpected_reason(stage: str, e: BaseException) -> str:
    """A one-line reason, in words, for an exception nobody expected."""
    from eventlens.formats import printable

    what = {
        "UnicodeError": "a character encoding problem",
        "UnicodeDecodeError": "bytes that are not valid in the document's encoding",
        "UnicodeEncodeError": "characters that cannot be encoded",
        "OverflowError": "a number or date out of range",
        "RecursionError": "structure nested too deeply",
        "MemoryError": "not enough memory",
        "ValueError": "an invalid value",
    }.get(type(e).__name__, f"an internal error ({type(e).__name__})")
    detail = printable(str(e))
    if len(detail) > 160:
        detail = detail[:159] + "…"
    return f"failed while {stage}: {what}" + (f" ({detail})" if detail else "")


def _folder_files(folder: Path) -> list[Path]:
    found = []
    for p in folder.rglob("*"):
        rel = p.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if (p.suffix.lower() in _FOLDER_SUFFIXES or not p.suffix) and p.is_file():
            found.append(p)
    return sorted(found, key=lambda p: p.relative_to(folder).parts)


def _read_file(
    path: Path, origin: str, input_format: str, settings: Settings
) -> Iterator[Article | DocumentError]:
    try:
        f = path.open("rb")
    except OSError as e:
        yield InputError(origin, _os_reason(e))
        return
    with f:
        yield from _read_stream(f, origin, path.suffix.lower(), input_format, settings)


def _read_stream(
    stream: IO[bytes], origin: str, suffix: str, input_format: str, settings: Settings
) -> Iterator[Article | DocumentError]:
    """Read one input (a file or standard input) of any format."""
    try:
        head = stream.read(min(_SNIFF_BYTES, settings.max_bytes + 1))
    except OSError as e:
        yield InputError(origin, _os_reason(e))
        return
    empty = "empty input" if origin == STDIN_ORIGIN else "empty file"
    if not head:
        yield InputError(origin, empty)
        return
    binary = binary_reason(head)
    if binary:
        yield InputError(origin, f"binary file ({binary}), not text")
        return
    fmt = input_format if input_format != "auto" else detect_format(suffix, head)
    reader = io.BufferedReader(_Prefixed(head, stream), buffer_size=_SNIFF_BYTES)
    try:
        if fmt == "jsonl":
            yield from _read_jsonl(reader, origin, settings)
            return
        data = reader.read(settings.max_bytes + 1)
    except OSError as e:
        yield InputError(origin, _os_reason(e))
        return
    notes = _Notes(origin)
    declared = declared_charset(head) if fmt == "html" else None
    text = decode_document(data, settings.max_bytes, notes.warn, declared)
    del data
    if not text.strip():
        yield InputError(origin, f"{empty} (only whitespace)")
        return
    problem = text_problem(text)
    if problem:
        yield InputError(origin, problem)
        return
    content_type: ContentType = "html" if fmt == "html" else "text"
    url = html_url(text) if content_type == "html" else None
    yield Article(
        id=Article.make_id(url, text),
        content=text,
        content_type=content_type,
        url=url,
        origin=origin,
        warnings=tuple(notes.items),
    )


def _read_jsonl(
    reader: IO[bytes], origin: str, settings: Settings
) -> Iterator[Article | DocumentError]:
    limit = settings.max_bytes
    lineno = 0
    documents = 0
    while True:
        raw = reader.readline(limit + 1)
        if not raw:
            break
        lineno += 1
        where = f"{origin}:{lineno}"
        if len(raw) > limit and not raw.endswith(b"\n"):
            while True:  # skip the rest of the over-long line without holding it
                chunk = reader.readline(_LINE_SKIP_CHUNK)
                if not chunk or chunk.endswith(b"\n"):
                    break
            yield InputError(where, f"line longer than {limit} bytes (max_bytes)")
            documents += 1
            continue
        if not raw.strip():
            continue
        documents += 1
        try:
            yield _jsonl_article(raw, where)
        except Exception as e:  # one bad line never stops the file
            log.debug("unexpected failure reading %s", where, exc_info=True)
            yield InputError(where, unexpected_reason("reading the line", e))
    if documents == 0:
        yield InputError(origin, "no documents in JSONL input (only blank lines)")


def _jsonl_article(raw: bytes, origin: str) -> Article | DocumentError:
    """One JSONL line to an Article, or the InputError that says what is wrong."""
    notes = _Notes(origin)
    text = decode(raw.rstrip(b"\r\n"), notes.warn)
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        return InputError(origin, f"invalid JSON at column {e.colno}: {e.msg}")
    except RecursionError:
        return InputError(origin, "invalid JSON: nested too deeply")
    except ValueError:  # e.g. an integer of more than 4,300 digits
        return InputError(origin, "invalid JSON: a number too long to read")
    if not isinstance(obj, dict):
        return InputError(origin, f"expected a JSON object, got {_json_type(obj)}")

    content_type: ContentType
    for key in ("text", "html"):
        value = obj.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            return InputError(origin, f"{key!r} must be a string, got {_json_type(value)}")
        if not value.strip():
            return InputError(origin, f"{key!r} is empty")
        content, content_type = value, "text" if key == "text" else "html"
        break
    else:
        return InputError(origin, "missing 'text' or 'html'")

    doc_id = obj.get("id")
    if isinstance(doc_id, bool) or not isinstance(doc_id, str | int | type(None)):
        return InputError(origin, f"'id' must be a string or an integer, got {_json_type(doc_id)}")
    if isinstance(doc_id, str) and not doc_id.strip():
        return InputError(origin, "'id' is empty")

    url = _optional_str(obj, "url", notes)
    title = _optional_str(obj, "title", notes)
    source = _optional_str(obj, "source", notes)
    language = _optional_str(obj, "language", notes)
    source_place = _optional_str(obj, "source_place", notes)
    published = None
    raw_published = obj.get("published")
    if raw_published is not None:
        published = parse_published(raw_published) if isinstance(raw_published, str) else None
        if published is None:
            notes.warn(f"'published' is not a date ({_short(raw_published)}); ignored")
    if url is None and content_type == "html":
        url = html_url(content)
    return Article(
        id=str(doc_id) if doc_id is not None else Article.make_id(url, content),
        content=content,
        content_type=content_type,
        url=url,
        source=source,
        title=title,
        published=published,
        language=language.strip().lower() if language else None,
        origin=origin,
        source_place=source_place,
        warnings=tuple(notes.items),
    )


def _optional_str(obj: dict[str, Any], key: str, notes: _Notes) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        notes.warn(f"{key!r} must be a string, got {_json_type(value)}; ignored")
        return None
    return value.strip() or None


# -- detection and decoding --------------------------------------------------------


def detect_format(suffix: str, head: bytes) -> str:
    """The format of an input for ``"auto"``: by extension, else by its first bytes.

    ``.jsonl``/``.ndjson`` are JSONL and ``.html``/``.htm`` HTML; otherwise a
    document that starts like an HTML page is HTML, one whose first line is a
    JSON object with ``"text"`` or ``"html"`` is JSONL, and anything else is text.
    """
    by_suffix = SUFFIX_FORMATS.get(suffix.lower())
    if by_suffix:
        return by_suffix
    start = head[:4096].lstrip(b"\xef\xbb\xbf")
    if _HTML_START.match(start):
        return "html"
    if start.lstrip().startswith(b"{"):
        first = head.lstrip(b"\xef\xbb\xbf").lstrip().split(b"\n", 1)[0]
        try:
            obj = json.loads(first.decode("utf-8", errors="replace"))
        except ValueError:
            return "text"
        if isinstance(obj, dict) and ("text" in obj or "html" in obj):
            return "jsonl"
    return "text"


class _Prefixed(io.RawIOBase):
    """A raw stream that returns ``prefix`` and then the rest of ``stream``."""

    def __init__(self, prefix: bytes, stream: IO[bytes]) -> None:
        self._prefix = memoryview(prefix)
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._prefix:
            n = min(len(view), len(self._prefix))
            view[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        data = self._stream.read(len(view))
        view[: len(data)] = data
        return len(data)


# -- metadata ------------------------------------------------------------------------

_TAG = re.compile(r"<(link|meta)\b([^>]{0,2000})>", re.I)
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_HEAD_END = re.compile(r"</head\s*>|<body[\s>]", re.I)


def html_url(html: str) -> str | None:
    """The page's own URL from its ``<head>``: canonical link, else ``og:url``.

    Cheap (a scan of the head, no parse); used for the article id, so the
    same page gets the same id however it was saved.
    """
    end = _HEAD_END.search(html, 0, 200_000)
    head = html[: end.start() if end else 200_000]
    canonical = og = None
    for m in _TAG.finditer(head):
        attrs = {
            a.group(1).lower(): (a.group(2) or a.group(3) or a.group(4) or "").strip()
            for a in _ATTR.finditer(m.group(2))
        }
        if m.group(1).lower() == "link" and "canonical" in attrs.get("rel", "").lower().split():
            canonical = canonical or attrs.get("href")
        elif attrs.get("property", attrs.get("name", "")).lower() == "og:url":
            og = og or attrs.get("content")
    url = canonical or og
    return url if url and url.lower().startswith(("http://", "https://")) else None


def parse_published(value: str) -> date | None:
    """A publication date from an ISO date or datetime (or an RSS/e-mail date); else None.

    A datetime keeps its own calendar date (the publisher's local day).
    """
    s = value.strip()
    if not s:
        return None
    try:
        return date.fromisoformat(s)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(s).date()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(s).date()
    except (TypeError, ValueError, IndexError):
        return None


def _json_type(value: object) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _short(value: object, width: int = 40) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 1] + "…"


def _os_reason(e: OSError) -> str:
    if isinstance(e, FileNotFoundError):
        return "no such file or directory"
    if isinstance(e, PermissionError):
        return "permission denied"
    if isinstance(e, IsADirectoryError):
        return "is a directory"
    return e.strerror.lower() if e.strerror else f"cannot read ({type(e).__name__})"
