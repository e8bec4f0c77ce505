"""The rules of in-document event coreference: are two coded mentions one real event?

Mentions of one event are spread over an article: the headline ("18 killed in
gunmen attack"), the lead ("were killed late Tuesday in an attack on ..."), a
toll sentence ("the blast also wounded ..."), a back reference ("the attack was
claimed by ...").  The coder has decided what each mention is; two mentions of
one type are one event unless something they say sets them apart:

- a status outside one plot (an attack that occurred and one that was only warned of);
- places that cannot both hold (two towns far apart, two countries);
- dates that cannot both hold (two days the mentions' own sentences name; a date
  a mention only inherits, from its paragraph, the lead, the dateline or the
  publication, sets nothing apart);
- tolls that differ ("five killed in one town ... two killed in another");
- attackers named apart (two named groups);
- a word that marks a new event ("another attack", "a separate bombing").

Nothing here sums or copies a count: the merged event takes each count from the
one mention that states it (:func:`combine`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from eventlens.geo.distance import haversine_km
from eventlens.model import (
    DATE_FROM,
    PRECISION_RANK,
    STATUSES,
    Actor,
    Counts,
    Event,
    EventDate,
    Place,
    place_breadth,
)

PLOT = ("foiled", "attempted", "threatened", "planned")

NEAR_KM = 20.0
"""Two towns or villages this close may be one event's place named two ways ("in X",
"near X", a village of X)."""
DISTRICT_KM = 100.0
"""A district (admin2) holds the places within this distance of its centre."""

_WORD = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True, slots=True)
class Cues:
    """What the rules read of the document besides the events."""

    text: str
    new_event: frozenset[str]
    """Words before a trigger that make it a new event ("another attack")."""
    tolls: frozenset[tuple[int, int]] = frozenset()
    """Trigger spans that are a toll's verb or noun ("were killed", "the wounded")."""


def toll_triggers(
    doc: Any, events: Iterable[Event], harm: frozenset[str]
) -> frozenset[tuple[int, int]]:
    """The triggers (of ``events``) whose lemma is a word of killing or wounding."""
    if doc is None:
        return frozenset()
    out = set()
    for ev in events:
        if ev.trigger is None:
            continue
        span = doc.char_span(*ev.trigger, alignment_mode="expand")
        if span is not None and any(t.lemma_.lower() in harm for t in span):
            out.add(ev.trigger)
    return frozenset(out)


def same_event(a: Event, b: Event, cues: Cues) -> bool:
    """Are two coded mentions (``a`` before ``b``) one real event?"""
    if a.event_type != b.event_type:
        return False
    # a strike and a march, an arrest and a curfew: modes set apart all but attacks,
    # whose mentions name them by weapon or by effect ("the blast", "the shooting")
    raid_arrest = {a.mode, b.mode} == {"arrest", "seize"}
    differ = None not in (a.mode, b.mode) and a.mode != b.mode
    if a.event_type != "ASSAULT" and differ and not raid_arrest:
        return False
    plot = a.status in PLOT and b.status in PLOT
    if a.status != b.status and not plot:
        return False
    other_sentence = a.evidence.sentence != b.evidence.sentence
    if other_sentence and marks_new_event(b, cues.new_event, cues.text):
        return False
    if not places_agree(a.location, b.location):
        return False
    # a plot's mentions date its stages (planned for Sunday, foiled on Monday)
    if not plot and not dates_agree(a, b):
        return False
    if not counts_agree(a.counts, b.counts) and not other_sides_toll(a, b, cues.tolls):
        return False  # "18 killed in one town ... 2 killed in another": two events
    if other_sentence and summary_and_incident(a, b, cues.tolls):
        return False
    return participants_agree(a, b, cues.tolls)


