"""The geoparser: find the places a text names and resolve them to GeoNames.

Recognition (:mod:`eventlens.geo.recognize`) proposes spans from spaCy's
entities checked against the gazetteer; resolution (this module) picks one
gazetteer place per span using the whole document:

1. Candidates: every place whose name, alias or alternate name matches the
   span (type words such as "province" or "County" handled; an unknown name
   gets ``reason`` and no place).
2. Priors: population, feature level (country, admin1, …), capital or seat,
   how the name matched (own name, alias, foreign alternate name).
3. Context, from the other toponyms of the document, iterated: the countries
   and first-level regions the document's other places lie in (and the
   demonyms it uses, and any countries the caller knows of, such as the
   source's), the distance to the other places, and an explicit container
   ("Alexandria, La.": Alexandria must lie in Louisiana).  Each pass uses the
   previous pass's choices, weighted by their confidence.
4. A name keeps one sense per document (per hint: "Kayseri" and "the state
   of Kayseri" are resolved apart).

The score is the winning candidate's share of a softmax over candidate
scores: an ambiguous name without context falls back to the most prominent
place with a low score.
"""

from __future__ import annotations

import itertools
import logging
import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any, Literal

from eventlens.geo.context import (
    Context,
    Group,
    Span,
    choose,
    has_seat,
    inside,
    keep_prominent,
    sentence_starts,
    stray,
)
from eventlens.geo.gazetteer import (
    MATCH_ABBREVIATION,
    MATCH_ALIAS,
    MATCH_ALTERNATE,
    MATCH_PRIMARY,
    Candidate,
    Gazetteer,
)
from eventlens.geo.hints import Hint, attempts, capitals, context_hint
from eventlens.geo.names import name_key
from eventlens.geo.patterns import PlacePatterns
from eventlens.geo.recognize import recognize
from eventlens.geo.weights import Weights
from eventlens.geo.words import PlaceWords
from eventlens.model import FeatureLevel, Place

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from eventlens.settings import Settings

log = logging.getLogger(__name__)

_CONTAINER_AFTER = re.compile(r"\s*,\s*((?:[A-Z][\w.'’\-]*\.?)(?:\s+[A-Z][\w.'’\-]*\.?){0,3})")
_POSSESSIVE = re.compile(r"['’]s?$")

PlaceKind = Literal["demonym", "facility"]


@dataclass(frozen=True, slots=True)
class GeoPlace(Place):
    """A place with what kind of mention found it, where that matters downstream.

    ``kind`` "demonym": an adjective or a people's name ("Kurdish", "Texans")
    resolved to the place it names; it says who, not where, so an event must
    not be placed by it alone.  ``kind`` "facility": an airport (``facility``
    its name) resolved to the city it serves, with that city's feature level.
    """

    kind: PlaceKind | None = None
    facility: str | None = None


_FEATURES: dict[str, FeatureLevel | None] = {
    "country": "country",
    "admin1": "admin1",
    "admin2": "admin2",
    "city": "city",
    "locality": "locality",
    "continent": None,
    "region": None,
    "facility": None,
}


