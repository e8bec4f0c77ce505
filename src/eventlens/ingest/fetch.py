"""Fetching web pages and feeds politely and safely.

:class:`Fetcher` wraps one ``httpx.Client`` with

- timeouts (connect and read) on every request;
- a size limit: the body is streamed and the request abandoned as soon as it
  passes ``max_bytes`` (or when ``Content-Length`` says it will);
- retries with exponential backoff (and jitter) on timeouts, connection
  errors, 429 and 5xx answers, honouring ``Retry-After``;
- a per-host rate limit shared by every thread of the fetcher;
- conditional requests (``If-None-Match``/``If-Modified-Since``) so an
  unchanged page costs a 304 and no processing.

The transport can be swapped (``httpx.MockTransport``), but the tests fetch
from a real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import logging
import random
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import TypeVar
from urllib.parse import urlsplit

import httpx

from eventlens import __version__
from eventlens.errors import DocumentError

log = logging.getLogger(__name__)

RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)

T = TypeVar("T")


class FetchError(DocumentError):
    """A URL could not be fetched (after retries where they make sense)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchOptions:
    """How to fetch.  ``rate_per_host`` is requests per second to one host."""

    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_bytes: int = 10_000_000
    retries: int = 3
    backoff: float = 1.0
    max_backoff: float = 60.0
    rate_per_host: float = 1.0
    concurrency: int = 8
    max_redirects: int = 5
    user_agent: str = (
        f"eventlens/{__version__} (news event extraction; +https://pypi.org/project/eventlens/)"
    )


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched resource; ``not_modified`` when the server answered 304."""

    url: str
    final_url: str
    status: int
    content_type: str | None
    body: bytes
    etag: str | None
    last_modified: str | None
    fetched_at: datetime
    not_modified: bool = False

    @property
    def media_type(self) -> str:
        return (self.content_type or "").split(";", 1)[0].strip().lower()

    def text(self) -> str:
        """The body decoded: the header's charset, else a ``<meta charset>``, else UTF-8."""
        return decode_body(self.body, self.content_type)


def decode_body(body: bytes, content_type: str | None) -> str:
    charset = None
    if content_type:
        m = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type, re.I)
        charset = m.group(1) if m else None
    if charset is None:
        m2 = _META_CHARSET.search(body[:4096])
        charset = m2.group(1).decode("ascii") if m2 else None
    for enc in (charset, "utf-8"):
        if not enc:
            continue
        try:
            return body.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", errors="replace")


def host_of(url: str) -> str:
    return urlsplit(url).netloc.lower()


class HostRateLimiter:
    """At most ``rate`` requests per second to each host, across threads."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def wait(self, host: str) -> float:
        """Block until a request to ``host`` may go; returns the seconds waited."""
        if self.interval <= 0:
            return 0.0
        with self._lock:
            now = self._clock()
            at = max(now, self._next.get(host, now))
            self._next[host] = at + self.interval
        delay = at - now
        if delay > 0:
            time.sleep(delay)
        return delay

    def defer(self, host: str, seconds: float) -> None:
        """Push the host's next slot back (a 429 or Retry-After said so)."""
        with self._lock:
            self._next[host] = max(self._next.get(host, 0.0), self._clock() + seconds)


