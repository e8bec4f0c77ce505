"""Event detection: triggers, roles, status and counts, sentence by sentence.

For each sentence of the parsed text:

1. **Triggers.** Words from the trigger lexicon (``data/triggers.yaml``) as
   verbs ("arrested"), nouns ("the arrest of"), verb phrases ("open fire"),
   multiword nouns ("Koran burning") and modified neutral nouns ("terrorist
   operation").  Verbs that only carry another trigger ("carry out attacks",
   "threatened to attack") are not events themselves.
2. **Roles.** The actor and recipient come from the dependency parse:
   subject / passive subject / object / "by" / "against" / "of", following
   control verbs ("intended to carry out" takes the subject of "intended"),
   coordination and relative clauses ("a terrorist who intended to target").
3. **Status.** Cues on the chain of governing words (``data/status.yaml``)
   decide whether the event occurred, was planned, foiled, threatened, warned
   of, denied or is hypothetical; a plan whose planner is arrested in the same
   sentence, or a sentence saying the plan was stopped, makes it foiled.
4. **Counts.** Numbers attached to the recipient (arrested), to
   killed/wounded words (killed, injured) and to protesters (participants).

Actors are resolved (canonical name, country, sector) by
:mod:`eventlens.actors`; dates, locations, in-document merging and the
ontology mapping are later stages.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace

from eventlens.actors import ActorResolver, clean_span
from eventlens.counts import count_on_noun, is_aggregate, number_words
from eventlens.knowledge.lexicon import Lexicon, TriggerSense
from eventlens.model import Actor, Counts, Document, Event, Evidence, Status, stable_id
from eventlens.pipeline import Resources
from eventlens.settings import Settings
from eventlens.syntax import (
    OBJECT_DEPS,
    PASSIVE_SUBJECT_DEPS,
    RELATIVE_PRONOUNS,
    SUBJECT_DEPS,
    Span,
    Token,
    char_span,
    first_child,
    heads,
    phrase_tokens,
    prep_objects,
)

log = logging.getLogger(__name__)

# Nouns whose "X of Y" names the target even though the type is in of_is_actor.
SPEECH_ACT_TYPES = frozenset({"ACCUSE", "REQUEST", "REJECT", "SUPPORT", "THREATEN"})
MEDIA_NOUNS = frozenset(
    {
        "video",
        "videos",
        "photo",
        "photos",
        "image",
        "images",
        "footage",
        "picture",
        "pictures",
        "report",
        "reports",
        "news",
        "coverage",
        "story",
        "stories",
    }
)
OCCUR_VERBS = frozenset(
    {"take", "occur", "happen", "come", "erupt", "break", "hit", "kill", "leave"}
)
ACTOR_NOUNS = frozenset(
    {
        "police",
        "army",
        "military",
        "government",
        "rebel",
        "militant",
        "troop",
        "soldier",
        "gendarmerie",
        "protester",
        "student",
        "worker",
        "opposition",
        "authority",
    }
)
REPORTING_VERBS = frozenset(
    {
        "say",
        "tell",
        "report",
        "cite",
        "add",
        "state",
        "announce",
        "reveal",
        "specify",
        "note",
        "explain",
        "confirm",
        "quote",
        "write",
        "publish",
    }
)
NOT_PARTICIPANTS = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL"})
NOMINAL_DEPS = frozenset({"amod", "compound", "nsubj", "nsubjpass", "dobj", "pobj", "attr"})
SINGULAR_PRONOUNS = frozenset({"him", "her", "he", "she"})
KILL_WORDS = frozenset(
    {"kill", "die", "dead", "death", "killing", "slay", "murder", "fatality", "life"}
)
INJURE_WORDS = frozenset({"injure", "wound", "hurt", "injured", "wounded", "injury"})
PARTICIPANT_WORDS = frozenset(
    {
        "protester",
        "demonstrator",
        "people",
        "marcher",
        "worker",
        "student",
        "supporter",
        "participant",
        "farmer",
        "teacher",
        "resident",
    }
)


@dataclass(frozen=True, slots=True)
class Trigger:
    anchor: Token  # the syntactic head of the event mention
    words: tuple[Token, ...]  # the trigger's own words
    sense: TriggerSense
    kind: str  # verb | noun | phrase


class EventFinder:
    name = "eventlens.events.v1"
    requires: tuple[str, ...] = ("nlp", "sentences", "places")
    provides: tuple[str, ...] = ("events",)

    def __init__(self, settings: Settings, resources: Resources) -> None:
        self.settings = settings
        self.resources = resources

    def warm_up(self) -> None:
        _ = self.resources.lexicon, self.resources.actors

    def __call__(self, doc: Document) -> Document:
        if doc.nlp is None:
            return doc
        lex = self.resources.lexicon
        resolver = self.resources.actors
        events: list[Event] = []
        for si, sent in enumerate(doc.nlp.sents):
            triggers = find_triggers(sent, lex)
            for trig in triggers:
                ev = self._event(doc, si, sent, trig, triggers, lex, resolver)
                if ev is not None:
                    events.append(ev)
        return replace(doc, events=tuple(events))

    def _event(
        self,
        doc: Document,
        si: int,
        sent: Span,
        trig: Trigger,
        all_triggers: list[Trigger],
        lex: Lexicon,
        resolver: ActorResolver,
    ) -> Event | None:
        actor_tok, recipient_tok = roles(trig, lex)
        if trig.sense.event_type == "ASSAULT" and _accidental(trig, actor_tok, lex):
            return None
        if actor_tok is not None and any(t.anchor.i == actor_tok.i for t in all_triggers):
            actor_tok = None  # "the shooting killed two": an event is not an actor
        # "demonstrated in Paris on Thursday": a date or an amount is not a participant
        if actor_tok is not None and actor_tok.ent_type_ in NOT_PARTICIPANTS:
            actor_tok = None
        if recipient_tok is not None and recipient_tok.ent_type_ in NOT_PARTICIPANTS:
            recipient_tok = None
        status = event_status(trig, sent, lex, all_triggers)
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
        others = frozenset(t.anchor.i for t in all_triggers if t.anchor.i != trig.anchor.i)
        actor = _resolve_role(resolver, actor_tok, doc, others | {trig.anchor.i}, False)
        if actor is not None:
            actor = resolver.with_role(actor, f"{trig.sense.event_type}/{trig.sense.mode}")
        recipient = _resolve_role(resolver, recipient_tok, doc, others | {trig.anchor.i}, True)
        counts = event_counts(trig, recipient_tok, sent, actor_tok, all_triggers)
        evidence_toks: list[Token] = [*trig.words, trig.anchor]
        for t in (actor_tok, recipient_tok):
            if t is not None and t.sent.start == sent.start:
                evidence_toks.extend(phrase_tokens(t, exclude=others))
        start, end = char_span(evidence_toks)
        if end - start < 25:  # too short to read: widen to the mention's own words
            nested = [o for o in others if _is_under(trig.anchor.doc[o], trig.anchor)]
            own = [
                t
                for t in trig.anchor.subtree
                if not any(t.i == o or _is_under(t, t.doc[o]) for o in nested)
            ][:20]
            start, end = char_span([*own, *evidence_toks])
        start, end = clean_span(doc, start, end, trig.anchor.idx)
        evidence = Evidence(doc.text[start:end], start, end, si)
        confidence = score(trig, actor, recipient, counts, status, sent, all_triggers)
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


# --------------------------------------------------------------------------- triggers


def find_triggers(sent: Span, lex: Lexicon) -> list[Trigger]:
    found: dict[int, Trigger] = {}
    used: set[int] = set()

    def add(anchor: Token, words: tuple[Token, ...], sense: TriggerSense, kind: str) -> None:
        if anchor.i in found or any(w.i in used for w in words):
            return
        found[anchor.i] = Trigger(anchor, words, sense, kind)
        used.update(w.i for w in words)

    toks = list(sent)
    # 1. verb phrases ("open fire", "call for") and multiword nouns ("Koran burning")
    for t in toks:
        if t.pos_ == "VERB":
            for c in t.children:
                if c.dep_ in ("prt", "dobj", "prep", "acomp"):
                    sense = lex.phrases.get(f"{t.lemma_.lower()} {c.lemma_.lower()}")
                    if sense:
                        add(t, (t, c), sense, "phrase")
        if t.i > sent.start:
            prev = t.doc[t.i - 1]
            for key in (f"{prev.lower_} {t.lower_}", f"{prev.lemma_.lower()} {t.lemma_.lower()}"):
                sense = lex.nouns.get(key)
                if sense:
                    anchor = (
                        t.head if t.dep_ in ("amod", "compound") and t.head.pos_ == "NOUN" else t
                    )
                    add(anchor, (prev, t), sense, "noun")
                    break
    # 2. neutral nouns made events by a modifier ("terrorist operation")
    for t in toks:
        mods = lex.noun_modifiers.get(t.lemma_.lower())
        if mods and t.pos_ in ("NOUN", "PROPN"):
            for c in t.children:
                if c.dep_ in ("amod", "compound") and c.lemma_.lower() in mods:
                    add(t, (c, t), mods[c.lemma_.lower()], "noun")
                    break
    # 3. single nouns and verbs
    for t in toks:
        if t.i in used:
            continue
        lemma = t.lemma_.lower()
        if t.pos_ == "NOUN" and (
            t.dep_ != "compound" or t.head.lemma_.lower() in lex.compound_heads
        ):
            sense = lex.nouns.get(lemma) or lex.nouns.get(t.lower_)
            if sense:
                add(t, (t,), sense, "noun")
        elif (
            t.pos_ == "VERB"
            and t.dep_ not in NOMINAL_DEPS
            and not any(c.dep_ == "det" for c in t.children)
        ):
            sense = lex.verbs.get(lemma)
            if sense:
                add(t, (t,), sense, "verb")
    # 4. "X must do Y": a demand, whatever Y is (PLOVER REQUEST)
    for t in toks:
        if t.pos_ == "VERB" and any(c.dep_ == "aux" and c.lower_ == "must" for c in t.children):
            if t.i in found:
                found[t.i] = Trigger(
                    t, found[t.i].words, TriggerSense("REQUEST", None, 0.75), "verb"
                )
            elif t.i not in used:
                add(t, (t,), TriggerSense("REQUEST", None, 0.7), "verb")
    # 5. "carry out operations" when the clause is one of intent or threat
    for t in toks:
        if t.i in used or t.pos_ != "NOUN" or t.dep_ != "dobj":
            continue
        sense = lex.violent_light_objects.get(t.lower_)
        if sense and t.head.lemma_.lower() in lex.light_verbs and _intent_chain(t, lex):
            add(t, (t,), sense, "noun")
    # Verbs that only carry another trigger are not events themselves.
    carriers = set()
    for trig in found.values():
        if trig.kind == "verb" and _carries_trigger(trig.anchor, found, lex):
            carriers.add(trig.anchor.i)
    kept = {i: t for i, t in found.items() if i not in carriers}
    absorbed = {i for i, t in kept.items() if _absorbed_by(t.anchor, kept, lex) is not None}
    return [kept[i] for i in sorted(kept) if i not in absorbed]


ABSORB_LINKS = frozenset({"xcomp", "ccomp", "dobj", "prt", "pobj", "prep", "acl", "advcl"})


def _absorbed_by(a: Token, found: dict[int, Trigger], lex: Lexicon) -> Trigger | None:
    """The request, refusal or agreement that stands for this action, if any:
    "urged Syria to withdraw" codes the request, not a withdrawal."""
    cur = a
    for _ in range(3):
        if cur.dep_ not in ABSORB_LINKS or cur.head.i == cur.i:
            return None
        cur = cur.head
        trig = found.get(cur.i)
        if trig is not None:
            if trig.sense.event_type in lex.status.absorbing_types and trig.kind != "noun":
                return trig
            if trig.sense.event_type == "PROTEST" and (
                found[a.i].sense.event_type in lex.status.protest_absorbs
            ):
                return trig
            return None
    return None


def hostile_intent(trig: Trigger, lex: Lexicon) -> bool:
    """A hostile action stated as what someone will do: a threat ("they would
    blockade Paris", "will withdraw its force unless ...").  Speculation ("may
    attack if talks fail") stays hypothetical."""
    cues = lex.status
    chain = [trig.anchor]
    cur = trig.anchor
    for _ in range(3):
        if cur.dep_ not in ("xcomp", "ccomp", "acomp", "dobj") or cur.head.i == cur.i:
            break
        cur = cur.head
        chain.append(cur)
    for t in chain:
        for c in t.children:
            if c.dep_ == "aux" and c.lower_ in cues.intent_to_act:
                return True
        if t is not trig.anchor and (
            t.lemma_.lower() in cues.intent_to_act or t.lower_ in cues.intent_to_act
        ):
            return True
    return False


def cooperative_intent(trig: Trigger, lex: Lexicon) -> bool:
    """Is this cooperative action stated as an intention ("will visit", "is willing
    to withdraw", "offered to mediate")?  PLOVER codes that as AGREE."""
    cues = lex.status.intent_to_cooperate
    a = trig.anchor
    if any(c.dep_ == "aux" and c.lower_ in cues for c in a.children):
        return True
    cur = a
    for _ in range(3):
        if cur.dep_ not in ("xcomp", "ccomp", "dobj", "acomp") or cur.head.i == cur.i:
            return False
        cur = cur.head
        if cur.lemma_.lower() in cues or cur.lower_ in cues:
            return True
        if any(c.dep_ == "aux" and c.lower_ in cues for c in cur.children):
            return True
    return False


def _intent_chain(t: Token, lex: Lexicon) -> bool:
    for h in heads(t):
        status = lex.status.governors.get(h.lemma_.lower()) or lex.status.noun_governors.get(
            h.lemma_.lower()
        )
        if status in ("planned", "threatened", "attempted", "foiled", "warned"):
            return True
        if h.dep_ in ("ROOT",):
            break
    return False


def _carries_trigger(verb: Token, found: dict[int, Trigger], lex: Lexicon) -> bool:
    lemma = verb.lemma_.lower()
    is_governor = lemma in lex.status.governors or lemma in lex.light_verbs
    if not is_governor:
        return False
    for c in verb.children:
        if c.dep_ in ("xcomp", "ccomp", "dobj") and c.i in found:
            return True
        if c.dep_ == "xcomp":
            # "threatened to carry out attacks": the trigger is the xcomp's object
            for cc in c.children:
                if cc.dep_ in ("dobj", "prt") and cc.i in found:
                    return True
        if (
            c.dep_ == "prep"
            and c.lower_ in ("of", "about", "against")
            and any(p.i in found for p in c.children if p.dep_ == "pobj")
        ):
            return True
    return False


# --------------------------------------------------------------------------- roles


def _subject(verb: Token, depth: int = 0) -> Token | None:
    """The subject of a verb, following control, coordination and relative clauses."""
    if depth > 6:
        return None
    subj = first_child(verb, *SUBJECT_DEPS)
    if subj is not None:
        if subj.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl":
            return verb.head
        return subj
    if verb.dep_ in ("xcomp", "conj", "advcl", "pcomp") and verb.head.i != verb.i:
        head = verb.head
        if verb.dep_ == "conj" and head.lemma_.lower() in REPORTING_VERBS:
            return None  # "the agency cited sources that ... and confiscated": not the agency
        if head.pos_ in ("VERB", "AUX"):
            return _subject(head, depth + 1)
        if head.dep_ == "prep" and head.head.pos_ in ("VERB", "AUX"):
            return _subject(head.head, depth + 1)
    if verb.dep_ == "relcl":
        return verb.head
    if verb.dep_ == "acl" and verb.tag_ == "VBG":
        return verb.head
    return None


def _agent(verb: Token) -> Token | None:
    for c in verb.children:
        if c.dep_ == "agent":
            return first_child(c, "pobj")
    return None


def _is_passive(verb: Token) -> bool:
    return any(c.dep_ in PASSIVE_SUBJECT_DEPS or c.dep_ == "auxpass" for c in verb.children)


def roles(trig: Trigger, lex: Lexicon) -> tuple[Token | None, Token | None]:
    """(actor, recipient) head tokens for a trigger."""
    a = trig.anchor
    etype = trig.sense.event_type
    if a.pos_ in ("VERB", "AUX"):
        if _is_passive(a):
            recipient = first_child(a, *PASSIVE_SUBJECT_DEPS)
            actor = _agent(a)
        else:
            actor = _subject(a)
            recipient = first_child(a, *OBJECT_DEPS)
            if recipient is None:
                objs = prep_objects(a, "against", "on", "at", "upon", "with", "to", "for")
                recipient = objs[0] if objs else None
        if recipient is not None and recipient.lower_ in RELATIVE_PRONOUNS and a.dep_ == "relcl":
            recipient = a.head
        return actor, recipient
    # nominal mentions
    actor = recipient = None
    by = prep_objects(a, "by", "from")
    of = prep_objects(a, "of")
    against = prep_objects(a, "against", "on", "targeting", "upon", "at")
    poss = first_child(a, "poss")
    modifiers = [
        c
        for c in a.children
        if c.dep_ in ("compound", "amod", "nmod")
        and (c.ent_type_ in ("ORG", "NORP", "GPE", "PERSON") or c.lemma_.lower() in ACTOR_NOUNS)
        and c not in trig.words
    ]
    patient_noun = etype not in lex.of_is_actor
    if by:
        actor = by[0]
    if against:
        recipient = against[0]
    if of:
        if patient_noun and recipient is None:
            recipient = of[0]
        elif not patient_noun and actor is None and etype not in SPEECH_ACT_TYPES:
            actor = of[0]
    if poss is not None and poss.ent_type_ not in ("DATE", "TIME"):
        # "his arrest", "Mixon's arrest": the one arrested; "Turkey's arrest of": the actor
        person = poss.lower_ in ("his", "her", "their", "its") or (
            poss.pos_ == "PROPN" and poss.ent_type_ not in ("ORG", "GPE", "NORP")
        )
        if patient_noun and recipient is None and person:
            recipient = poss
        elif actor is None:
            actor = poss
    if actor is None and modifiers:
        actor = modifiers[0]
    if actor is None:
        actor = _nominal_actor(a, lex)
    return actor, recipient


def _nominal_actor(a: Token, lex: Lexicon) -> Token | None:
    head = a.head
    # "carry out attacks", "staged a protest": the light verb's subject
    if a.dep_ in ("dobj", "attr") and head.pos_ == "VERB":
        return _subject(head)
    # "the authorities' announcement of the arrest", misparsed as "authorities of the arrest"
    if a.dep_ == "pobj" and head.dep_ == "prep" and head.lower_ == "of":
        owner = head.head
        if owner.pos_ in ("NOUN", "PROPN") and owner.lemma_.lower() not in MEDIA_NOUNS:
            by = prep_objects(owner, "by")
            if by:
                return by[0]
            if owner.ent_type_ in ("ORG", "NORP", "GPE") or owner.lemma_.lower() in (
                "authority",
                "police",
                "force",
                "government",
                "army",
                "military",
            ):
                return owner
    return None


def _accidental(trig: Trigger, actor: Token | None, lex: Lexicon) -> bool:
    """Harm done by a crash, a storm or a fire is not an assault: "a collision
    critically injured a woman", "two were injured in the crash"."""
    causes = lex.non_violent_causes
    if actor is not None and actor.lemma_.lower() in causes:
        return True
    for w in (trig.anchor, *trig.words):
        for obj in prep_objects(w, "in", "by", "from", "after", "during"):
            if obj.lemma_.lower() in causes:
                return True
    return False


# --------------------------------------------------------------------------- status


STOP_AFTER = frozenset(
    {"relcl", "advcl", "parataxis", "nsubj", "nsubjpass", "csubj", "appos", "conj"}
)
GOVERNING_PREPS = frozenset({"of", "to", "for", "against", "on", "about", "at"})


def event_status(trig: Trigger, sent: Span, lex: Lexicon, all_triggers: list[Trigger]) -> Status:
    cues = lex.status
    found: set[str] = set()
    a = trig.anchor
    for w in (*trig.words, a):
        for c in w.children:
            if c.dep_ in ("nmod", "compound") and c.pos_ == "NOUN":
                # "Fears of ISIS launching attacks", parsed with "Fears" modifying "attacks"
                s = cues.noun_governors.get(c.lemma_.lower())
                if s:
                    found.add(s)
            s = cues.modifiers.get(c.lower_)
            if s and c.dep_ in ("amod", "compound", "advmod", "npadvmod"):
                found.add(s)
            if c.dep_ == "neg":
                found.add("denied")
            if c.dep_ == "aux":
                s = cues.modals.get(c.lower_)
                if s:
                    found.add(s)
    # governing words: control verbs, light verbs, "a plot to", "warnings of"
    cur = a
    verb_head: Token | None = None
    for _ in range(10):
        h = cur.head
        if h.i == cur.i or (cur.dep_ == "pobj" and h.lower_ not in GOVERNING_PREPS):
            break
        lemma = h.lemma_.lower()
        if h.pos_ in ("VERB", "AUX"):
            verb_head = verb_head or h
            s = cues.governors.get(lemma)
            if s:
                found.add(s)
            for c in h.children:
                if c.dep_ == "aux" and c.lower_ in cues.modals and cur.dep_ != "nsubjpass":
                    found.add(cues.modals[c.lower_])
                if c.dep_ == "neg" and s is None and cur.dep_ in ("xcomp", "dobj", "prt", "ccomp"):
                    found.add("denied")
        elif h.pos_ in ("NOUN", "PROPN"):
            s = cues.noun_governors.get(lemma) or cues.noun_governors.get(h.lower_)
            if s:
                found.add(s)
        elif h.pos_ == "ADJ" and lemma in ("capable", "able", "unable", "incapable"):
            found.add("hypothetical")
        if cur.dep_ in STOP_AFTER or (
            h.dep_ == "ccomp" and h.head.lemma_.lower() in ("say", "tell", "report", "add", "state")
        ):
            break
        cur = h
    # "warnings from the embassy to its citizens of possible attacks": the parser often
    # hangs "of attacks" on the wrong noun; a governing noun earlier in the same clause counts
    if trig.kind == "noun" and verb_head is not None and not found - {"hypothetical"}:
        for c in verb_head.children:
            for n in [c, *(p for p in c.children if p.dep_ == "pobj")] if c.dep_ == "prep" else [c]:
                s = cues.noun_governors.get(n.lemma_.lower())
                if s and n.i < a.i and n.pos_ == "NOUN" and s != "planned":
                    found.add(s)
    if found & {"planned", "attempted"}:
        text = sent.text.lower()
        stopped = any(re.search(p, text) for p in cues.sentence_foil_patterns)
        if stopped or _planner_arrested(a, all_triggers):
            found.add("foiled")
    for s in cues.priority:
        if s in found:
            return s  # type: ignore[return-value]
    return "occurred"


def _planner_arrested(a: Token, triggers: list[Trigger]) -> bool:
    """A plan inside the object of an arrest: "arrested a man who planned to ..."."""
    arrests = [t for t in triggers if t.sense.event_type == "COERCE" and t.sense.mode == "arrest"]
    if not arrests:
        return False
    for h in heads(a):
        if h.dep_ in OBJECT_DEPS | PASSIVE_SUBJECT_DEPS and any(
            h.head.i == t.anchor.i for t in arrests
        ):
            return True
    # "... he intended to use ... where they arrested him": same sentence, same person
    return any(t.anchor.i != a.i and not _is_under(t.anchor, a) for t in arrests)


def _is_under(t: Token, a: Token) -> bool:
    return any(h.i == a.i for h in heads(t))


# --------------------------------------------------------------------------- counts


def _count_of(tok: Token | None) -> int | None:
    """The number of people a recipient phrase names: "37 people", "him", "a man"."""
    if tok is None:
        return None
    got = count_on_noun(tok)
    if got is not None:
        return got.value
    if tok.lower_ in number_words().vague:
        return None
    for c in tok.children:
        if c.dep_ == "det" and c.lower_ in ("a", "an") and tok.tag_ in ("NN", "NNP"):
            return 1
    if tok.lower_ in SINGULAR_PRONOUNS or (
        tok.tag_ == "NNP" and tok.ent_type_ not in ("ORG", "GPE", "NORP", "LOC", "FAC")
    ):
        return 1  # "him", "Mixon": one person
    return None


OF_COUNT_HEADS = frozenset({"total", "number", "toll", "tally", "count", "crowd", "group", "band"})


def _numbered(tok: Token) -> int | None:
    """The exact number attached to a noun or given as the noun itself; through
    "a total of 18 people", "a crowd of 5,000"."""
    got = count_on_noun(tok)
    if got is None and tok.lemma_.lower() in OF_COUNT_HEADS:
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                obj = first_child(c, "pobj")
                if obj is not None:
                    got = count_on_noun(obj)
    return got.value if got is not None else None


CLAUSE_BREAKS = frozenset({"advcl", "ccomp", "parataxis", "conj", "relcl", "csubj"})


def _owning_trigger(tok: Token, triggers: list[Trigger]) -> Trigger | None:
    """The event mention a count word belongs to: the nearest trigger at or above it
    in its own clause, else the nearest one below it.  A count in another clause
    ("..., while in New York police estimated 10,000 marchers") belongs to none."""
    by_i = {t.anchor.i: t for t in triggers}
    for w in (t for t in triggers if tok.i in {x.i for x in t.words}):
        return w
    for h in (tok, *heads(tok)):
        if h.i in by_i:
            return by_i[h.i]
        if h.dep_ in CLAUSE_BREAKS and h.pos_ in ("VERB", "AUX") and h.tag_ != "VBG":
            if h.dep_ == "relcl" and h.head.i in by_i:
                return by_i[h.head.i]  # "bombings ..., which killed 76 people"
            break
    below = [t for t in triggers if _is_under(t.anchor, tok)]
    return min(below, key=lambda t: abs(int(t.anchor.i) - int(tok.i))) if below else None


def event_counts(
    trig: Trigger,
    recipient: Token | None,
    sent: Span,
    actor: Token | None = None,
    triggers: list[Trigger] | None = None,
) -> Counts:
    """Counts stated in the event's own clause; aggregates (a war's toll, a
    worldwide total) are not the event's."""
    killed = injured = arrested = participants = None
    etype, mode = trig.sense.event_type, trig.sense.mode
    same = [t for t in (triggers or [trig]) if t.sense.event_type == etype] or [trig]
    if etype == "COERCE" and mode == "arrest" and not is_aggregate(trig.anchor):
        arrested = _count_of(recipient)
    if etype == "ASSAULT":
        killed = _casualties(sent, KILL_WORDS, trig, same)
        injured = _casualties(sent, INJURE_WORDS, trig, same)
    if etype == "PROTEST" and not is_aggregate(trig.anchor):
        if actor is not None and actor.lemma_.lower() in PARTICIPANT_WORDS | {"thousand"}:
            participants = _participants(actor)
        if participants is None:
            for t in sent:
                if t.lemma_.lower() in PARTICIPANT_WORDS and _owning_trigger(t, same) is trig:
                    n = _participants(t)
                    if n is not None:
                        participants = n
                        break
    return Counts(killed=killed, injured=injured, arrested=arrested, participants=participants)


def _participants(tok: Token) -> int | None:
    n = _numbered(tok)
    if n is None and tok.dep_ == "pobj" and tok.head.lower_ == "of":
        # "Tens of thousands of people", "a crowd of 5,000 people"
        n = _numbered(tok.head.head)
    return n


def _casualties(
    sent: Span, words: frozenset[str], trig: Trigger, same: list[Trigger]
) -> int | None:
    for t in sent:
        lemma = t.lemma_.lower()
        if lemma not in words and t.lower_ not in words:
            continue
        owner = _owning_trigger(t, same)
        if owner is not trig and (owner is None or not _same_mention(owner, trig)):
            continue  # another attack's toll
        verb = (
            t
            if t.pos_ in ("VERB", "AUX")
            else next((h for h in heads(t) if h.pos_ in ("VERB", "AUX")), t)
        )
        if is_aggregate(verb) or is_aggregate(t):
            continue
        n = _casualty_number(t)
        if n is not None:
            return n
    return None


INTRANSITIVE_HARM = frozenset({"die", "perish", "dead", "succumb"})
RESULT_LINKS = frozenset({"advcl", "conj", "xcomp"})


def _same_mention(result: Trigger, trig: Trigger) -> bool:
    """Is ``result`` (a killing, a wounding) the outcome of ``trig`` as stated in one
    clause: "the attack killed 5", "opened fire, killing 7", "struck ... and killed 20"?"""
    r, a = result.anchor, trig.anchor
    if a.dep_ == "pobj" and a.head.dep_ == "prep" and a.head.head.i == r.i:
        return True  # "were slain in a terrorist attack"
    if a.dep_ == "conj" and a.head.i == r.i and first_child(a, *SUBJECT_DEPS) is None:
        return True  # "killed 95 rebels and destroyed 11 vehicles"
    cur = r
    for _ in range(4):
        if any(c.i == trig.anchor.i and c.dep_ in SUBJECT_DEPS for c in cur.children):
            return True
        if cur.i == trig.anchor.i:
            return True
        if cur is not result.anchor and first_child(cur, *SUBJECT_DEPS) is not None:
            return False
        if cur.dep_ not in RESULT_LINKS or cur.head.i == cur.i:
            return False
        if first_child(cur, *SUBJECT_DEPS) is not None and cur.dep_ == "conj":
            return False  # "..., and gunmen killed 3": its own subject, its own event
        cur = cur.head
    return False


def _casualty_number(t: Token) -> int | None:
    if t.pos_ == "VERB":
        # "killed 12 people", "12 people were killed", "killing at least 12"
        # the subject counts only for "12 people died": "two bombings killed 74" is 74
        subject_ok = t.lemma_.lower() in INTRANSITIVE_HARM
        for dep in ("dobj", "nsubjpass", "npadvmod", "nsubj"):
            for c in t.children:
                if c.dep_ != dep or (dep == "nsubj" and not subject_ok):
                    continue
                if dep == "npadvmod" and c.pos_ != "NUM":
                    continue
                n = _numbered(c)
                if n is not None:
                    return n
        if t.dep_ in ("acl", "amod") and t.head.pos_ in ("NOUN", "NUM"):
            return _numbered(t.head)
        return None
    # "12 dead", "a death toll of 30", "12 people dead"
    n = _numbered(t)
    if n is not None:
        return n
    if t.dep_ in ("amod", "acomp", "oprd") and t.head.pos_ in ("NOUN", "NUM"):
        n = _numbered(t.head)
        if n is not None:
            return n
    for obj in prep_objects(t, "of", "to", "at"):
        n = _numbered(obj)
        if n is not None:
            return n
    return None


# --------------------------------------------------------------------------- confidence


def score(
    trig: Trigger,
    actor: Actor | None,
    recipient: Actor | None,
    counts: Counts,
    status: Status,
    sent: Span,
    all_triggers: list[Trigger],
) -> float:
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
        if any(t.anchor.i == h.i and t.sense.event_type in SPEECH_ACT_TYPES for t in all_triggers):
            c -= 0.1
            break
        if h.lemma_.lower() in MEDIA_NOUNS:
            c -= 0.15
            break
    return max(0.05, min(0.99, c))
