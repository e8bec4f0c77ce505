"""Which event a date or place in a sentence belongs to.

A sentence may hold several events ("... were arrested before implementing
plans made in response to the Koran burning that took place last month in
Stockholm").  A date or place belongs to the event whose clause contains it:
walking up from the expression's head, the first event clause met owns it.
Expressions no event owns are shared by the sentence's events.

The ``eventlens.scope.v1`` stage computes each event's clause once per
document (:class:`Clauses`, on ``Document.clauses``) for the dates and
locate stages, which read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from eventlens.errors import PipelineError
from eventlens.knowledge.lexicon import Lexicon
from eventlens.model import Document, Event
from eventlens.stages.base import Stage
from eventlens.syntax import Token, heads, token_at

if TYPE_CHECKING:
    from eventlens.pipeline import Resources
    from eventlens.settings import Settings

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


@dataclass(frozen=True, slots=True)
class Clauses:
    """Where each event's clause is: the token indexes (in ``Document.nlp``) of its
    clause heads, by the event's position in ``Document.events`` (None for an
    event with no trigger token), and the paragraph number of each sentence."""

    heads: tuple[tuple[int, ...] | None, ...]
    paragraph: tuple[int, ...]

    def clause_map(self, idxs: Sequence[int]) -> dict[int, list[int]]:
        """The clause heads of a sentence's events (``idxs``, positions in
        ``Document.events``), by their position in ``idxs``, as :func:`owners` gives them."""
        return {local: list(h) for local, k in enumerate(idxs) if (h := self.heads[k]) is not None}


def document_clauses(doc: Document, lex: Lexicon) -> Clauses:
    """Every event's clause heads and every sentence's paragraph."""
    sents = list(doc.nlp.sents)
    found: list[tuple[int, ...] | None] = [None] * len(doc.events)
    for si, idxs in by_sentence(doc.events).items():
        clause_map = owners(sents[si], [doc.events[k] for k in idxs], lex)
        for local, k in enumerate(idxs):
            if local in clause_map:
                found[k] = tuple(clause_map[local])
    return Clauses(tuple(found), tuple(paragraphs(doc.text, sents)))


def clauses_of(doc: Document, stage: str) -> Clauses:
    """The document's clauses, checked against its events (for a stage that reads them)."""
    clauses = doc.clauses
    if not isinstance(clauses, Clauses) or len(clauses.heads) != len(doc.events):
        raise PipelineError(
            f"{stage} needs eventlens.scope.v1 to run after the last change to events"
        )
    return clauses


class Scoper(Stage):
    """Pipeline component ``eventlens.scope.v1``: each event's clause, once per document."""

    name = "eventlens.scope.v1"
    requires: tuple[str, ...] = ("nlp", "events")
    provides: tuple[str, ...] = ("scopes",)

    def __call__(self, doc: Document) -> Document:
        if not doc.events or doc.nlp is None:
            return doc
        return replace(doc, clauses=document_clauses(doc, self.resources.lexicon))


def make_scoper(settings: Settings, resources: Resources) -> Scoper:
    return Scoper(settings, resources)
