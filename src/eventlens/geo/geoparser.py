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

import bisect
import logging
import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from eventlens.geo.distance import haversine_km
from eventlens.geo.gazetteer import (
    CAPITAL_ADMIN1,
    CAPITAL_ADMIN2,
    CAPITAL_COUNTRY,
    MATCH_ABBREVIATION,
    MATCH_ALIAS,
    MATCH_ALTERNATE,
    MATCH_PRIMARY,
    Candidate,
    Gazetteer,
)
from eventlens.geo.names import name_key
from eventlens.geo.recognize import load_never_places, load_not_places, recognize
from eventlens.model import FeatureLevel, Place

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from eventlens.settings import Settings

log = logging.getLogger(__name__)

Hint = Literal["admin", "city", "country"]

# Words that name the kind of place a name is, before or after it.
_ADMIN_WORDS = (
    "province|provinces|state|states|governorate|governorates|region|regions|district|"
    "districts|oblast|prefecture|department|county|counties|parish|municipality|territory|"
    "emirate|canton|wilaya|vilayet"
)
_CITY_WORDS = "city|town|village|township|twp|borough"
_AFTER_ADMIN = re.compile(rf"^\s+(?:{_ADMIN_WORDS})\b", re.IGNORECASE)
_AFTER_CITY = re.compile(rf"^\s+(?:{_CITY_WORDS})\b(?!\s+(?:council|hall|police|manager))", re.I)
_AFTER_ADMIN_LIST = re.compile(
    r"^\s*(?:,|and|or|&)\s+(?:[A-Z][\w'’\-]*\s+){1,3}"
    r"(?:provinces|states|regions|governorates|districts|counties|oblasts|prefectures)\b"
)
_BEFORE_ADMIN = re.compile(rf"\b(?:{_ADMIN_WORDS})\s+of\s+(?:the\s+)?$", re.IGNORECASE)
_BEFORE_CITY = re.compile(rf"\b(?:{_CITY_WORDS})\s+of\s+$", re.IGNORECASE)
_TRAILING_ADMIN = re.compile(rf"\s+(?:{_ADMIN_WORDS})$", re.IGNORECASE)
_TRAILING_CITY = re.compile(rf"\s+(?:{_CITY_WORDS})$", re.IGNORECASE)
_LEADING_ADMIN = re.compile(rf"^(?:the\s+)?(?:{_ADMIN_WORDS})\s+of\s+(?:the\s+)?", re.I)
_LEADING_CITY = re.compile(rf"^(?:the\s+)?(?:{_CITY_WORDS})\s+of\s+", re.IGNORECASE)
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


@dataclass(frozen=True, slots=True)
class Weights:
    """The resolver's scoring weights (hand-set; see the module docstring)."""

    population: float = 0.35
    """Per factor of ten in population."""
    feature: tuple[tuple[str, float], ...] = (
        ("country", 1.6),
        ("continent", 1.6),
        ("admin1", 1.1),
        ("region", 2.5),
        ("facility", 2.0),
        ("admin2", 0.2),
        ("city", 0.3),
        ("locality", 0.0),
    )
    capital: tuple[float, float, float, float] = (0.0, 1.2, 0.35, 0.1)
    """Bonus by ``Candidate.capital``: none, country capital, admin1 seat, admin2 seat."""
    match: tuple[float, float, float, float] = (0.0, -0.15, -1.3, -0.2)
    """Bonus by ``Candidate.match``: own name, alias, alternate name, abbreviation."""
    country_share: float = 2.2
    admin1_share: float = 2.5
    proximity: float = 4.0
    container: float = 3.0
    container_miss: float = -2.5
    hint: float = 1.5
    """For the feature a hint word asks for ("the state of X", "X province")."""
    seat_shadow: float = -0.9
    """For an admin region whose seat shares its name, read without a hint."""
    country_shadow: float = -1.0
    """For any other place named like a country ("Niger" the Nigerian state, "China" the town)."""
    big_alternate: float = 0.3
    """Per factor of ten above 10,000 people, taken off the alternate-name penalty
    (large cities' alternate names are often English exonyms: "Mecca", "Cologne")."""
    demonym_vote: float = 0.5
    hint_country_vote: float = 2.0
    admin2_share: float = 1.0
    temperature: float = 0.5
    passes: int = 4
    max_candidates: int = 400
    context_candidates: int = 60
    """Candidates per name kept for context (best priors first)."""
    prominent_population: int = 1_000_000
    """A capital, or a city at least this large, is only displaced by a qualifier
    in the mention or its own sentence (see ``_keep_prominent``)."""
    prominent_km: float = 250.0
    """How near a same-sentence place must be to a smaller namesake to support it."""
    prominent_local: int | None = None
    """If set, this many places of other sentences in the namesake's first-level
    region and that near it also move a capital or big city (a local cluster).
    Off by default: only the mention or its own sentence does (issue 13)."""
    stray_km: float = 1000.0
    """A small place this far from all the text's other places, in none of their
    countries, is left unresolved (see ``_stray``)."""


