"""The code stage: the learned coder (:mod:`eventlens.coder`) decides what each candidate is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

from eventlens.coder import Candidate, CoderModel, Coding
from eventlens.errors import ResourceError
from eventlens.knowledge.loader import data_path, load_yaml
from eventlens.model import Counts, Document, Event
from eventlens.stages.base import Stage

if TYPE_CHECKING:
    from eventlens.pipeline import Resources
    from eventlens.settings import Settings


class Coder(Stage):
    """Pipeline stage: codes every candidate event; drops the ones that are not events."""

    name = "eventlens.code.v1"
    requires: tuple[str, ...] = ("events",)
    provides: tuple[str, ...] = ("coded",)

    @cached_property
    def model(self) -> CoderModel:
        return self.resources.coder

    @cached_property
    def context(self) -> ArticleContext:
        return ArticleContext.load()

    def warm_up(self) -> None:
        self.model.encoder.warm_up()

    def __call__(self, doc: Document) -> Document:
        if not doc.events:
            return doc
        cands = [_candidate(doc, ev) for ev in doc.events]
        codings = self.model.code(
            cands, [ev.status for ev in doc.events], [ev.event_type for ev in doc.events]
        )
        kept: list[Event] = []
        dropped: list[tuple[Event, str]] = list(doc.dropped)
        in_context = self.context.reason(doc.events, codings)
        for ev, c, why in zip(doc.events, codings, in_context, strict=True):
            coded = apply_coding(ev, c)
            if not c.relevant:
                dropped.append(
                    (coded, f"not an event of interest: {c.not_event} (p={1 - c.p_relevant:.2f})")
                )
            elif why is not None:
                dropped.append((coded, why))
            else:
                kept.extend(self.split_status(coded, ev.event_type))
        return replace(doc, events=tuple(kept), dropped=tuple(dropped))

    def split_status(self, ev: Event, lexicon_type: str) -> list[Event]:
        """The event, or the event with its own status and the event the status read
        belongs to (``status_of_other_event`` in ``coder/labels.yaml``): "arrested before
        carrying out their plan" is an arrest that occurred and a plot that was foiled, by
        the people arrested.  The plot's target, counts and ACLED columns are unknown.

        When the trigger is the other event's word ("intended to target", typed ASSAULT
        by the lexicon, read as an arrest by the coder because the sentence has one), the
        status is the trigger's own: the event is the plot alone (the arrest has its own
        trigger)."""
        other = self.model.other_events.get((ev.event_type, ev.mode, ev.status))
        if other is None:
            return [ev]
        retyped = replace(
            ev,
            event_type=other.other,
            mode=None,
            acled_event_type=None,
            acled_sub_event_type=None,
            specificity=0.0,
        )
        if lexicon_type == other.other:
            return [retyped]
        plot = replace(retyped, actor=ev.recipient, recipient=None, counts=Counts())
        return [replace(ev, status=other.own), plot]


@dataclass(frozen=True, slots=True)
class ArticleContext:
    """Violent candidates read in the light of the whole article (``coder/article_context.yaml``).

    When most of an article's candidates are accidents or disasters to the coder, a
    violent candidate with no named perpetrator that the coder is unsure of belongs to
    that accident: a factory blast "that killed 25 people" is not an attack.
    """

    reasons: frozenset[str]
    min_candidates: int
    min_share: float
    min_marked: int
    max_confidence: float
    types: frozenset[str]

    @classmethod
    def load(cls) -> ArticleContext:
        name = "coder/article_context.yaml"
        try:
            d: dict[str, Any] = load_yaml(name)
            return cls(
                frozenset(d["reasons"]),
                int(d["min_candidates"]),
                float(d["min_share"]),
                int(d["min_marked"]),
                float(d["max_confidence"]),
                frozenset(d["types"]),
            )
        except (KeyError, TypeError, ValueError) as e:
            raise ResourceError(f"{data_path(name)}: cannot read article context ({e})") from None

    def reason(self, events: Sequence[Event], codings: Sequence[Coding]) -> list[str | None]:
        """For each candidate, why the article's context drops it (None: it does not)."""
        n = len(codings)
        marked = sum(1 for c in codings if not c.relevant and c.not_event in self.reasons)
        if n < self.min_candidates or marked < max(self.min_marked, self.min_share * n):
            return [None] * n
        label = "/".join(sorted({str(c.not_event) for c in codings if c.not_event in self.reasons}))
        why = (
            f"not an event of interest: part of the {label} the article reports "
            f"({marked} of {n} candidates read as {label})"
        )
        return [
            why
            if c.relevant
            and c.plover in self.types
            and c.confidence < self.max_confidence
            and (ev.actor is None or (ev.actor.name is None and ev.actor.sector is None))
            else None
            for ev, c in zip(events, codings, strict=True)
        ]


def _candidate(doc: Document, ev: Event) -> Candidate:
    sent = doc.sentences[ev.evidence.sentence] if doc.sentences else None
    if sent is None:
        return Candidate(ev.evidence.text, 0, len(ev.evidence.text))
    t0, t1 = ev.trigger or (ev.evidence.start, ev.evidence.end)
    start = min(max(t0 - sent.start, 0), len(sent.text))
    end = min(max(t1 - sent.start, start), len(sent.text))
    return Candidate(sent.text, start, end)


def apply_coding(ev: Event, c: Coding) -> Event:
    """The event with the coder's type, mode, status, ACLED columns and confidence."""
    return replace(
        ev,
        event_type=c.plover,
        mode=c.mode,
        status=c.status,
        acled_event_type=c.acled_type,
        acled_sub_event_type=c.acled_sub,
        confidence=c.confidence,
        coded=True,
        specificity=c.specificity,
    )


def make_coder(settings: Settings, resources: Resources) -> Coder:
    return Coder(settings, resources)
