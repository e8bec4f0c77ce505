"""In-document event coreference: one real event, one output event.

Articles mention the same event several times ("the arrest of 15 ISIS
supporters ... they were arrested before ..."; "raided the house ... where
they arrested him").  This stage

1. resolves anaphoric actors and recipients ("he", "the 15 detainees", "the
   suspect") to the nearest earlier resolved participant within a few
   sentences, and
2. merges a later mention into an earlier event of the same type when their
   statuses are compatible (the stages of one plot: planned, threatened,
   attempted, foiled), they are close in the text, and nothing they say
   conflicts (participants, place, counts).  A raid merges into the arrest
   made in it.

The merged event keeps the more specific value of each field and the
strongest status of the plot.

Candidates below ``settings.min_confidence`` are cut here, before merging (a
weak candidate must not merge into, and so lend its fields to, a kept event),
and recorded as dropped with the reason.  This is the pipeline's one
confidence cut: a merged event's confidence is the higher of its mentions',
so nothing after this stage falls below it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from eventlens.model import Actor, Counts, Document, Event, Place
from eventlens.pipeline import Resources
from eventlens.settings import Settings
from eventlens.stages.base import Stage

PLOT = ("foiled", "attempted", "threatened", "planned")
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
        kept: list[Event] = []
        for ev in events:
            target = next(
                (i for i in range(len(kept) - 1, -1, -1) if self._same(kept[i], ev, words)),
                None,
            )
            if target is None:
                kept.append(ev)
            else:
                kept[target] = _combine(kept[target], ev, words.pronouns)
        return replace(doc, events=tuple(kept), dropped=(*doc.dropped, *cut))

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

    def _same(self, a: Event, b: Event, words: _Words) -> bool:
        if a.coded and b.coded:
            return _same_coded(a, b)
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
        if not _places_agree(a.location, b.location) or not _counts_agree(a.counts, b.counts):
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
        return _actors_agree(a.actor, b.actor) and _actors_agree(a.recipient, b.recipient)


def _same_coded(a: Event, b: Event) -> bool:
    """Two coded mentions are one event unless something they say sets them apart.

    The coder has decided what each mention is; mentions of one type whose status,
    place, date and participants do not conflict are one real event ("a suicide bomber
    struck the market ... the blast killed six ... the attack was claimed by").  Two
    bombings in two cities, or an attack dated years before, stay apart.
    """
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
    if not _places_agree(a.location, b.location) or not _dates_agree(a, b):
        return False
    if not _counts_agree(a.counts, b.counts):
        return False  # "18 killed in Monywa ... 2 killed in Mandalay": two events
    return _actors_agree(a.actor, b.actor) and _actors_agree(a.recipient, b.recipient)


def _dates_agree(a: Event, b: Event) -> bool:
    own = ("explicit", "relative")
    if a.date.source not in own or b.date.source not in own:
        return True
    va, vb = a.date.value or "", b.date.value or ""
    return va.startswith(vb) or vb.startswith(va)


def _actors_agree(a: Actor | None, b: Actor | None) -> bool:
    if a is None or b is None or a.sector is None or b.sector is None:
        return True
    if a.name and b.name and a.name == b.name:
        return True
    return a.sector == b.sector and (
        a.country is None or b.country is None or a.country == b.country
    )


def _places_agree(a: Place | None, b: Place | None) -> bool:
    if a is None or b is None or a.geonameid == b.geonameid:
        return True
    if a.country != b.country:
        return False
    return "country" in (a.feature, b.feature) or "admin1" in (a.feature, b.feature)


def _counts_agree(a: Counts, b: Counts) -> bool:
    da, db = a.to_dict(), b.to_dict()
    return all(da[k] is None or db[k] is None or da[k] == db[k] for k in da)


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


def _combine(a: Event, b: Event, pronouns: frozenset[str]) -> Event:
    """One event from two mentions; the arrest of a raid-and-arrest leads."""
    from eventlens.model import STATUSES

    if a.mode == "seize" and b.mode == "arrest":
        a, b = b, a

    order = {"foiled": 0, "attempted": 1, "threatened": 2, "planned": 3}
    status = a.status
    if a.status != b.status and a.status in order and b.status in order:
        status = min((a.status, b.status), key=lambda s: order[s])
    assert status in STATUSES
    mode = a.mode or b.mode
    if {a.mode, b.mode} == {"arrest", "seize"}:
        mode = "arrest"
    acled = (a.acled_event_type, a.acled_sub_event_type)
    specificity = max(a.specificity, b.specificity)
    if a.coded and b.coded and b.specificity > a.specificity:
        # the most specific mention ("a suicide bomber struck") types the event, not "the attack"
        acled = (b.acled_event_type, b.acled_sub_event_type)
        mode = b.mode or a.mode
    loc = a.location
    if loc is None or (b.location is not None and _rank(b.location) < _rank(loc)):
        loc = b.location
    date = a.date
    if date.source in ("publication", "unknown") and b.date.source in ("explicit", "relative"):
        date = b.date
    ca, cb = a.counts.to_dict(), b.counts.to_dict()
    counts = Counts(**{k: ca[k] if ca[k] is not None else cb[k] for k in ca})
    return replace(
        a,
        mode=mode,
        status=status,
        acled_event_type=acled[0],
        acled_sub_event_type=acled[1],
        specificity=specificity,
        actor=_richer(a.actor, b.actor, pronouns),
        recipient=_richer(a.recipient, b.recipient, pronouns),
        location=loc,
        date=date,
        counts=counts,
        confidence=max(a.confidence, b.confidence),
        sources=(*(a.sources or (a.evidence.sentence,)), b.evidence.sentence),
    )


def _rank(p: Place) -> int:
    return {"locality": 0, "city": 0, "admin2": 1, "admin1": 2, "country": 3}.get(
        p.feature or "", 4
    )


def make_merger(settings: Settings, resources: Resources) -> Merger:
    return Merger(settings, resources)
