"""The event's place (issue 11, item 5): which place mentions can locate an
event, and which reading of a place name stands for it.  Every sentence here
was written for these tests."""

from __future__ import annotations

import pytest

from detection import events
from eventlens.model import Place
from eventlens.pipeline import Pipeline
from eventlens.stages.locate import main_place


def located(p: Pipeline, text: str, event_type: str) -> list[tuple[str | None, str | None]]:
    evs = events(p, text, event_type)
    assert evs, text
    return [(e.location.name, e.location.country) if e.location else (None, None) for e in evs]


@pytest.mark.parametrize(
    ("text", "event_type", "name", "country"),
    [
        # issue 11: a world city is not moved by another city of the sentence
        (
            "LONDON - Tens of thousands of people marched through London on Saturday to "
            "demand action on climate change, while in New York police estimated 10,000 "
            "marchers.",
            "PROTEST",
            "London",
            "GBR",
        ),
        # (the Kabul and Lagos sentences, the clause's own place over the
        # dateline, are rows of tests/test_place_rules.py)
        # a border named is not where the event was: "bordering X", "the X border"
        (
            "NALCHIK, Russia - Gunmen attacked a police post in a district bordering Georgia "
            "on Friday.",
            "ASSAULT",
            "Nalchik",
            "RUS",
        ),
        (
            "GOMA, Congo - Rebels clashed with the army near the Rwanda border on Sunday.",
            "ASSAULT",
            "Goma",
            "COD",
        ),
        (
            "Mali's army said on Monday it had lost 12 soldiers.\n\n"
            "Jihadists attacked a base near the border with Niger on Sunday, the army said.",
            "ASSAULT",
            "Mali",
            "MLI",
        ),
        # where people fled to or came from is not where the event was
        (
            "KHARTOUM, Sudan - Gunmen burned 40 homes on Tuesday, and hundreds of villagers "
            "fled to Chad.",
            "ASSAULT",
            "Khartoum",
            "SDN",
        ),
        (
            "Soldiers from Chad killed 30 militants in northern Cameroon on Monday.",
            "ASSAULT",
            "Cameroon",
            "CMR",
        ),
        # where the news was given is not where the event was
        (
            "Militias burned three villages in Ituri province, a UN spokesman told reporters "
            "in Geneva.",
            "ASSAULT",
            "Ituri",
            "COD",
        ),
        (
            "Insurgents shelled the town of Gwoza on Thursday.\n\n"
            "A second shell exploded near an army base, a source told our correspondent in "
            "Kaduna.",
            "ASSAULT",
            "Gwoza",
            "NGA",
        ),
        # a place qualifying an event locates it; one qualifying an actor does not
        ("Protesters were killed in the Kano riots on Monday.", "ASSAULT", "Kano", "NGA"),
        ("Lagos police arrested 12 protesters in Abuja on Friday.", "COERCE", "Abuja", "NGA"),
        # a country acting (a passive's agent, a subject that sends) is not the place
        ("Fighters armed by Iran attacked a base in Yemen on Friday.", "ASSAULT", "Yemen", "YEM"),
        (
            "Rwanda sent troops into Mozambique on Friday to fight insurgents.",
            "ASSAULT",
            "Mozambique",
            "MOZ",
        ),
        # a headline's event is the lead's
        (
            "Six killed in helicopter strike\n\n"
            "An army helicopter fired missiles at a car in Kunduz province on Tuesday, "
            "killing six people.",
            "ASSAULT",
            "Kunduz",
            "AFG",
        ),
    ],
)
def test_every_event_takes_its_own_place(
    rules_pipeline: Pipeline, text: str, event_type: str, name: str, country: str
) -> None:
    assert set(located(rules_pipeline, text, event_type)) == {(name, country)}


@pytest.mark.parametrize(
    ("text", "event_type"),
    [
        # a person's surname is not a place, once the text has named the person
        (
            "Attorney General Luis Durango said police had arrested four men.\n\n"
            '"They planned to attack the station," Durango told reporters.',
            "ASSAULT",
        ),
        # "the Army" is an armed force, never a place
        ("Two soldiers were killed in an ambush on Tuesday, the Army said.", "ASSAULT"),
    ],
)
def test_no_place_rather_than_a_wrong_one(
    rules_pipeline: Pipeline, text: str, event_type: str
) -> None:
    assert set(located(rules_pipeline, text, event_type)) == {(None, None)}


@pytest.mark.parametrize(
    ("text", "feature"),
    [
        # a bare region name that is mostly its town stands for the town
        ("Gunmen killed five people in Mandera on Monday.", "city"),
        ("Gunmen killed three villagers in Kano on Friday.", "city"),
        # named as a region, it stays one; so does a region much larger than its town
        ("Police arrested 30 protesters in Kano State on Monday.", "admin1"),
        ("Police arrested 30 protesters across Quebec on Monday.", "admin1"),
    ],
)
def test_a_bare_region_name_is_its_town(rules_pipeline: Pipeline, text: str, feature: str) -> None:
    evs = [e for t in ("ASSAULT", "COERCE") for e in events(rules_pipeline, text, t)]
    assert evs and {e.location.feature if e.location else None for e in evs} == {feature}


def _place(text: str, start: int, gid: int, feature: str, country: str = "JPN") -> Place:
    return Place(text, start, start + len(text), geonameid=gid, name=text, lat=0.0, lon=0.0,
                 feature=feature, country=country)  # type: ignore[arg-type]  # fmt: skip


def test_main_place_counts_one_name_once_and_takes_its_finest_reading() -> None:
    places = [
        _place("Japan", 0, 1, "country"),
        _place("Nara", 10, 2, "admin1"),
        _place("Nara", 30, 3, "city"),
        _place("Japan", 50, 1, "country"),
        _place("Nara", 70, 2, "admin1"),
    ]
    best = main_place(places)
    assert best is not None and (best.text, best.feature) == ("Nara", "city")


def test_main_place_most_named_first() -> None:
    places = [
        _place("Niger", 0, 5, "country", "NER"),
        _place("Mali", 10, 6, "country", "MLI"),
        _place("Mali", 40, 6, "country", "MLI"),
    ]
    best = main_place(places)
    assert best is not None and best.country == "MLI"


@pytest.mark.parametrize(
    ("text", "name", "country"),
    [
        # a lower-case Arabic article joined to a town's name
        (
            "A drone struck a market in the city of el-Fasher on Friday, killing 12 people.",
            "El Fasher",
            "SDN",
        ),
        ("Rebels shelled al-Bab on Sunday.", "Al Bāb", "SYR"),
    ],
)
def test_a_name_after_a_lower_case_article(
    rules_pipeline: Pipeline, text: str, name: str, country: str
) -> None:
    assert set(located(rules_pipeline, text, "ASSAULT")) == {(name, country)}
