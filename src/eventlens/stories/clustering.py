"""Stories: events from different articles that report the same real-world event.

The arrest of 15 ISIS suspects in Istanbul is reported by dozens of outlets;
one says five were arrested, one places it in Kocaeli.  Each report is an
:class:`~eventlens.model.Event` from its own article.  This module decides
which reports belong together; a story is then summarised with every report, the
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
  compared apart) and the two places' names (scored apart); the sentences'
  meanings are compared too, by the packaged sentence encoder (outlets say
  "militias" and "armed groups", "a cafe" and "a coffee house"), and the
  text score is the better of the two;
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

:class:`StoryRules` holds these rules (with the tables of
:class:`eventlens.knowledge.Knowledge` they read); :class:`StoryClusterer`
applies them in memory, the store (:mod:`eventlens.store.writer`) to the
candidates it queries.  The similarities are in :mod:`eventlens.stories.similarity`,
the story summaries in :mod:`eventlens.stories.summaries`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from eventlens.model import Event, stable_id
from eventlens.stories.params import ARTICLE_TERMS, COUNT_FIELDS, DEFAULT_PARAMS, DedupParams
from eventlens.stories.report import Member, Report, report_window
from eventlens.stories.similarity import Similarity, date_similarity, place_similarity
from eventlens.stories.vectors import centre, cosine

if TYPE_CHECKING:
    from eventlens.encoder import Encoder
    from eventlens.knowledge import Knowledge


@dataclass(frozen=True, slots=True)
class Match:
    score: float
    place: float
    date: float
    actors: float
    text: float
    conflict: bool = False
    """A role names clearly different actors in the two reports."""
    article: float | None = None
    """Cosine of the two articles' texts, when both are known."""


@dataclass(frozen=True, slots=True)
class Assignment:
    """Where a new report goes: an existing story (``story_id``), or a new one
    (``story_id`` None), and other stories it proves to be the same (``merge``)."""

    story_id: str | None
    score: float
    merge: tuple[str, ...] = ()


def _same_count(a: Event, b: Event) -> bool:
    """Both give the same non-zero number for some count."""
    return any(
        (x := getattr(a.counts, f)) is not None and x > 0 and x == getattr(b.counts, f)
        for f in COUNT_FIELDS
    )


def _quoted(evidence: str, sentence: str, quotes: str) -> bool:
    """The evidence lies inside a quotation of its sentence."""
    at = sentence.find(evidence)
    if at < 0:
        return False
    return sum(sentence.count(q, 0, at) for q in quotes) % 2 == 1


def new_story_id(report: Report) -> str:
    return stable_id("story", report.event.id)


