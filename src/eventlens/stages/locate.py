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
from collections import Counter
from dataclasses import replace

from eventlens.actors import MediaWords
from eventlens.model import Actor, Document, Event, Place
from eventlens.pipeline import Resources
from eventlens.settings import Settings
from eventlens.stages.base import Stage
from eventlens.stages.scope import by_sentence, clauses_of, owner_of
from eventlens.syntax import Token, token_at

FEATURE_RANK = {"locality": 0, "city": 0, "admin2": 1, "admin1": 2, "country": 3, None: 4}
BORROW_TOKENS = 15
MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "poss"})


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


def actor_adjective(doc: Document, p: Place, mw: MediaWords) -> bool:
    """Is this place an adjective of an actor rather than where the event was:
    "U.S.-led coalition", "Kabul-based group", "Lagos police", "Turkish troops"?"""
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
        return head.lemma_.lower() not in mw.place_heads and head.lower_ not in mw.place_heads
    return False


def _best(places: list[Place], near: int) -> Place | None:
    if not places:
        return None
    return min(places, key=lambda p: (FEATURE_RANK.get(p.feature, 4), abs(p.start - near)))


def main_place(places: list[Place]) -> Place | None:
    """The article's main place: the one named most often, finer first, earlier first."""
    if not places:
        return None
    key = [(p.geonameid, p.name, p.country) for p in places]
    counts = Counter(key)
    best = min(
        range(len(places)),
        key=lambda i: (-counts[key[i]], FEATURE_RANK.get(places[i].feature, 4), places[i].start),
    )
    return places[best]


class Locator(Stage):
    name = "eventlens.locate.v1"
    requires: tuple[str, ...] = ("nlp", "dateline", "events", "places", "scopes")
    provides: tuple[str, ...] = ("locations",)

    def __call__(self, doc: Document) -> Document:
        if not doc.events or doc.nlp is None:
            return doc
        mw = self.resources.knowledge.media
        line = doc.dateline
        usable: list[Place] = []
        adjectives: list[Place] = []
        on_dateline: list[Place] = []
        for p in doc.places:
            if not p.resolved or in_news_outlet(doc, p, mw):
                continue
            if line is not None and line.place_start <= p.start < line.place_end:
                on_dateline.append(p)
            elif actor_adjective(doc, p, mw):
                adjectives.append(p)
            else:
                usable.append(p)
        in_sentence: dict[int, list[Place]] = {}
        for p in usable:
            s = doc.sentence_at(p.start)
            if s is not None:
                in_sentence.setdefault(s.index, []).append(p)
        clauses = clauses_of(doc, self.name)
        paragraph = list(clauses.paragraph)
        dateline_place = _best(on_dateline, 0)
        article_place = main_place(usable) or _best(adjectives, 0)
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
                    or dateline_place
                    or article_place
                )
        events = []
        for k, ev in enumerate(doc.events):
            loc = located.get(k)
            events.append(self._with_place(ev, loc))
        return replace(doc, events=tuple(events))

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


def _token_distance(doc: Document, a: int, b: int) -> int:
    ta, tb = token_at(doc.nlp, a), token_at(doc.nlp, b)
    if ta is None or tb is None:
        return 10**6
    return int(abs(ta.i - tb.i))


def make_locator(settings: Settings, resources: Resources) -> Locator:
    return Locator(settings, resources)
