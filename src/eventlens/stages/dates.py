"""Event dates from the event's own words.

Each event takes, in this order:

1. a date its own clause holds ("killed late Tuesday");
2. a date on a verb its clause hangs from ("On Monday, police raided homes,
   arresting four"), not across a relative clause ("the men who attacked");
3. a date of a related mention in the sentence: one of the same type, or an
   event its clause contains or hangs from ("seized in a raid in July");
4. a date of its sentence that belongs to no other event and no noun
   ("last Sunday's election", "workers seized last month" are their nouns');
5. the date of the nearest earlier sentence of its paragraph (else the next),
   else the date of a statement in its sentence made before the publication
   day ("the governor's office said on Sunday ...": it is at least that old);
6. the story's date: the day the lead (the first sentence with events that
   is no headline) dates its event to ("Gunmen attacked ... yesterday"); it is
   an inherited date, which never sets two mentions apart in coreference, and
   a date the mention's own sentence gives beats it there;
7. the article's dateline or heading date ("KABUL, March 4 -"), the report's
   date, so marked ``publication``;
8. the publication date (source ``publication``).

Each event records which of these its date came from (``Event.date_from``, one
of :data:`eventlens.model.DATE_FROM`: ``clause`` for 1-2, ``related``,
``sentence`` for 4, ``paragraph`` for 5, ``lead``, ``dateline``,
``publication``), so that coreference can rank the dates of one event's
mentions (:func:`eventlens.stages.coref.better_date`).

A date on a statement ("officials said on Wednesday", "told reporters on
Monday", "according to a report today") is when it was said: it dates only
an event that is a statement (ACCUSE, THREATEN, ...; a threat or a warning).
A period ("since 1980") and a reference to the past with no date of its own
("the deadliest since the war") stay undated, never the publication date;
so does "two years earlier" with no date before it to count from.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from eventlens.model import UNKNOWN_DATE, Document, Event, EventDate
from eventlens.pipeline import Resources
from eventlens.settings import Settings
from eventlens.stages.base import Stage
from eventlens.stages.date_expr import (
    DateCues,
    after_publication,
    anaphoric_unit,
    date_expressions,
    governor,
    historical,
    is_anaphoric,
    is_deadline,
    is_period,
    normalise,
    resolve_expression,
)
from eventlens.stages.scope import Clauses, by_sentence, clauses_of, owner_of
from eventlens.syntax import Token, token_at

__all__ = ["DateCues", "Dater", "make_dater", "resolve_expression"]

log = logging.getLogger(__name__)

NOUN_CLAUSES = frozenset({"relcl", "acl"})
COARSE = frozenset({"month", "year"})
SHORT = frozenset({"day", "week", "fortnight"})
END_OF_SENTENCE = re.compile(r"[.!?][\"'”’)]*\s*$")
OWN = frozenset({"clause", "sentence", "related"})
"""Where a date the event's sentence gives comes from (:data:`eventlens.model.DATE_FROM`)."""


@dataclass(frozen=True, slots=True)
class Expr:
    """One date expression of a sentence and whose date it can be."""

    root: Token
    start: int
    date: EventDate
    """Its resolution; unknown for an anaphoric one with nothing to count from."""
    said: bool
    """On a statement verb or noun: when something was said."""
    bound: bool
    """A noun's own date: "last Sunday's election", "workers seized last month"."""
    verb: Token | None
    """The verb (or statement noun) it modifies."""

    @property
    def known(self) -> bool:
        return self.date.value is not None


@dataclass(frozen=True, slots=True)
class Mention:
    """One event of a sentence, as the dating rules see it."""

    event: Event
    anchor: Token | None
    verbal: bool
    """A statement (ACCUSE, THREATEN, a threat or a warning): a statement's date is its own."""


