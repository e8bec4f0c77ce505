"""Event locations: the resolved place of the event's own sentence, else of
the nearest sentence that names one.

Within a sentence a place belongs to the event whose clause holds it (see
:mod:`eventlens.scope`); a place another event owns is borrowed only when it
stands close to the trigger.  State actors named without a country ("the
police", "gendarmerie teams") take the country of the event's place.
"""

from __future__ import annotations

from dataclasses import replace

from eventlens.model import Actor, Document, Event, Place
from eventlens.pipeline import Resources
from eventlens.scope import by_sentence, owner_of, owners
from eventlens.settings import Settings
from eventlens.syntax import token_at

FEATURE_RANK = {"locality": 0, "city": 0, "admin2": 1, "admin1": 2, "country": 3, None: 4}
BORROW_TOKENS = 15


def _best(places: list[Place], near: int) -> Place | None:
    if not places:
        return None
    return min(places, key=lambda p: (FEATURE_RANK.get(p.feature, 4), abs(p.start - near)))


class Locator:
    name = "eventlens.locate.v1"
    requires: tuple[str, ...] = ("nlp", "events", "places")
    provides: tuple[str, ...] = ("locations",)

    def __init__(self, settings: Settings, resources: Resources) -> None:
        self.settings = settings
        self.resources = resources

    def __call__(self, doc: Document) -> Document:
        if not doc.events or doc.nlp is None:
            return doc
        lex = self.resources.lexicon
        sents = list(doc.nlp.sents)
        resolved = [p for p in doc.places if p.resolved]
        in_sentence: dict[int, list[Place]] = {}
        for p in resolved:
            s = doc.sentence_at(p.start)
            if s is not None:
                in_sentence.setdefault(s.index, []).append(p)
        located: dict[int, Place | None] = {}
        for si, idxs in by_sentence(doc.events).items():
            places = in_sentence.get(si, [])
            evs = [doc.events[k] for k in idxs]
            clause_map = owners(sents[si], evs, lex) if places else {}
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
                    or self._nearest_sentence(si, in_sentence)
                )
        events = []
        for k, ev in enumerate(doc.events):
            loc = located.get(k)
            events.append(self._with_place(ev, loc))
        return replace(doc, events=tuple(events))

    def _nearest_sentence(self, si: int, in_sentence: dict[int, list[Place]]) -> Place | None:
        others = [s for s in in_sentence if s != si]
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
