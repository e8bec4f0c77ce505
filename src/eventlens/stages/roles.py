"""Roles: the actor and recipient of an event mention, from the dependency parse.

Subject / passive subject / object / "by" / "against" / "of", following control
verbs ("intended to carry out" takes the subject of "intended"), coordination and
relative clauses ("a terrorist who intended to target").  Also here: harm done by
a crash or a storm, which is no assault.
"""

from __future__ import annotations

from eventlens.knowledge.lexicon import Lexicon
from eventlens.stages.triggers import Trigger
from eventlens.stages.words import EventWords
from eventlens.syntax import (
    OBJECT_DEPS,
    PASSIVE_SUBJECT_DEPS,
    RELATIVE_PRONOUNS,
    SUBJECT_DEPS,
    Token,
    first_child,
    prep_objects,
)

TIMES = frozenset({"DATE", "TIME"})


def _subject(verb: Token, ew: EventWords, depth: int = 0) -> Token | None:
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
        if verb.dep_ == "conj" and head.lemma_.lower() in ew.reporting_verbs:
            return None  # "the agency cited sources that ... and confiscated": not the agency
        if head.pos_ in ("VERB", "AUX"):
            return _subject(head, ew, depth + 1)
        if head.dep_ == "prep" and head.head.pos_ in ("VERB", "AUX"):
            return _subject(head.head, ew, depth + 1)
    if verb.dep_ == "relcl":
        return verb.head
    if verb.dep_ == "acl" and verb.tag_ == "VBG":
        return verb.head
    return None


def bare_participle(verb: Token) -> bool:
    """A past participle with a subject but no auxiliary and no object: a headline's
    or a gapped clause's passive ("Two soldiers killed in Sulu", "... and 40 wounded");
    its subject is the one it was done to."""
    return (
        verb.tag_ == "VBN"
        and not any(c.dep_ in ("aux", "auxpass", "dobj") for c in verb.children)
        and first_child(verb, "nsubj") is not None
    )


def stranded_passive(verb: Token, preps: frozenset[str]) -> bool:
    """A verb whose target preposition has no object, with a subject, no auxiliary and
    no object: "Opposition leader shot at in Lagos", "convoy fired upon near Kandahar".
    A stranded "at" / "on" is a passive's (its object is the subject); the subject is
    the one it was done to."""
    return (
        verb.pos_ == "VERB"
        and first_child(verb, "nsubj") is not None
        and not any(c.dep_ in ("aux", "auxpass", "dobj", "nsubjpass") for c in verb.children)
        and any(
            c.dep_ == "prep"
            and c.lower_ in preps
            and not any(g.dep_ in ("pobj", "pcomp") for g in c.children)
            for c in verb.children
        )
    )


def _passive_head(verb: Token, ew: EventWords) -> Token | None:
    """The headline passive a verb with no subject or object of its own hangs on:
    "Abe shot at during a speech, wounded" -- "wounded" shares "shot"'s passive, so its
    subject is the one harmed, not the actor."""
    if verb.dep_ not in ("advcl", "conj", "xcomp", "dep") or verb.head.i == verb.i:
        return None
    if first_child(verb, *SUBJECT_DEPS, *PASSIVE_SUBJECT_DEPS, *OBJECT_DEPS) is not None:
        return None
    head = verb.head
    if head.pos_ == "VERB" and (
        bare_participle(head) or stranded_passive(head, ew.verb_recipient_preps)
    ):
        return head
    return None


def _agent(verb: Token) -> Token | None:
    for c in verb.children:
        if c.dep_ == "agent":
            return first_child(c, "pobj")
    return None


def _is_passive(verb: Token) -> bool:
    return any(c.dep_ in PASSIVE_SUBJECT_DEPS or c.dep_ == "auxpass" for c in verb.children)


