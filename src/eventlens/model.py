"""The data model: frozen dataclasses passed between pipeline stages.

Everything here is immutable; a stage that changes a document returns a new
one (``dataclasses.replace``).  Pydantic appears only at the API edge.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal, get_args

SCHEMA_ID = "eventlens.event/1"

Status = Literal[
    "occurred",
    "attempted",
    "foiled",
    "planned",
    "threatened",
    "warned",
    "denied",
    "hypothetical",
]
STATUSES: tuple[Status, ...] = (
    "occurred",
    "attempted",
    "foiled",
    "planned",
    "threatened",
    "warned",
    "denied",
    "hypothetical",
)

FeatureLevel = Literal["country", "admin1", "admin2", "city", "locality"]
FEATURE_LEVELS: tuple[FeatureLevel, ...] = ("country", "admin1", "admin2", "city", "locality")

PLACE_BREADTH: dict[str | None, int] = {
    "locality": 0,
    "city": 0,
    "admin2": 1,
    "admin1": 2,
    "country": 3,
}
"""How broad a place of each feature level is: 0 a town or village ... 3 a country."""


def place_breadth(feature: str | None) -> int:
    """:data:`PLACE_BREADTH` of a feature level; 4 when it is not known."""
    return PLACE_BREADTH.get(feature, 4)


DatePrecision = Literal["day", "week", "month", "year"]
PRECISION_RANK: dict[str | None, int] = {p: i for i, p in enumerate(get_args(DatePrecision))}
"""Finest first: 0 a day ... 3 a year."""
DateSource = Literal["explicit", "relative", "publication", "unknown"]
ContentType = Literal["text", "html"]
DATE_FROM: tuple[str, ...] = (
    "clause",
    "sentence",
    "related",
    "paragraph",
    "lead",
    "dateline",
    "publication",
)
"""Where an event's date came from, the most direct first: its own clause (or the verb
it hangs from), its sentence, a related mention of the sentence, its paragraph, the
lead's day, the dateline, the publication date."""

EventType = Literal[
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
]
EVENT_TYPES: tuple[str, ...] = get_args(EventType)


def stable_id(*parts: str, length: int = 16) -> str:
    """A short, stable hexadecimal id from the given parts."""
    h = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return h[:length]


@dataclass(frozen=True, slots=True)
class Article:
    """One input document as read, before cleaning."""

    id: str
    content: str
    content_type: ContentType = "text"
    url: str | None = None
    source: str | None = None
    title: str | None = None
    published: date | None = None
    fetched_at: datetime | None = None
    language: str | None = None
    origin: str | None = None
    """Where the article came from, for messages: a path, ``path:line`` or URL."""
    source_place: str | None = None
    """Where the source publishes from, when known, as a place name ("Fort Worth,
    Texas", "Turkey"): context for resolving the places the article names."""
    warnings: tuple[str, ...] = ()
    """Problems met while reading it that did not stop it (e.g. invalid UTF-8
    replaced); the clean stage copies them to :attr:`Document.warnings`."""

    @staticmethod
    def make_id(url: str | None, content: str) -> str:
        """Stable id: a hash of the canonical URL, or of the text without one."""
        if url:
            return stable_id("url", canonical_url(url))
        # == stable_id("text", " ".join(content.split())), without the list of every word
        h = hashlib.sha256(b"text\x1f")
        sep = b""
        for m in re.finditer(r"\S+", content):
            h.update(sep + m.group().encode("utf-8"))
            sep = b" "
        return h.hexdigest()[:16]


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, drop fragment and trailing slash."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Mention:
    """A named-entity mention, character offsets into the clean text."""

    start: int
    end: int
    text: str
    label: str
    sentence: int


@dataclass(frozen=True, slots=True)
class Place:
    """A toponym in the text and the GeoNames place it resolves to.

    ``geonameid`` and the coordinates are None when the name could not be
    resolved; ``reason`` then says why.
    """

    text: str
    start: int
    end: int
    geonameid: int | None = None
    name: str | None = None
    lat: float | None = None
    lon: float | None = None
    feature: FeatureLevel | None = None
    admin1: str | None = None
    country: str | None = None
    score: float = 0.0
    reason: str | None = None

    @property
    def resolved(self) -> bool:
        return self.geonameid is not None or (self.lat is not None and self.lon is not None)

    def to_location(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "name": self.name,
            "geonameid": self.geonameid,
            "lat": self.lat,
            "lon": self.lon,
            "feature": self.feature,
            "admin1": self.admin1,
            "country": self.country,
        }