@dataclass(slots=True)
class _Span:
    start: int
    end: int
    text: str
    key: str | None = None
    hint: Hint | None = None
    container: Candidate | None = None


@dataclass(slots=True)
class _Group:
    """All spans of one name (and hint): resolved together, one sense per document."""

    key: str
    hint: Hint | None
    candidates: list[Candidate]
    spans: list[_Span] = field(default_factory=list)
    containers: list[Candidate] = field(default_factory=list)
    prior: list[float] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    best: int = 0
    confidence: float = 0.0
    country_named: bool = False
    """A country has this name (by its own name or an English alias)."""


class Geoparser:
    """Recognise and resolve the toponyms of a text.

    ``nlp`` is an optional spaCy pipeline used when :meth:`parse` gets no
    parsed ``Doc``; without either, recognition uses the gazetteer alone.
    """

    def __init__(
        self,
        gazetteer: Gazetteer,
        *,
        nlp: Language | None = None,
        weights: Weights | None = None,
        toponyms_in_orgs: bool = True,
    ) -> None:
        self.gazetteer = gazetteer
        self.nlp = nlp
        self.weights = weights or Weights()
        self.toponyms_in_orgs = toponyms_in_orgs
        self._not_places = load_not_places()
        self._never_places = load_never_places()
        self._feature_weight = dict(self.weights.feature)

    @classmethod
    def from_settings(cls, settings: Settings, *, nlp: Language | None = None) -> Geoparser:
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
        for m in _CAPITAL_PHRASE.finditer(text):
            start, end = m.start(1), m.end()
            if any(p.start < end and start < p.end for p in found):
                continue
            code = self.gazetteer.country_code(m.group(1))
            city = self.gazetteer.capital_of(code) if code else None
            if city is not None:
                out.append(self._place(_Span(start, end, text[start:end]), city, 0.9))
        return out

    def recognize(self, text: str, nlp_doc: Doc | None = None) -> list[tuple[int, int]]:
        """The character spans of the toponyms in ``text`` (recognition only)."""
        if nlp_doc is None and self.nlp is not None:
            nlp_doc = self.nlp(text)
        return recognize(
            text,
            nlp_doc,
            self.gazetteer,
            not_places=self._not_places,
            never_places=self._never_places,
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
            lead = re.match(r"(?:The|A|An)\s+", raw)
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
        groups: dict[tuple[str, Hint | None], _Group] = {}
        demonym_only: dict[tuple[int, int], Candidate] = {}
        for start, end in sorted(set(spans)):
            raw = text[start:end]
            span = _Span(start, end, raw)
            span.hint = _context_hint(text, start, end)
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
                g = groups[(key, hint)] = _Group(key, hint, cands)
                g.country_named = any(
                    c.feature == "country" and c.match in (MATCH_PRIMARY, MATCH_ALIAS)
                    for c in cands
                )
            g.spans.append(span)
            if span.container is not None:
                g.containers.append(span.container)

        glist = list(groups.values())
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
            _Context(glist, votes_fixed, w).run()
            _keep_prominent(glist, _sentence_ids(text[:text_end]), text_end, w)

        for g in glist:
            c = g.candidates[g.best]
            if g.key in self._never_places and not g.containers:
                for s in g.spans:
                    out[(s.start, s.end)] = Place(s.text, s.start, s.end, reason=NEVER_REASON)
                continue
            if _stray(g, c, glist, votes_fixed, w.stray_km):
                for s in g.spans:
                    out[(s.start, s.end)] = Place(s.text, s.start, s.end, reason=STRAY_REASON)
                continue
            for s in g.spans:
                out[(s.start, s.end)] = self._place(s, c, g.confidence)
        for (start, end), named in demonym_only.items():
            raw = text[start:end]
            out[(start, end)] = self._place(_Span(start, end, raw), named, 0.5, kind="demonym")
        return [out[k] for k in sorted(out)]

    def _candidates(
        self, raw: str, hint: Hint | None
    ) -> tuple[str | None, list[Candidate], Hint | None]:
        """The key a span matched under, its candidates and the (possibly refined) hint."""
        text = _POSSESSIVE.sub("", raw.strip()).strip(" .,;:-")
        if raw.strip().endswith(".") and len(raw.strip()) <= 8:
            text = raw.strip()  # keep "Ga." / "W.Va." whole
        attempts: list[tuple[str, Hint | None]] = [(text, hint)]
        m = _LEADING_ADMIN.match(text)
        if m:
            attempts.append((text[m.end() :], "admin"))
        m = _LEADING_CITY.match(text)
        if m:
            attempts.append((text[m.end() :], "city"))
        m = _TRAILING_ADMIN.search(text)
        if m:
            attempts.append((text[: m.start()], "admin"))
        m = _TRAILING_CITY.search(text)
        if m:
            attempts.append((text[: m.start()], "city"))
        if re.search(r"\s+Co\.?$", text):
            attempts.append((re.sub(r"\s+Co\.?$", " County", text), "admin"))
        for candidate_text, h in attempts:
            key = name_key(candidate_text)
            if not key:
                continue
            cands = list(self.gazetteer.lookup_key(key))
            if not cands:
                continue
            if h == "admin":
                admin = [c for c in cands if c.feature in ("admin1", "admin2", "region")]
                cands = admin or cands
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

    def _prior(self, c: Candidate, g: _Group) -> float:
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
        elif g.hint is None and c.feature in ("admin1", "admin2") and _has_seat(c, g.candidates):
            s += w.seat_shadow
        for cont in g.containers:
            s += (w.container if _inside(c, cont) else w.container_miss) / len(g.containers)
        return s

    def _choose(self, g: _Group) -> None:
        _choose(g, self.weights.temperature)

    def _place(
        self, span: _Span, c: Candidate, confidence: float, *, kind: PlaceKind | None = None
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
_CAPITAL_PHRASE = re.compile(r"\b(?:the|The) ([A-Z][\w-]+(?: [A-Z][\w-]+)?)(?:'s)? capital\b")


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


def _choose(g: _Group, temperature: float) -> None:
    top = max(g.scores)
    exps = [math.exp((s - top) / temperature) for s in g.scores]
    g.best = max(range(len(g.scores)), key=lambda i: g.scores[i])
    g.confidence = exps[g.best] / sum(exps)


class _Context:
    """Resolution in context, by soft votes (mean field).

    Each pass turns every name's scores into probabilities over its
    candidates; a candidate then gains from the probability mass the *other*
    names put on its country, its first- and second-level regions, and on
    places near it.  A few passes let unambiguous names settle ambiguous ones.
    """

    def __init__(self, groups: list[_Group], votes_fixed: dict[str, float], w: Weights) -> None:
        self.groups = groups
        self.w = w
        self.fixed = votes_fixed
        self.fixed_total = sum(votes_fixed.values())
        cands = [(gi, c) for gi, g in enumerate(groups) for c in g.candidates]
        self.grp = np.array([gi for gi, _ in cands], dtype=np.int64)
        self.country = [c.country for _, c in cands]
        self.a1 = [c.pid if c.feature == "admin1" else c.admin1_pid for _, c in cands]
        self.a2 = [c.pid if c.feature == "admin2" else c.admin2_pid for _, c in cands]
        lat = np.radians(np.array([c.lat for _, c in cands]))
        lon = np.radians(np.array([c.lon for _, c in cands]))
        self.gw = np.array([1.0 + math.log(len(g.spans)) for g in groups])
        self.pointlike = [c.feature in ("city", "locality", "admin2", "admin1") for _, c in cands]
        n = len(cands)
        if len(groups) > 1 and n > 0:
            dlat = lat[:, None] - lat[None, :]
            dlon = lon[:, None] - lon[None, :]
            a = (
                np.sin(dlat / 2) ** 2
                + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
            )
            km = 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
            self.q = np.clip(1.0 - np.log1p(km / 10.0) / math.log1p(150.0), 0.0, 1.0)
            pid = np.array([c.pid for _, c in cands])
            self.q[pid[:, None] == pid[None, :]] = 0.0  # two names, one place: no support
        else:
            self.q = np.zeros((n, n))
        self.onehot = np.zeros((n, len(groups)))
        self.onehot[np.arange(n), self.grp] = 1.0

    def probabilities(self) -> np.ndarray:
        t = self.w.temperature
        parts = []
        for g in self.groups:
            sc = np.array(g.scores)
            e = np.exp((sc - sc.max()) / t)
            parts.append(e / e.sum())
        return np.concatenate(parts)

    def run(self) -> None:
        w = self.w
        n_groups = len(self.groups)
        for _ in range(w.passes if n_groups > 1 or self.fixed_total > 0 else 0):
            p = self.probabilities()
            mass = p * self.gw[self.grp]
            totals: list[dict[object, float]] = [defaultdict(float) for _ in range(3)]
            own: list[dict[tuple[int, object], float]] = [defaultdict(float) for _ in range(3)]
            for i, keys in enumerate(zip(self.country, self.a1, self.a2, strict=True)):
                gi = int(self.grp[i])
                for level, k in enumerate(keys):
                    if k is not None:
                        totals[level][k] += float(mass[i])
                        own[level][(gi, k)] += float(mass[i])
            other_weight = self.gw.sum() - self.gw + self.fixed_total
            # expected nearness to each other name, averaged over the other names
            near = self.q @ (self.onehot * p[:, None])  # (candidates, groups)
            near_own = near[np.arange(len(p)), self.grp]
            prox = (near @ self.gw - near_own * self.gw[self.grp]) / np.maximum(
                self.gw.sum() - self.gw[self.grp], 1e-9
            )
            i = 0
            for gi, g in enumerate(self.groups):
                denom = other_weight[gi]
                scores = []
                for prior in g.prior:
                    s = prior
                    if denom > 0:
                        k = self.country[i]
                        if k is not None:
                            v = totals[0][k] - own[0][(gi, k)] + self.fixed.get(k, 0.0)
                            s += w.country_share * v / denom
                        k1 = self.a1[i]
                        if k1 is not None:
                            s += w.admin1_share * (totals[1][k1] - own[1][(gi, k1)]) / denom
                        k2 = self.a2[i]
                        if k2 is not None:
                            s += w.admin2_share * (totals[2][k2] - own[2][(gi, k2)]) / denom
                    if n_groups > 1 and self.pointlike[i]:
                        s += w.proximity * float(prox[i])
                    scores.append(s)
                    i += 1
                g.scores = scores
        for g in self.groups:
            _choose(g, w.temperature)


_SENTENCE_END = re.compile(r"(?<![A-Z][a-z])(?<!\b[A-Z])[.!?][\"'”’)]*\s+(?=[A-Z\"“])|\n\s*")


def _sentence_ids(text: str) -> list[int]:
    """Character offsets where sentences start (a light splitter: abbreviations
    such as "Ky." or "St." and initials do not end a sentence)."""
    return [0, *(m.end() for m in _SENTENCE_END.finditer(text))]


def _sentence_of(starts: list[int], offset: int) -> int:
    return bisect.bisect_right(starts, offset) - 1


def _prominent(c: Candidate, population: int = 1_000_000) -> bool:
    return (
        c.feature in ("city", "locality")
        and c.match in (MATCH_PRIMARY, MATCH_ALIAS)
        and (c.capital == CAPITAL_COUNTRY or c.population >= population)
    )


def _keep_prominent(groups: list[_Group], starts: list[int], text_end: int, w: Weights) -> None:
    """Undo context that moved a capital or a big city to a small namesake.

    "London" stays the capital of the United Kingdom in a story that names
    Ohio towns elsewhere; only a qualifier in the mention ("London, Ohio",
    a hint word) or a place of its own sentence within ``km`` of the namesake
    or in its first-level region moves it (and, if ``w.prominent_local`` is
    set, that many places of other sentences that are both).
    The source's place (spans from ``text_end``) counts as part of every sentence,
    as a dateline would.  ``w.prominent_km``
    is that distance and ``w.prominent_population`` the size of a big city.
    """
    km, pop = w.prominent_km, w.prominent_population
    sentences = [
        {_sentence_of(starts, s.start) if s.start < text_end else -1 for s in g.spans}
        for g in groups
    ]
    for gi, g in enumerate(groups):
        c = g.candidates[g.best]
        if _prominent(c, pop) or g.containers or g.hint is not None:
            continue
        big = [i for i, o in enumerate(g.candidates) if _prominent(o, pop) and o.pid != c.pid]
        if not big:
            continue
        local = 0
        supported = False
        for oi, o in enumerate(groups):
            if oi == gi or o.confidence < 0.3:
                continue
            oc = o.candidates[o.best]
            same_region = c.admin1_pid is not None and c.admin1_pid in (oc.admin1_pid, oc.pid)
            near = (
                oc.feature in ("city", "locality", "admin2")
                and haversine_km(c.lat, c.lon, oc.lat, oc.lon) < km
            )
            if sentences[oi] & sentences[gi] or -1 in sentences[oi]:
                if same_region or near:
                    supported = True
                    break
            elif same_region and near:
                local += 1
        if w.prominent_local is not None and local >= w.prominent_local:
            supported = True
        if supported:
            continue
        best = max(big, key=lambda i: g.scores[i])
        g.best = best
        g.confidence = max(0.5, g.confidence)


NEVER_REASON = "a word that names no place in news (data/geo/never_places.txt)"
STRAY_REASON = "only a small place of this name, far from everything else the text names"


def _stray(
    g: _Group,
    c: Candidate,
    groups: list[_Group],
    votes: dict[str, float],
    km: float,
) -> bool:
    """Whether the winner is a village or small town that nothing else in the text supports.

    "Piccadilly" in a London story has one gazetteer candidate, a hamlet in
    Western Australia: when the best a name can do is a place under 5,000
    people, in a country no other name, demonym or hint of the text points to,
    and more than ``km`` from every other place the text names (at least two),
    the name is left unresolved rather than put on another continent.
    """
    if c.feature != "locality" or g.containers or g.hint == "city":
        return False
    others = [o.candidates[o.best] for o in groups if o is not g and o.confidence >= 0.5]
    if len(others) < 2 or c.country in votes:
        return False
    if any(o.country == c.country for o in others):
        return False
    return all(haversine_km(c.lat, c.lon, o.lat, o.lon) > km for o in others)


def _has_seat(admin: Candidate, cands: list[Candidate]) -> bool:
    """Whether a candidate city of the same name is this region's seat (Istanbul in Istanbul)."""
    want = CAPITAL_ADMIN1 if admin.feature == "admin1" else CAPITAL_ADMIN2
    for c in cands:
        if c.feature not in ("city", "locality") or c.capital not in (want, CAPITAL_COUNTRY):
            continue
        if (admin.feature == "admin1" and c.admin1_pid == admin.pid) or (
            admin.feature == "admin2" and c.admin2_pid == admin.pid
        ):
            return True
    return False


def _inside(c: Candidate, container: Candidate) -> bool:
    if container.feature == "country":
        return c.country == container.country and c.feature != "country"
    if container.feature == "admin1":
        return c.admin1_pid == container.pid and c.pid != container.pid
    return False


def _context_hint(text: str, start: int, end: int) -> Hint | None:
    after = text[end : end + 30]
    before = text[max(0, start - 30) : start]
    if (
        _AFTER_ADMIN.match(after)
        or _BEFORE_ADMIN.search(before)
        or _AFTER_ADMIN_LIST.match(text[end : end + 60])
    ):
        return "admin"
    if _AFTER_CITY.match(after) or _BEFORE_CITY.search(before):
        return "city"
    return None


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
