"""Stories: events from different articles that report the same real-world event.

The arrest of 15 ISIS suspects in Istanbul is reported by dozens of outlets;
one says five were arrested, one places it in Kocaeli.  Each report is an
:class:`~eventlens.model.Event` from its own article.  This module decides
which reports belong together and summarises a story: every report, the
number of distinct sources, and the conflicting values with their provenance.

Two reports can join only when

- they come from different articles (an article's own events are distinct
  events: within-article duplicates are the ``merge`` stage's job);
- they have the same event type and status;
- their places are compatible: same country where both are known, and within
  a distance that fits the coarser feature level (a locality is a point, a
  province is a region);
- their dates are compatible: the date ranges their precisions imply, widened
  by a slack that fits the precision (and a little more when a date is only
  the publication date), overlap.

Reports that pass the gates are scored on four similarities (place, date,
actors, sentence words) weighted into one score; a report joins the story
whose members it matches best on average when that score reaches the
threshold.  Real extraction leaves gaps and noise, so the scoring is built
to tolerate them:

- what one report does not say (no place, no date, no actor, or an actor
  that is only a number of people: "15 people") is unknown, scored
  ``unknown_value``, never a mismatch;
- a date that is only the publication date agrees with a date up to
  ``publication_slack_days`` before it;
- two actors that are only a kind ("civilians", "rebels": the sector labels
  and ``data/dedup/generic_actors.tsv``) agree less than one named actor;
- the words compared are those of the whole sentence, less the words that
  announce an event of the type (the trigger lexicon: type and mode are
  compared apart) and the two places' names (scored apart);
- place and time alone are not evidence: two reports that share no content
  word, no specific actor and no count lose ``no_evidence_penalty``;
- counts never block a join (outlets disagree on tolls): equal counts add a
  little, different ones are kept as the story's conflicting values;
- a role that names clearly different actors (ISIS suspects, protesters)
  in the new report and in any report of a story keeps the report out of
  that story (``conflict_blocks``), whatever its other reports say.
Assignment is incremental (one report at a time, as the store receives them)
and the same code clusters the labelled evaluation set
(:mod:`eventlens.evaluate.dedup`), so the figures measure what ingest does.
"""

from __future__ import annotations

import calendar
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, lru_cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import yaml

from eventlens.geo.distance import haversine_km
from eventlens.model import FEATURE_LEVELS, Actor, Event, EventDate, stable_id

# Coarse to fine; the coarser of two places decides how far apart they may be.
_LEVEL_RANK = {level: i for i, level in enumerate(FEATURE_LEVELS)}

COUNT_FIELDS: tuple[str, ...] = ("killed", "injured", "arrested", "participants")

