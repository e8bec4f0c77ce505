"""A report as story clustering sees it, and the dates it is compared by."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

from eventlens.model import Event, EventDate
from eventlens.stories.params import DEFAULT_PARAMS, DedupParams

TermVector = tuple[tuple[str, float], ...]
"""An L2-normalised sparse vector: (term, weight) pairs, heaviest first."""


@dataclass(frozen=True, slots=True)
class Report:
    """An event as story clustering sees it: the event and where it came from."""

    event: Event
    source: str | None = None
    published: date | None = None
    url: str | None = None
    context: str | None = None
    """The sentence the evidence comes from, when known (compared instead of
    the evidence span, which may be only a clause)."""
    article: str | None = None
    """The article's clean text, when known (compared as a TF-IDF vector:
    :meth:`eventlens.stories.similarity.Similarity.vector`)."""
    thread_id: str | None = None
    """The article's thread (:mod:`eventlens.stories.threads`), when it has one."""
    vector: TermVector = ()
    """The article's vector as the store kept it (``articles.terms``), when
    known: it need not be computed from the text again."""
    sentence_vector: bytes | None = None
    """The embedding of ``context`` as the store kept it (``events.sentence_vector``,
    float16 bytes), when known: the encoder need not run on it again."""

    @property
    def source_key(self) -> str:
        """The outlet, for counting distinct sources: its name, its host, or the article."""
        if self.source:
            return self.source.strip().lower()
        if self.url:
            host = urlsplit(self.url).netloc.lower()
            if host:
                return host.removeprefix("www.")
            return self.url
        return self.event.article_id


@dataclass(frozen=True, slots=True)
class Member:
    """A report already in a story."""

    report: Report
    story_id: str


def date_range(d: EventDate) -> tuple[date, date] | None:
    """The first and last day an event date can mean, or None when unknown."""
    if not d.value:
        return None
    try:
        if d.precision in ("day", "week") or len(d.value) == 10:
            day = date.fromisoformat(d.value[:10])
            if d.precision == "week":
                return day - timedelta(days=3), day + timedelta(days=3)
            return day, day
        if d.precision == "month" or len(d.value) == 7:
            y, m = int(d.value[:4]), int(d.value[5:7])
            return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])
        y = int(d.value[:4])
        return date(y, 1, 1), date(y, 12, 31)
    except ValueError:
        return None


def report_window(r: Report, params: DedupParams = DEFAULT_PARAMS) -> tuple[date, date] | None:
    """The date range a report is compared by (its own, or around publication)."""
    rng = date_range(r.event.date)
    if rng is not None:
        return rng
    if r.published is not None:
        w = timedelta(days=params.undated_window_days)
        return r.published - w, r.published + w
    return None
