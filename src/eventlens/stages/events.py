"""Event detection: triggers, roles, status and counts, sentence by sentence.

For each sentence of the parsed text:

1. **Triggers** (:mod:`eventlens.stages.triggers`): words from the trigger
   lexicon (``data/triggers.yaml``) as verbs, nouns, verb phrases, multiword
   nouns and modified neutral nouns; verbs that only carry another trigger are
   not events themselves.
2. **Roles** (:mod:`eventlens.stages.roles`): the actor and recipient from the
   dependency parse.
3. **Status** (:mod:`eventlens.stages.status`): cues on the chain of governing
   words (``data/status.yaml``); a threat or an offer stated as an intention.
4. **Counts** (:mod:`eventlens.stages.tolls`): numbers attached to the
   recipient (arrested), to killed/wounded words and to protesters.

Word lists come from ``data/event_words.yaml`` (the ``event_words`` section of
:class:`eventlens.knowledge.Knowledge`).  Actors are resolved (canonical name,
country, sector) by :mod:`eventlens.actors`; dates, locations, in-document
merging and the ontology mapping are later stages.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from eventlens.actors import ActorResolver, clean_span
from eventlens.knowledge.lexicon import Lexicon, TriggerSense
from eventlens.model import Actor, Counts, Document, Event, Evidence, Status, stable_id
from eventlens.pipeline import Resources
from eventlens.settings import Settings
from eventlens.stages.base import Stage
from eventlens.stages.roles import accidental, roles
from eventlens.stages.status import event_status
from eventlens.stages.tolls import Tolls
from eventlens.stages.triggers import Trigger, cooperative_intent, find_triggers, hostile_intent
from eventlens.stages.words import EventWords
from eventlens.syntax import Span, Token, char_span, heads, is_under, phrase_tokens

log = logging.getLogger(__name__)

# entity labels of a date or an amount, which is never a participant
NOT_PARTICIPANTS = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL"})
EVIDENCE_MIN_CHARS = 25
EVIDENCE_MAX_TOKENS = 20


class EventFinder(Stage):
    name = "eventlens.events.v1"
    requires: tuple[str, ...] = ("nlp", "sentences", "dateline", "places")
    provides: tuple[str, ...] = ("events",)

    def warm_up(self) -> None:
        k = self.resources.knowledge
        _ = self.resources.lexicon, self.resources.actors, k.event_words, k.numbers

    def __call__(self, doc: Document) -> Document:
        if doc.nlp is None:
            return doc
        lex = self.resources.lexicon
        ew = self.resources.knowledge.event_words
        finder = _Finder(
            lex, ew, self.resources.actors, Tolls(ew, self.resources.knowledge.numbers)
        )
        events: list[Event] = []
        for si, sent in enumerate(doc.nlp.sents):
            triggers = find_triggers(sent, lex, ew)
            for trig in triggers:
                ev = finder.event(doc, si, sent, trig, triggers)
                if ev is not None:
                    events.append(ev)
        return replace(doc, events=tuple(events))


@dataclass(frozen=True, slots=True)
class _Finder:
    """One document's event finding, with the tables it needs."""

    lex: Lexicon
    words: EventWords
    resolver: ActorResolver
    tolls: Tolls

    def event(
        self, doc: Document, si: int, sent: Span, trig: Trigger, all_triggers: list[Trigger]
    ) -> Event | None:
        """The event a trigger mentions, or None (harm done by an accident)."""
        lex, resolver = self.lex, self.resolver
        actor_tok, recipient_tok = roles(trig, lex, self.words)
        if trig.sense.event_type == "ASSAULT" and accidental(trig, actor_tok, lex, self.words):
            return None
        if actor_tok is not None and any(t.anchor.i == actor_tok.i for t in all_triggers):
            actor_tok = None  # "the shooting killed two": an event is not an actor
        # "demonstrated in Paris on Thursday": a date or an amount is not a participant
        if actor_tok is not None and actor_tok.ent_type_ in NOT_PARTICIPANTS:
            actor_tok = None
        if recipient_tok is not None and recipient_tok.ent_type_ in NOT_PARTICIPANTS:
            recipient_tok = None
        trig, status = self.status(trig, sent, all_triggers)
        others = frozenset(t.anchor.i for t in all_triggers if t.anchor.i != trig.anchor.i)
        actor = _resolve_role(resolver, actor_tok, doc, others | {trig.anchor.i}, False)
        if actor is not None:
            actor = resolver.with_role(actor, f"{trig.sense.event_type}/{trig.sense.mode}")
        recipient = _resolve_role(resolver, recipient_tok, doc, others | {trig.anchor.i}, True)
        counts = self.tolls.event_counts(trig, recipient_tok, sent, actor_tok, all_triggers)
        evidence = _evidence(doc, si, sent, trig, (actor_tok, recipient_tok), others)
        confidence = score(trig, self.words, actor, recipient, counts, status, sent, all_triggers)
        t0, t1 = char_span(trig.words)
        return Event(
            id=stable_id(doc.article.id, trig.sense.event_type, str(t0)),
            article_id=doc.article.id,
            event_type=trig.sense.event_type,
            mode=trig.sense.mode,
            status=status,
            evidence=evidence,
            confidence=confidence,
            actor=actor,
            recipient=recipient,
            counts=counts,
            trigger=(t0, t1),
        )

    def status(
        self, trig: Trigger, sent: Span, all_triggers: list[Trigger]
    ) -> tuple[Trigger, Status]:
        """The mention's status, and its trigger retyped where an intention makes a
        cooperative action an agreement or a refusal."""
        lex = self.lex
        status = event_status(trig, sent, lex, self.words, all_triggers)
        if (
            status in ("occurred", "hypothetical")
            and trig.sense.event_type in lex.status.hostile_types
            and hostile_intent(trig, lex)
        ):
            status = "threatened"
        elif trig.sense.event_type in lex.status.cooperative_types and cooperative_intent(
            trig, lex
        ):
            # "will not accept", "is not willing to withdraw": a refusal (PLOVER REJECT)
            kind = "REJECT" if status == "denied" else "AGREE"
            trig = Trigger(
                trig.anchor, trig.words, TriggerSense(kind, None, trig.sense.weight), trig.kind
            )
            status = "occurred"
        return trig, status


