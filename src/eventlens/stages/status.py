"""Status: whether a mention occurred, was planned, foiled, threatened, warned of,
denied or is hypothetical.

Cues on the chain of governing words (``data/status.yaml``) decide; a plan whose
planner is arrested in the same sentence, or a sentence saying the plan was
stopped, makes it foiled.
"""

from __future__ import annotations

import re

from eventlens.knowledge.lexicon import Lexicon
from eventlens.model import Status
from eventlens.stages.triggers import Trigger
from eventlens.stages.words import EventWords
from eventlens.syntax import OBJECT_DEPS, PASSIVE_SUBJECT_DEPS, Span, Token, heads, is_under

STOP_AFTER = frozenset(
    {"relcl", "advcl", "parataxis", "nsubj", "nsubjpass", "csubj", "appos", "conj"}
)


def event_status(
    trig: Trigger, sent: Span, lex: Lexicon, ew: EventWords, all_triggers: list[Trigger]
) -> Status:
    """What the sentence says of the mention: occurred, planned, foiled, ... (the
    strongest cue in ``status.yaml``'s priority order)."""
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
        if h.i == cur.i or (cur.dep_ == "pobj" and h.lower_ not in ew.governing_preps):
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
        elif h.pos_ == "ADJ" and lemma in ew.ability_adjectives:
            found.add("hypothetical")
        if cur.dep_ in STOP_AFTER or (
            h.dep_ == "ccomp" and h.head.lemma_.lower() in ew.report_verbs
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
    return any(t.anchor.i != a.i and not is_under(t.anchor, a) for t in arrests)
