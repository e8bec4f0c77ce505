"""Helpers for the tests of the rule stages (detection, dates, places, actors).

``RULE_STAGES`` is the pipeline without the coder, the merger and the confidence cut, so
that a rule's own output is what the test sees; ``conftest.rules_pipeline`` builds it.
"""

from __future__ import annotations

from datetime import date

from eventlens.model import Article, Event, EventDate
from eventlens.pipeline import Pipeline
from eventlens.settings import DEFAULT_PIPELINE, Settings

PUB = date(2024, 3, 5)
SKIP = frozenset({"eventlens.code.v1", "eventlens.merge.v1", "eventlens.finalize.v1"})
RULE_STAGES = tuple(n for n in DEFAULT_PIPELINE if n not in SKIP)


def events(p: Pipeline, text: str, event_type: str) -> list[Event]:
    """The events of one type in a text published on :data:`PUB`."""
    doc = p(Article(id="t", content=text, published=PUB))
    return [e for e in doc.events if e.event_type == event_type]


DATE_SKIP = frozenset(
    {"eventlens.code.v1", "eventlens.locate.v1", "eventlens.merge.v1", "eventlens.finalize.v1"}
)


def date_pipeline() -> Pipeline:
    """Detection and dating only: no coder, locator, merger or confidence cut in the way."""
    return Pipeline(Settings(pipeline=tuple(n for n in DEFAULT_PIPELINE if n not in DATE_SKIP)))


def dates_of(p: Pipeline, text: str, event_type: str) -> list[EventDate]:
    """The dates of the events of one type in a text published on :data:`PUB`."""
    return [e.date for e in events(p, text, event_type)]