TermVector = tuple[tuple[str, float], ...]
"""An L2-normalised sparse vector: (term, weight) pairs, heaviest first."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DedupParams:
    """Thresholds and weights of story clustering.

    ``radius_km`` is the distance at which two places of that (coarser)
    feature level score one half; beyond ``max_radius_factor`` times it the
    reports cannot join.  ``date_slack_days`` widens each precision's date
    range; ``publication_slack_days`` is added when a date is only the
    publication date (the event may have happened a day or two before).
    """

    threshold: float = 0.40
    linkage: str = "mean"
    """How a report scores against a story: ``max`` (best member), ``mean``
    (average over members) or ``blend`` (the average of the two)."""
    merge_threshold: float = 0.75
    """A report that matches two stories this well merges them."""
    radius_km: tuple[tuple[str, float], ...] = (
        ("locality", 20.0),
        ("city", 35.0),
        ("admin2", 60.0),
        ("admin1", 150.0),
        ("country", 800.0),
    )
    max_radius_factor: float = 4.0
    date_slack_days: tuple[tuple[str, int], ...] = (
        ("day", 1),
        ("week", 3),
        ("month", 7),
        ("year", 31),
    )
    publication_slack_days: int = 2
    undated_window_days: int = 3
    """An event without a date is compared by its article's publication date,
    give or take this many days."""
    w_place: float = 0.20
    w_date: float = 0.15
    w_actors: float = 0.25
    w_text: float = 0.40
    unknown_value: float = 0.6
    """What a place, date or actor pair scores when one report does not give it."""
    mode_penalty: float = 0.2
    """Taken off when both reports give a mode and the modes differ."""
    related_mode_factor: float = 0.5
    """Share of the mode penalty when both modes map to the same ACLED event type."""
    role_conflict_penalty: float = 0.15
    """Taken off when the actors or the recipients of the two have nothing in
    common (different sectors, names, words): who did what to whom differs."""
    conflict_blocks: bool = True
    """A report cannot join a story one of whose reports names clearly
    different actors for the same role (who did what to whom differs)."""
    same_count_bonus: float = 0.05
    """Added when both give the same number killed, injured, arrested …"""
    no_evidence_penalty: float = 0.2
    """Taken off when the two share no content word, no specific actor and no
    count: only their place and time agree, and other events share those."""
    w_article: float = 0.7
    """Share of the score that is the similarity of the two articles' texts
    (TF-IDF cosine, :func:`article_vector`), when both are known and full
    length (``ARTICLE_TERMS`` terms; less for shorter texts)."""
    article_full: float = 0.5
    """The article cosine that counts as full agreement (scaled linearly below)."""
    undated_min_article: float = 0.25
    """Without a date on both sides, full articles must agree at least this
    well (or the sentences share two or more words and ``undated_min_text``
    of their words), else the pair
    loses ``no_evidence_penalty``: undated is unknown, so the evidence must be
    stronger, not absent."""
    undated_min_text: float = 0.35
    majority: float = 0.5
    """A report joins a story only when it matches at least this share of
    the story's members (and their mean): agreeing with one member is not
    agreeing with the story."""
    min_centre: float = 0.12
    """Least cosine between a report's article and the story's centre (the
    mean of its articles), when both are known and a date is missing."""

    def radius(self, level: str | None) -> float:
        for name, km in self.radius_km:
            if name == level:
                return km
        return dict(self.radius_km)["city"]

    def slack(self, precision: str | None) -> int:
        for name, days in self.date_slack_days:
            if name == precision:
                return days
        return 0

    @property
    def max_slack_days(self) -> int:
        return max(d for _, d in self.date_slack_days) + self.publication_slack_days


DEFAULT_PARAMS = DedupParams()


@dataclass(frozen=True, slots=True)
class Report:
    """An event as story clustering sees it: the event and where it came from."""

    event: Event
    source: str | None = None
    published: date | None = None
    url: str | None = None
    context: str | None = None
    """The sentence the evidence comes from, when known (compared instead of
    the evidence span, which may be only a clause)."""
    article: str | None = None
    """The article's clean text, when known (compared as a TF-IDF vector)."""

    @property
    def vector(self) -> TermVector:
        """The article's text as a TF-IDF vector (:func:`article_vector`); empty when unknown."""
        return article_vector(self.article) if self.article else ()

    @property
    def source_key(self) -> str:
        """The outlet, for counting distinct sources: its name, its host, or the article."""
        if self.source:
            return self.source.strip().lower()
        if self.url:
            host = urlsplit(self.url).netloc.lower()
            if host:
                return host.removeprefix("www.")
            return self.url
        return self.event.article_id


# --------------------------------------------------------------------- dates


def date_range(d: EventDate) -> tuple[date, date] | None:
    """The first and last day an event date can mean, or None when unknown."""
    if not d.value:
        return None
    try:
        if d.precision in ("day", "week") or len(d.value) == 10:
            day = date.fromisoformat(d.value[:10])
            if d.precision == "week":
                return day - timedelta(days=3), day + timedelta(days=3)
            return day, day
        if d.precision == "month" or len(d.value) == 7:
            y, m = int(d.value[:4]), int(d.value[5:7])
            return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])
        y = int(d.value[:4])
        return date(y, 1, 1), date(y, 12, 31)
    except ValueError:
        return None


def report_window(r: Report, params: DedupParams = DEFAULT_PARAMS) -> tuple[date, date] | None:
    """The date range a report is compared by (its own, or around publication)."""
    rng = date_range(r.event.date)
    if rng is not None:
        return rng
    if r.published is not None:
        w = timedelta(days=params.undated_window_days)
        return r.published - w, r.published + w
    return None


def _slack(r: Report, params: DedupParams) -> int:
    d = r.event.date
    if d.value is None:
        return 0
    extra = params.publication_slack_days if d.source in ("publication", "relative") else 0
    return params.slack(d.precision) + extra


def _publication_only(r: Report) -> bool:
    return r.event.date.value is not None and r.event.date.source == "publication"


def date_similarity(a: Report, b: Report, params: DedupParams = DEFAULT_PARAMS) -> float | None:
    """1.0 for the same day; lower as ranges widen or drift; None when incompatible.

    A date that is only the publication date says the event happened on or
    shortly before it: another report's date up to ``publication_slack_days``
    earlier agrees with it (scored as a day-level overlap of a short range).
    """
    ra, rb = report_window(a, params), report_window(b, params)
    if ra is None or rb is None:
        return 0.3
    gap = max((rb[0] - ra[1]).days, (ra[0] - rb[1]).days, 0)
    if 0 < gap <= params.publication_slack_days and (
        (rb[0] > ra[1] and _publication_only(b)) or (ra[0] > rb[1] and _publication_only(a))
    ):
        # the later report only knows when it was published
        return 0.8
    slack = max(_slack(a, params), _slack(b, params))
    if gap > slack:
        return None
    if gap == 0:
        width = max((ra[1] - ra[0]).days, (rb[1] - rb[0]).days)
        base = 1.0 if width == 0 else 0.8 if width <= 7 else 0.6
        if a.event.date.value is None or b.event.date.value is None:
            base = min(base, 0.4)
        return base
    return 0.8 * (1.0 - gap / (slack + 1))


