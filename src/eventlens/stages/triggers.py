"""Trigger finding: the words of a sentence that announce an event.

Words from the trigger lexicon (``data/triggers.yaml``) as verbs ("arrested"),
nouns ("the arrest of"), verb phrases ("open fire"), multiword nouns ("Koran
burning") and modified neutral nouns ("terrorist operation").  Verbs that only
carry another trigger ("carry out attacks", "threatened to attack") are not
events themselves, and an action a request, refusal or agreement stands for
("urged Syria to withdraw") is absorbed by it.  Also here: whether a mention is
stated as an intention (a threat, an offer).
"""

from __future__ import annotations

from dataclasses import dataclass

from eventlens.knowledge.lexicon import Lexicon, TriggerSense
from eventlens.stages.words import EventWords
from eventlens.syntax import Span, Token, heads

NOMINAL_DEPS = frozenset({"amod", "compound", "nsubj", "nsubjpass", "dobj", "pobj", "attr"})


@dataclass(frozen=True, slots=True)
class Trigger:
    anchor: Token  # the syntactic head of the event mention
    words: tuple[Token, ...]  # the trigger's own words
    sense: TriggerSense
    kind: str  # verb | noun | phrase


def find_triggers(sent: Span, lex: Lexicon, ew: EventWords) -> list[Trigger]:
    """The sentence's event mentions, in text order (see the module docstring)."""
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
                    key = f"{t.lemma_.lower()} {c.lemma_.lower()}"
                    # "take to the streets": a verb, its preposition and the object
                    objs = [o for o in c.children if o.dep_ == "pobj"] if c.dep_ == "prep" else []
                    for o in objs:
                        sense = lex.phrases.get(f"{key} {o.lemma_.lower()}")
                        if sense:
                            add(t, (t, c, o), sense, "phrase")
                    sense = lex.phrases.get(key)
                    if sense:
                        add(t, (t, c), sense, "phrase")
            nxt = t.doc[t.i + 1] if t.i + 1 < sent.end else None
            if nxt is not None and t.head.i == nxt.i:
                # "Gunmen on a motorcycle opened fire": the verb misparsed as the
                # modifier of the phrase's noun; next to each other they are the phrase
                sense = lex.phrases.get(f"{t.lemma_.lower()} {nxt.lemma_.lower()}")
                if sense:
                    add(t, (t, nxt), sense, "phrase")
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
        if t.pos_ == "VERB" and any(
            c.dep_ == "aux" and c.lower_ in ew.demand_modals for c in t.children
        ):
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
        if trig.kind == "verb" and _carries_trigger(trig.anchor, found, lex, ew):
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


def _carries_trigger(verb: Token, found: dict[int, Trigger], lex: Lexicon, ew: EventWords) -> bool:
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
            and c.lower_ in ew.carrier_preps
            and any(p.i in found for p in c.children if p.dep_ == "pobj")
        ):
            return True
    return False
