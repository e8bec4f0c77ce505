"""Event locations: the place named in the event's own clause, then in its
sentence, then in its paragraph, then the article's dateline, then the
article's main place.

Within a sentence a place belongs to the event whose clause holds it (see
:mod:`eventlens.stages.scope`); a place another event owns is borrowed only when it
stands close to the trigger.  A place inside a news organisation's name ("the
Washington Post") is no place at all; a place used as an actor's adjective
("U.S.-led forces", "Lagos police") does not locate the event.  The dateline
("KABUL -") is where the report was filed: it places an event only when the
event's own words name no place.  State actors named without a country ("the
police") take the country of the event's place; armed forces do not, since
the text may not say whose they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from eventlens.actors import MediaWords
from eventlens.geo.names import name_key
from eventlens.model import Actor, Document, Event, Place, place_breadth
from eventlens.pipeline import Resources
from eventlens.settings import Settings
from eventlens.stages.base import Stage
from eventlens.stages.scope import by_sentence, clauses_of, owner_of
from eventlens.syntax import Token, token_at

BORROW_TOKENS = 15
MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "poss"})
REGION_FEATURES = frozenset({"admin1", "admin2"})
TOWN_SHARE = 0.2
"""A bare region name stands for its same-named town when the town holds at
least this share of the region's people (Kano, Nara; not Quebec)."""


def in_news_outlet(doc: Document, p: Place, mw: MediaWords) -> bool:
    """Is this place part of a news organisation's name ("the Washington Post",
    "Kabul Times", "New York Daily News")?"""
    if doc.nlp is None:
        return False
    tok = token_at(doc.nlp, p.start)
    if tok is None:
        return False
    ent = next((e for e in doc.nlp.ents if e.start <= tok.i < e.end), None)
    if ent is not None and ent.label_ == "ORG" and ent.end_char > p.end:
        tail = [t.lower_ for t in doc.nlp[ent.start : ent.end] if t.idx >= p.end]
        if any(w in mw.outlet_words for w in tail):
            return True
    after = doc.text[p.end : p.end + 40]
    prefixes = "|".join(rf"{re.escape(w)}\s+" for w in mw.outlet_prefixes)
    m = re.match(rf"\s+(?:{prefixes})?([A-Z][a-z]+)", after)
    word = m.group(1).lower() if m else None
    return word is not None and word in mw.outlet_words and word not in mw.not_outlet_after_place


def _in_trigger(doc: Document, tok: Token) -> bool:
    return any(ev.trigger and ev.trigger[0] <= tok.idx < ev.trigger[1] for ev in doc.events)


def actor_adjective(doc: Document, p: Place, mw: MediaWords, event_nouns: frozenset[str]) -> bool:
    """Is this place an adjective of an actor rather than where the event was:
    "U.S.-led coalition", "Kabul-based group", "Lagos police", "Turkish troops"?
    A place qualifying a place ("Nuristan province") or an event ("the Kenya
    riots", "the Mosul bombing") locates it."""
    m = re.match(r"[-\u2013]([a-z]+)", doc.text[p.end : p.end + 20])
    if m and m.group(1) in mw.actor_suffixes:
        return True
    if doc.nlp is None:
        return False
    last = token_at(doc.nlp, max(p.start, p.end - 1))
    if last is None:
        return False
    head: Token = last.head
    if last.dep_ in MODIFIER_DEPS and head.i != last.i and head.pos_ in ("NOUN", "PROPN"):
        if head.idx < p.end:
            return False  # the head is part of the place's own name
        words = {head.lemma_.lower(), head.lower_}
        return not (words & mw.place_heads or words & event_nouns or _in_trigger(doc, head))
    return False


class PlaceUse:
    """What a place mention is to the events of its sentence (:func:`place_use`)."""

    EVENT = "event"  # may be where an event happened
    DATELINE = "dateline"  # where the report was filed
    ADJECTIVE = "adjective"  # qualifies an actor ("Lagos police", "U.S.-led")
    ACTOR = "actor"  # a country acting ("trained by the United States", "Rwanda denied")
    BORDER = "border"  # names a border ("near the border with Niger", "the Uganda border")
    ELSEWHERE = "elsewhere"  # where people went or came from ("fled to Chad")
    REPORT = "report"  # where the news was given ("told reporters in Geneva")
    NONE = "none"  # no place: a news outlet's name, a person's name