def _evidence(
    doc: Document,
    si: int,
    sent: Span,
    trig: Trigger,
    role_toks: tuple[Token | None, Token | None],
    others: frozenset[int],
) -> Evidence:
    """The mention's words and its participants' phrases in its sentence, widened to
    the mention's own subtree when that is too short to read."""
    evidence_toks: list[Token] = [*trig.words, trig.anchor]
    for t in role_toks:
        if t is not None and t.sent.start == sent.start:
            evidence_toks.extend(phrase_tokens(t, exclude=others))
    start, end = char_span(evidence_toks)
    if end - start < EVIDENCE_MIN_CHARS:  # too short to read: widen to the mention's own words
        nested = [o for o in others if is_under(trig.anchor.doc[o], trig.anchor)]
        own = [
            t
            for t in trig.anchor.subtree
            if not any(t.i == o or is_under(t, t.doc[o]) for o in nested)
        ][:EVIDENCE_MAX_TOKENS]
        start, end = char_span([*own, *evidence_toks])
    start, end = clean_span(doc, start, end, trig.anchor.idx)
    return Evidence(doc.text[start:end], start, end, si)


def _resolve_role(
    resolver: ActorResolver,
    tok: Token | None,
    doc: Document,
    exclude: frozenset[int],
    recipient: bool,
) -> Actor | None:
    """The actor or recipient a role's phrase names, or None: never a number, an
    instrument, a news organisation or a pronoun without an antecedent."""
    if tok is None:
        return None
    head, toks, implied = resolver.actor_head(tok, recipient)
    if head is None:
        return None
    return resolver.resolve(head, doc, exclude, tokens=toks, implied=implied)


def make_event_finder(settings: Settings, resources: Resources) -> EventFinder:
    return EventFinder(settings, resources)


def score(
    trig: Trigger,
    ew: EventWords,
    actor: Actor | None,
    recipient: Actor | None,
    counts: Counts,
    status: Status,
    sent: Span,
    all_triggers: list[Trigger],
) -> float:
    """The mention's confidence: the trigger's weight, raised by what is known of it
    (participants, sectors, counts) and lowered for a bare noun, a hypothetical, a
    mention inside a speech act or a media noun."""
    c = trig.sense.weight
    has_args = actor is not None or recipient is not None
    has_count = any(v is not None for v in counts.to_dict().values())
    has_place = any(t.ent_type_ in ("GPE", "LOC", "FAC") for t in trig.anchor.subtree)
    if trig.kind == "noun" and not (has_args or has_count or has_place):
        c -= 0.35
    elif not has_args:
        c -= 0.1
    known = sum(1 for x in (actor, recipient) if x is not None and x.sector is not None)
    c += 0.05 * known
    if has_count:
        c += 0.05
    if status == "hypothetical":
        c = min(c - 0.25, 0.45)
    a = trig.anchor
    bare_plural = a.tag_ == "NNS" and not any(
        x.dep_ in ("det", "poss", "nummod") for x in a.children
    )
    if bare_plural and actor is None:
        c -= 0.15
    # a mention inside a speech act ("condemned the attack") is not the sentence's main event
    for h in heads(trig.anchor):
        if any(
            t.anchor.i == h.i and t.sense.event_type in ew.speech_act_types for t in all_triggers
        ):
            c -= 0.1
            break
        if h.lemma_.lower() in ew.media_nouns:
            c -= 0.15
            break
    return max(0.05, min(0.99, c))