class Dater(Stage):
    """Each event's date from its own words (see the module docstring)."""

    name = "eventlens.dates.v1"
    requires: tuple[str, ...] = ("nlp", "dateline", "events", "scopes")
    provides: tuple[str, ...] = ("dates",)

    def __call__(self, doc: Document) -> Document:
        if not doc.events or doc.nlp is None:
            return doc
        cues = self.resources.knowledge.date_cues
        clauses = clauses_of(doc, self.name)
        sents = list(doc.nlp.sents)
        exprs, periods = _sentence_expressions(doc, sents, clauses, cues, None)
        ordered = sorted(by_sentence(doc.events).items())
        lead_si, story = _story_date(doc, sents, ordered, clauses, exprs, periods, cues)
        published = doc.article.published
        base = story or (
            EventDate(published.isoformat(), "day", "publication") if published else None
        )
        if base is not None and any(not x.known for xs in exprs.values() for x in xs):
            # "A day earlier" with no date before it counts from the story's day
            exprs, periods = _sentence_expressions(doc, sents, clauses, cues, base)
        fallback = _article_date(doc, sents, cues)
        found = {
            si: _date_sentence(doc, si, idxs, clauses, exprs, periods, cues) for si, idxs in ordered
        }
        dates: dict[int, tuple[EventDate, str | None]] = {}
        for si, idxs in ordered:
            # an undated mention takes the lead's day, marked so: coreference lets the
            # date of a mention of the same event that its own sentence dates win
            lead = story if si != lead_si else None
            for k, (d, frm) in zip(idxs, found[si], strict=True):
                if d is not None:
                    dates[k] = (d, frm)
                elif lead is not None:
                    dates[k] = (lead, "lead")
                else:
                    dates[k] = _last_resort(doc, sents[si], fallback, cues)
        events = tuple(
            replace(ev, date=dates[k][0], date_from=dates[k][1]) if k in dates else ev
            for k, ev in enumerate(doc.events)
        )
        return replace(doc, events=events)


def _story_date(
    doc: Document,
    sents: list[Any],
    ordered: list[tuple[int, list[int]]],
    clauses: Clauses,
    exprs: dict[int, list[Expr]],
    periods: dict[int, list[Token]],
    cues: DateCues,
) -> tuple[int, EventDate | None]:
    """The lead (the first sentence with events that is not a headline: a headline
    ends with no full stop) and the day it dates its event to, if it dates one."""
    for si, idxs in ordered:
        if not END_OF_SENTENCE.search(sents[si].text):
            continue
        found = _date_sentence(doc, si, idxs, clauses, exprs, periods, cues)
        day = next(
            (d for d, frm in found if frm in OWN and d and d.precision in ("day", "week")), None
        )
        return si, day
    return -1, None


def _last_resort(
    doc: Document, sent: Any, fallback: EventDate | None, cues: DateCues
) -> tuple[EventDate, str | None]:
    """The dateline's date, else (unless the sentence looks back) the publication date;
    and where it came from."""
    if fallback is not None:
        return fallback, "dateline"
    if historical(sent.text, cues):
        return UNKNOWN_DATE, None
    published = doc.article.published
    if published is None:
        return UNKNOWN_DATE, None
    return EventDate(published.isoformat(), "day", "publication"), "publication"