@dataclass(frozen=True)
class PlaceReader:
    """The word lists :func:`place_use` reads, from the media and places sections."""

    mw: MediaWords
    elsewhere: re.Pattern[str]
    border_after: re.Pattern[str]
    report_heads: frozenset[str]
    event_nouns: frozenset[str]
    actor_verbs: frozenset[str]
    locatives: frozenset[str]
    region_words: frozenset[str]

    @classmethod
    def of(cls, resources: Resources) -> PlaceReader:
        k = resources.knowledge
        pw = k.places
        before = pw.alternation(pw.words("elsewhere_before"))
        return cls(
            mw=k.media,
            elsewhere=re.compile(rf"\b(?:{before})\s+(?:the\s+)?$", re.IGNORECASE),
            border_after=re.compile(
                rf"^[-\u2013]?\s*(?:{pw.alternation(pw.words('border_after'))})\b", re.IGNORECASE
            ),
            report_heads=frozenset(w.lower() for w in pw.words("report_heads")),
            event_nouns=frozenset(w.lower() for w in pw.words("event_nouns"))
            | k.actor_words.event_heads,
            actor_verbs=frozenset(w.lower() for w in pw.words("actor_verbs")),
            locatives=frozenset(w.lower() for w in pw.words("locatives")),
            region_words=frozenset(w.lower() for w in pw.types("admin")),
        )


def person_words(doc: Document) -> frozenset[str]:
    """The words of the people's names of several words ("Tarek Saab"): the same
    word alone later ("said Saab") is that person, not a place."""
    if doc.nlp is None:
        return frozenset()
    return frozenset(t.text for e in doc.nlp.ents if e.label_ == "PERSON" and len(e) > 1 for t in e)


def place_use(doc: Document, p: Place, r: PlaceReader, persons: frozenset[str]) -> str:
    """What this place mention is: where an event may be, or something else."""
    line = doc.dateline
    if not p.resolved or in_news_outlet(doc, p, r.mw):
        return PlaceUse.NONE
    if line is not None and line.place_start <= p.start < line.place_end:
        return PlaceUse.DATELINE
    before = doc.text[max(0, p.start - 40) : p.start]
    prev = before.split()[-1].lower() if before.split() else ""
    if p.text in persons and prev not in r.locatives:
        return PlaceUse.NONE
    gone = r.elsewhere.search(before)
    if gone:
        return PlaceUse.BORDER if "border" in gone.group(0).lower() else PlaceUse.ELSEWHERE
    if p.feature == "country" and r.border_after.match(doc.text[p.end : p.end + 20]):
        return PlaceUse.BORDER
    tok = token_at(doc.nlp, max(p.start, p.end - 1)) if doc.nlp is not None else None
    if tok is not None:
        if tok.dep_ == "pobj" and tok.head.head.lemma_.lower() in r.report_heads:
            return PlaceUse.REPORT
        if p.feature == "country" and _acts(tok, r):
            return PlaceUse.ACTOR
    if actor_adjective(doc, p, r.mw, r.event_nouns):
        return PlaceUse.ADJECTIVE
    return PlaceUse.EVENT


def _acts(tok: Token, r: PlaceReader) -> bool:
    """A country as an agent: "trained by the United States", "Rwanda denied"."""
    if tok.dep_ == "pobj" and tok.head.dep_ == "agent":
        return True
    return tok.dep_ == "nsubj" and tok.head.lemma_.lower() in r.actor_verbs


def headline_sentences(doc: Document, paragraph: list[int]) -> frozenset[int]:
    """The sentences of the headline lines that open an article: the leading
    paragraphs of one sentence that ends without a full stop."""
    out: set[int] = set()
    for s in doc.sentences:
        alone = sum(1 for p in paragraph if p == paragraph[s.index]) == 1
        if not alone or s.text.rstrip().endswith((".", "?", "!", '"', "\u201d", "'")):
            break
        out.add(s.index)
    if len(out) == len(doc.sentences):
        return frozenset()  # a text of one line has no headline
    return frozenset(out)


def _lead_place(
    headlines: frozenset[int], paragraph: list[int], in_sentence: dict[int, list[Place]]
) -> Place | None:
    """The place of the lead, the paragraph after the headline: a headline's event
    is the lead's (its first sentence naming a place)."""
    if not headlines:
        return None
    lead = max(headlines) + 1
    for si in sorted(in_sentence):
        if si >= lead and paragraph[si] == paragraph[lead]:
            places = in_sentence[si]
            return _best(places, places[0].start)
    return None