class StoryRules:
    """The rules of the module docstring, with their parameters and tables.

    One is built per store (or per in-memory clusterer) from a
    :class:`~eventlens.knowledge.Knowledge`: the story tables
    (``knowledge.stories``), the trigger lexicon (``knowledge.lexicon``) and
    the actor dictionary (``knowledge.actor_tables``).
    """

    def __init__(
        self,
        knowledge: Knowledge,
        params: DedupParams = DEFAULT_PARAMS,
        encoder: Encoder | None = None,
    ) -> None:
        self.params = params
        self.knowledge = knowledge
        self.tables = knowledge.stories
        if encoder is None and params.sentence_encoder:
            from eventlens.encoder import Encoder

            encoder = Encoder()  # the packaged one, loaded on first use
        self.similarity = Similarity(
            self.tables, knowledge.lexicon, knowledge.actor_tables, encoder
        )

    def vector(self, r: Report) -> tuple[tuple[str, float], ...]:
        """The report's article as a TF-IDF vector; empty when unknown."""
        return self.similarity.vectors.of(r)

    def compare(self, a: Report, b: Report) -> Match | None:
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
        params, sim = self.params, self.similarity
        ea, eb = a.event, b.event
        if ea.article_id == eb.article_id:
            return None
        if ea.event_type != eb.event_type or ea.status != eb.status:
            return None
        when = date_similarity(a, b, params)
        if when is None:
            return None
        va, vb = self.vector(a), self.vector(b)
        article = cosine(va, vb) if va and vb else None
        if a.thread_id is not None and a.thread_id == b.thread_id:
            # One thread: the two articles report one happening (their whole
            # threads agree, not only these two texts), as good as full agreement.
            article = max(article or 0.0, params.article_full)
        explicit = article is not None and article >= params.article_full
        place = place_similarity(a, b, params)
        if place is None:
            if not explicit:
                return None
            place = 0.0
        actors, conflict = sim.actor_similarity(a, b)
        # shared words, or the same meaning in other words (the sentence encoder)
        text = max(sim.text_similarity(a, b), sim.sentence_similarity(a, b, params))
        # What one report does not say is unknown, not a mismatch: a missing
        # place, date or actor scores ``unknown_value`` instead of a low value.
        known_place = ea.location is not None and eb.location is not None
        known_date = report_window(a, params) is not None and report_window(b, params) is not None
        known_actors = bool(sim.role_scores(ea, eb))
        u = params.unknown_value
        score = (
            params.w_place * (place if known_place else u)
            + params.w_date * (when if known_date else u)
            + params.w_actors * (actors if known_actors else u)
            + params.w_text * text
        )
        if conflict:
            score -= params.role_conflict_penalty
        if text == 0.0 and not sim.actor_agrees(ea, eb) and not _same_count(ea, eb):
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
            w = params.w_article * min(len(va), len(vb)) / ARTICLE_TERMS
            agree = min(1.0, article / params.article_full)
            score = max(score, (1.0 - w) * score + w * agree)
        long = article is not None and min(len(va), len(vb)) * 2 >= ARTICLE_TERMS
        if not known_date and not (
            (long and article is not None and article >= params.undated_min_article)
            or (text >= params.undated_min_text and sim.shared_words(a, b) >= 2)
        ):
            # Undated is unknown, not a match: ask for evidence in the texts.
            score -= params.no_evidence_penalty
        # Between full articles that are about the same thing, a role naming other
        # actors is more often the extraction's error than another event.
        forgiven = explicit or (
            long and article is not None and article >= params.undated_min_article
        )
        return Match(score, place, when, actors, text, conflict and not forgiven, article)

    def judge(self, report: Report, members: Sequence[Report]) -> float | None:
        """How well a report agrees with a whole story, or None when it cannot join it.

        Every member is compared (none may be from the report's article, none may
        be incompatible: another country, too far, another date, a role naming
        clearly different actors), the report must match a majority of them
        (``majority``) and their mean must reach the threshold; its article must
        be near the story's centre (``min_centre``).  Agreeing with one member is
        not agreeing with the story: that is how placeless or generic reports
        used to chain stories across places.
        """
        params = self.params
        if not members:
            return None
        scores: list[float] = []
        for m in members:
            if m.event.article_id == report.event.article_id or self.is_generic(m):
                return None
            match = self.compare(report, m)
            if match is None or (params.conflict_blocks and match.conflict):
                return None
            scores.append(match.score)
        mean = sum(scores) / len(scores)
        best = max(scores)
        score = (
            best
            if params.linkage == "max"
            else mean
            if params.linkage == "mean"
            else (best + mean) / 2
        )
        if sum(1 for x in scores if x >= params.threshold) < params.majority * len(scores):
            return None
        undated = report_window(report, params) is None or any(
            report_window(m, params) is None for m in members
        )
        mine = self.vector(report)
        vectors = [v for v in (self.vector(m) for m in members) if v]
        if undated and mine and vectors and cosine(mine, centre(vectors)) < params.min_centre:
            # Without dates to go by, the articles must be about the same thing.
            return None
        return score

    def assign(self, report: Report, stories: Mapping[str, Sequence[Report]]) -> Assignment:
        """Choose the story a new report joins, given the candidate stories with
        all their members; a generic report (:meth:`is_generic`) starts its own."""
        if self.is_generic(report):
            return Assignment(None, 0.0)
        ranked: list[tuple[float, str]] = []
        for story_id, members in stories.items():
            score = self.judge(report, members)
            if score is not None and score >= self.params.threshold:
                ranked.append((score, story_id))
        if not ranked:
            return Assignment(None, 0.0)
        ranked.sort(key=lambda x: (-x[0], x[1]))
        score, story_id = ranked[0]
        merge: list[str] = []
        joined = list(stories[story_id])
        for s, sid in ranked[1:]:
            if s < self.params.merge_threshold:
                break
            # Two stories merge only when they agree with each other as wholes.
            if all(self.judge(m, joined) is not None for m in stories[sid]):
                merge.append(sid)
                joined.extend(stories[sid])
        return Assignment(story_id, score, tuple(merge))

    def is_generic(self, r: Report) -> bool:
        """An event that says too little to be a story: a verbal event inside a
        quotation or said by "I"/"we" ("I agreed with him"), or violence in a
        sentence about sport ("Arsenal crushed Chelsea in the final")."""
        rules = self.tables.generic_rules
        e = r.event
        sentence = r.context or e.evidence.text
        if e.event_type in rules.quoted_types:
            if _quoted(e.evidence.text, sentence, rules.quotes):
                return True
            if e.actor is not None and e.actor.text.casefold() in rules.first_person:
                return True
        return (
            e.event_type in rules.sports_types
            and len(self.similarity.words(sentence) & rules.sports_words) >= rules.sports_min
        )


class StoryClusterer:
    """Incremental clustering in memory, the same rules the store applies.

    Used by the dedup evaluation; the store does the same with candidates
    it queries from the database: members of the same type and status whose
    date window meets the report's or who have no date window (undated is
    unknown, not unmatchable), and then every member of their stories.
    """

    def __init__(self, knowledge: Knowledge, params: DedupParams = DEFAULT_PARAMS) -> None:
        self.rules = StoryRules(knowledge, params)
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
        a = self.rules.assign(report, stories)
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
