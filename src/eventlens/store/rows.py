"""Events to table rows and back, exactly.

Every field of an :class:`~eventlens.model.Event` has a column, so an event
read from the store is equal to the one written (``to_dict()`` included).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any, cast

from eventlens.model import (
    Actor,
    Counts,
    DatePrecision,
    DateSource,
    Event,
    EventDate,
    Evidence,
    FeatureLevel,
    Place,
    Status,
)
from eventlens.stories.report import date_range

# Sorts before every real date: events with no date at all.
NO_DATE = date(1, 1, 1)


def anchor_day(d: EventDate) -> date | None:
    """The one day an event date stands for in timelines and sorting.

    The day itself for day and week precision (a week's value is its
    estimated day), the first day of the month or year otherwise.
    """
    rng = date_range(d)
    if rng is None:
        return None
    if d.precision == "week":
        return rng[0] + timedelta(days=3)
    return rng[0]


def buckets(anchor: date | None) -> dict[str, date | None]:
    """Day, week (its Monday) and month (its first day) for counts over time."""
    if anchor is None:
        return {"day": None, "week": None, "month": None}
    return {
        "day": anchor,
        "week": anchor - timedelta(days=anchor.weekday()),
        "month": anchor.replace(day=1),
    }


def _actor_cols(prefix: str, a: Actor | None) -> dict[str, Any]:
    return {
        f"{prefix}_text": a.text if a else None,
        f"{prefix}_start": a.start if a else None,
        f"{prefix}_end": a.end if a else None,
        f"{prefix}_name": a.name if a else None,
        f"{prefix}_country": a.country if a else None,
        f"{prefix}_sector": a.sector if a else None,
        f"{prefix}_wikidata": a.wikidata if a else None,
    }


def grid_cell(lat: float | None, lon: float | None) -> int | None:
    """The 1° × 1° grid cell of a point (row × 360 + column), the key by which
    story search finds the events near a report; None without a point."""
    if lat is None or lon is None:
        return None
    row = min(179, max(0, math.floor(lat + 90)))
    col = min(359, max(0, math.floor(lon + 180)))
    return row * 360 + col


def event_to_row(
    e: Event,
    *,
    source: str | None = None,
    published: date | None = None,
    story_id: str | None = None,
    context: str | None = None,
) -> dict[str, Any]:
    rng = date_range(e.date)
    anchor = anchor_day(e.date)
    loc = e.location
    row: dict[str, Any] = {
        "id": e.id,
        "article_id": e.article_id,
        "story_id": story_id,
        "event_type": e.event_type,
        "mode": e.mode,
        "status": e.status,
        "contexts": json.dumps(list(e.contexts)),
        **_actor_cols("actor", e.actor),
        **_actor_cols("recipient", e.recipient),
        "location_text": loc.text if loc else None,
        "location_start": loc.start if loc else None,
        "location_end": loc.end if loc else None,
        "location_name": loc.name if loc else None,
        "geonameid": loc.geonameid if loc else None,
        "lat": loc.lat if loc else None,
        "lon": loc.lon if loc else None,
        "cell": grid_cell(loc.lat, loc.lon) if loc else None,
        "feature": loc.feature if loc else None,
        "admin1": loc.admin1 if loc else None,
        "country": loc.country if loc else None,
        "location_score": loc.score if loc else None,
        "date_value": e.date.value,
        "date_precision": e.date.precision,
        "date_source": e.date.source,
        "date_start": rng[0] if rng else None,
        "date_end": rng[1] if rng else None,
        "sort_date": anchor or published or NO_DATE,
        **buckets(anchor),
        "killed": e.counts.killed,
        "injured": e.counts.injured,
        "arrested": e.counts.arrested,
        "participants": e.counts.participants,
        "acled_event_type": e.acled_event_type,
        "acled_sub_event_type": e.acled_sub_event_type,
        "cameo_root": e.cameo_root,
        "evidence_text": e.evidence.text,
        "evidence_start": e.evidence.start,
        "evidence_end": e.evidence.end,
        "evidence_sentence": e.evidence.sentence,
        "context": context,
        "confidence": e.confidence,
        "source": source,
        "published": published,
    }
    return row


def _actor(prefix: str, r: Mapping[Any, Any]) -> Actor | None:
    text = r[f"{prefix}_text"]
    if text is None:
        return None
    return Actor(
        text=text,
        start=r[f"{prefix}_start"],
        end=r[f"{prefix}_end"],
        name=r[f"{prefix}_name"],
        country=r[f"{prefix}_country"],
        sector=r[f"{prefix}_sector"],
        wikidata=r[f"{prefix}_wikidata"],
    )


def event_from_row(r: Mapping[Any, Any]) -> Event:
    loc: Place | None = None
    if r["location_text"] is not None:
        loc = Place(
            text=r["location_text"],
            start=r["location_start"],
            end=r["location_end"],
            geonameid=r["geonameid"],
            name=r["location_name"],
            lat=r["lat"],
            lon=r["lon"],
            feature=cast("FeatureLevel | None", r["feature"]),
            admin1=r["admin1"],
            country=r["country"],
            score=r["location_score"] or 0.0,
        )
    return Event(
        id=r["id"],
        article_id=r["article_id"],
        event_type=r["event_type"],
        mode=r["mode"],
        status=cast("Status", r["status"]),
        evidence=Evidence(
            text=r["evidence_text"],
            start=r["evidence_start"],
            end=r["evidence_end"],
            sentence=r["evidence_sentence"],
        ),
        confidence=r["confidence"],
        contexts=tuple(json.loads(r["contexts"])),
        actor=_actor("actor", r),
        recipient=_actor("recipient", r),
        location=loc,
        date=EventDate(
            value=r["date_value"],
            precision=cast("DatePrecision | None", r["date_precision"]),
            source=cast("DateSource", r["date_source"]),
        ),
        counts=Counts(
            killed=r["killed"],
            injured=r["injured"],
            arrested=r["arrested"],
            participants=r["participants"],
        ),
        acled_event_type=r["acled_event_type"],
        acled_sub_event_type=r["acled_sub_event_type"],
        cameo_root=r["cameo_root"],
    )