@dataclass(frozen=True, slots=True)
class Actor:
    text: str
    start: int | None = None
    end: int | None = None
    name: str | None = None
    country: str | None = None
    sector: str | None = None
    wikidata: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "name": self.name,
            "country": self.country,
            "sector": self.sector,
            "wikidata": self.wikidata,
        }


@dataclass(frozen=True, slots=True)
class EventDate:
    """When an event happened.

    ``value`` is ISO: ``YYYY-MM-DD`` for day and week precision (for week,
    the estimated day, give or take three days), ``YYYY-MM`` for month,
    ``YYYY`` for year; None when unknown.
    """

    value: str | None = None
    precision: DatePrecision | None = None
    source: DateSource = "unknown"

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "precision": self.precision, "source": self.source}


UNKNOWN_DATE = EventDate()


@dataclass(frozen=True, slots=True)
class Counts:
    killed: int | None = None
    injured: int | None = None
    arrested: int | None = None
    participants: int | None = None

    def to_dict(self) -> dict[str, int | None]:
        return {
            "killed": self.killed,
            "injured": self.injured,
            "arrested": self.arrested,
            "participants": self.participants,
        }


@dataclass(frozen=True, slots=True)
class Evidence:
    text: str
    start: int
    end: int
    sentence: int


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    article_id: str
    event_type: str
    mode: str | None
    status: Status
    evidence: Evidence
    confidence: float
    contexts: tuple[str, ...] = ()
    actor: Actor | None = None
    recipient: Actor | None = None
    location: Place | None = None
    date: EventDate = UNKNOWN_DATE
    counts: Counts = Counts()
    acled_event_type: str | None = None
    acled_sub_event_type: str | None = None
    cameo_root: str | None = None
    trigger: tuple[int, int] | None = None
    """Character span of the trigger word(s); internal, not part of the output."""
    sources: tuple[int, ...] = ()
    """Sentence indexes of every mention merged into this event; internal."""
    coded: bool = False
    """Set by the learned coder (type, status and ACLED columns are its); internal."""
    specificity: float = 0.0
    """The coder's probability for this mention's ACLED sub-event and mode; the most
    specific mention of a merged event gives them (internal)."""
    date_from: str | None = field(default=None, compare=False)
    """Where the date came from, one of :data:`DATE_FROM` (None: no date, or not dated
    by the dates stage); internal, not part of the output."""

    def to_dict(self) -> dict[str, Any]:
        """The event as an ``eventlens.event/1`` object."""
        return {
            "schema": SCHEMA_ID,
            "id": self.id,
            "article_id": self.article_id,
            "event_type": self.event_type,
            "mode": self.mode,
            "status": self.status,
            "contexts": list(self.contexts),
            "actor": self.actor.to_dict() if self.actor else None,
            "recipient": self.recipient.to_dict() if self.recipient else None,
            "location": self.location.to_location() if self.location else None,
            "date": self.date.to_dict(),
            "counts": self.counts.to_dict(),
            "acled": {
                "event_type": self.acled_event_type,
                "sub_event_type": self.acled_sub_event_type,
            },
            "cameo_root": self.cameo_root,
            "evidence": {
                "text": self.evidence.text,
                "start": self.evidence.start,
                "end": self.evidence.end,
                "sentence": self.evidence.sentence,
            },
            "confidence": round(self.confidence, 3),
        }


@dataclass(frozen=True, slots=True)
class Document:
    """An article moving through the pipeline.

    ``text`` is the clean text; every offset in the document points into it.
    ``nlp`` holds the parsed spaCy ``Doc`` (not compared, not part of the
    output); ``provenance`` records each stage's name and version.
    """

    article: Article
    text: str = ""
    sentences: tuple[Sentence, ...] = ()
    mentions: tuple[Mention, ...] = ()
    places: tuple[Place, ...] = ()
    events: tuple[Event, ...] = ()
    provenance: tuple[tuple[str, str], ...] = ()
    warnings: tuple[str, ...] = ()
    dropped: tuple[tuple[Event, str], ...] = ()
    """Candidate events a stage dropped, with the reason (for ``--explain``)."""
    nlp: Any = field(default=None, compare=False, repr=False)
    dateline: Any = field(default=None, compare=False, repr=False)
    """The article's dateline (:class:`eventlens.dateline.Dateline`), found once by nlp."""
    clauses: Any = field(default=None, compare=False, repr=False)
    """Each event's clause in ``nlp`` (:class:`eventlens.stages.scope.Clauses`, set by
    the scope stage; not compared, not part of the output)."""

    def sentence_at(self, offset: int) -> Sentence | None:
        for s in self.sentences:
            if s.start <= offset < s.end:
                return s
        return None
