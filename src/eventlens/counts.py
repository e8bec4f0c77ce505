"""Counts from number phrases: "Thirty-seven", "two dozen", "a hundred",
"1,200", "3.5 million", ranges ("10 to 15", "between 10 and 15") and
qualifiers ("at least 12", "more than 70").

A count is the stated number; the qualifier says how it was stated.  Vague
words ("dozens", "hundreds", "several") give no count (None).  A range gives
its lower bound, qualified ``range``.  Whether a count is an event's own or an
aggregate over a war, a period or a country is :func:`is_aggregate`.

Word lists live in ``data/numbers.yaml`` (:class:`NumberWords`, the ``numbers``
section of :class:`eventlens.knowledge.Knowledge`), passed to every function here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from eventlens.knowledge.loader import load_yaml
from eventlens.syntax import Token

_DIGITS = re.compile(r"^\d{1,3}(?:[,.\u202f ]\d{3})+$|^\d+(?:\.\d+)?$")


@dataclass(frozen=True, slots=True)
class Count:
    value: int
    qualifier: str | None = None
    """``at_least``, ``more_than``, ``about``, ``up_to``, ``range`` or None (exact)."""


@dataclass(frozen=True, slots=True)
class NumberWords:
    units: MappingProxyType[str, float]
    multipliers: MappingProxyType[str, int]
    vague: frozenset[str]
    qualifiers: tuple[tuple[tuple[str, ...], str], ...]
    aggregate_cues: tuple[tuple[str, ...], ...]
    aggregate_subjects: frozenset[str]
    spread_preps: frozenset[str]
    period_marks: frozenset[str]
    articles: frozenset[str]
    fatal_adverbs: frozenset[str]
    fatal_harm: frozenset[str]
    one_person_nouns: frozenset[str]

    def is_number_word(self, w: str) -> bool:
        w = w.lower()
        return w in self.units or w in self.multipliers or bool(_DIGITS.match(w))

    @classmethod
    def load(cls) -> NumberWords:
        data: dict[str, Any] = load_yaml("numbers.yaml")
        quals = sorted(
            ((tuple(k.lower().split()), str(v)) for k, v in data["qualifiers"].items()),
            key=lambda kv: -len(kv[0]),
        )
        return cls(
            units=MappingProxyType({str(k): float(v) for k, v in data["units"].items()}),
            multipliers=MappingProxyType({str(k): int(v) for k, v in data["multipliers"].items()}),
            vague=frozenset(str(w) for w in data["vague"]),
            qualifiers=tuple(quals),
            aggregate_cues=tuple(tuple(str(c).lower().split()) for c in data["aggregate_cues"]),
            aggregate_subjects=frozenset(str(w) for w in data["aggregate_subjects"]),
            spread_preps=frozenset(str(w) for w in data["spread_preps"]),
            period_marks=frozenset(str(w) for w in data["period_marks"]),
            articles=frozenset(str(w) for w in data["articles"]),
            fatal_adverbs=frozenset(str(w) for w in data["fatal_adverbs"]),
            fatal_harm=frozenset(str(w) for w in data["fatal_harm"]),
            one_person_nouns=frozenset(str(w) for w in data["one_person_nouns"]),
        )


def _digits(w: str) -> float | None:
    if not _DIGITS.match(w):
        return None
    if re.match(r"^\d{1,3}(?:[,.\u202f ]\d{3})+$", w):
        return float(re.sub(r"[,.\u202f ]", "", w))
    return float(w)


def _words_value(words: list[str], nw: NumberWords) -> float | None:
    """The value of a run of number words and digits, or None."""
    total = 0.0
    current = 0.0
    seen = False
    for w in words:
        if w == "and":
            continue
        d = _digits(w)
        if d is not None:
            current += d
            seen = True
        elif w in nw.units:
            article = w in nw.articles
            current += nw.units[w] if not article else 0
            seen = seen or not article
            if article:
                current = max(current, 0)
        elif w in nw.multipliers:
            m = nw.multipliers[w]
            base = current or 1.0
            seen = True
            if m >= 1000:
                total += base * m
                current = 0.0
            else:
                current = base * m
        else:
            return None
    if not seen:
        return None
    return total + current


def _split(text: str) -> list[str]:
    t = text.lower().replace("\u2013", "-").replace("\u2014", "-")
    t = re.sub(r"(?<=\d)\s*-\s*(?=\d)", " - ", t)  # "10-15"
    t = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", t)  # "thirty-seven"
    return [w for w in re.split(r"[\s]+", t.strip(" .;:")) if w]


def parse_count(text: str, nw: NumberWords) -> Count | None:
    """A count from a number phrase ("at least Thirty-seven", "two dozen"), or None."""
    words = _split(text)
    qualifier: str | None = None
    for q, kind in nw.qualifiers:
        if tuple(words[: len(q)]) == q and len(words) > len(q):
            qualifier, words = kind, words[len(q) :]
            break
    if not words or any(w in nw.vague for w in words):
        return None
    # ranges: "10 to 15", "10 - 15", "between 10 and 15", "10 or 12"
    for sep in ("to", "-", "or"):
        if sep in words:
            k = words.index(sep)
            low = _words_value(words[:k], nw)
            if low is not None and _words_value(words[k + 1 :], nw) is not None:
                return Count(int(low), "range")
            return None
    if qualifier == "range" and "and" in words:
        k = words.index("and")
        low = _words_value(words[:k], nw)
        return Count(int(low), "range") if low is not None else None
    value = _words_value(words, nw)
    if value is None or value != value or value < 0:
        return None
    return Count(int(value), qualifier)


_LINK = frozenset({"-", "and", "to", "or", ",", "\u2013"})


def number_span(tok: Token, nw: NumberWords) -> list[Token]:
    """The tokens of the number phrase around a numeral token (qualifier included):
    "at least Thirty - seven", "two dozen", "between 10 and 15"."""
    doc = tok.doc
    sent = tok.sent

    def numeric(t: Token) -> bool:
        return bool(t.like_num) or nw.is_number_word(t.text) or t.lower_ in nw.vague

    lo = hi = tok.i
    while lo - 1 >= sent.start:
        p = doc[lo - 1]
        if numeric(p) or (p.lower_ in _LINK and lo - 2 >= sent.start and numeric(doc[lo - 2])):
            lo -= 1
        else:
            break
    while hi + 1 < sent.end:
        n = doc[hi + 1]
        if numeric(n) or (n.lower_ in _LINK - {","} and hi + 2 < sent.end and numeric(doc[hi + 2])):
            hi += 1
        else:
            break
    # a qualifier right before the phrase
    for q, _kind in nw.qualifiers:
        k = len(q)
        if lo - k >= sent.start and tuple(t.lower_ for t in doc[lo - k : lo]) == q:
            lo -= k
            break
    return list(doc[lo : hi + 1])


def count_of_token(tok: Token, nw: NumberWords) -> Count | None:
    """The count a numeral token states, with its whole phrase."""
    span = number_span(tok, nw)
    return parse_count(tok.doc[span[0].i : span[-1].i + 1].text, nw)


def count_on_noun(noun: Token, nw: NumberWords) -> Count | None:
    """The count stated on a noun: its numeral modifier ("37 people"), or the noun
    itself when it is a number ("Fifteen were killed")."""
    if noun.like_num or noun.pos_ == "NUM" or nw.is_number_word(noun.text):
        c = count_of_token(noun, nw)
        if c is not None:
            return c
    for c in noun.children:
        if c.dep_ in ("nummod", "quantmod") and (c.like_num or c.pos_ == "NUM"):
            got = count_of_token(c, nw)
            if got is not None:
                return got
        if c.dep_ == "nummod" and nw.is_number_word(c.text):
            got = count_of_token(c, nw)
            if got is not None:
                return got
    return None


def is_aggregate(anchor: Token, nw: NumberWords) -> bool:
    """Is a count in this clause a total over a war, a period or a country?

    "the war has killed more than 70,000 since 1980", "protests across the
    country have drawn 300,000", "300,000 people marched in 120 cities worldwide"."""
    clause = _clause_tokens(anchor)
    words = [t.lower_ for t in clause]
    for cue in nw.aggregate_cues:
        n = len(cue)
        if any(tuple(words[i : i + n]) == cue for i in range(len(words) - n + 1)):
            return True
    for c in anchor.children:
        # "... since the uprising began"
        if c.dep_ == "advcl" and any(
            m.dep_ == "mark" and m.lower_ in nw.period_marks for m in c.children
        ):
            return True
        if c.dep_ in ("nsubj", "nsubjpass", "agent", "csubj"):
            head = c if c.dep_ != "agent" else next((p for p in c.children if p.dep_ == "pobj"), c)
            if head.lemma_.lower() in nw.aggregate_subjects or head.lower_ in nw.aggregate_subjects:
                return True
    # "in 120 cities": a count spread over many places
    for t in clause:
        if t.dep_ == "pobj" and t.head.lower_ in nw.spread_preps:
            for c in t.children:
                if c.dep_ == "nummod" and (c.like_num or c.pos_ == "NUM"):
                    cnt = count_of_token(c, nw)
                    if cnt is not None and cnt.value > 1 and t.tag_ == "NNS":
                        return True
    return False


def _clause_tokens(anchor: Token) -> list[Token]:
    """The anchor's clause: its subtree without nested clauses of their own
    (and, for a participle, its head's clause too)."""
    stop = ("ccomp", "advcl", "relcl", "parataxis", "conj")
    out: list[Token] = []

    def walk(t: Token) -> None:
        out.append(t)
        for c in t.children:
            if c.dep_ in stop and c.pos_ in ("VERB", "AUX"):
                continue
            walk(c)

    walk(anchor)
    return sorted(out, key=lambda t: int(t.i))