class Geoparser:
    """Recognise and resolve the toponyms of a text.

    ``words`` are the words read around a name (the ``places`` section of
    :class:`eventlens.knowledge.Knowledge`; read from the data files when not
    given).  ``nlp`` is an optional spaCy pipeline used when :meth:`parse` gets
    no parsed ``Doc``; without either, recognition uses the gazetteer alone.
    """

    def __init__(
        self,
        gazetteer: Gazetteer,
        *,
        words: PlaceWords | None = None,
        nlp: Language | None = None,
        weights: Weights | None = None,
        toponyms_in_orgs: bool = True,
    ) -> None:
        self.gazetteer = gazetteer
        self.words = words if words is not None else PlaceWords.load()
        self.nlp = nlp
        self.weights = weights or Weights()
        self.toponyms_in_orgs = toponyms_in_orgs
        self._patterns = PlacePatterns.from_words(self.words)
        self._never_places = self.words.never_places
        self._feature_weight = dict(self.weights.feature)

    @classmethod
    def from_settings(cls, settings: Settings, *, nlp: Language | None = None) -> Geoparser:
        """A geoparser with a gazetteer of its own, opened from ``settings.cache_dir``
        (for scripts and tests; a pipeline's shares ``Resources.gazetteer``)."""
        return cls(Gazetteer.open(settings.cache_dir), nlp=nlp)

    # ----- public API -----

    def parse(
        self,
        text: str,
        nlp_doc: Doc | None = None,
        *,
        countries: Sequence[str] = (),
        source: str | None = None,
        demonyms: bool = False,
    ) -> list[Place]:
        """Every toponym in ``text``, resolved or with ``reason`` set, in text order.

        With ``demonyms``, adjectives and peoples' names that name a place
        ("Kurdish", "Europeans", "Texan") are returned too, as ``GeoPlace``
        with ``kind`` "demonym".

        ``countries`` are ISO3 codes known to be relevant.  ``source`` is where
        the text comes from, when known, as a place name ("Fort Worth, Texas",
        "Turkey"): it counts as one more mention of each of its parts, as a
        dateline would, and is not returned.
        """
        if nlp_doc is None and self.nlp is not None:
            nlp_doc = self.nlp(text)
        spans = self.recognize(text, nlp_doc)
        if demonyms:
            spans = [*spans, *self.demonym_spans(text, nlp_doc, spans)]
        votes = _demonym_votes(text, nlp_doc, self.gazetteer)
        full, extra = _with_source(text, source)
        places = self._resolve(full, [*spans, *extra], votes, countries, len(text))
        places = [p for p in places if p.end <= len(text)]
        return sorted([*places, *self._capitals(text, places)], key=lambda p: p.start)

    def _capitals(self, text: str, found: Sequence[Place]) -> list[Place]:
        """ "the Turkish capital", "Afghanistan's capital": that country's capital city."""
        out: list[Place] = []
        for start, end, country in capitals(self._patterns, text):
            if any(p.start < end and start < p.end for p in found):
                continue
            code = self.gazetteer.country_code(country)
            city = self.gazetteer.capital_of(code) if code else None
            if city is not None:
                out.append(self._place(Span(start, end, text[start:end]), city, 0.9))
        return out

    def recognize(self, text: str, nlp_doc: Doc | None = None) -> list[tuple[int, int]]:
        """The character spans of the toponyms in ``text`` (recognition only)."""
        if nlp_doc is None and self.nlp is not None:
            nlp_doc = self.nlp(text)
        return recognize(
            text,
            nlp_doc,
            self.gazetteer,
            self._patterns,
            toponyms_in_orgs=self.toponyms_in_orgs,
        )

    def demonym_spans(
        self, text: str, nlp_doc: Doc | None, taken: Sequence[tuple[int, int]] = ()
    ) -> list[tuple[int, int]]:
        """Spans of demonyms and adjectives that name a place, outside ``taken``."""
        found: list[tuple[int, int]] = []
        words = [(m.start(), m.end()) for m in _CAPITALISED_RUN.finditer(text)]
        if nlp_doc is not None:
            words += [(e.start_char, e.end_char) for e in nlp_doc.ents if e.label_ == "NORP"]
        for start, end in sorted(words, key=lambda se: (se[0], -se[1])):
            raw = _POSSESSIVE.sub("", text[start:end])
            lead = self._patterns.article.match(raw)
            if lead:
                start, raw = start + lead.end(), raw[lead.end() :]
            end = start + len(raw)
            if any(start < e and s < end for s, e in (*taken, *found)):
                continue
            if self.gazetteer.is_demonym(raw) and self.gazetteer.demonym_place(raw) is not None:
                found.append((start, end))
                continue
            # "The Kenyan police": try the run's shorter windows, longest and leftmost first
            parts = [(m.start(), m.end()) for m in re.finditer(r"\S+", raw)]
            done = False
            for n in range(len(parts) - 1, 0, -1):
                for i in range(len(parts) - n + 1):
                    s0, e0 = parts[i][0], parts[i + n - 1][1]
                    sub = raw[s0:e0]
                    if self.gazetteer.is_demonym(sub) and self.gazetteer.demonym_place(sub):
                        found.append((start + s0, start + e0))
                        done = True
                        break
                if done:
                    break
        return found

    def resolve_spans(
        self,
        text: str,
        spans: Sequence[tuple[int, int]],
        nlp_doc: Doc | None = None,
        *,
        countries: Sequence[str] = (),
        source: str | None = None,
        use_context: bool = True,
    ) -> list[Place]:
        """Resolve exactly these character spans of ``text`` (in the order given).

        With ``use_context``, the other toponyms recognised in the text, and
        ``source`` (see :meth:`parse`), inform the resolution (they are not returned).
        """
        wanted = [(s, e) for s, e in spans]
        demonyms = _demonym_votes(text, nlp_doc, self.gazetteer)
        context: list[tuple[int, int]] = []
        full = text
        if use_context:
            taken = sorted(wanted)
            for s, e in self.recognize(text, nlp_doc):
                if not any(s < te and ts < e for ts, te in taken):
                    context.append((s, e))
            full, extra = _with_source(text, source)
            context.extend(extra)
        places = self._resolve(full, wanted + context, demonyms, countries, len(text))
        order = {(p.start, p.end): p for p in places}
        return [order[(s, e)] for s, e in wanted]

    # ----- resolution -----

    def _resolve(
        self,
        text: str,
        spans: Sequence[tuple[int, int]],
        demonyms: dict[str, float],
        countries: Sequence[str],
        text_end: int,
    ) -> list[Place]:
        """Resolve ``spans`` of ``text``; spans past ``text_end`` are the source's
        place, context for every sentence."""
        w = self.weights
        out: dict[tuple[int, int], Place] = {}
        groups: dict[tuple[str, Hint | None], Group] = {}
        demonym_only: dict[tuple[int, int], Candidate] = {}
        for start, end in sorted(set(spans)):
            raw = text[start:end]
            span = Span(start, end, raw)
            span.hint = context_hint(self._patterns, text, start, end)
            bare = _POSSESSIVE.sub("", raw.strip())
            key, cands, hint = self._candidates(raw, span.hint)
            span.hint = hint
            named = self.gazetteer.demonym_place(bare)
            if named is not None and self.gazetteer.is_demonym(bare):
                # "Canadian" is Canada, not Canadian County; "U.S." stays a country name.
                demonym_only[(start, end)] = named
                continue
            if not cands:
                reason = "not in gazetteer" if raw.strip() else "empty span"
                out[(start, end)] = Place(text=raw, start=start, end=end, reason=reason)
                continue
            assert key is not None
            span.key = key
            if not any(
                c.feature in ("admin1", "country") and c.match == MATCH_PRIMARY for c in cands
            ):  # "Washington, Pennsylvania and California" is a list, not a town in a state
                span.container = self._container_after(text, end)
            g = groups.get((key, hint))
            if g is None:
                g = groups[(key, hint)] = Group(key, hint, cands)
                g.country_named = any(
                    c.feature == "country" and c.match in (MATCH_PRIMARY, MATCH_ALIAS)
                    for c in cands
                )
            g.spans.append(span)
            if span.container is not None:
                g.containers.append(span.container)

        glist = list(groups.values())
        _link_lists(text, glist)
        for g in glist:
            prior = [self._prior(c, g) for c in g.candidates]
            keep = sorted(range(len(prior)), key=lambda i: -prior[i])[: w.context_candidates]
            g.candidates = [g.candidates[i] for i in keep]
            g.prior = [prior[i] for i in keep]
            g.scores = list(g.prior)
            self._choose(g)

        votes_fixed: dict[str, float] = defaultdict(float)
        for iso3, v in demonyms.items():
            votes_fixed[iso3] += w.demonym_vote * v
        for iso3 in countries:
            votes_fixed[iso3.upper()] += w.hint_country_vote

        if glist:
            Context(glist, votes_fixed, w).run()
            keep_prominent(glist, sentence_starts(text[:text_end]), text_end, w)

        for g in glist:
            c = g.candidates[g.best]
            if g.key in self._never_places and not g.containers:
                for s in g.spans:
                    out[(s.start, s.end)] = Place(s.text, s.start, s.end, reason=NEVER_REASON)
                continue
            if stray(g, c, glist, votes_fixed, w.stray_km):
                for s in g.spans:
                    out[(s.start, s.end)] = Place(s.text, s.start, s.end, reason=STRAY_REASON)
                continue
            for s in g.spans:
                out[(s.start, s.end)] = self._place(s, c, g.confidence)
        for (start, end), named in demonym_only.items():
            raw = text[start:end]
            out[(start, end)] = self._place(Span(start, end, raw), named, 0.5, kind="demonym")
        return [out[k] for k in sorted(out)]

    def _candidates(
        self, raw: str, hint: Hint | None
    ) -> tuple[str | None, list[Candidate], Hint | None]:
        """The key a span matched under, its candidates and the (possibly refined) hint."""
        text = _POSSESSIVE.sub("", raw.strip()).strip(" .,;:-")
        if raw.strip().endswith(".") and len(raw.strip()) <= 8:
            text = raw.strip()  # keep "Ga." / "W.Va." whole
        for candidate_text, h in attempts(self._patterns, text, hint):
            key = name_key(candidate_text)
            if not key:
                continue
            cands = list(self.gazetteer.lookup_key(key))
            if not cands:
                continue
            if h == "admin":
                cands = _admin_readings(cands)
            return key, cands[: self.weights.max_candidates], h
        return None, [], hint

    def _container_after(self, text: str, end: int) -> Candidate | None:
        """The admin1 or country named right after ", " ("Alexandria, La.")."""
        m = _CONTAINER_AFTER.match(text, end, min(len(text), end + 60))
        if not m:
            return None
        words = m.group(1).split()
        for n in range(len(words), 0, -1):
            phrase = " ".join(words[:n])
            if not phrase.endswith(".") or len(phrase) > 8:
                phrase = phrase.rstrip(".,")
            for c in self.gazetteer.lookup(phrase):
                if c.feature in ("admin1", "country") and c.match != MATCH_ALTERNATE:
                    return c
        return None

    def _prior(self, c: Candidate, g: Group) -> float:
        w = self.weights
        s = w.population * math.log10(c.population + 1)
        s += self._feature_weight.get(c.feature, 0.0)
        s += w.capital[c.capital] if 0 <= c.capital < len(w.capital) else 0.0
        s += w.match[c.match] if 0 <= c.match < len(w.match) else 0.0
        if c.match == MATCH_ALTERNATE and c.population > 10_000:
            s += min(-w.match[MATCH_ALTERNATE], w.big_alternate * math.log10(c.population / 1e4))
        if c.feature != "country" and g.country_named:
            s += w.country_shadow
        admin_hint = (
            g.hint == "admin"
            and c.feature in ("admin1", "admin2", "region")
            and (c.match == MATCH_PRIMARY or c.feature == "admin1")
        )
        if admin_hint or (g.hint == "city" and c.feature in ("city", "locality")):
            s += w.hint
        elif g.hint is None and c.feature in ("admin1", "admin2") and has_seat(c, g.candidates):
            s += w.seat_shadow
        for cont in g.containers:
            s += (w.container if inside(c, cont) else w.container_miss) / len(g.containers)
        return s

    def _choose(self, g: Group) -> None:
        choose(g, self.weights.temperature)

    def _place(
        self, span: Span, c: Candidate, confidence: float, *, kind: PlaceKind | None = None
    ) -> Place:
        """The place ``c`` for ``span``; a facility falls back to its city (``GeoPlace``)."""
        facility = None
        if c.feature == "facility" and c.parent_pid is not None:
            city = self.gazetteer.place(c.parent_pid)
            if city is not None:
                facility, kind = c.name, kind or "facility"
                c = replace(city, match=c.match)
        quality = {MATCH_PRIMARY: 1.0, MATCH_ALIAS: 0.95, MATCH_ABBREVIATION: 0.95,
                   MATCH_ALTERNATE: 0.8}.get(c.match, 0.8)  # fmt: skip
        place = Place(
            text=span.text,
            start=span.start,
            end=span.end,
            geonameid=c.geonameid,
            name=c.name,
            lat=c.lat,
            lon=c.lon,
            feature=_FEATURES.get(c.feature),
            admin1=c.admin1 if c.feature not in ("country", "continent", "region") else None,
            country=c.country,
            score=round(max(0.0, min(1.0, confidence * quality)), 3),
        )
        if kind is None:
            return place
        return GeoPlace(**{f.name: getattr(place, f.name) for f in fields(Place)},
                        kind=kind, facility=facility)  # fmt: skip