# -------------------------------------------------------------------- places


def coarser(a: str | None, b: str | None) -> str | None:
    known = [x for x in (a, b) if x in _LEVEL_RANK]
    if not known:
        return None
    return min(known, key=lambda x: _LEVEL_RANK[x])


def place_similarity(a: Report, b: Report, params: DedupParams = DEFAULT_PARAMS) -> float | None:
    """1.0 for the same place, falling with distance; None when too far apart."""
    pa, pb = a.event.location, b.event.location
    ca = pa.country if pa else None
    cb = pb.country if pb else None
    if ca and cb and ca != cb:
        return None
    if (
        pa is not None
        and pb is not None
        and pa.lat is not None
        and pa.lon is not None
        and pb.lat is not None
        and pb.lon is not None
    ):
        radius = params.radius(coarser(pa.feature, pb.feature))
        d = haversine_km(pa.lat, pa.lon, pb.lat, pb.lon)
        if d > params.max_radius_factor * radius:
            return None
        return 1.0 / (1.0 + (d / radius) ** 2)
    if ca and cb:
        return 0.4
    return 0.3


# -------------------------------------------------------------------- actors


@cache
def sector_groups() -> dict[str, str]:
    """Sector code -> group name (``data/dedup/sector_groups.tsv``)."""
    text = resources.files("eventlens.data").joinpath("dedup/sector_groups.tsv").read_text("utf-8")
    out: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        group, _, sectors = line.partition("\t")
        for code in sectors.split():
            out[code] = group
    return out


@dataclass(frozen=True, slots=True)
class GenericActors:
    """Words and names of actors that name nobody in particular
    (``data/dedup/generic_actors.tsv`` and the sector labels of ``actors.yaml``)."""

    nouns: frozenset[str]
    skip: frozenset[str]
    classes: frozenset[str]


@cache
def generic_actors() -> GenericActors:
    data = resources.files("eventlens.data")
    text = data.joinpath("dedup/generic_actors.tsv").read_text("utf-8")
    table: dict[str, set[str]] = defaultdict(set)
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, _, words = line.partition("\t")
        if kind == "class":
            table[kind].add(_norm(words))
        else:
            table[kind].update(w.casefold() for w in words.split())
    actors = yaml.safe_load(data.joinpath("actors.yaml").read_text("utf-8")) or {}
    labels = actors.get("sector_labels") or {}
    table["class"].update(_norm(str(v)) for v in labels.values())
    return GenericActors(
        frozenset(table["noun"]), frozenset(table["skip"]), frozenset(table["class"])
    )


def _nobody_in_particular(a: Actor) -> bool:
    """ "15 people", "at least 20 people in Konduga", "several suspects": a
    number of people, which says nothing about who they were."""
    g = generic_actors()
    for m in _TOKEN.finditer(a.text):
        w = m.group().casefold()
        if w.isdigit() or w in g.skip:
            continue
        return w in g.nouns
    return False


def _is_class(a: Actor) -> bool:
    return a.name is not None and _norm(a.name) in generic_actors().classes


def _sector(a: Actor) -> str | None:
    return a.sector if a.sector and a.sector != "UNK" else None


def _actor_similarity(a: Actor | None, b: Actor | None) -> float | None:
    """1.0 same actor; 0.0 clearly different; None when either is unknown
    (absent, or only a number of people)."""
    if a is None or b is None:
        return None
    if _nobody_in_particular(a) or _nobody_in_particular(b):
        return None
    if a.name and b.name and _norm(a.name) == _norm(b.name):
        # "civilians" and "civilians" are one kind, not one actor
        return 0.75 if _is_class(a) else 1.0
    if a.wikidata and b.wikidata and a.wikidata == b.wikidata:
        return 1.0
    sa, sb = _sector(a), _sector(b)
    overlap = _dice(_words(a.text), _words(b.text))
    if not (sa and sb):
        # Without both sectors, only shared words say anything (and only for).
        return overlap if overlap > 0 else None
    score = 0.0
    if sa == sb:
        score = 0.5
        if a.country and b.country and a.country == b.country:
            score = 0.75
    else:
        groups = sector_groups()
        if groups.get(sa) is None or groups.get(sa) != groups.get(sb):
            return overlap if overlap >= 0.5 else 0.0
        score = 0.4
    return max(score, overlap)


def _role_scores(a: Event, b: Event) -> list[float]:
    """Similarity of the actors and of the recipients, where both are known."""
    return [
        s
        for s in (
            _actor_similarity(a.actor, b.actor),
            _actor_similarity(a.recipient, b.recipient),
        )
        if s is not None
    ]


