"""How alike two reports are: their dates, places, actors and words.

The date and place scores are pure functions of the two reports; the actor
and word scores read the story tables and the trigger lexicon, and are
methods of :class:`Similarity`, which remembers the words of the texts it
has seen (the same sentences are compared with many reports).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from eventlens.encoder import DIM
from eventlens.geo.distance import haversine_km
from eventlens.model import Actor, Event
from eventlens.stories.memo import Memo
from eventlens.stories.params import DEFAULT_PARAMS, LEVEL_RANK, DedupParams
from eventlens.stories.report import Report, report_window
from eventlens.stories.tables import GroupNames
from eventlens.stories.text import TOKEN, WORD, content_words, dice, norm, stem
from eventlens.stories.threads import DEFAULT_THREAD_PARAMS, thread_vectors

if TYPE_CHECKING:
    from eventlens.actors import ActorTables
    from eventlens.encoder import Encoder
    from eventlens.knowledge.lexicon import Lexicon
    from eventlens.stories.tables import StoryTables

# --------------------------------------------------------------------- dates


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
    known = [x for x in (a, b) if x in LEVEL_RANK]
    if not known:
        return None
    return min(known, key=lambda x: LEVEL_RANK[x])


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


def _sector(a: Actor) -> str | None:
    return a.sector if a.sector and a.sector != "UNK" else None


class Similarity:
    """Actor and word similarity of reports, by the story tables, the trigger
    lexicon and the actor dictionary (one per clusterer; it remembers the
    texts it has read)."""

    def __init__(
        self,
        tables: StoryTables,
        lexicon: Lexicon,
        actors: ActorTables,
        encoder: Encoder | None = None,
    ) -> None:
        self.tables = tables
        self.lexicon = lexicon
        self.generic = tables.generic_actors.with_labels(actors)
        self.groups = GroupNames.of(actors)
        # The vectors threads compare (names weighted up: scripts/tune_threads.py),
        # so a stored article's vector (``articles.terms``) serves both.
        self.vectors = thread_vectors(tables, DEFAULT_THREAD_PARAMS)
        self.words: Memo[str, frozenset[str]] = Memo(self._words, 1 << 16)
        """Content words of a text, stemmed (a pure function of the text)."""
        self._mentions: Memo[str, tuple[str, frozenset[str]]] = Memo(self._group_mentions, 1 << 16)
        self._event_words: dict[str, frozenset[str]] = {}
        self.encoder = encoder
        self._sentence_vectors: Memo[str, npt.NDArray[np.float32]] = Memo(self._embed, 1 << 15)

    def _words(self, text: str) -> frozenset[str]:
        return content_words(text, self.tables.stopwords)

    # ---------------------------------------------------------------- actors

    def nobody_in_particular(self, a: Actor) -> bool:
        """ "15 people", "at least 20 people in Konduga", "several suspects": a
        number of people, which says nothing about who they were."""
        g = self.generic
        for m in TOKEN.finditer(a.text):
            w = m.group().casefold()
            if w.isdigit() or w in g.skip:
                continue
            return w in g.nouns
        return False

    def is_class(self, a: Actor) -> bool:
        return a.name is not None and norm(a.name) in self.generic.classes

    def actor_score(self, a: Actor | None, b: Actor | None) -> float | None:
        """1.0 same actor; 0.0 clearly different; None when either is unknown
        (absent, or only a number of people)."""
        if a is None or b is None:
            return None
        if self.nobody_in_particular(a) or self.nobody_in_particular(b):
            return None
        if a.name and b.name and norm(a.name) == norm(b.name):
            # "civilians" and "civilians" are one kind, not one actor
            return 0.75 if self.is_class(a) else 1.0
        if a.wikidata and b.wikidata and a.wikidata == b.wikidata:
            return 1.0
        sa, sb = _sector(a), _sector(b)
        overlap = dice(self.words(a.text), self.words(b.text))
        if not (sa and sb):
            # Without both sectors, only shared words say anything (and only for).
            return overlap if overlap > 0 else None
        score = 0.0
        if sa == sb:
            score = 0.5
            if a.country and b.country and a.country == b.country:
                score = 0.75
        else:
            groups = self.tables.sector_groups
            if groups.get(sa) is None or groups.get(sa) != groups.get(sb):
                return overlap if overlap >= 0.5 else 0.0
            score = 0.4
        return max(score, overlap)

    def role_scores(self, a: Event, b: Event) -> list[float]:
        """Similarity of the actors and of the recipients, where both are known."""
        return [
            s
            for s in (
                self.actor_score(a.actor, b.actor),
                self.actor_score(a.recipient, b.recipient),
            )
            if s is not None
        ]

    def actor_similarity(self, a: Report, b: Report) -> tuple[float, bool]:
        """How well the two reports' actor and recipient agree (0.5 when unknown),
        and whether a role conflicts outright (both known, nothing in common)."""
        scores = self.role_scores(a.event, b.event)
        if not scores:
            return 0.5, False
        return sum(scores) / len(scores), min(scores) == 0.0

    def actor_agrees(self, a: Event, b: Event) -> bool:
        """Some role names one specific actor in both (not a kind, like "civilians")."""
        return any(
            x is not None
            and y is not None
            and not (self.is_class(x) and self.is_class(y))
            and (s := self.actor_score(x, y)) is not None
            and s >= 0.75
            for x, y in ((a.actor, b.actor), (a.recipient, b.recipient))
        )

    # ----------------------------------------------------------------- words

    def event_words(self, event_type: str) -> frozenset[str]:
        """Stems of the words that announce an event of this type (the trigger
        lexicon's verbs, nouns and phrases).

        Two reports compared here already share their event type (and their
        modes are scored apart): the words that announce it ("killed",
        "detained", "bombing") then say nothing about which event it is, and
        are left out.  Words of other types stay ("detained at a march": the
        march tells two arrests apart).
        """
        got = self._event_words.get(event_type)
        if got is None:
            out: set[str] = set()
            for table in (self.lexicon.verbs, self.lexicon.nouns, self.lexicon.phrases):
                for entry, sense in table.items():
                    if sense.event_type == event_type:
                        out.update(stem(w) for w in WORD.findall(entry.lower()) if len(w) > 2)
            got = self._event_words[event_type] = frozenset(out)
        return got

    def _place_words(self, r: Report) -> frozenset[str]:
        p = r.event.location
        if p is None:
            return frozenset()
        return self.words(" ".join(x for x in (p.text, p.name, p.admin1) if x))

    def _group_mentions(self, text: str) -> tuple[str, frozenset[str]]:
        """``text`` without the named groups it mentions, and those groups as
        tokens: "ISIS" and "the Islamic State group" are one word to compare."""
        g = self.groups
        found: set[str] = set()
        for pattern, exact in ((g.ci, False), (g.cs, True)):
            if pattern is None:
                continue

            def sub(m: re.Match[str], exact: bool = exact) -> str:
                found.add("=" + g.names[m.group(0) if exact else m.group(0).lower()].casefold())
                return " "

            text = pattern.sub(sub, text)
        return text, frozenset(found)

    def content(self, r: Report) -> frozenset[str]:
        """The content words of the report's sentence, less the words that
        announce its type and generic actor words, with its named groups."""
        g = self.generic
        text, groups = self._mentions(r.context or r.event.evidence.text)
        return (self.words(text) - self.event_words(r.event.event_type) - g.skip - g.nouns) | groups

    def _compared_words(self, a: Report, b: Report) -> tuple[frozenset[str], frozenset[str]]:
        places = self._place_words(a) | self._place_words(b)
        return self.content(a) - places, self.content(b) - places

    def text_similarity(self, a: Report, b: Report) -> float:
        """Overlap of the content words of the two sentences the events come from
        (the evidence when the sentence is not known), leaving out the words that
        announce an event and the names of the two places (scored apart)."""
        return dice(*self._compared_words(a, b))

    def _embed(self, text: str) -> npt.NDArray[np.float32]:
        assert self.encoder is not None
        vec: npt.NDArray[np.float32] = self.encoder.embed([text])[0]
        return vec

    @staticmethod
    def sentence_text(r: Report) -> str:
        """The text whose meaning is compared: the sentence, else the evidence."""
        return r.context or r.event.evidence.text

    def embed_sentences(self, reports: Sequence[Report]) -> list[bytes | None]:
        """The sentence embeddings of ``reports`` as the store keeps them (float16
        bytes; None without an encoder or a text), run through the encoder in one
        batch for those not seen before."""
        if self.encoder is None:
            return [None] * len(reports)
        texts = [self.sentence_text(r) for r in reports]
        fresh = sorted({t for t in texts if t.strip() and t not in self._sentence_vectors})
        for t, v in zip(fresh, self.encoder.embed(fresh), strict=True):
            self._sentence_vectors.put(t, v)
        return [
            self._sentence_vectors(t).astype(np.float16).tobytes() if t.strip() else None
            for t in texts
        ]

    def _sentence_vector(self, r: Report) -> npt.NDArray[np.float32]:
        if r.sentence_vector is not None and len(r.sentence_vector) == 2 * DIM:
            return np.frombuffer(r.sentence_vector, dtype=np.float16).astype(np.float32)
        return self._sentence_vectors(self.sentence_text(r))

    def sentence_similarity(
        self, a: Report, b: Report, params: DedupParams = DEFAULT_PARAMS
    ) -> float:
        """How alike the two sentences' meanings are (0 to 1): the cosine of their
        embeddings by the sentence encoder, scaled from ``sentence_low`` (nothing)
        to ``sentence_high`` (full).  Other words for one thing ("militias" and
        "armed groups", "a cafe" and "a coffee house") that shared words miss; 0
        without an encoder."""
        if self.encoder is None:
            return 0.0
        if not self.sentence_text(a).strip() or not self.sentence_text(b).strip():
            return 0.0
        cos = float(self._sentence_vector(a) @ self._sentence_vector(b))
        span = params.sentence_high - params.sentence_low
        return min(1.0, max(0.0, (cos - params.sentence_low) / span))

    def shared_words(self, a: Report, b: Report) -> int:
        """How many of those content words the two sentences share."""
        wa, wb = self._compared_words(a, b)
        return len(wa & wb)