_CAPITALISED_RUN = re.compile(r"\b[A-Z][\w\-]+(?:['’]s)?(?:\s+[A-Z][\w\-]+){0,2}")


def _admin_readings(cands: list[Candidate]) -> list[Candidate]:
    """The candidates a hint word for a region leaves ("Kayseri province"): the
    regions, and any town more populous than all of them ("the Houston region",
    a metropolitan area, is not Houston County); every candidate when none is a region."""
    admin = [c for c in cands if c.feature in ("admin1", "admin2", "region")]
    if not admin:
        return cands
    most = max(c.population for c in admin)
    return [c for c in cands if c in admin or (c.feature == "city" and c.population > most)]


_LIST_GAP = re.compile(r"\s*(?:,\s*(?:(?:and|or)\s+)?|(?:and|or|&)\s+)")
"""What separates two names of a list: ", ", " and ", ", or ", " & "."""


def _link_lists(text: str, groups: list[Group]) -> None:
    """Mark as peers the groups whose spans follow each other in a list."""
    spans = sorted((s.start, s.end, gi) for gi, g in enumerate(groups) for s in g.spans)
    for (_, end, a), (start, _, b) in itertools.pairwise(spans):
        if a != b and start > end and _LIST_GAP.fullmatch(text, end, start):
            groups[a].peers.append(b)
            groups[b].peers.append(a)