def actor_similarity(a: Report, b: Report) -> tuple[float, bool]:
    """How well the two reports' actor and recipient agree (0.5 when unknown),
    and whether a role conflicts outright (both known, nothing in common)."""
    scores = _role_scores(a.event, b.event)
    if not scores:
        return 0.5, False
    return sum(scores) / len(scores), min(scores) == 0.0


# ------------------------------------------------------------------ evidence

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_TOKEN = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)


@cache
def stopwords() -> frozenset[str]:
    """Words ignored when comparing evidence (``data/dedup/stopwords.txt``)."""
    text = resources.files("eventlens.data").joinpath("dedup/stopwords.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def _stem(w: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(w) > len(suffix) + 3 and w.endswith(suffix):
            return w[: -len(suffix)]
    return w


@lru_cache(maxsize=1 << 16)
def _words(text: str) -> frozenset[str]:
    """Content words of a text, stemmed (memoised: a pure function of ``text``)."""
    stop = stopwords()
    return frozenset(
        _stem(w)
        for w in (m.group().lower() for m in _WORD.finditer(text))
        if len(w) > 2 and w not in stop
    )


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def _norm(s: str) -> str:
    return " ".join(s.casefold().split())


@cache
def event_words(event_type: str) -> frozenset[str]:
    """Stems of the words that announce an event of this type (the trigger
    lexicon, ``data/triggers.yaml``).

    Two reports compared here already share their event type (and their modes
    are scored apart): the words that announce it ("killed", "detained",
    "bombing") then say nothing about which event it is, and are left out.
    Words of other types stay ("detained at a march": the march tells two
    arrests apart).
    """
    text = resources.files("eventlens.data").joinpath("triggers.yaml").read_text("utf-8")
    lex = yaml.safe_load(text) or {}
    out: set[str] = set()
    for key in ("verbs", "nouns", "phrases"):
        for entry, value in (lex.get(key) or {}).items():
            if str(value).split("/")[0].split("@")[0] == event_type:
                out.update(_stem(w) for w in _WORD.findall(str(entry).lower()) if len(w) > 2)
    return frozenset(out)


def _place_words(r: Report) -> frozenset[str]:
    p = r.event.location
    if p is None:
        return frozenset()
    return _words(" ".join(x for x in (p.text, p.name, p.admin1) if x))


@dataclass(frozen=True, slots=True)
class _GroupNames:
    names: dict[str, str]
    """alias (lower case, or as written for exact-case aliases) -> canonical name"""
    ci: re.Pattern[str] | None
    cs: re.Pattern[str] | None


def _alternation(words: Iterable[str], flags: int) -> re.Pattern[str] | None:
    ordered = sorted({w for w in words if w}, key=len, reverse=True)
    if not ordered:
        return None
    body = "|".join(re.escape(w) for w in ordered)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", flags)


@cache
def _group_names() -> _GroupNames:
    """The named groups of ``actors.yaml`` and their aliases."""
    text = resources.files("eventlens.data").joinpath("actors.yaml").read_text("utf-8")
    data = yaml.safe_load(text) or {}
    exact = set(data.get("exact_case") or ())
    names: dict[str, str] = {}
    ci: list[str] = []
    cs: list[str] = []
    for name, spec in (data.get("groups") or {}).items():
        for alias in (spec or {}).get("aliases") or ():
            alias = str(alias)
            if alias in exact:
                names[alias] = str(name)
                cs.append(alias)
            else:
                names[alias.lower()] = str(name)
                ci.append(alias)
    return _GroupNames(names, _alternation(ci, re.IGNORECASE), _alternation(cs, 0))


@lru_cache(maxsize=1 << 16)
def _group_mentions(text: str) -> tuple[str, frozenset[str]]:
    """``text`` without the named groups it mentions, and those groups as
    tokens: "ISIS" and "the Islamic State group" are one word to compare."""
    g = _group_names()
    found: set[str] = set()
    for pattern, exact in ((g.ci, False), (g.cs, True)):
        if pattern is None:
            continue

        def sub(m: re.Match[str], exact: bool = exact) -> str:
            found.add("=" + g.names[m.group(0) if exact else m.group(0).lower()].casefold())
            return " "

        text = pattern.sub(sub, text)
    return text, frozenset(found)


def _content(r: Report) -> frozenset[str]:
    g = generic_actors()
    text, groups = _group_mentions(r.context or r.event.evidence.text)
    return (_words(text) - event_words(r.event.event_type) - g.skip - g.nouns) | groups


def _compared_words(a: Report, b: Report) -> tuple[frozenset[str], frozenset[str]]:
    places = _place_words(a) | _place_words(b)
    return _content(a) - places, _content(b) - places


def text_similarity(a: Report, b: Report) -> float:
    """Overlap of the content words of the two sentences the events come from
    (the evidence when the sentence is not known), leaving out the words that
    announce an event and the names of the two places (scored apart)."""
    return _dice(*_compared_words(a, b))


def shared_words(a: Report, b: Report) -> int:
    """How many of those content words the two sentences share."""
    wa, wb = _compared_words(a, b)
    return len(wa & wb)


# ------------------------------------------------------------- article text

_NUMBER = re.compile(r"(?<![\w.,])\d{2,}(?:[.,]\d+)?(?![\w])")
ARTICLE_TERMS = 64
"""How many of an article's heaviest terms its vector keeps."""


def terms(text: str) -> list[str]:
    """The content words of a text, stemmed, in order, with its numbers of
    two digits or more ("15", "2013"): what article similarity compares."""
    stop = stopwords()
    out = [
        _stem(w)
        for w in (m.group().lower() for m in _WORD.finditer(text))
        if len(w) > 2 and w not in stop
    ]
    out.extend("#" + m.group().replace(",", "") for m in _NUMBER.finditer(text))
    return out


@dataclass(frozen=True, slots=True)
class Idf:
    """Document frequencies of general news (``data/dedup/idf.tsv``)."""

    documents: int
    df: dict[str, int]

    def weight(self, term: str) -> float:
        """Inverse document frequency; a word the table lacks is rare (the top weight)."""
        return math.log((self.documents + 1) / (self.df.get(term, 0) + 1)) + 1.0


@cache
def idf() -> Idf:
    text = resources.files("eventlens.data").joinpath("dedup/idf.tsv").read_text("utf-8")
    n = 0
    df: dict[str, int] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        word, _, count = line.partition("\t")
        if word == "documents":
            n = int(count)
        else:
            df[word] = int(count)
    return Idf(max(n, 1), df)


@lru_cache(maxsize=4096)
def article_vector(text: str, keep: int = ARTICLE_TERMS) -> TermVector:
    """TF-IDF vector (sublinear term frequency) of an article's text, its
    ``keep`` heaviest terms, normalised."""
    counts: dict[str, int] = defaultdict(int)
    for t in terms(text):
        counts[t] += 1
    table = idf()
    weighted = sorted(
        ((t, (1.0 + math.log(n)) * table.weight(t)) for t, n in counts.items()),
        key=lambda x: (-x[1], x[0]),
    )[:keep]
    norm = math.sqrt(sum(w * w for _, w in weighted)) or 1.0
    return tuple((t, w / norm) for t, w in weighted)


def cosine(a: TermVector, b: TermVector) -> float:
    if not a or not b:
        return 0.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    other = dict(large)
    return sum(w * other.get(t, 0.0) for t, w in small)


def centre(vectors: Iterable[TermVector], keep: int = ARTICLE_TERMS) -> TermVector:
    """The normalised mean of several vectors (a story's centre)."""
    total: dict[str, float] = defaultdict(float)
    for v in vectors:
        for t, w in v:
            total[t] += w
    ranked = sorted(total.items(), key=lambda x: (-x[1], x[0]))[:keep]
    norm = math.sqrt(sum(w * w for _, w in ranked)) or 1.0
    return tuple((t, w / norm) for t, w in ranked)


# --------------------------------------------------------------------- score


@dataclass(frozen=True, slots=True)
class Match:
    score: float
    place: float
    date: float
    actors: float
    text: float
    conflict: bool = False
    article: float | None = None
    """Cosine of the two articles' texts, when both are known."""
    """A role names clearly different actors in the two reports."""


def compare(a: Report, b: Report, params: DedupParams = DEFAULT_PARAMS) -> Match | None:
    """How likely two reports describe the same real-world event; None when they cannot.

    The event tuple (place, date, actors, the sentence's words, mode, counts)
    is scored first; where both articles are known, their similarity is the
    stronger evidence and is blended in (it can raise the score, never lower
    it: one outlet's wording differs from another's).  Articles that agree
    fully (cosine ``article_full``) are explicit evidence that outweighs a
    place in another country or too far away (a place the geoparser got
    wrong) and a role naming other actors; nothing outweighs another event
    type or status, or dates that exclude each other.
    """
    ea, eb = a.event, b.event
    if ea.article_id == eb.article_id:
        return None
    if ea.event_type != eb.event_type or ea.status != eb.status:
        return None
    when = date_similarity(a, b, params)
    if when is None:
        return None
    article = cosine(a.vector, b.vector) if a.vector and b.vector else None
    explicit = article is not None and article >= params.article_full
    place = place_similarity(a, b, params)
    if place is None:
        if not explicit:
            return None
        place = 0.0
    actors, conflict = actor_similarity(a, b)
    text = text_similarity(a, b)
    # What one report does not say is unknown, not a mismatch: a missing
    # place, date or actor scores ``unknown_value`` instead of a low value.
    known_place = ea.location is not None and eb.location is not None
    known_date = report_window(a, params) is not None and report_window(b, params) is not None
    known_actors = bool(_role_scores(ea, eb))
    u = params.unknown_value
    score = (
        params.w_place * (place if known_place else u)
        + params.w_date * (when if known_date else u)
        + params.w_actors * (actors if known_actors else u)
        + params.w_text * text
    )
    if conflict:
        score -= params.role_conflict_penalty
    if text == 0.0 and not _actor_agrees(ea, eb) and not _same_count(ea, eb):
        # Same place and day is not evidence: different events happen there too.
        score -= params.no_evidence_penalty
    if ea.mode and eb.mode and ea.mode != eb.mode:
        # Outlets describe one attack as a bombing or a suicide attack: modes
        # of one ACLED event type differ less than a shooting and a shelling.
        related = ea.acled_event_type is not None and ea.acled_event_type == eb.acled_event_type
        score -= params.mode_penalty * (params.related_mode_factor if related else 1.0)
    if _same_count(ea, eb):
        score += params.same_count_bonus
    if article is not None:
        # The more text two articles have, the more their similarity says
        # (two one-sentence briefs are compared by their sentences above).
        w = params.w_article * min(len(a.vector), len(b.vector)) / ARTICLE_TERMS
        agree = min(1.0, article / params.article_full)
        score = max(score, (1.0 - w) * score + w * agree)
    long = article is not None and min(len(a.vector), len(b.vector)) * 2 >= ARTICLE_TERMS
    if not known_date and not (
        (long and article is not None and article >= params.undated_min_article)
        or (text >= params.undated_min_text and shared_words(a, b) >= 2)
    ):
        # Undated is unknown, not a match: ask for evidence in the texts.
        score -= params.no_evidence_penalty
    # Between full articles that are about the same thing, a role naming other
    # actors is more often the extraction's error than another event.
    forgiven = explicit or (long and article is not None and article >= params.undated_min_article)
    return Match(score, place, when, actors, text, conflict and not forgiven, article)


def _actor_agrees(a: Event, b: Event) -> bool:
    """Some role names one specific actor in both (not a kind, like "civilians")."""
    return any(
        x is not None
        and y is not None
        and not (_is_class(x) and _is_class(y))
        and (s := _actor_similarity(x, y)) is not None
        and s >= 0.75
        for x, y in ((a.actor, b.actor), (a.recipient, b.recipient))
    )


def _same_count(a: Event, b: Event) -> bool:
    """Both give the same non-zero number for some count."""
    return any(
        (x := getattr(a.counts, f)) is not None and x > 0 and x == getattr(b.counts, f)
        for f in COUNT_FIELDS
    )


@dataclass(frozen=True, slots=True)
class Member:
    """A report already in a story."""

    report: Report
    story_id: str


@dataclass(frozen=True, slots=True)
class Assignment:
    """Where a new report goes: an existing story (``story_id``), or a new one
    (``story_id`` None), and other stories it proves to be the same (``merge``)."""

    story_id: str | None
    score: float
    merge: tuple[str, ...] = ()


def judge(
    report: Report, members: Sequence[Report], params: DedupParams = DEFAULT_PARAMS
) -> float | None:
    """How well a report agrees with a whole story, or None when it cannot join it.

    Every member is compared (none may be from the report's article, none may
    be incompatible: another country, too far, another date, a role naming
    clearly different actors), the report must match a majority of them
    (``majority``) and their mean must reach the threshold; its article must
    be near the story's centre (``min_centre``).  Agreeing with one member is
    not agreeing with the story: that is how placeless or generic reports
    used to chain stories across places.
    """
    if not members:
        return None
    scores: list[float] = []
    for m in members:
        if m.event.article_id == report.event.article_id or is_generic(m):
            return None
        match = compare(report, m, params)
        if match is None or (params.conflict_blocks and match.conflict):
            return None
        scores.append(match.score)
    mean = sum(scores) / len(scores)
    best = max(scores)
    score = (
        best if params.linkage == "max" else mean if params.linkage == "mean" else (best + mean) / 2
    )
    if sum(1 for x in scores if x >= params.threshold) < params.majority * len(scores):
        return None
    undated = report_window(report, params) is None or any(
        report_window(m, params) is None for m in members
    )
    vectors = [m.vector for m in members if m.vector]
    if (
        undated
        and report.vector
        and vectors
        and cosine(report.vector, centre(vectors)) < params.min_centre
    ):
        # Without dates to go by, the articles must be about the same thing.
        return None
    return score


def assign(
    report: Report,
    stories: Mapping[str, Sequence[Report]],
    params: DedupParams = DEFAULT_PARAMS,
) -> Assignment:
    """Choose the story a new report joins, given the candidate stories with
    all their members; a generic report (:func:`is_generic`) starts its own."""
    if is_generic(report):
        return Assignment(None, 0.0)
    ranked: list[tuple[float, str]] = []
    for story_id, members in stories.items():
        score = judge(report, members, params)
        if score is not None and score >= params.threshold:
            ranked.append((score, story_id))
    if not ranked:
        return Assignment(None, 0.0)
    ranked.sort(key=lambda x: (-x[0], x[1]))
    score, story_id = ranked[0]
    merge: list[str] = []
    joined = list(stories[story_id])
    for s, sid in ranked[1:]:
        if s < params.merge_threshold:
            break
        # Two stories merge only when they agree with each other as wholes.
        if all(judge(m, joined, params) is not None for m in stories[sid]):
            merge.append(sid)
            joined.extend(stories[sid])
    return Assignment(story_id, score, tuple(merge))


# ------------------------------------------------------------------ generic


@dataclass(frozen=True, slots=True)
class GenericRules:
    """What makes an event too generic to seed or join a story
    (``data/dedup/generic_events.yaml``)."""

    quoted_types: frozenset[str]
    first_person: frozenset[str]
    sports_types: frozenset[str]
    sports_words: frozenset[str]
    sports_min: int
    quotes: str


@cache
def generic_rules() -> GenericRules:
    text = (
        resources.files("eventlens.data").joinpath("dedup/generic_events.yaml").read_text("utf-8")
    )
    d = yaml.safe_load(text) or {}
    return GenericRules(
        frozenset(d.get("quoted_types") or ()),
        frozenset(str(w).casefold() for w in d.get("first_person") or ()),
        frozenset(d.get("sports_types") or ()),
        frozenset(_stem(str(w).lower()) for w in d.get("sports_words") or ()),
        int(d.get("sports_min", 2)),
        str(d.get("quotes") or '"'),
    )


def _quoted(evidence: str, sentence: str, quotes: str) -> bool:
    """The evidence lies inside a quotation of its sentence."""
    at = sentence.find(evidence)
    if at < 0:
        return False
    return sum(sentence.count(q, 0, at) for q in quotes) % 2 == 1


def is_generic(r: Report) -> bool:
    """An event that says too little to be a story: a verbal event inside a
    quotation or said by "I"/"we" ("I agreed with him"), or violence in a
    sentence about sport ("Arsenal crushed Chelsea in the final")."""
    rules = generic_rules()
    e = r.event
    sentence = r.context or e.evidence.text
    if e.event_type in rules.quoted_types:
        if _quoted(e.evidence.text, sentence, rules.quotes):
            return True
        if e.actor is not None and e.actor.text.casefold() in rules.first_person:
            return True
    return (
        e.event_type in rules.sports_types
        and len(_words(sentence) & rules.sports_words) >= rules.sports_min
    )


def new_story_id(report: Report) -> str:
    return stable_id("story", report.event.id)


class StoryClusterer:
    """Incremental clustering in memory, the same rules the store applies.

    Used by the dedup evaluation; the store does the same with candidates
    it queries from the database: members of the same type and status whose
    date window meets the report's or who have no date window (undated is
    unknown, not unmatchable), and then every member of their stories.
    """

    def __init__(self, params: DedupParams = DEFAULT_PARAMS) -> None:
        self.params = params
        self._members: dict[tuple[str, str], list[Member]] = defaultdict(list)
        self.story_of: dict[str, str] = {}

    def _candidate(self, window: tuple[date, date] | None, m: Member) -> bool:
        w = report_window(m.report, self.params)
        if window is None or w is None:
            return True  # undated is unknown: the texts decide
        slack = timedelta(days=self.params.max_slack_days)
        return w[0] <= window[1] + slack and w[1] >= window[0] - slack

    def add(self, report: Report) -> str:
        key = (report.event.event_type, report.event.status)
        pool = self._members[key]
        window = report_window(report, self.params)
        wanted = {m.story_id for m in pool if self._candidate(window, m)}
        stories: dict[str, list[Report]] = defaultdict(list)
        for m in pool:
            if m.story_id in wanted:
                stories[m.story_id].append(m.report)
        a = assign(report, stories, self.params)
        story_id = a.story_id or new_story_id(report)
        if a.merge:
            merged = set(a.merge)
            for i, m in enumerate(pool):
                if m.story_id in merged:
                    pool[i] = Member(m.report, story_id)
                    self.story_of[m.report.event.id] = story_id
        pool.append(Member(report, story_id))
        self.story_of[report.event.id] = story_id
        return story_id

    def stories(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for event_id, story_id in self.story_of.items():
            out[story_id].append(event_id)
        return dict(out)


# ------------------------------------------------------------------- summary


@dataclass(frozen=True, slots=True)
class Variant:
    """One value a field takes in a story and who reported it."""

    value: Any
    sources: tuple[str, ...]
    reports: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "n_sources": len(self.sources),
            "sources": list(self.sources),
            "reports": list(self.reports),
        }


@dataclass(frozen=True, slots=True)
class StorySummary:
    """What a story says: representative values, counts and conflicts."""

    event_type: str
    status: str
    mode: str | None
    date: EventDate
    representative: Event
    n_reports: int
    n_articles: int
    sources: tuple[str, ...]
    confidence: float
    counts: dict[str, int | None]
    location: dict[str, Any] | None
    actor_name: str | None
    recipient_name: str | None
    conflicts: dict[str, tuple[Variant, ...]] = field(default_factory=dict)

    @property
    def n_sources(self) -> int:
        return len(self.sources)

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_type": self.event_type,
            "status": self.status,
            "mode": self.mode,
            "date": self.date.to_dict(),
            "location": self.location,
            "actor": self.actor_name,
            "recipient": self.recipient_name,
            "counts": self.counts,
            "n_reports": self.n_reports,
            "n_articles": self.n_articles,
            "n_sources": self.n_sources,
            "sources": list(self.sources),
            "confidence": round(self.confidence, 3),
            "representative": self.representative.id,
            "evidence": self.representative.evidence.text,
            "conflicts": {k: [v.to_dict() for v in vs] for k, vs in self.conflicts.items()},
        }


