"""The code stage: the learned coder (:mod:`eventlens.coder`) decides what each candidate is."""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING

from eventlens.coder import Candidate, CoderModel, Coding
from eventlens.model import Document, Event
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
        for ev, c in zip(doc.events, codings, strict=True):
            coded = apply_coding(ev, c)
            if c.relevant:
                kept.append(coded)
            else:
                dropped.append(
                    (coded, f"not an event of interest: {c.not_event} (p={1 - c.p_relevant:.2f})")
                )
        return replace(doc, events=tuple(kept), dropped=tuple(dropped))


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
