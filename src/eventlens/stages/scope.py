"""Which event a date or place in a sentence belongs to.

A sentence may hold several events ("... were arrested before implementing
plans made in response to the Koran burning that took place last month in
Stockholm").  A date or place belongs to the event whose clause contains it:
walking up from the expression's head, the first event clause met owns it.
Expressions no event owns are shared by the sentence's events.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventlens.knowledge.lexicon import Lexicon
from eventlens.model import Event
from eventlens.syntax import Token, heads, token_at

CLAUSE_UP = frozenset({"xcomp", "dobj", "prt", "pcomp", "auxpass"})


def clause_heads(anchor: Token, lex: Lexicon) -> list[Token]:
    """The trigger and the governing words that are part of the same event mention:
    the light verb of "carry out attacks", the control verbs of "intended to
    carry out", the noun of "a plot to attack"."""
    out = [anchor]
    cur = anchor
    for _ in range(6):
        head = cur.head
        if head.i == cur.i:
            break
        lemma = head.lemma_.lower()
        linked = cur.dep_ in CLAUSE_UP or (
            cur.dep_ in ("acl", "pobj", "prep")
            and (lemma in lex.status.noun_governors or lemma in lex.light_verbs)
        )
        if not linked or not (
            lemma in lex.light_verbs
            or lemma in lex.status.governors
            or lemma in lex.status.noun_governors
            or head.dep_ == "prep"
        ):
            break
        out.append(head)
        cur = head
    return out


def owners(sent: Any, events: list[Event], lex: Lexicon) -> dict[int, list[int]]:
    """Map event index -> token indexes of each event's clause heads (in ``sent``)."""
    out: dict[int, list[int]] = {}
    for k, ev in enumerate(events):
        if ev.trigger is None:
            continue
        tok = token_at(sent.doc, ev.trigger[0])
        if tok is None:
            continue
        anchor = tok.head if tok.dep_ in ("amod", "compound") and tok.head.pos_ == "NOUN" else tok
        out[k] = [t.i for t in clause_heads(anchor, lex)]
    return out


def by_sentence(events: Sequence[Event]) -> dict[int, list[int]]:
    """Event indexes grouped by the sentence of their evidence, in order."""
    out: dict[int, list[int]] = {}
    for k, ev in enumerate(events):
        out.setdefault(ev.evidence.sentence, []).append(k)
    return out


def owner_of(tok: Token, clause_map: dict[int, list[int]]) -> int | None:
    """The event (index) whose clause the token sits in, or None."""
    chain = [tok, *heads(tok)]
    for t in chain:
        for k, idxs in clause_map.items():
            if t.i in idxs:
                return k
    return None


def paragraphs(text: str, sents: list[Any]) -> list[int]:
    """The paragraph number of each sentence (paragraphs are lines of the clean text)."""
    out: list[int] = []
    para, pos = 0, 0
    for sent in sents:
        para += text.count("\n", pos, sent.start_char)
        pos = sent.start_char
        out.append(para)
    return out