def _with_source(text: str, source: str | None) -> tuple[str, list[tuple[int, int]]]:
    """``text`` with the source's place appended as a last line, and the spans of its parts.

    "Fort Worth, Texas" gives two toponyms; each comma-separated part is one.
    """
    if source is None or not source.strip():
        return text, []
    base = len(text) + 2
    full = f"{text}\n\n{source.strip()}"
    spans = []
    for m in re.finditer(r"[^,;]+", full[base:]):
        part = m.group()
        lead = len(part) - len(part.lstrip())
        stripped = part.strip()
        if stripped:
            start = base + m.start() + lead
            spans.append((start, start + len(stripped)))
    return full, spans


NEVER_REASON = "a word that names no place in news (data/geo/never_places.txt)"
STRAY_REASON = "only a small place of this name, far from everything else the text names"


def _demonym_votes(text: str, nlp_doc: Any, gazetteer: Gazetteer) -> dict[str, float]:
    """Countries named by demonyms ("Turkish authorities"): one vote each, at most three."""
    votes: dict[str, float] = defaultdict(float)
    if nlp_doc is not None:
        words = [e.text for e in nlp_doc.ents if e.label_ == "NORP"]
    else:
        words = re.findall(r"\b[A-Z][a-z]+(?:\s[A-Z][a-z]+)?\b", text)
    for word in words:
        iso3 = gazetteer.demonym_country(word)
        if iso3:
            votes[iso3] = min(3.0, votes[iso3] + 1.0)
    return dict(votes)


__all__ = ["GeoPlace", "Geoparser", "PlaceKind", "Weights"]