def _best(places: list[Place], near: int) -> Place | None:
    if not places:
        return None
    return min(places, key=lambda p: (place_breadth(p.feature), abs(p.start - near)))


def main_place(places: list[Place]) -> Place | None:
    """The article's main place: the one named most often, finer first, earlier first.
    Mentions of one name in one country count as one place ("Nara" the city and
    "Nara" the prefecture), whose finest reading stands for them."""
    if not places:
        return None
    same: dict[tuple[str, str | None], int | None] = {}
    groups: dict[int | None, list[Place]] = {}
    for p in places:
        key = same.setdefault((p.text.lower(), p.country), p.geonameid)
        groups.setdefault(key, []).append(p)
    best = {k: min(g, key=lambda p: (place_breadth(p.feature), p.start)) for k, g in groups.items()}
    top = min(
        groups,
        key=lambda k: (
            -len(groups[k]),
            place_breadth(best[k].feature),
            min(p.start for p in groups[k]),
        ),
    )
    return best[top]


class Locator(Stage):
    name = "eventlens.locate.v1"
    requires: tuple[str, ...] = ("nlp", "dateline", "events", "places", "scopes")
    provides: tuple[str, ...] = ("locations",)

    def __call__(self, doc: Document) -> Document:
        if not doc.events or doc.nlp is None:
            return doc
        reader = PlaceReader.of(self.resources)
        persons = person_words(doc)
        by_use: dict[str, list[Place]] = {}
        for p in doc.places:
            by_use.setdefault(place_use(doc, p, reader, persons), []).append(p)
        usable = by_use.get(PlaceUse.EVENT, [])
        on_dateline = by_use.get(PlaceUse.DATELINE, [])
        qualifiers = by_use.get(PlaceUse.ADJECTIVE, []) + by_use.get(PlaceUse.ACTOR, [])
        in_sentence: dict[int, list[Place]] = {}
        for p in usable:
            s = doc.sentence_at(p.start)
            if s is not None:
                in_sentence.setdefault(s.index, []).append(p)
        clauses = clauses_of(doc, self.name)
        paragraph = list(clauses.paragraph)
        dateline_place = _best(on_dateline, 0)
        headlines = headline_sentences(doc, paragraph)
        lead_place = _lead_place(headlines, paragraph, in_sentence)
        article_place = (
            main_place(usable) or _best(qualifiers, 0) or _best(by_use.get(PlaceUse.BORDER, []), 0)
        )
        located: dict[int, Place | None] = {}
        for si, idxs in by_sentence(doc.events).items():
            places = in_sentence.get(si, [])
            clause_map = clauses.clause_map(idxs) if places else {}
            owner: dict[int, int | None] = {}
            for j, p in enumerate(places):
                tok = token_at(doc.nlp, p.start)
                owner[j] = owner_of(tok, clause_map) if tok is not None else None
            for local, k in enumerate(idxs):
                ev = doc.events[k]
                at = ev.trigger[0] if ev.trigger else ev.evidence.start
                own = [p for j, p in enumerate(places) if owner[j] == local]
                shared = [p for j, p in enumerate(places) if owner[j] is None]
                near = [
                    p
                    for j, p in enumerate(places)
                    if owner[j] not in (None, local)
                    and _token_distance(doc, p.start, at) <= BORROW_TOKENS
                ]
                located[k] = (
                    _best(own, at)
                    or _best(shared, at)
                    or _best(near, at)
                    or self._paragraph_place(si, paragraph, in_sentence)
                    or (lead_place if si in headlines else None)
                    or dateline_place
                    or article_place
                )
        events = []
        for k, ev in enumerate(doc.events):
            loc = located.get(k)
            events.append(self._with_place(ev, self._town_for(doc, loc, reader)))
        ew = self.resources.knowledge.event_words
        events = [where_force_serves(ev, doc.places, ew.local_force_sectors) for ev in events]
        return replace(doc, events=tuple(where_stopped(events, ew.stopping_modes)))

    def _paragraph_place(
        self, si: int, paragraph: list[int], in_sentence: dict[int, list[Place]]
    ) -> Place | None:
        """The place of the nearest sentence of the same paragraph, earlier first."""
        others = [s for s in in_sentence if s != si and paragraph[s] == paragraph[si]]
        if not others:
            return None
        best = min(others, key=lambda s: (abs(s - si), s > si))
        places = in_sentence[best]
        edge = places[-1].start if best < si else places[0].start
        return _best(places, edge)

    def _town_for(self, doc: Document, p: Place | None, r: PlaceReader) -> Place | None:
        """A region named bare ("in Kano", "in Nara") that shares its name with a
        town inside it stands for the town, as news uses it; "Kano State", "the
        state of Kano" stay the region."""
        if p is None or p.feature not in REGION_FEATURES or not p.country:
            return p
        around = (
            f"{doc.text[max(0, p.start - 12) : p.start]} {p.text} {doc.text[p.end : p.end + 15]}"
        )
        if any(w.strip(".,;:()").lower() in r.region_words for w in around.split()):
            return p
        found = self.resources.gazetteer.lookup(p.text)
        key = name_key(p.text)
        towns = [
            c
            for c in found
            if c.feature == "city"
            and c.country == p.country
            and c.admin1 in (p.admin1, p.name)
            and name_key(c.name).startswith(key)
        ]
        own = next((c for c in found if c.geonameid == p.geonameid), None)
        if not towns or own is None or towns[0].population < TOWN_SHARE * own.population:
            return p
        c = towns[0]
        return replace(
            p,
            geonameid=c.geonameid,
            name=c.name,
            lat=c.lat,
            lon=c.lon,
            feature="city",
            admin1=c.admin1,
        )

    def _with_place(self, ev: Event, place: Place | None) -> Event:
        if place is None:
            return ev
        states = self.resources.actors.state_sectors
        actor, recipient = ev.actor, ev.recipient

        def fill(a: Actor | None) -> Actor | None:
            if a is None or a.country is not None or a.sector not in states or not place.country:
                return a
            if a.sector in self.resources.actors.forces_sectors:
                return a  # whose forces they are is for the text to say, not the place
            words = a.text.lower().replace("’", "'").split()
            if any(w.strip(".,'\"") in self.resources.actors.foreign_missions for w in words):
                return a
            a2 = replace(a, country=place.country)
            if a.name is None or a.name == self.resources.actors.label(a.sector, None):
                a2 = replace(a2, name=self.resources.actors.label(a.sector, place.country))
            return a2

        return replace(ev, location=place, actor=fill(actor), recipient=fill(recipient))


