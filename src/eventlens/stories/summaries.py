"""What a story says: its representative values, sources and conflicting values.

A story's reports rarely agree on everything: one outlet says 15 were
arrested, one says five; one places the raid in Istanbul, one in Kocaeli.
:func:`summarize` keeps the most-sourced value of each field as the story's
and every value with who reported it as its conflicts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from eventlens.model import Event, EventDate
from eventlens.stories.params import COUNT_FIELDS, LEVEL_RANK
from eventlens.stories.report import Report


@dataclass(frozen=True, slots=True)
class Variant:
    """One value a field takes in a story and who reported it."""

    value: Any
    sources: tuple[str, ...]
    reports: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "n_sources": len(self.sources),
            "sources": list(self.sources),
            "reports": list(self.reports),
        }


@dataclass(frozen=True, slots=True)
class StorySummary:
    """What a story says: representative values, counts and conflicts."""

    event_type: str
    status: str
    mode: str | None
    date: EventDate
    representative: Event
    n_reports: int
    n_articles: int
    sources: tuple[str, ...]
    confidence: float
    counts: dict[str, int | None]
    location: dict[str, Any] | None
    actor_name: str | None
    recipient_name: str | None
    conflicts: dict[str, tuple[Variant, ...]] = field(default_factory=dict)

    @property
    def n_sources(self) -> int:
        return len(self.sources)

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_type": self.event_type,
            "status": self.status,
            "mode": self.mode,
            "date": self.date.to_dict(),
            "location": self.location,
            "actor": self.actor_name,
            "recipient": self.recipient_name,
            "counts": self.counts,
            "n_reports": self.n_reports,
            "n_articles": self.n_articles,
            "n_sources": self.n_sources,
            "sources": list(self.sources),
            "confidence": round(self.confidence, 3),
            "representative": self.representative.id,
            "evidence": self.representative.evidence.text,
            "conflicts": {k: [v.to_dict() for v in vs] for k, vs in self.conflicts.items()},
        }


def _variants(members: Sequence[Report], get: Any) -> list[Variant]:
    """Distinct non-null values of one field, most-sourced first."""
    by_value: dict[Any, tuple[set[str], list[str], float]] = {}
    order: list[Any] = []
    for r in members:
        v = get(r)
        if v is None:
            continue
        if v not in by_value:
            by_value[v] = (set(), [], 0.0)
            order.append(v)
        srcs, reps, conf = by_value[v]
        srcs.add(r.source_key)
        reps.append(r.event.id)
        by_value[v] = (srcs, reps, max(conf, r.event.confidence))
    ranked = sorted(
        order,
        key=lambda v: (-len(by_value[v][0]), -len(by_value[v][1]), -by_value[v][2], order.index(v)),
    )
    return [Variant(v, tuple(sorted(by_value[v][0])), tuple(by_value[v][1])) for v in ranked]


def _place_key(r: Report) -> str | None:
    p = r.event.location
    if p is None or not (p.name or p.text):
        return None
    return p.name or p.text


def _date_key(r: Report) -> str | None:
    return r.event.date.value


def summarize(members: Sequence[Report]) -> StorySummary:
    """Representative values (the most-sourced), source counts and conflicts."""
    if not members:
        raise ValueError("a story has at least one report")
    first = members[0].event
    conflicts: dict[str, tuple[Variant, ...]] = {}

    def pick(name: str, get: Any) -> Variant | None:
        vs = _variants(members, get)
        if len(vs) > 1:
            conflicts[name] = tuple(vs)
        return vs[0] if vs else None

    counts: dict[str, int | None] = {}
    for f in COUNT_FIELDS:
        v = pick(f, lambda r, f=f: getattr(r.event.counts, f))
        counts[f] = v.value if v else None
    mode = pick("mode", lambda r: r.event.mode)
    place = pick("location", _place_key)
    when = pick("date", _date_key)
    actor = pick("actor", lambda r: r.event.actor.name if r.event.actor else None)
    recipient = pick("recipient", lambda r: r.event.recipient.name if r.event.recipient else None)

    def best_with(key: Any, value: Any) -> Event:
        withv = [r.event for r in members if value is not None and key(r) == value]
        pool = withv or [r.event for r in members]
        return max(
            pool,
            key=lambda e: (
                e.confidence,
                -LEVEL_RANK.get(
                    e.location.feature if e.location and e.location.feature else "country", 0
                ),
            ),
        )

    rep = best_with(_place_key, place.value if place else None)
    loc_event = rep
    date_event = best_with(_date_key, when.value if when else None)
    location = loc_event.location.to_location() if loc_event.location else None
    return StorySummary(
        event_type=first.event_type,
        status=first.status,
        mode=mode.value if mode else None,
        date=date_event.date,
        representative=rep,
        n_reports=len(members),
        n_articles=len({r.event.article_id for r in members}),
        sources=tuple(sorted({r.source_key for r in members})),
        confidence=max(r.event.confidence for r in members),
        counts=counts,
        location=location,
        actor_name=actor.value if actor else None,
        recipient_name=recipient.value if recipient else None,
        conflicts=conflicts,
    )
