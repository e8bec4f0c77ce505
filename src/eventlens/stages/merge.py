"""In-document event coreference: one real event, one output event.

Articles mention the same event several times ("the arrest of 15 ISIS
supporters ... they were arrested before ..."; "raided the house ... where
they arrested him").  This stage

1. resolves anaphoric actors and recipients ("he", "the 15 detainees", "the
   suspect") to the nearest earlier resolved participant within a few
   sentences,
2. merges a later mention into an earlier event of the same type when their
   statuses are compatible (the stages of one plot: planned, threatened,
   attempted, foiled), they are close in the text, and nothing they say
   conflicts (participants, place, counts).  A raid merges into the arrest
   made in it, and
3. gives the killed and injured numbers of a bare toll ("At least 19 others
   were wounded.") to the attack a few sentences before it, however the coder
   read the toll (:func:`lend_tolls`).

The merged event keeps the more specific value of each field and the
strongest status of the plot.

Candidates below ``settings.min_confidence`` are cut here, before merging (a
weak candidate must not merge into, and so lend its fields to, a kept event),
and recorded as dropped with the reason.  This is the pipeline's one
confidence cut: a merged event's confidence is the higher of its mentions',
so nothing after this stage falls below it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from eventlens.counts import NumberWords
from eventlens.model import Actor, Document, Event, Place, Sentence
from eventlens.pipeline import Resources
from eventlens.settings import Settings
from eventlens.stages.base import Stage
from eventlens.stages.coref import (
    PLOT,
    Cues,
    actors_agree,
    combine,
    counts_agree,
    dates_agree,
    participants_agree,
    places_agree,
    same_event,
    toll_triggers,
)
from eventlens.stages.words import EventWords

WINDOW = 4


@dataclass(frozen=True, slots=True)
class _Words:
    """The words coreference turns on: anaphors ("the suspects") and pronouns."""

    anaphors: frozenset[str]
    pronouns: frozenset[str]
    antecedent_sectors: Mapping[tuple[str, str], frozenset[str]]
    """Which antecedents an anaphoric participant may take, by event type and role."""

    def anaphoric(self, a: Actor | None) -> bool:
        """Does the phrase point back to someone named before ("he", "the suspects")?"""
        if a is None:
            return False
        return _head_word(a) in self.anaphors or a.text.lower() in self.pronouns


def _head_word(a: Actor) -> str:
    words = [w.strip(".,\"'“”’") for w in a.text.lower().split()]
    return words[-1] if words else ""


class Merger(Stage):
    name = "eventlens.merge.v1"
    requires: tuple[str, ...] = ("events",)
    provides: tuple[str, ...] = ("merged",)

    def __call__(self, doc: Document) -> Document:
        if len(doc.events) < 1:
            return doc
        words = _Words(
            self.resources.lexicon.status.anaphors,
            self.resources.knowledge.actor_words.pronouns,
            self.resources.knowledge.actor_tables.antecedent_sectors,
        )
        floor = self.settings.min_confidence
        events = sorted(
            (e for e in doc.events if e.confidence >= floor),
            key=lambda e: (e.evidence.sentence, e.trigger or (0, 0)),
        )
        cut = tuple(
            (e, f"confidence {e.confidence:.2f} below the cut {floor:g}")
            for e in doc.events
            if e.confidence < floor
        )
        events = self._resolve_anaphora(events, words)
        ew = self.resources.knowledge.event_words
        cues = Cues(
            doc.text,
            ew.new_event_words,
            toll_triggers(doc.nlp, events, ew.kill_words | ew.injure_words),
        )
        kept: list[Event] = []
        for ev in events:
            target = next(
                (i for i in range(len(kept) - 1, -1, -1) if self._same(kept[i], ev, words, cues)),
                None,
            )
            if target is None and back_reference(doc.nlp, ev, ew):
                # a place the reference only inherits (its paragraph's, the dateline's)
                # sets nothing apart and is not the event's
                own = replace(ev, location=own_place(ev))
                target = self._referent(kept, own, ew.back_reference_types, cues)
                ev = own if target is not None else ev
            if target is None:
                kept.append(ev)
            else:
                kept[target] = combine(kept[target], ev, words.pronouns, cues.tolls)
        # the weak: cut here for confidence, or dropped before as not of interest
        weak = [e for e, _ in (*doc.dropped, *cut)]
        toll_cues = TollCues(
            # the kept events' triggers are among those of ``events``, already read
            cues.tolls | toll_triggers(doc.nlp, weak, ew.kill_words | ew.injure_words),
            ew.new_event_words,
            self.resources.knowledge.numbers,
            self.resources.lexicon.non_violent_causes,
            doc.text,
            doc.sentences,
        )
        kept, absorbed = lend_tolls(kept, weak, toll_cues)
        return replace(doc, events=tuple(kept), dropped=(*doc.dropped, *cut, *absorbed))

    def _referent(
        self, kept: list[Event], ev: Event, types: frozenset[str], cues: Cues
    ) -> int | None:
        """The event a back reference names: the nearest earlier one of ``types``, a few
        sentences before, whose place, counts and participants it agrees with.  Its status
        is not checked: the reference's own ("fears the violence could spread") is not a
        new event's, and the merged event keeps the referent's."""
        if ev.event_type not in types:
            return None
        for i in range(len(kept) - 1, -1, -1):
            a = kept[i]
            last = max((*a.sources, a.evidence.sentence))
            if ev.evidence.sentence - last > WINDOW:
                continue
            if a.event_type not in types:
                continue
            if not places_agree(a.location, ev.location) or not counts_agree(a.counts, ev.counts):
                continue
            if participants_agree(a, ev, cues.tolls):
                return i
        return None

    # -- anaphora --------------------------------------------------------------------

    def _resolve_anaphora(self, events: list[Event], words: _Words) -> list[Event]:
        out: list[Event] = []
        for ev in events:
            actor, recipient = ev.actor, ev.recipient
            if actor is not None and actor.sector is None and words.anaphoric(actor):
                actor = self._antecedent(actor, out, ev, "actor", words)
            if recipient is not None and recipient.sector is None and words.anaphoric(recipient):
                recipient = self._antecedent(recipient, out, ev, "recipient", words)
            out.append(replace(ev, actor=actor, recipient=recipient))
        return out

    def _antecedent(
        self, a: Actor, earlier: list[Event], ev: Event, role: str, words: _Words
    ) -> Actor:
        allowed = words.antecedent_sectors.get((ev.event_type, role))
        for prev in reversed(earlier):
            if ev.evidence.sentence - prev.evidence.sentence > WINDOW:
                break
            same_role = (
                (prev.actor, prev.recipient) if role == "actor" else (prev.recipient, prev.actor)
            )
            for cand in same_role:
                if cand is None or cand.sector is None:
                    continue
                if allowed is not None and cand.sector not in allowed:
                    continue
                return replace(
                    a,
                    name=cand.name,
                    country=cand.country,
                    sector=cand.sector,
                    wikidata=cand.wikidata,
                )
        return a

    # -- coreference -----------------------------------------------------------------

    def _same(self, a: Event, b: Event, words: _Words, cues: Cues) -> bool:
        if a.coded and b.coded:
            return same_event(a, b, cues)
        if b.evidence.sentence - a.evidence.sentence > WINDOW:
            return False
        raid_arrest = a.event_type == b.event_type == "COERCE" and {a.mode, b.mode} == {
            "arrest",
            "seize",
        }
        if a.event_type != b.event_type or not (
            a.mode == b.mode or None in (a.mode, b.mode) or raid_arrest
        ):
            return False
        if (
            raid_arrest
            and a.evidence.sentence != b.evidence.sentence
            and ((a.actor if a.mode == "seize" else b.actor) is None)
        ):
            return False
        plot = a.status in PLOT and b.status in PLOT
        if a.status != b.status and not plot:
            return False
        if not places_agree(a.location, b.location) or not counts_agree(a.counts, b.counts):
            return False
        same_sentence = a.evidence.sentence == b.evidence.sentence
        # a later mention points back ("they were arrested") or adds nothing new
        second_mention = any(words.anaphoric(x) for x in (b.actor, b.recipient)) or (
            b.actor is None
            and b.recipient is None
            and b.evidence.sentence - a.evidence.sentence <= 1
        )
        if not (same_sentence or second_mention or raid_arrest):
            return False
        return actors_agree(a.actor, b.actor) and actors_agree(a.recipient, b.recipient)


TOLL_FIELDS = ("killed", "injured")
_WORDS = re.compile(r"[\w'-]+")


@dataclass(frozen=True, slots=True)
class TollCues:
    """What :func:`lend_tolls` reads: the triggers of the candidates that are tolls
    (a word of killing or wounding), the words that mark a new event, the number
    words, the causes of harm that are no attack, the text and its sentences."""

    tolls: frozenset[tuple[int, int]]
    new_event: frozenset[str]
    numbers: NumberWords
    causes: frozenset[str]
    """Harm from these is no attack's (a crash, a landslide)."""
    text: str
    sentences: tuple[Sentence, ...]

    def another_event(self, ev: Event) -> bool:
        """Does the toll's sentence speak of another event: a new-event word before
        its trigger ("in a separate attack"; "another 17" and "two other people"
        count more victims), or harm with no attacker (a crash, a landslide)?"""
        if ev.trigger is None:
            return False
        i = ev.evidence.sentence
        sent = self.sentences[i].text if 0 <= i < len(self.sentences) else ev.evidence.text
        own = _WORDS.findall(sent.lower())
        if any(w in self.causes or w.removesuffix("s") in self.causes for w in own):
            return True
        words = _WORDS.findall(self.text[ev.evidence.start : ev.trigger[0]].lower())
        for j, w in enumerate(words):
            if w not in self.new_event:
                continue
            near = words[max(0, j - 1) : j + 2]
            if not any(self.numbers.is_number_word(x) for x in near if x != w):
                return True
        return False