def _sentence_expressions(
    doc: Document, sents: list[Any], clauses: Clauses, cues: DateCues, base: EventDate | None
) -> tuple[dict[int, list[Expr]], dict[int, list[Token]]]:
    """Every usable date expression of each sentence, in order, and the roots of the
    periods ("since 1980": a total or a history, undated).  An anaphoric expression
    counts from the last date before it in its paragraph, else, for a few days or
    weeks ("a day earlier"), from ``base`` (the story's day)."""
    published = doc.article.published
    line_end = doc.dateline.end if doc.dateline is not None else -1
    out: dict[int, list[Expr]] = {}
    periods: dict[int, list[Token]] = {}
    last: EventDate | None = None  # what an anaphoric expression counts from
    for si, sent in enumerate(sents):
        if si > 0 and clauses.paragraph[si] != clauses.paragraph[si - 1]:
            last = None
        for ent in date_expressions(sent, cues):
            if is_period(ent, cues):
                periods.setdefault(si, []).append(ent.root)
                continue
            if is_deadline(ent, cues) or ent.start_char < line_end:
                continue  # a target date, or the dateline's own
            anchor = None
            if is_anaphoric(ent.text, cues):
                anchor = last or (base if anaphoric_unit(ent.text, cues) in SHORT else None)
            resolved = resolve_expression(ent.text, published, cues, anchor)
            if resolved is None or after_publication(resolved, published):
                continue
            if resolved.value is None and not is_anaphoric(ent.text, cues):
                continue  # relative, with no publication date
            gov = governor(ent.root, cues)
            said = gov is not None and (
                gov.lemma_.lower() in cues.statement_verbs
                or normalise(gov.text) in cues.statement_nouns
            )
            bound = (
                ent.root.dep_ in ("poss", "compound") and ent.root.head.pos_ in ("NOUN", "PROPN")
            ) or (gov is not None and gov.dep_ in NOUN_CLAUSES)
            out.setdefault(si, []).append(
                Expr(ent.root, int(ent.start), resolved, said, bound, gov)
            )
            if resolved.value is not None and not said:
                last = resolved
    return out, periods


def _date_sentence(
    doc: Document,
    si: int,
    idxs: list[int],
    clauses: Clauses,
    exprs: dict[int, list[Expr]],
    periods: dict[int, list[Token]],
    cues: DateCues,
) -> list[tuple[EventDate | None, str | None]]:
    """The date each event of sentence ``si`` takes from its sentence or paragraph
    (None: nothing there), and where it came from (:data:`eventlens.model.DATE_FROM`)."""
    clause_map = clauses.clause_map(idxs)
    here = exprs.get(si, [])
    owner = {x.start: owner_of(x.root, clause_map) for x in here}
    over_period = {owner_of(r, clause_map) for r in periods.get(si, [])}
    mentions = [_mention(doc, doc.events[k], cues) for k in idxs]
    out: list[tuple[EventDate | None, str | None]] = []
    for local, m in enumerate(mentions):
        own = [x for x in here if owner[x.start] == local and (m.verbal or not x.said)]
        if own:
            out.append((own[0].date, "clause"))  # unknown: "two years earlier", nothing before
            continue
        if local in over_period:
            out.append((UNKNOWN_DATE, "clause"))
            continue
        verb = _on_its_verb(m, [x for x in here if owner[x.start] is None], cues)
        related = None if verb else _related(m, local, mentions, here, owner, cues)
        free = None if verb or related else _free(m, here, owner)
        if verb or related or free:
            out.append(
                (
                    verb or related or free,
                    "clause" if verb else "related" if related else "sentence",
                )
            )
        else:
            found = _paragraph_date(si, clauses.paragraph, exprs) or _said_before(
                here, doc.article.published
            )
            out.append((found, "paragraph" if found else None))
    return out


def _mention(doc: Document, ev: Event, cues: DateCues) -> Mention:
    anchor = token_at(doc.nlp, ev.trigger[0]) if ev.trigger is not None else None
    verbal = ev.event_type in cues.verbal_types or ev.status in ("threatened", "warned")
    return Mention(ev, anchor, verbal)


def _path(low: Token, high: Token) -> list[Token] | None:
    """The tokens from ``low`` up to (not including) its head ``high``; None when
    ``high`` is not one of its heads."""
    out: list[Token] = []
    cur = low
    while cur.i != high.i:
        if cur.head.i == cur.i:
            return None
        out.append(cur)
        cur = cur.head
    return out


def _reaches(path: list[Token], value: EventDate, cues: DateCues) -> bool:
    """Can a date on the top of ``path`` pass down it?  Not into a relative clause
    ("the men who attacked"), and only a month or a year into a phrase of sequence
    ("called off in 2019 following an attack")."""
    if any(t.dep_ in NOUN_CLAUSES for t in path):
        return False
    if any(t.dep_ == "prep" and t.lower_ in cues.sequence_preps for t in path):
        return value.precision in COARSE
    return True