def where_force_serves(ev: Event, places: tuple[Place, ...], sectors: frozenset[str]) -> Event:
    """An event placed no finer than a country, whose actor is a local force (a sector of
    ``sectors``) named by a finer place of that country inside the actor's own words
    ("the Istanbul Security Directorate arrested"), takes that place."""
    a, loc = ev.actor, ev.location
    if a is None or a.sector not in sectors or a.start is None or a.end is None:
        return ev
    if loc is not None and loc.feature != "country":
        return ev
    inside = [
        p
        for p in places
        if a.start <= p.start
        and p.end <= a.end
        and p.resolved
        and p.feature not in (None, "country")
        and (loc is None or p.country == loc.country)
    ]
    return replace(ev, location=inside[0]) if len(inside) == 1 else ev


def where_stopped(events: list[Event], stopping: frozenset[str]) -> list[Event]:
    """A foiled plot placed no finer than a country takes the finer place, in that
    country, of the arrest or seizure (COERCE, a mode of ``stopping``) that occurred in
    its sentence or the one next to it, the nearest first."""
    out = []
    for ev in events:
        loc = ev.location
        if ev.status == "foiled" and (loc is None or loc.feature == "country"):
            stops = [
                a
                for a in events
                if a.event_type == "COERCE"
                and a.mode in stopping
                and a.status == "occurred"
                and abs(a.evidence.sentence - ev.evidence.sentence) <= 1
                and a.location is not None
                and a.location.feature not in (None, "country")
                and (loc is None or a.location.country == loc.country)
            ]
            if stops:
                stop = min(stops, key=lambda a: abs(a.evidence.start - ev.evidence.start))
                ev = replace(ev, location=stop.location)
        out.append(ev)
    return out


def _token_distance(doc: Document, a: int, b: int) -> int:
    ta, tb = token_at(doc.nlp, a), token_at(doc.nlp, b)
    if ta is None or tb is None:
        return 10**6
    return int(abs(ta.i - tb.i))


def make_locator(settings: Settings, resources: Resources) -> Locator:
    return Locator(settings, resources)