def other_sides_toll(a: Event, b: Event, tolls: frozenset[tuple[int, int]]) -> bool:
    """Is ``b`` the toll of the other side of ``a``, told right after it?

    "Two soldiers were killed in a clash with militants ... Five militants were also
    killed": a toll sentence with no actor of its own, a sentence or two after the event,
    whose dead are of another side than the event's.  It is the same clash; the event
    keeps its own toll (a count is never summed).
    """
    if b.actor is not None or b.trigger not in tolls:
        return False
    last = max((*a.sources, a.evidence.sentence))
    if not 0 < b.evidence.sentence - last <= 2:
        return False
    x, y = a.recipient, b.recipient
    return (
        x is not None
        and y is not None
        and x.sector is not None
        and y.sector is not None
        and x.sector != y.sector
    )


def summary_and_incident(a: Event, b: Event, tolls: frozenset[tuple[int, int]]) -> bool:
    """Is one mention a country's (or region's) toll and the other one town's incident?

    "Security forces killed 18 people across the country ... in the town of X, five
    were killed": a broad place with a toll takes a town's mention only when the town's
    mention repeats the whole toll ("a car bomb killed five in Iraq ... the car bomb
    in X killed five").  A town's mention that tells no toll ("the attack on X") is
    no incident of its own.
    """
    if a.location is None or b.location is None:
        return False
    broad, narrow = (a, b) if rank(a.location) > rank(b.location) else (b, a)
    assert broad.location is not None and narrow.location is not None
    if broad.location.feature not in ("country", "admin1") or rank(narrow.location) > 1:
        return False
    told = {k: v for k, v in broad.counts.to_dict().items() if v is not None}
    said = narrow.counts.to_dict()
    if not told or (narrow.trigger not in tolls and not any(said.values())):
        return False
    return any(said[k] != v for k, v in told.items())


def marks_new_event(ev: Event, distinct: frozenset[str], text: str) -> bool:
    """Does a word just before the trigger say this is a new event ("another attack")?"""
    if ev.trigger is None or not text:
        return False
    t0 = ev.trigger[0]
    start = max(ev.evidence.start, t0 - 40) if ev.evidence.start <= t0 else max(0, t0 - 40)
    before = text[start:t0]
    # only the trigger's own phrase: stop at a clause break
    before = re.split(r"[,;:.!?()\"“”]", before)[-1]
    words = [w.lower() for w in _WORD.findall(before)][-3:]
    return any(w in distinct for w in words)


INHERITED = frozenset({"paragraph", "lead", "dateline", "publication"})
"""Where a date comes from that the mention's own sentence does not give."""
_OWN_SOURCES = ("explicit", "relative")


def _from_rank(d: EventDate, date_from: str | None) -> int:
    """How direct a date is: 0 its own clause ... 6 the publication date, 7 unknown."""
    if date_from in DATE_FROM:
        return DATE_FROM.index(date_from)
    # not dated by the dates stage: the text's own date is its sentence's
    if d.source in _OWN_SOURCES:
        return DATE_FROM.index("sentence")
    return DATE_FROM.index("publication") if d.source == "publication" else len(DATE_FROM)


def _direct(d: EventDate, date_from: str | None) -> bool:
    """Does the mention's own sentence give the date (not its paragraph, lead, ...)?"""
    return d.value is not None and DATE_FROM[min(_from_rank(d, date_from), 6)] not in INHERITED


def dates_agree(a: Event, b: Event) -> bool:
    """Two dates the mentions' own sentences give conflict when neither holds the other;
    a date inherited from the paragraph, the lead, the dateline or the publication
    never does."""
    if not _direct(a.date, a.date_from) or not _direct(b.date, b.date_from):
        return True
    va, vb = a.date.value or "", b.date.value or ""
    return va.startswith(vb) or vb.startswith(va)


def named_apart(a: Event, b: Event) -> bool:
    """Do the two mentions name two different attackers ("the Front" and "the Army")?

    A name read in the wrong role (the victim named as the actor of "an assault on the
    army camp that killed eight") sets nothing apart: a name that is among the other
    mention's participants is the same participant.
    """
    x, y = a.actor, b.actor
    if x is None or y is None or not x.name or not y.name or x.name == y.name:
        return False
    names_a = {p.name for p in (a.actor, a.recipient) if p is not None and p.name}
    names_b = {p.name for p in (b.actor, b.recipient) if p is not None and p.name}
    return x.name not in names_b and y.name not in names_a


