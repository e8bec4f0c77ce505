"""Thresholds and weights of story clustering (:class:`DedupParams`).

The rules they tune are described in :mod:`eventlens.stories.clustering`.
"""

from __future__ import annotations

from dataclasses import dataclass

from eventlens.model import FEATURE_LEVELS

# Coarse to fine; the coarser of two places decides how far apart they may be.
LEVEL_RANK = {level: i for i, level in enumerate(FEATURE_LEVELS)}

COUNT_FIELDS: tuple[str, ...] = ("killed", "injured", "arrested", "participants")

ARTICLE_TERMS = 64
"""How many of an article's heaviest terms its vector keeps."""


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
    (TF-IDF cosine, :meth:`eventlens.stories.similarity.Similarity.article_vector`),
    when both are known and full length (``ARTICLE_TERMS`` terms; less for
    shorter texts)."""
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
    sentence_encoder: bool = True
    """Compare the reports' sentences by meaning too (the packaged sentence
    encoder, :mod:`eventlens.encoder`), not only by their shared words."""
    sentence_low: float = 0.5
    """Cosine of two sentences' embeddings (the packaged sentence encoder) at and
    below which their meaning adds nothing to their shared words: unrelated
    reports of one event type reach it seldom (about one pair in 25 in the
    labelled set)."""
    sentence_high: float = 0.9
    """...and the cosine that counts as full agreement (a close paraphrase);
    between the two the sentence score rises linearly, and the text score is
    the better of it and the shared words."""
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