class Fetcher:
    """An HTTP client with timeouts, size limit, retries and per-host rate limit."""

    def __init__(
        self,
        options: FetchOptions | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.options = options or FetchOptions()
        o = self.options
        self.limiter = HostRateLimiter(o.rate_per_host)
        self._client = httpx.Client(
            timeout=httpx.Timeout(o.read_timeout, connect=o.connect_timeout),
            follow_redirects=True,
            max_redirects=o.max_redirects,
            headers={"User-Agent": o.user_agent, "Accept-Encoding": "gzip, deflate"},
            limits=httpx.Limits(max_connections=max(4, o.concurrency * 2)),
            transport=transport,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched:
        """GET ``url``; raises :class:`FetchError` when it cannot be had."""
        o = self.options
        scheme = urlsplit(url).scheme.lower()
        if scheme not in ("http", "https"):
            raise FetchError(url, f"not an http(s) URL (scheme {scheme or 'missing'!r})")
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        host = host_of(url)
        reason = "no attempt made"
        for attempt in range(o.retries + 1):
            self.limiter.wait(host)
            retry_after: float | None = None
            try:
                return self._get(url, headers)
            except _Retryable as e:
                reason, retry_after = e.reason, e.retry_after
            except httpx.TimeoutException as e:
                reason = f"timed out ({type(e).__name__})"
            except httpx.TooManyRedirects:
                raise FetchError(url, f"more than {o.max_redirects} redirects") from None
            except httpx.HTTPError as e:
                reason = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
            if attempt == o.retries:
                break
            delay = min(o.max_backoff, o.backoff * 2**attempt) * random.uniform(0.75, 1.25)
            if retry_after is not None:
                delay = min(o.max_backoff, max(delay, retry_after))
                self.limiter.defer(host, delay)
            log.info("%s: %s; retrying in %.1fs", url, reason, delay)
            time.sleep(delay)
        attempts = o.retries + 1
        raise FetchError(url, f"{reason} (after {attempts} attempt{'s' if attempts > 1 else ''})")

    def _get(self, url: str, headers: dict[str, str]) -> Fetched:
        limit = self.options.max_bytes
        with self._client.stream("GET", url, headers=headers) as resp:
            status = resp.status_code
            if status == 304:
                return Fetched(
                    url,
                    str(resp.url),
                    status,
                    resp.headers.get("content-type"),
                    b"",
                    resp.headers.get("etag") or headers.get("If-None-Match"),
                    resp.headers.get("last-modified") or headers.get("If-Modified-Since"),
                    datetime.now(UTC),
                    not_modified=True,
                )
            if status in RETRY_STATUS:
                raise _Retryable(f"HTTP {status}", _retry_after(resp.headers.get("retry-after")))
            if status >= 400:
                raise FetchError(url, f"HTTP {status} {resp.reason_phrase}".strip())
            declared = resp.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise FetchError(url, f"larger than the size limit ({declared} > {limit} bytes)")
            chunks: list[bytes] = []
            size = 0
            for chunk in resp.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise FetchError(url, f"larger than the size limit ({limit} bytes)")
                chunks.append(chunk)
            return Fetched(
                url,
                str(resp.url),
                status,
                resp.headers.get("content-type"),
                b"".join(chunks),
                resp.headers.get("etag"),
                resp.headers.get("last-modified"),
                datetime.now(UTC),
            )

    def fetch_many(
        self,
        requests: Iterable[T],
        get: Callable[[T], Fetched],
    ) -> Iterator[tuple[T, Fetched | FetchError]]:
        """Run ``get`` on each request in a thread pool, yielding as they finish.

        At most ``2 × concurrency`` requests are pending at once, so a list
        of a million URLs is read lazily.
        """
        limit = max(1, self.options.concurrency)
        it = iter(requests)
        with ThreadPoolExecutor(max_workers=limit, thread_name_prefix="fetch") as pool:
            pending: dict[Future[Fetched], T] = {}
            exhausted = False
            while pending or not exhausted:
                while not exhausted and len(pending) < 2 * limit:
                    try:
                        req = next(it)
                    except StopIteration:
                        exhausted = True
                        break
                    pending[pool.submit(get, req)] = req
                if not pending:
                    break
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    req = pending.pop(fut)
                    try:
                        yield req, fut.result()
                    except FetchError as e:
                        yield req, e
                    except Exception as e:  # a bug must not stop the other fetches
                        log.debug("fetch of %s failed", req, exc_info=True)
                        yield req, FetchError(str(req), f"{type(e).__name__}: {e}")


class _Retryable(Exception):
    def __init__(self, reason: str, retry_after: float | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