def _variants(members: Sequence[Report], get: Any) -> list[Variant]:
    """Distinct non-null values of one field, most-sourced first."""
    by_value: dict[Any, tuple[set[str], list[str], float]] = {}
    order: list[Any] = []
    for r in members:
        v = get(r)
        if v is None:
            continue
        if v not in by_value:
            by_value[v] = (set(), [], 0.0)
            order.append(v)
        srcs, reps, conf = by_value[v]
        srcs.add(r.source_key)
        reps.append(r.event.id)
        by_value[v] = (srcs, reps, max(conf, r.event.confidence))
    ranked = sorted(
        order,
        key=lambda v: (-len(by_value[v][0]), -len(by_value[v][1]), -by_value[v][2], order.index(v)),
    )
    return [Variant(v, tuple(sorted(by_value[v][0])), tuple(by_value[v][1])) for v in ranked]


def _place_key(r: Report) -> str | None:
    p = r.event.location
    if p is None or not (p.name or p.text):
        return None
    return p.name or p.text


def _date_key(r: Report) -> str | None:
    return r.event.date.value


def summarize(members: Sequence[Report]) -> StorySummary:
    """Representative values (the most-sourced), source counts and conflicts."""
    if not members:
        raise ValueError("a story has at least one report")
    first = members[0].event
    conflicts: dict[str, tuple[Variant, ...]] = {}

    def pick(name: str, get: Any) -> Variant | None:
        vs = _variants(members, get)
        if len(vs) > 1:
            conflicts[name] = tuple(vs)
        return vs[0] if vs else None

    counts: dict[str, int | None] = {}
    for f in COUNT_FIELDS:
        v = pick(f, lambda r, f=f: getattr(r.event.counts, f))
        counts[f] = v.value if v else None
    mode = pick("mode", lambda r: r.event.mode)
    place = pick("location", _place_key)
    when = pick("date", _date_key)
    actor = pick("actor", lambda r: r.event.actor.name if r.event.actor else None)
    recipient = pick("recipient", lambda r: r.event.recipient.name if r.event.recipient else None)

    def best_with(key: Any, value: Any) -> Event:
        withv = [r.event for r in members if value is not None and key(r) == value]
        pool = withv or [r.event for r in members]
        return max(
            pool,
            key=lambda e: (
                e.confidence,
                -_LEVEL_RANK.get(
                    e.location.feature if e.location and e.location.feature else "country", 0
                ),
            ),
        )

    rep = best_with(_place_key, place.value if place else None)
    loc_event = rep
    date_event = best_with(_date_key, when.value if when else None)
    location = loc_event.location.to_location() if loc_event.location else None
    return StorySummary(
        event_type=first.event_type,
        status=first.status,
        mode=mode.value if mode else None,
        date=date_event.date,
        representative=rep,
        n_reports=len(members),
        n_articles=len({r.event.article_id for r in members}),
        sources=tuple(sorted({r.source_key for r in members})),
        confidence=max(r.event.confidence for r in members),
        counts=counts,
        location=location,
        actor_name=actor.value if actor else None,
        recipient_name=recipient.value if recipient else None,
        conflicts=conflicts,
    )


# --------------------------------------------------------------- evaluation


def pairwise_scores(
    gold: dict[str, str], predicted: dict[str, str]
) -> tuple[float, float, float, int, int, int]:
    """Pairwise precision, recall, F1 (and tp, fp, fn) of a clustering.

    ``gold`` and ``predicted`` map item id to cluster id; a pair counts when
    both items share a cluster.
    """
    items = sorted(gold)

    def pairs(labels: dict[str, str]) -> set[tuple[str, str]]:
        groups: dict[str, list[str]] = defaultdict(list)
        for i in items:
            groups[labels[i]].append(i)
        out: set[tuple[str, str]] = set()
        for g in groups.values():
            g.sort()
            for x in range(len(g)):
                for y in range(x + 1, len(g)):
                    out.add((g[x], g[y]))
        return out

    g, p = pairs(gold), pairs(predicted)
    tp, fp, fn = len(g & p), len(p - g), len(g - p)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, tp, fp, fn