def _on_its_verb(m: Mention, shared: list[Expr], cues: DateCues) -> EventDate | None:
    """A date no event owns, on the verb the event's clause hangs from:
    "On Monday, police arrested ..." but not "... attacks, but today it has none"."""
    if m.anchor is None:
        return None
    best: tuple[int, EventDate] | None = None  # the nearest verb's
    for x in shared:
        if x.verb is None or not x.known or (x.said and not m.verbal):
            continue
        path = _path(m.anchor, x.verb)
        fits = path is not None and _reaches(path, x.date, cues)
        if fits and path is not None and (best is None or len(path) < best[0]):
            best = (len(path), x.date)
    return best[1] if best else None


def _related(
    m: Mention,
    local: int,
    mentions: list[Mention],
    here: list[Expr],
    owner: dict[int, int | None],
    cues: DateCues,
) -> EventDate | None:
    """The date of another event of the sentence that is this one's mention (same
    type), or whose clause contains this one or hangs from it ("killed in an attack
    on Tuesday", "seized in a raid in July")."""
    for x in here:
        k = owner[x.start]
        if k is None or k == local or not x.known or (x.said and not m.verbal):
            continue
        other = mentions[k]
        if other.event.event_type == m.event.event_type:
            return x.date
        if m.anchor is None or other.anchor is None:
            continue
        path = _path(m.anchor, other.anchor) or _path(other.anchor, m.anchor)
        if path and _reaches(path, x.date, cues):
            return x.date
    return None


def _free(m: Mention, here: list[Expr], owner: dict[int, int | None]) -> EventDate | None:
    """A date of the sentence that belongs to no event, no noun and no statement."""
    for x in here:
        if owner[x.start] is None and x.known and not x.bound and (m.verbal or not x.said):
            return x.date
    return None


def _said_before(here: list[Expr], published: date | None) -> EventDate | None:
    """The date of a statement in the sentence made before the publication day: what
    it reports is at least that old ("the governor's office said on Sunday")."""
    if published is None:
        return None
    for x in here:
        if (
            x.said
            and x.known
            and (x.date.value or "") < published.isoformat()[: len(x.date.value or "")]
        ):
            return x.date
    return None


def _paragraph_date(
    si: int, paragraph: tuple[int, ...], exprs: dict[int, list[Expr]]
) -> EventDate | None:
    """The first date of the nearest earlier sentence of the same paragraph that has
    one, else of the next sentence (no statement's date, no noun's)."""

    def first(sj: int) -> EventDate | None:
        return next(
            (x.date for x in exprs.get(sj, []) if x.known and not x.said and not x.bound), None
        )

    for sj in range(si - 1, -1, -1):
        if paragraph[sj] != paragraph[si]:
            break
        if (d := first(sj)) is not None:
            return d
    nxt = si + 1
    if nxt < len(paragraph) and paragraph[nxt] == paragraph[si]:
        return first(nxt)
    return None


def _article_date(doc: Document, sents: list[Any], cues: DateCues) -> EventDate | None:
    """The dateline's date ("KABUL, March 4 (Reuters) -"), else a heading line that is
    only a date ("Saturday, June 3, 2006") before the first event."""
    published = doc.article.published
    line = doc.dateline
    if line is not None and line.date is not None:
        d = resolve_expression(line.date, published, cues)
        if d is not None and d.value is not None and not after_publication(d, published):
            return replace(d, source="publication")  # the report's date, not the event's
    first_event = min(ev.evidence.sentence for ev in doc.events)
    for sent in sents[:first_event]:
        ents = [e for e in sent.ents if e.label_ == "DATE"]
        words = [t for t in sent if not t.is_punct and not t.is_space]
        if len(ents) == 1 and len(ents[0]) >= len(words) - 1 and words:
            d = resolve_expression(ents[0].text, published, cues)
            if d is not None and d.value is not None and not after_publication(d, published):
                return replace(d, source="publication")
    return None


def make_dater(settings: Settings, resources: Resources) -> Dater:
    return Dater(settings, resources)