def lend_tolls(
    kept: list[Event], weak: list[Event], cues: TollCues
) -> tuple[list[Event], list[tuple[Event, str]]]:
    """Counts of bare tolls, given to the attack they count; the events kept, and
    the tolls taken out of them (each with the reason).

    A toll sentence after an attack ("At least 20 others were wounded.") names no
    actor and no weapon: the coder is unsure what it is, and codes it weakly (the
    confidence cut drops it), as some other type (a riot) or as no event of
    interest (a disaster).  Its killed and injured numbers belong to the nearest
    attack a few sentences before it.  Only counts the attack lacks are filled,
    only from a toll whose trigger is a word of killing or wounding, that names no
    actor of its own and no particular group of victims, speaks of no other event,
    names no other place and agrees with the attack's place, date, status and
    counts; its sentence joins the attack's sources.  A toll kept as another type
    is then taken out (one real event, one coded event); a weak one stays among
    the dropped.
    """
    out = list(kept)
    absorbed: list[tuple[Event, str]] = []
    other_type = [e for e in kept if e.event_type != "ASSAULT" and e.trigger in cues.tolls]
    for ev in sorted([*weak, *other_type], key=lambda e: e.evidence.sentence):
        if ev.trigger not in cues.tolls or ev.actor is not None or cues.another_event(ev):
            continue
        if ev.recipient is not None and named_group(ev.recipient.text):
            continue  # "six Mexican nationals were killed": a part of the toll
        i = _counted_attack(out, ev)
        if i is None:
            continue
        a = out[i]
        have, counts = a.counts.to_dict(), ev.counts.to_dict()
        filled = {k: counts[k] for k in TOLL_FIELDS if have[k] is None and counts[k] is not None}
        if filled:
            sources = (*(a.sources or (a.evidence.sentence,)), ev.evidence.sentence)
            out[i] = replace(a, counts=replace(a.counts, **filled), sources=sources)
        if any(e is ev for e in out):
            out = [e for e in out if e is not ev]
            absorbed.append((ev, f"a toll of the attack before it (event {a.id})"))
    return out, absorbed