def actors_agree(a: Actor | None, b: Actor | None) -> bool:
    if a is None or b is None or a.sector is None or b.sector is None:
        return True
    if a.name and b.name and a.name == b.name:
        return True
    return a.sector == b.sector and (
        a.country is None or b.country is None or a.country == b.country
    )


def participants_agree(a: Event, b: Event, tolls: frozenset[tuple[int, int]] = frozenset()) -> bool:
    """Do the two mentions' participants allow one event?

    An attack's toll sentences name different victims ("killed five policemen ... three
    civilians were also wounded"), and a toll sentence's roles are often read the wrong
    way round ("an assault on the camp that killed eight" makes the camp the actor):
    so two attackers named apart set attacks apart, and their targets do unless one
    mention is a toll or one's target is the other's actor.  Other events need the
    same participants (in either order, when both mentions name both).
    """
    if a.event_type == "ASSAULT":
        if named_apart(a, b):
            return False
        if actors_agree(a.recipient, b.recipient):
            return True
        if a.trigger in tolls or b.trigger in tolls:
            return True
        return (a.actor is not None and actors_agree(a.actor, b.recipient)) or (
            b.actor is not None and actors_agree(a.recipient, b.actor)
        )
    if actors_agree(a.actor, b.actor) and actors_agree(a.recipient, b.recipient):
        return True
    # the same two participants, read the other way round (only when all four are known)
    four = (a.actor, a.recipient, b.actor, b.recipient)
    if any(p is None or p.sector is None for p in four):
        return False
    return actors_agree(a.actor, b.recipient) and actors_agree(a.recipient, b.actor)


def _km(a: Place, b: Place) -> float | None:
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    return haversine_km(a.lat, a.lon, b.lat, b.lon)


def places_agree(a: Place | None, b: Place | None) -> bool:
    """Can both places be where one event happened?

    A country holds its regions and towns; a region (admin1) holds a town that lies
    in it (or whose region is not known); a district (admin2) a town near its centre;
    two towns or villages are one place only when they are very close.
    """
    if a is None or b is None or (a.geonameid is not None and a.geonameid == b.geonameid):
        return True
    if a.country != b.country:
        return False
    broad, narrow = (a, b) if rank(a) >= rank(b) else (b, a)
    if broad.feature == "country":
        return True
    km = _km(a, b)
    if broad.feature == "admin1":
        if narrow.feature == "admin1":
            return False
        return (
            narrow.admin1 is None
            or broad.name is None
            or narrow.admin1 == broad.name
            or (km is not None and km <= DISTRICT_KM * 3)
        )
    if broad.feature == "admin2":
        return narrow.feature != "admin2" and km is not None and km <= DISTRICT_KM
    return km is not None and km <= NEAR_KM


def counts_agree(a: Counts, b: Counts) -> bool:
    da, db = a.to_dict(), b.to_dict()
    return all(da[k] is None or db[k] is None or da[k] == db[k] for k in da)


def rank(p: Place) -> int:
    """How broad a place is (:func:`eventlens.model.place_breadth`)."""
    return place_breadth(p.feature)


def better_date(
    a: EventDate, b: EventDate, from_a: str | None = None, from_b: str | None = None
) -> EventDate:
    """The merged date: the more direct source (:data:`eventlens.model.DATE_FROM`: own
    clause, sentence, related mention, paragraph, lead, dateline, publication), then
    the finer precision (a day beats a month); the first mention's on a tie."""
    return _better_date(a, b, from_a, from_b)[0]


def _better_date(
    a: EventDate, b: EventDate, from_a: str | None, from_b: str | None
) -> tuple[EventDate, str | None]:
    if a.value is None:
        # an undated mention ("since 1980") keeps its silence against the publication date
        return (b, from_b) if b.source in _OWN_SOURCES else (a, from_a)
    if b.value is None:
        return a, from_a

    def key(d: EventDate, f: str | None) -> tuple[int, int]:
        return _from_rank(d, f), PRECISION_RANK.get(d.precision, 4)

    return (b, from_b) if key(b, from_b) < key(a, from_a) else (a, from_a)