def roles(trig: Trigger, lex: Lexicon, ew: EventWords) -> tuple[Token | None, Token | None]:
    """(actor, recipient) head tokens for a trigger."""
    a = trig.anchor
    etype = trig.sense.event_type
    if a.pos_ in ("VERB", "AUX"):
        if (
            a.dep_ == "acl"
            and a.tag_ == "VBN"
            and first_child(a, *OBJECT_DEPS) is None
            and not prep_objects(a, *ew.verb_recipient_preps)  # "rebels fired at officers"
        ):
            # "four militants arrested in Jammu", "the men detained on Monday": a past
            # participle on a noun is passive, the noun the one it was done to
            return _agent(a), a.head
        if a.dep_ == "acl" and a.tag_ == "VBN" and _agent(a) is None:
            targets = prep_objects(a, *ew.verb_recipient_preps)
            if targets:
                # "a band of rebels fired at officers": a main verb parsed as a
                # participle on its subject
                return a.head, targets[0]
        shared = _passive_head(a, ew)
        if shared is not None:
            return _agent(shared), first_child(shared, "nsubj")
        if bare_participle(a) or stranded_passive(a, ew.verb_recipient_preps):
            # "Two soldiers killed in Sulu", "Opposition leader shot at in Lagos"
            return _agent(a), first_child(a, "nsubj")
        if _is_passive(a):
            recipient = first_child(a, *PASSIVE_SUBJECT_DEPS)
            actor = _agent(a)
        else:
            actor = _subject(a, ew)
            recipient = first_child(a, *OBJECT_DEPS)
            if recipient is not None and (
                recipient in trig.words or a.lemma_.lower() in ew.launch_verbs
            ):
                recipient = _launch_target(a, recipient, trig, ew)
            elif recipient is None:
                objs = prep_objects(a, *ew.verb_recipient_preps)
                recipient = objs[0] if objs else None
        if recipient is not None and recipient.lower_ in RELATIVE_PRONOUNS and a.dep_ == "relcl":
            recipient = a.head
        return actor, recipient
    # nominal mentions
    actor = recipient = None
    # "an attack by night", "the raid on Tuesday": a time is neither actor nor target
    by = [o for o in prep_objects(a, *ew.nominal_actor_preps) if o.ent_type_ not in TIMES]
    of = prep_objects(a, "of")
    against = [o for o in prep_objects(a, *ew.nominal_target_preps) if o.ent_type_ not in TIMES]
    poss = first_child(a, "poss")
    modifiers = [
        c
        for c in a.children
        if c.dep_ in ("compound", "amod", "nmod")
        and (c.ent_type_ in ("ORG", "NORP", "GPE", "PERSON") or c.lemma_.lower() in ew.actor_nouns)
        and c not in trig.words
    ]
    patient_noun = etype not in lex.of_is_actor
    if by:
        actor = by[0]
    if against:
        recipient = against[0]
    elif a.dep_ == "dobj" and a.head.lemma_.lower() in lex.light_verbs:
        # "launched an attack overnight on a base": the target on the light verb
        on_verb = prep_objects(a.head, *ew.nominal_target_preps)
        recipient = on_verb[0] if on_verb else None
    if of:
        if patient_noun and recipient is None:
            recipient = of[0]
        elif not patient_noun and actor is None and etype not in ew.speech_act_types:
            actor = of[0]
    if poss is not None and poss.ent_type_ not in ("DATE", "TIME"):
        # "his arrest", "Mixon's arrest": the one arrested; "Turkey's arrest of": the actor
        person = poss.lower_ in ew.person_possessives or (
            poss.pos_ == "PROPN" and poss.ent_type_ not in ("ORG", "GPE", "NORP")
        )
        if patient_noun and recipient is None and person:
            recipient = poss
        elif actor is None:
            actor = poss
    if actor is None and modifiers:
        actor = modifiers[0]
    if actor is None:
        actor = _nominal_actor(a, etype, ew)
    return actor, recipient


def _launch_target(verb: Token, obj: Token, trig: Trigger, ew: EventWords) -> Token | None:
    """The target of a verb whose object is the trigger's own word or what is launched:
    "opened fire on marchers", "fired rockets at the base", "set fire to the house";
    None when no preposition names one ("militants fired rockets")."""
    for preps in (ew.launch_target_preps, ew.verb_recipient_preps):
        for w in (verb, obj):
            objs = [o for o in prep_objects(w, *preps) if o not in trig.words]
            if objs and (preps is ew.launch_target_preps or obj in trig.words):
                return objs[0]
    return None


def _reported_subject(speech: Token, ew: EventWords) -> Token | None:
    """The subject of the clause a statement verb reports, if it names one: "the
    spokesman confirmed the attack, saying gunmen stormed the village" -> gunmen.
    A pronoun there may stand for the speaker, so it gives nothing."""
    clauses = [c for c in speech.children if c.dep_ == "ccomp"]
    for c in speech.children:
        if c.dep_ == "advcl" and c.lemma_.lower() in ew.statement_verbs:
            clauses.extend(x for x in c.children if x.dep_ == "ccomp")
    for clause in clauses:
        got = _agent(clause) if _is_passive(clause) else first_child(clause, *SUBJECT_DEPS)
        if got is not None and got.pos_ != "PRON":
            return got
    return None


def _nominal_actor(a: Token, etype: str, ew: EventWords) -> Token | None:
    head = a.head
    if a.dep_ in ("dobj", "attr") and head.pos_ == "VERB":
        lemma = head.lemma_.lower()
        if lemma in ew.own_action_verbs and etype in ew.own_action_types:
            # "police announced the arrest of five suspects": the police arrested them
            return _subject(head, ew)
        if lemma in ew.statement_verbs:
            # "the spokesman confirmed the attack": the speaker is not the attacker
            return _reported_subject(head, ew)
        # "carry out attacks", "staged a protest": the light verb's subject
        return _subject(head, ew)
    # "the authorities' announcement of the arrest", misparsed as "authorities of the arrest"
    if a.dep_ == "pobj" and head.dep_ == "prep" and head.lower_ == "of":
        owner = head.head
        if owner.pos_ in ("NOUN", "PROPN") and owner.lemma_.lower() not in ew.media_nouns:
            by = prep_objects(owner, "by")
            if by:
                return by[0]
            if owner.ent_type_ in ("ORG", "NORP", "GPE") or owner.lemma_.lower() in ew.owner_nouns:
                return owner
    return None


def accidental(trig: Trigger, actor: Token | None, lex: Lexicon, ew: EventWords) -> bool:
    """Harm done by a crash, a storm or a fire is not an assault: "a collision
    critically injured a woman", "two were injured in the crash"."""
    causes = lex.non_violent_causes
    if actor is not None and actor.lemma_.lower() in causes:
        return True
    for w in (trig.anchor, *trig.words):
        for obj in prep_objects(w, *ew.cause_preps):
            if obj.lemma_.lower() in causes:
                return True
    return False
