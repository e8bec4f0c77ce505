"""Small helpers over spaCy's dependency parse, shared by the event stages."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

Token = Any  # spacy.tokens.Token; spaCy ships no type stubs
Span = Any  # spacy.tokens.Span

SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
PASSIVE_SUBJECT_DEPS = frozenset({"nsubjpass", "csubjpass"})
OBJECT_DEPS = frozenset({"dobj", "dative", "attr", "oprd"})
RELATIVE_PRONOUNS = frozenset({"who", "that", "which", "whom"})


def token_at(doc: Any, char: int) -> Token | None:
    """The token covering character offset ``char``, or None."""
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def heads(tok: Token) -> Iterator[Token]:
    """The token's chain of syntactic heads up to the root (excluding itself)."""
    cur = tok
    while cur.head.i != cur.i:
        cur = cur.head
        yield cur


def is_under(t: Token, a: Token) -> bool:
    """Is ``a`` one of the token's syntactic heads?"""
    return any(h.i == a.i for h in heads(t))


def first_child(tok: Token, *deps: str) -> Token | None:
    for c in tok.children:
        if c.dep_ in deps:
            return c
    return None


def prep_objects(tok: Token, *preps: str) -> list[Token]:
    """Objects of the token's prepositions: ``prep_objects(attack, "against", "on")``."""
    out: list[Token] = []
    for p in tok.children:
        if p.dep_ in ("prep", "agent") and p.lower_ in preps:
            out.extend(c for c in p.children if c.dep_ == "pobj")
    return out


def phrase_tokens(
    head: Token, max_tokens: int = 14, exclude: frozenset[int] = frozenset()
) -> list[Token]:
    """The noun phrase headed by ``head``: its subtree without relative clauses,
    nested clauses, trailing punctuation or the subtrees rooted at ``exclude``
    (other event mentions), bounded in length around the head.
    """
    skip: set[int] = set()
    for t in head.subtree:
        if t.i == head.i:
            continue
        if t.i in exclude:
            skip.update(x.i for x in t.subtree)
            continue
        if t.dep_ in ("relcl", "advcl", "ccomp", "cc", "appos", "parataxis") and t.head.i in {
            x.i for x in head.subtree
        }:
            if t.dep_ == "cc":
                # keep coordinators inside a coordinated phrase ("tourists and citizens")
                if t.dep_ == "cc" and any(c.dep_ == "conj" for c in t.head.children):
                    continue
                skip.add(t.i)
                continue
            skip.update(x.i for x in t.subtree)
        if t.dep_ == "conj" and t.pos_ in ("VERB", "AUX"):
            skip.update(x.i for x in t.subtree)
    toks = [t for t in head.subtree if t.i not in skip]
    if not toks:
        return [head]
    # contiguous window around the head
    by_i = {t.i: t for t in toks}
    lo = hi = head.i
    while lo - 1 in by_i and head.i - (lo - 1) < max_tokens:
        lo -= 1
    while hi + 1 in by_i and (hi + 1) - lo < max_tokens:
        hi += 1
    window = [by_i[i] for i in range(lo, hi + 1)]
    while window and (window[-1].is_punct or window[-1].dep_ in ("cc", "prep", "det")):
        window.pop()
    while window and (window[0].is_punct or window[0].dep_ in ("cc", "prep")):
        window.pop(0)
    while len(window) > 1 and window[0].pos_ == "ADJ" and window[1].dep_ in ("nummod", "det"):
        # An adjective before a numeral or an article is no part of the phrase:
        # "shot dead two officers" is the verb's result the parser gave the noun.
        window.pop(0)
    return window or [head]


def char_span(tokens: Iterable[Token]) -> tuple[int, int]:
    toks = list(tokens)
    start = min(t.idx for t in toks)
    end = max(t.idx + len(t.text) for t in toks)
    return start, end
