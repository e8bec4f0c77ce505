"""Response models of the REST API (pydantic lives here, at the API edge only).

Events are ``eventlens.event/1`` objects and stories ``eventlens.story/1``
objects, exactly as ``eventlens export`` writes them; list endpoints wrap
them with what a reader needs next to them (the article's title and source,
the story id) and a paging cursor.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal[
    "occurred", "attempted", "foiled", "planned", "threatened", "warned", "denied", "hypothetical"
]


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class ActorOut(_Model):
    text: str
    name: str | None
    country: str | None
    sector: str | None
    wikidata: str | None


class LocationOut(_Model):
    text: str | None = None
    name: str | None
    geonameid: int | None
    lat: float | None
    lon: float | None
    feature: str | None
    admin1: str | None
    country: str | None


class DateOut(_Model):
    value: str | None
    precision: str | None
    source: str | None = None


class CountsOut(_Model):
    killed: int | None
    injured: int | None
    arrested: int | None
    participants: int | None


class AcledOut(_Model):
    event_type: str | None
    sub_event_type: str | None


class EvidenceOut(_Model):
    text: str
    start: int = Field(description="character offset of the evidence in the article's clean text")
    end: int
    sentence: int


class EventOut(_Model):
    """One ``eventlens.event/1`` object."""

    schema_: Literal["eventlens.event/1"] = Field(alias="schema")
    id: str
    article_id: str
    event_type: str
    mode: str | None
    status: Status
    contexts: list[str]
    actor: ActorOut | None
    recipient: ActorOut | None
    location: LocationOut | None
    date: DateOut
    counts: CountsOut
    acled: AcledOut
    cameo_root: str | None
    evidence: EvidenceOut
    confidence: float


class ArticleRef(_Model):
    id: str
    title: str | None
    url: str | None
    source: str | None
    published: date | None


class ArticleOut(ArticleRef):
    text: str | None = Field(description="the clean text; evidence offsets point into it")
    n_events: int
    thread_id: str | None = Field(
        default=None,
        description="its thread: the articles of other outlets reporting the same happening "
        "(`/api/threads/{id}`); null when its text is too short to compare",
    )


class CoverageRef(ArticleRef):
    n_events: int
    thread_id: str | None


class ThreadOut(_Model):
    id: str
    title: str | None = Field(description="the title of its first article")
    n_articles: int
    n_sources: int
    first_published: date | None
    last_published: date | None


class ThreadDetail(_Model):
    thread: ThreadOut
    articles: list[CoverageRef] = Field(description="its articles, in the order they arrived")
    attribution: str


class EventItem(_Model):
    event: EventOut
    story_id: str | None
    article: ArticleRef


class EventPage(_Model):
    items: list[EventItem]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null: last")
    limit: int
    order: Literal["asc", "desc"]


class EventDetail(_Model):
    event: EventOut
    story_id: str | None
    article: ArticleOut
    attribution: str


class ArticleDetail(_Model):
    article: ArticleOut
    events: list[EventItem] = Field(description="every event coded from this article")
    attribution: str


class VariantOut(_Model):
    value: int | float | str | None
    n_sources: int
    sources: list[str]
    reports: list[str]


class StoryOut(_Model):
    """One ``eventlens.story/1`` object."""

    schema_: Literal["eventlens.story/1"] = Field(alias="schema")
    id: str
    event_type: str
    mode: str | None
    status: str
    date: DateOut
    location: LocationOut | None
    actor: str | None
    recipient: str | None
    counts: CountsOut
    acled: AcledOut
    confidence: float
    n_reports: int
    n_articles: int
    n_sources: int
    sources: list[str]
    representative: str | None
    evidence: str | None
    conflicts: dict[str, list[VariantOut]] = Field(
        description="fields on which reports disagree: every value with who reported it"
    )


class StoryPage(_Model):
    items: list[StoryOut]
    next_cursor: str | None
    limit: int
    order: Literal["asc", "desc"]


class StoryDetail(_Model):
    story: StoryOut
    reports: list[EventItem] = Field(description="every report of the story, oldest first")
    coverage: list[CoverageRef] = Field(
        default_factory=list,
        description="other articles in the threads of its reports (the same happening, "
        "reported without an event of this story)",
    )
    attribution: str


class CountRow(_Model):
    key: str
    n: int
    split: dict[str, int] | None = None


class CountsResult(_Model):
    by: str
    split: str | None
    total: int = Field(description="rows selected, including those whose key is unknown")
    unknown: int = Field(description="rows selected whose key is unknown (not counted below)")
    counts: list[CountRow]


class PointOut(_Model):
    id: str
    lat: float
    lon: float
    event_type: str
    status: str


class PointsResult(_Model):
    points: list[PointOut]
    total: int = Field(description="located rows selected; `points` holds the newest `limit`")
    truncated: bool
    attribution: str


class TotalsOut(_Model):
    articles: int
    events: int
    stories: int
    failures: int


class MetaOut(_Model):
    version: str
    totals: TotalsOut
    statuses: list[str]
    event_types: list[str]
    group_by: list[str]
    export_formats: list[str]
    date_min: date | None
    date_max: date | None
    attribution: str
    tile_url: str | None
    tile_attribution: str | None
    credits: str = ""
    """Who to credit for the text and outlines shown (beside GeoNames)."""


class ErrorOut(_Model):
    detail: str
