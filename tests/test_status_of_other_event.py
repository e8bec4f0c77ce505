"""An arrest is never foiled: "arrested before carrying out their plan" is an arrest that
occurred and a plot that was foiled (codebook, statuses; ``status_of_other_event`` in
``coder/labels.yaml``).  Sentences written for this test."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from eventlens.coder_labels import OtherEvent, load_labels, load_other_events
from eventlens.errors import ResourceError
from eventlens.model import Actor, Article, Counts, Event, Evidence
from eventlens.pipeline import Pipeline
from eventlens.stages.code import Coder

ARRESTS_THAT_FOILED = [
    "Police in the port city arrested four men on Tuesday before they could carry out "
    "their plan to bomb a crowded market, officials said.",
    "Security forces detained three suspected militants on Friday before they were able to "
    "implement a plot against a police station, the interior ministry said.",
]


@pytest.mark.parametrize("text", ARRESTS_THAT_FOILED)
def test_an_arrest_that_foiled_a_plot_is_two_events(pipeline: Pipeline, text: str) -> None:
    doc = pipeline(Article(id="t", content=text, published=date(2024, 3, 5)))
    got = {(e.event_type, e.mode, e.status) for e in doc.events}
    assert ("COERCE", "arrest", "foiled") not in got, "an arrest is not foiled"
    assert ("COERCE", "arrest", "occurred") in got, got
    plots = [e for e in doc.events if e.event_type == "ASSAULT" and e.status == "foiled"]
    assert plots, got
    assert all(p.counts == Counts() for p in plots), "the arrest's counts are not the plot's"


def test_the_table_reads_from_labels_yaml() -> None:
    table = load_other_events()
    assert table[("COERCE", "arrest", "foiled")] == OtherEvent("occurred", "ASSAULT")
    assert ("ASSAULT", None, "foiled") not in table, "a foiled plot stays foiled"


def test_a_bad_table_is_a_clear_error() -> None:
    data = dict(load_labels())
    data["status_of_other_event"] = {"COERCE|arrest": {"foiled": {"own": "done", "other": "X"}}}
    with pytest.raises(ResourceError, match="status_of_other_event"):
        load_other_events(data)


def _arrest(pipeline: Pipeline, status: str) -> tuple[Coder, Event]:
    coder = next(s for s in pipeline.components if isinstance(s, Coder))
    ev = Event(
        id="e",
        article_id="a",
        event_type="COERCE",
        mode="arrest",
        status=status,  # type: ignore[arg-type]
        evidence=Evidence("police arrested four men before they could act", 0, 46, 0),
        confidence=0.9,
        actor=Actor(text="police", sector="COP"),
        recipient=Actor(text="four men"),
        counts=Counts(arrested=4),
        acled_event_type="Strategic developments",
        acled_sub_event_type="Arrests",
        coded=True,
    )
    return coder, ev


def test_the_plot_is_by_the_people_arrested(pipeline: Pipeline) -> None:
    coder, ev = _arrest(pipeline, "foiled")
    arrest, plot = coder.split_status(ev, "COERCE")
    assert (arrest.event_type, arrest.status, arrest.counts.arrested) == ("COERCE", "occurred", 4)
    assert (plot.event_type, plot.status, plot.mode) == ("ASSAULT", "foiled", None)
    assert plot.actor == ev.recipient and plot.recipient is None
    assert plot.acled_sub_event_type is None and plot.counts == Counts()


def test_a_trigger_of_the_plot_is_the_plot_alone(pipeline: Pipeline) -> None:
    coder, ev = _arrest(pipeline, "foiled")
    (only,) = coder.split_status(ev, "ASSAULT")
    assert (only.event_type, only.status, only.mode) == ("ASSAULT", "foiled", None)
    assert only.actor == ev.actor, "the trigger's own roles are kept"


def test_an_arrest_that_occurred_is_left_alone(pipeline: Pipeline) -> None:
    coder, ev = _arrest(pipeline, "occurred")
    assert coder.split_status(ev, "COERCE") == [ev]
    assert coder.split_status(replace(ev, status="planned"), "COERCE") == [
        replace(ev, status="planned")
    ]
