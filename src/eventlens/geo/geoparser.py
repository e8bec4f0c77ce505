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

import logging
import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

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
from eventlens.geo.recognize import load_not_places, recognize
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
_CITY_WORDS = "city|town|village|township|borough"
_AFTER_ADMIN = re.compile(rf"^\s+(?:{_ADMIN_WORDS})\b", re.IGNORECASE)
_AFTER_CITY = re.compile(rf"^\s+(?:{_CITY_WORDS})\b(?!\s+(?:council|hall|police|manager))", re.I)
_BEFORE_ADMIN = re.compile(rf"\b(?:{_ADMIN_WORDS})\s+of\s+(?:the\s+)?$", re.IGNORECASE)
_BEFORE_CITY = re.compile(rf"\b(?:{_CITY_WORDS})\s+of\s+$", re.IGNORECASE)
_TRAILING_ADMIN = re.compile(rf"\s+(?:{_ADMIN_WORDS})$", re.IGNORECASE)
_TRAILING_CITY = re.compile(rf"\s+(?:{_CITY_WORDS})$", re.IGNORECASE)
_LEADING_ADMIN = re.compile(rf"^(?:the\s+)?(?:{_ADMIN_WORDS})\s+of\s+(?:the\s+)?", re.I)
_LEADING_CITY = re.compile(rf"^(?:the\s+)?(?:{_CITY_WORDS})\s+of\s+", re.IGNORECASE)
_CONTAINER_AFTER = re.compile(r"\s*,\s*((?:[A-Z][\w.'’\-]*\.?)(?:\s+[A-Z][\w.'’\-]*\.?){0,3})")
_POSSESSIVE = re.compile(r"['’]s?$")