def better_place(a: Place | None, b: Place | None) -> Place | None:
    """The more specific place: a town beats its district, region or country."""
    if a is None or (b is not None and rank(b) < rank(a)):
        return b
    return a


def _richer(a: Actor | None, b: Actor | None, pronouns: frozenset[str]) -> Actor | None:
    if a is None:
        return b
    if b is None:
        return a
    score_a = (a.sector is not None) + (a.country is not None) + (a.name is not None)
    score_b = (b.sector is not None) + (b.country is not None) + (b.name is not None)
    if score_b != score_a:
        return b if score_b > score_a else a
    # same information: show the phrase that names them, not "them"
    return b if a.text.lower() in pronouns and b.text.lower() not in pronouns else a


def _same_phrase(x: Actor | None, y: Actor | None) -> bool:
    return x is not None and y is not None and x.text.strip().lower() == y.text.strip().lower()


def combine(
    a: Event, b: Event, pronouns: frozenset[str], tolls: frozenset[tuple[int, int]] = frozenset()
) -> Event:
    """One event from two mentions; the arrest of a raid-and-arrest leads.

    Each field takes the more specific value; a count comes from the one mention
    that states it (the first, should both), never a sum.  The victims a toll counts
    ("killed five officers") are the attack's recipient, before a phrase of the other
    mention ("the attack blamed on the group").
    """
    victims = (
        b.trigger in tolls
        and a.trigger not in tolls
        and b.recipient is not None
        and b.recipient.sector is not None
        and any(v is not None for v in (b.counts.killed, b.counts.injured))
    )
    recipient = b.recipient if victims else _richer(a.recipient, b.recipient, pronouns)
    actor = _richer(a.actor, b.actor, pronouns)
    if _same_phrase(actor, recipient):
        # one mention's actor is not the other's recipient ("the authorities arrested two
        # suspects ... handed them to the authorities"): the recipient that is not the actor
        other = a.recipient if recipient is b.recipient else b.recipient
        recipient = None if _same_phrase(actor, other) else other
    if a.mode == "seize" and b.mode == "arrest":
        a, b = b, a

    order = {"foiled": 0, "attempted": 1, "threatened": 2, "planned": 3}
    status = a.status
    if a.status != b.status and a.status in order and b.status in order:
        status = min((a.status, b.status), key=lambda s: order[s])
    assert status in STATUSES
    same_type = a.event_type == b.event_type
    # a back reference of another type ("the violence") takes the event's type and mode
    mode = a.mode or b.mode if same_type else a.mode
    if {a.mode, b.mode} == {"arrest", "seize"}:
        mode = "arrest"
    acled = (a.acled_event_type, a.acled_sub_event_type)
    specificity = max(a.specificity, b.specificity)
    if same_type and a.coded and b.coded and b.specificity > a.specificity:
        # the most specific mention ("a suicide bomber struck") types the event, not "the attack"
        acled = (b.acled_event_type, b.acled_sub_event_type)
        mode = b.mode or a.mode
    date, date_from = _better_date(a.date, b.date, a.date_from, b.date_from)
    ca, cb = a.counts.to_dict(), b.counts.to_dict()
    counts = Counts(**{k: ca[k] if ca[k] is not None else cb[k] for k in ca})
    return replace(
        a,
        mode=mode,
        status=status,
        acled_event_type=acled[0],
        acled_sub_event_type=acled[1],
        specificity=specificity,
        actor=actor,
        recipient=recipient,
        location=better_place(a.location, b.location),
        date=date,
        date_from=date_from,
        counts=counts,
        confidence=max(a.confidence, b.confidence),
        sources=(*(a.sources or (a.evidence.sentence,)), b.evidence.sentence),
    )