def _counted_attack(events: list[Event], toll: Event) -> int | None:
    """The attack a bare toll counts: the nearest earlier one, a few sentences
    before, when its place, status and counts agree with the toll's."""
    counts = toll.counts.to_dict()
    if all(counts[k] is None for k in TOLL_FIELDS):
        return None
    for i in range(len(events) - 1, -1, -1):
        a = events[i]
        if a is toll or a.event_type != "ASSAULT" or a.evidence.sentence > toll.evidence.sentence:
            continue
        if toll.evidence.sentence - max((*a.sources, a.evidence.sentence)) > WINDOW:
            return None
        if (
            a.status != toll.status
            or not places_agree(a.location, toll.location)
            or not _same_place(a.location, own_place(toll))
            or not dates_agree(a, toll)
        ):
            return None  # the nearest attack decides: a toll is not passed further back
        have = a.counts.to_dict()
        if any(None not in (have[k], counts[k]) and have[k] != counts[k] for k in TOLL_FIELDS):
            return None  # a toll that disagrees counts another attack
        return i
    return None


def named_group(text: str) -> bool:
    """Victims named by a proper word after the first ("six Mexican nationals",
    "two Red Cross workers"): a part of an attack's toll, not the whole of it."""
    words = text.split()[1:]
    return any(w[:1].isupper() for w in words)


def _same_place(attack: Place | None, named: Place | None) -> bool:
    """A toll that names a place of its own ("two were killed in the north's biggest
    city") counts an attack there, not one placed anywhere else or nowhere."""
    if named is None:
        return True
    if attack is None:
        return False
    if None not in (attack.geonameid, named.geonameid):
        return attack.geonameid == named.geonameid
    return attack.text.casefold() == named.text.casefold()


def own_place(ev: Event) -> Place | None:
    """The event's place when its own evidence names it, else None (a place it inherits
    from its paragraph, the lead or the dateline)."""
    loc = ev.location
    if loc is None or not ev.evidence.start <= loc.start < ev.evidence.end:
        return None
    return loc


def back_reference(nlp: Any, ev: Event, words: EventWords) -> bool:
    """Is the trigger a general event noun that points back ("the violence", "Monday's
    fighting"): a definite determiner or a day's possessive, and no number of its own?"""
    if nlp is None or ev.trigger is None:
        return False
    span = nlp.char_span(*ev.trigger, alignment_mode="expand")
    if span is None:
        return False
    head = span.root
    if head.pos_ not in ("NOUN", "PROPN") or head.lemma_.lower() not in words.back_reference_nouns:
        return False
    kids = list(head.children)
    if any(k.dep_ == "nummod" or k.lower_ in words.new_event_words for k in kids):
        return False
    return any(
        k.dep_ in ("det", "poss") and k.lower_ in words.back_reference_determiners for k in kids
    )


def make_merger(settings: Settings, resources: Resources) -> Merger:
    return Merger(settings, resources)