_FEATURES: dict[str, FeatureLevel | None] = {
    "country": "country",
    "admin1": "admin1",
    "admin2": "admin2",
    "city": "city",
    "locality": "locality",
    "continent": None,
    "region": None,
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
        ("region", 1.0),
        ("admin2", 0.2),
        ("city", 0.3),
        ("locality", 0.0),
    )
    capital: tuple[float, float, float, float] = (0.0, 0.7, 0.35, 0.1)
    """Bonus by ``Candidate.capital``: none, country capital, admin1 seat, admin2 seat."""
    match: tuple[float, float, float, float] = (0.0, -0.15, -1.3, -0.2)
    """Bonus by ``Candidate.match``: own name, alias, alternate name, abbreviation."""
    country_share: float = 2.2
    admin1_share: float = 1.6
    proximity: float = 1.4
    container: float = 3.0
    container_miss: float = -2.5
    hint: float = 1.5
    """For the feature a hint word asks for ("the state of X", "X province")."""
    seat_shadow: float = -0.9
    """For an admin region whose seat shares its name, read without a hint."""
    demonym_vote: float = 0.5
    hint_country_vote: float = 2.0
    temperature: float = 0.6
    passes: int = 3
    max_candidates: int = 400


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


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0088 * 2 * math.asin(min(1.0, math.sqrt(a)))


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
        self._feature_weight = dict(self.weights.feature)

    @classmethod
    def from_settings(cls, settings: Settings, *, nlp: Language | None = None) -> Geoparser:
        return cls(Gazetteer.open(settings.cache_dir), nlp=nlp)

    # ----- public API -----

    def parse(
        self, text: str, nlp_doc: Doc | None = None, *, countries: Sequence[str] = ()
    ) -> list[Place]:
        """Every toponym in ``text``, resolved or with ``reason`` set, in text order.

        ``countries`` are ISO3 codes known to be relevant (e.g. the source's country).
        """
        if nlp_doc is None and self.nlp is not None:
            nlp_doc = self.nlp(text)
        spans = self.recognize(text, nlp_doc)
        demonyms = _demonym_votes(text, nlp_doc, self.gazetteer)
        return self._resolve(text, spans, demonyms, countries)

    def recognize(self, text: str, nlp_doc: Doc | None = None) -> list[tuple[int, int]]:
        """The character spans of the toponyms in ``text`` (recognition only)."""
        if nlp_doc is None and self.nlp is not None:
            nlp_doc = self.nlp(text)
        return recognize(
            text,
            nlp_doc,
            self.gazetteer,
            not_places=self._not_places,
            toponyms_in_orgs=self.toponyms_in_orgs,
        )

    def resolve_spans(
        self,
        text: str,
        spans: Sequence[tuple[int, int]],
        nlp_doc: Doc | None = None,
        *,
        countries: Sequence[str] = (),
        use_context: bool = True,
    ) -> list[Place]:
        """Resolve exactly these character spans of ``text`` (in the order given).

        With ``use_context``, the other toponyms recognised in the text inform
        the resolution (they are not returned).
        """
        wanted = [(s, e) for s, e in spans]
        demonyms = _demonym_votes(text, nlp_doc, self.gazetteer)
        context: list[tuple[int, int]] = []
        if use_context:
            taken = sorted(wanted)
            for s, e in self.recognize(text, nlp_doc):
                if not any(s < te and ts < e for ts, te in taken):
                    context.append((s, e))
        places = self._resolve(text, wanted + context, demonyms, countries)
        order = {(p.start, p.end): p for p in places}
        return [order[(s, e)] for s, e in wanted]

    # ----- resolution -----

    def _resolve(
        self,
        text: str,
        spans: Sequence[tuple[int, int]],
        demonyms: dict[str, float],
        countries: Sequence[str],
    ) -> list[Place]:
        w = self.weights
        out: dict[tuple[int, int], Place] = {}
        groups: dict[tuple[str, Hint | None], _Group] = {}
        demonym_only: dict[tuple[int, int], str] = {}
        for start, end in sorted(set(spans)):
            raw = text[start:end]
            span = _Span(start, end, raw)
            span.hint = _context_hint(text, start, end)
            key, cands, hint = self._candidates(raw, span.hint)
            span.hint = hint
            if not cands:
                iso3 = self.gazetteer.demonym_country(raw.strip())
                if iso3:
                    demonym_only[(start, end)] = iso3
                else:
                    reason = "not in gazetteer" if raw.strip() else "empty span"
                    out[(start, end)] = Place(text=raw, start=start, end=end, reason=reason)
                continue
            assert key is not None
            span.key = key
            span.container = self._container_after(text, end)
            g = groups.get((key, hint))
            if g is None:
                g = groups[(key, hint)] = _Group(key, hint, cands)
            g.spans.append(span)
            if span.container is not None:
                g.containers.append(span.container)

        glist = list(groups.values())
        for g in glist:
            g.prior = [self._prior(c, g) for c in g.candidates]
            g.scores = list(g.prior)
            self._choose(g)

        votes_fixed: dict[str, float] = defaultdict(float)
        for iso3, v in demonyms.items():
            votes_fixed[iso3] += w.demonym_vote * v
        for iso3 in countries:
            votes_fixed[iso3.upper()] += w.hint_country_vote

        for _ in range(w.passes):
            self._context_pass(glist, votes_fixed)

        for g in glist:
            c = g.candidates[g.best]
            for s in g.spans:
                out[(s.start, s.end)] = self._place(s, c, g.confidence)
        for (start, end), iso3 in demonym_only.items():
            country = self.gazetteer.country(iso3)
            raw = text[start:end]
            if country is None:
                out[(start, end)] = Place(raw, start, end, reason="demonym of an unknown country")
            else:
                s = _Span(start, end, raw)
                out[(start, end)] = self._place(s, country, 0.5)
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
        admin_hint = g.hint == "admin" and c.feature in ("admin1", "admin2", "region")
        if admin_hint or (g.hint == "city" and c.feature in ("city", "locality")):
            s += w.hint
        elif g.hint is None and c.feature in ("admin1", "admin2") and _has_seat(c, g.candidates):
            s += w.seat_shadow
        return s

    def _context_pass(self, groups: list[_Group], votes_fixed: dict[str, float]) -> None:
        w = self.weights
        # What each group currently says, weighted by its confidence and its number of spans.
        winners = [(g, g.candidates[g.best], g.confidence * (1 + math.log(len(g.spans))))
                   for g in groups]  # fmt: skip
        for g in groups:
            country_votes: dict[str, float] = defaultdict(float, votes_fixed)
            admin1_votes: dict[int, float] = defaultdict(float)
            total = sum(votes_fixed.values())
            points: list[tuple[float, float, float]] = []
            for og, oc, weight in winners:
                if og is g or og.key == g.key:
                    continue
                if oc.country:
                    country_votes[oc.country] += weight
                total += weight
                a1 = oc.pid if oc.feature == "admin1" else oc.admin1_pid
                if a1 is not None:
                    admin1_votes[a1] += weight
                if oc.feature in ("city", "locality", "admin2"):
                    points.append((oc.lat, oc.lon, weight))
            scores = []
            for c, prior in zip(g.candidates, g.prior, strict=True):
                s = prior
                if total > 0:
                    if c.country:
                        s += w.country_share * country_votes.get(c.country, 0.0) / total
                    a1 = c.pid if c.feature == "admin1" else c.admin1_pid
                    if a1 is not None:
                        s += w.admin1_share * admin1_votes.get(a1, 0.0) / total
                if points and c.feature in ("city", "locality", "admin2"):
                    s += w.proximity * _proximity(c, points)
                for cont in g.containers:
                    if _inside(c, cont):
                        s += w.container / len(g.containers)
                    else:
                        s += w.container_miss / len(g.containers)
                scores.append(s)
            g.scores = scores
        for g in groups:
            self._choose(g)

    def _choose(self, g: _Group) -> None:
        t = self.weights.temperature
        top = max(g.scores)
        exps = [math.exp((s - top) / t) for s in g.scores]
        g.best = max(range(len(g.scores)), key=lambda i: g.scores[i])
        g.confidence = exps[g.best] / sum(exps)

    def _place(self, span: _Span, c: Candidate, confidence: float) -> Place:
        quality = {MATCH_PRIMARY: 1.0, MATCH_ALIAS: 0.95, MATCH_ABBREVIATION: 0.95,
                   MATCH_ALTERNATE: 0.8}.get(c.match, 0.8)  # fmt: skip
        return Place(
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


def _proximity(c: Candidate, points: list[tuple[float, float, float]]) -> float:
    """1 near the document's other places, falling to 0 at about 1,500 km."""
    best = min(_haversine_km(c.lat, c.lon, lat, lon) for lat, lon, _ in points)
    return max(0.0, 1.0 - math.log1p(best / 10) / math.log1p(150))


def _context_hint(text: str, start: int, end: int) -> Hint | None:
    after = text[end : end + 30]
    before = text[max(0, start - 30) : start]
    if _AFTER_ADMIN.match(after) or _BEFORE_ADMIN.search(before):
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


__all__ = ["Geoparser", "Weights"]
