"""Counts of an event mention: numbers attached to the recipient (arrested), to
killed/wounded words (killed, injured) and to protesters (participants), stated
in the mention's own clause; aggregates (a war's toll, a worldwide total) are not
the event's.  Number phrases are read by :mod:`eventlens.counts`.
"""

from __future__ import annotations

from dataclasses import dataclass

from eventlens.counts import NumberWords, count_on_noun, is_aggregate
from eventlens.model import Counts
from eventlens.stages.roles import bare_participle
from eventlens.stages.triggers import Trigger
from eventlens.stages.words import EventWords
from eventlens.syntax import (
    RELATIVE_PRONOUNS,
    SUBJECT_DEPS,
    Span,
    Token,
    first_child,
    heads,
    is_under,
    prep_objects,
)

CLAUSE_BREAKS = frozenset({"advcl", "ccomp", "parataxis", "conj", "relcl", "csubj"})
RESULT_LINKS = frozenset({"advcl", "conj", "xcomp"})
NOMINAL = frozenset({"NOUN", "PROPN", "NUM"})


@dataclass(frozen=True, slots=True)
class Tolls:
    """Reads the counts of event mentions with the event finder's and the number words."""

    words: EventWords
    numbers: NumberWords

    def event_counts(
        self,
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
        if etype == "COERCE" and mode == "arrest" and not is_aggregate(trig.anchor, self.numbers):
            arrested = self.count_of(recipient)
        if etype == "ASSAULT":
            killed = self.casualties(sent, self.words.kill_words, trig, same, fatal=True)
            injured = self.casualties(sent, self.words.injure_words, trig, same)
        if etype == "PROTEST" and not is_aggregate(trig.anchor, self.numbers):
            if (
                actor is not None
                and actor.lemma_.lower()
                in self.words.participant_words | self.words.participant_numbers
            ):
                participants = self.participants(actor)
            if participants is None:
                for t in sent:
                    if (
                        t.lemma_.lower() in self.words.participant_words
                        and owning_trigger(t, same) is trig
                    ):
                        n = self.participants(t)
                        if n is not None:
                            participants = n
                            break
        return Counts(killed=killed, injured=injured, arrested=arrested, participants=participants)

    def count_of(self, tok: Token | None) -> int | None:
        """The number of people a recipient phrase names: "37 people", "him", "a man"."""
        if tok is None:
            return None
        got = count_on_noun(tok, self.numbers)
        if got is not None:
            return got.value
        if tok.lower_ in self.numbers.vague:
            return None
        if self.one_person(tok) is not None:
            return 1  # "the man", "a suspect", "Mixon"
        for c in tok.children:
            if (
                c.dep_ == "det"
                and c.lower_ in self.words.indefinite_articles
                and tok.tag_ in ("NN", "NNP")
            ):
                return 1
        if tok.lower_ in self.words.singular_pronouns or (
            tok.tag_ == "NNP" and tok.ent_type_ not in ("ORG", "GPE", "NORP", "LOC", "FAC")
        ):
            return 1  # "him", "Mixon": one person
        return None

    def victims(self, tok: Token) -> int | None:
        """The number of people a victim phrase names, its conjuncts added up:
        "five policemen and a soldier" is 6, "a father and his son" 2, "a child" 1.
        A conjunct with no stated number leaves only the first one's count."""
        first = self.numbered(tok)
        parts = [tok, *_conjuncts(tok)]
        if len(parts) == 1:
            return first if first is not None else self.one_person(tok)
        total = 0
        for part in parts:
            n = self.numbered(part)
            if n is None:
                n = self.one_person(part)
            if (
                n is None
                and part.tag_ == "NN"
                and any(c.dep_ in ("det", "poss") for c in part.children)
            ):
                n = 1  # "three guards, a cook and two guests": one among the victims
            if n is None:
                return first
            total += n
        return total

    def one_person(self, tok: Token) -> int | None:
        """1 for a singular noun that names one person ("a child", "the driver",
        "an Israeli woman") or a person's name; None otherwise."""
        if tok.tag_ == "NN" and tok.lemma_.lower() in self.numbers.one_person_nouns:
            return 1
        if tok.ent_type_ == "PERSON" and tok.pos_ == "PROPN":
            return 1
        return None

    def numbered(self, tok: Token) -> int | None:
        """The exact number attached to a noun or given as the noun itself; through
        "a total of 18 people", "a crowd of 5,000"."""
        got = count_on_noun(tok, self.numbers)
        if got is None and tok.lemma_.lower() in self.words.of_count_heads:
            for c in tok.children:
                if c.dep_ == "prep" and c.lower_ == "of":
                    obj = first_child(c, "pobj")
                    if obj is not None:
                        got = count_on_noun(obj, self.numbers)
        return got.value if got is not None else None

    def participants(self, tok: Token) -> int | None:
        n = self.numbered(tok)
        if n is None and tok.dep_ == "pobj" and tok.head.lower_ == "of":
            # "Tens of thousands of people", "a crowd of 5,000 people"
            n = self.numbered(tok.head.head)
        return n

    def casualties(
        self,
        sent: Span,
        words: frozenset[str],
        trig: Trigger,
        same: list[Trigger],
        fatal: bool = False,
    ) -> int | None:
        """The toll stated with one of ``words`` in the event's own clause.  Harm done
        "fatally" ("fatally injured", "fatally shot") is a death: counted as killed
        when ``fatal``, never as injured."""
        nw = self.numbers
        for t in sent:
            lemma = t.lemma_.lower()
            deadly = any(c.dep_ == "advmod" and c.lower_ in nw.fatal_adverbs for c in t.children)
            named = lemma in words or t.lower_ in words
            if deadly:
                named = fatal and (named or lemma in nw.fatal_harm)
            if not named:
                continue
            owner = owning_trigger(t, same)
            if owner is not trig and (owner is None or not _same_mention(owner, trig)):
                continue  # another attack's toll
            verb = (
                t
                if t.pos_ in ("VERB", "AUX")
                else next((h for h in heads(t) if h.pos_ in ("VERB", "AUX")), t)
            )
            if is_aggregate(verb, self.numbers) or is_aggregate(t, self.numbers):
                continue
            n = self.casualty_number(t)
            if n is not None:
                return n
        return None

    def casualty_number(self, t: Token) -> int | None:
        if t.pos_ == "VERB":
            # "killed 12 people", "12 people were killed", "killing at least 12"
            # the subject counts only for "12 people died": "two bombings killed 74" is 74
            subject_ok = t.lemma_.lower() in self.words.intransitive_harm or bare_participle(t)
            for dep in ("dobj", "nsubjpass", "npadvmod", "nsubj"):
                for c in t.children:
                    if c.dep_ != dep or (dep == "nsubj" and not subject_ok):
                        continue
                    if dep == "npadvmod" and c.pos_ != "NUM":
                        continue
                    if c.lower_ in RELATIVE_PRONOUNS and t.dep_ == "relcl":
                        c = t.head  # "a teenager, who was fatally shot"
                    n = self.victims(c)
                    if n is not None:
                        return n
            if t.dep_ in ("acl", "amod") and t.head.pos_ in ("NOUN", "NUM"):
                return self.numbered(t.head)
            return None
        # "12 dead", "a death toll of 30", "12 people dead"
        n = self.numbered(t)
        if n is not None:
            return n
        if t.dep_ in ("oprd", "xcomp", "ccomp", "acomp", "advmod") and t.head.pos_ == "VERB":
            # "left 22 people dead", "shot dead a farmer": the verb's object is the
            # toll; "two officers were shot dead": its passive subject
            obj = first_child(t.head, "dobj") or first_child(t.head, "nsubjpass")
            if obj is not None:
                n = self.victims(obj)
                if n is not None:
                    return n
        if t.dep_ in ("amod", "acomp", "oprd") and t.head.pos_ in ("NOUN", "NUM"):
            n = self.numbered(t.head)
            if n is not None:
                return n
        for obj in prep_objects(t, *self.words.toll_preps):
            n = self.numbered(obj)
            if n is not None:
                return n
        return None


def _conjuncts(tok: Token) -> list[Token]:
    """The nouns coordinated with ``tok``: "five policemen and a soldier"."""
    out: list[Token] = []
    cur = tok
    for _ in range(8):
        nxt = next((c for c in cur.children if c.dep_ == "conj" and c.pos_ in NOMINAL), None)
        if nxt is None:
            break
        out.append(nxt)
        cur = nxt
    return out


def owning_trigger(tok: Token, triggers: list[Trigger]) -> Trigger | None:
    """The event mention a count word belongs to: the nearest trigger at or above it
    in its own clause, else the nearest one below it.  A count in another clause
    ("..., while in New York police estimated 10,000 marchers") belongs to none."""
    by_i = {t.anchor.i: t for t in triggers}
    for w in (t for t in triggers if tok.i in {x.i for x in t.words}):
        return w
    for h in (tok, *heads(tok)):
        if h.i in by_i:
            return by_i[h.i]
        subj = first_child(h, "nsubj") if h.pos_ == "VERB" and h.i != tok.i else None
        if subj is not None and subj.i in by_i:
            return by_i[subj.i]  # "the bombing left 22 people dead"
        if h.dep_ in CLAUSE_BREAKS and h.pos_ in ("VERB", "AUX") and h.tag_ != "VBG":
            if h.dep_ == "relcl" and h.head.i in by_i:
                return by_i[h.head.i]  # "bombings ..., which killed 76 people"
            break
    below = [t for t in triggers if is_under(t.anchor, tok)]
    return min(below, key=lambda t: abs(int(t.anchor.i) - int(tok.i))) if below else None


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
