"""A foiled plot is placed where it was stopped (stages/locate.py ``where_stopped``), and
an arrest by a local force where the force serves (``where_force_serves``).

A plot placed no finer than its country takes the finer place, in that country, of the
arrest or seizure that stopped it, told in its sentence or the next (a disrupted plot is
coded where it was interdicted).  A plot with a finer place of its own, or one aimed at
another country, keeps its place.  Every sentence here was written for this test.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from builders import sentence_event
from eventlens import extract
from eventlens.model import Actor, Event, FeatureLevel, Place
from eventlens.pipeline import Pipeline
from eventlens.stages.locate import where_force_serves, where_stopped

PUBLISHED = date(2024, 5, 12)
STOPPING = frozenset({"arrest", "seize"})

# (case, article, the foiled plot's place: name and feature)
ARTICLES: list[tuple[str, str, tuple[str, str]]] = [
    (
        "plot told with the country, arrest with the town",
        "Turkish police arrested four suspects in Izmir who, officials said, had planned to"
        " carry out attacks in Turkey.",
        ("İzmir", "city"),
    ),
    (
        "the arrest in the next sentence",
        "Kenyan officials said on Saturday that security forces had foiled a plot to bomb"
        " churches in the country. Six suspects were arrested in Mombasa on Friday, police"
        " said.",
        ("Mombasa", "city"),
    ),
    (
        "a force named by its town places the arrest and the plot it foiled",
        "Turkish prosecutors said on Monday that the Anti-Smuggling Bureau of the Izmir"
        " Security Directorate had arrested six men accused of planning attacks on churches in"
        " Turkey.",
        ("İzmir", "city"),
    ),
    (
        "a plot with a town of its own keeps it",
        "Police arrested two men in Lahore on Monday who had planned to bomb a shrine in"
        " Multan, officials said.",
        ("Multan", "city"),
    ),
]


@pytest.mark.parametrize(("case", "text", "want"), ARTICLES, ids=[a[0] for a in ARTICLES])
def test_a_foiled_plot_is_placed_where_it_was_stopped(
    pipeline: Pipeline, case: str, text: str, want: tuple[str, str]
) -> None:
    events = extract(text, published=PUBLISHED, pipeline=pipeline)
    plots = [e for e in events if e.status == "foiled"]
    got = [(e.event_type, e.location and (e.location.name, e.location.feature)) for e in events]
    assert plots, (case, got)
    loc = plots[0].location
    assert loc is not None and (loc.name, loc.feature) == want, (case, got)


def _place(name: str, feature: FeatureLevel, country: str, gid: int) -> Place:
    return Place(name, 0, len(name), geonameid=gid, name=name, feature=feature,
                 country=country, lat=1.0, lon=1.0)  # fmt: skip


def _event(etype: str, mode: str | None, status: str, sentence: int, place: Place | None) -> Event:
    return sentence_event(sentence, place=place, status=status, event_type=etype, mode=mode)


COUNTRY = _place("Aland", "country", "AAA", 1)
TOWN = _place("Borville", "city", "AAA", 2)
ABROAD = _place("Cetown", "city", "CCC", 3)

# (case, plot, arrest, the plot's place after)
RULES: list[tuple[str, Event, Event, Place | None]] = [
    (
        "country-level plot, arrest in a town",
        _event("ASSAULT", None, "foiled", 0, COUNTRY),
        _event("COERCE", "arrest", "occurred", 0, TOWN),
        TOWN,
    ),
    (
        "unplaced plot, seizure in the next sentence",
        _event("ASSAULT", None, "foiled", 1, None),
        _event("COERCE", "seize", "occurred", 2, TOWN),
        TOWN,
    ),
    (
        "arrest two sentences away",
        _event("ASSAULT", None, "foiled", 0, COUNTRY),
        _event("COERCE", "arrest", "occurred", 2, TOWN),
        COUNTRY,
    ),
    (
        "arrest in another country",
        _event("ASSAULT", None, "foiled", 0, COUNTRY),
        _event("COERCE", "arrest", "occurred", 0, ABROAD),
        COUNTRY,
    ),
    (
        "a planned arrest stops nothing",
        _event("ASSAULT", None, "foiled", 0, COUNTRY),
        _event("COERCE", "arrest", "planned", 0, TOWN),
        COUNTRY,
    ),
    (
        "a plot only planned keeps its place",
        _event("ASSAULT", None, "planned", 0, COUNTRY),
        _event("COERCE", "arrest", "occurred", 0, TOWN),
        COUNTRY,
    ),
    (
        "a curfew is no stop",
        _event("ASSAULT", None, "foiled", 0, COUNTRY),
        _event("COERCE", "curfew", "occurred", 0, TOWN),
        COUNTRY,
    ),
]


@pytest.mark.parametrize(("case", "plot", "stop", "want"), RULES, ids=[r[0] for r in RULES])
def test_where_stopped_rules(case: str, plot: Event, stop: Event, want: Place | None) -> None:
    out = where_stopped([plot, stop], STOPPING)
    assert out[0].location == want, case
    assert out[1] == stop


def _force(text: str, sector: str = "COP") -> Actor:
    return Actor(text, 0, len(text), sector=sector)


TOWN_AT = replace(TOWN, start=4, end=12)  # inside the actor's words
POLICE = _force("the Borville police")
ARMY = _force("the Borville garrison", "MIL")


@pytest.mark.parametrize(
    ("case", "actor", "place", "places", "want"),
    [
        ("a town force, country place", POLICE, COUNTRY, (TOWN_AT,), TOWN_AT),
        ("a town force, no place", POLICE, None, (TOWN_AT,), TOWN_AT),
        ("an army is no local force", ARMY, COUNTRY, (TOWN_AT,), COUNTRY),
        ("a finer place already", POLICE, ABROAD, (TOWN_AT,), ABROAD),
        ("the town outside the actor's words", _force("the police"), COUNTRY, (TOWN_AT,), COUNTRY),
    ],
)  # fmt: skip
def test_where_force_serves(
    case: str, actor: Actor, place: Place | None, places: tuple[Place, ...], want: Place | None
) -> None:
    ev = replace(_event("COERCE", "arrest", "occurred", 0, place), actor=actor)
    assert where_force_serves(ev, places, frozenset({"COP"})).location == want, case
