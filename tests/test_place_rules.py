"""The event's place: own clause, sentence, paragraph, dateline, then the article's
main place; news organisations and actors' adjectives are not places.
Sentences written for these tests."""

from __future__ import annotations

from datetime import date

import pytest

from eventlens.model import Article, Event
from eventlens.pipeline import Pipeline
from eventlens.settings import DEFAULT_PIPELINE, Settings

PUB = date(2024, 3, 5)


@pytest.fixture(scope="module")
def locator() -> Pipeline:
    """Detection, dating and location: no coder, merger or confidence cut in the way."""
    skip = {"eventlens.code.v1", "eventlens.merge.v1", "eventlens.finalize.v1"}
    return Pipeline(Settings(pipeline=tuple(n for n in DEFAULT_PIPELINE if n not in skip)))


def events(p: Pipeline, text: str, event_type: str) -> list[Event]:
    doc = p(Article(id="t", content=text, published=PUB))
    return [e for e in doc.events if e.event_type == event_type]


def place_of(p: Pipeline, text: str, event_type: str) -> tuple[str | None, str | None]:
    evs = events(p, text, event_type)
    assert evs, text
    loc = evs[0].location
    return (loc.name, loc.country) if loc else (None, None)


@pytest.mark.parametrize(
    ("text", "event_type", "name", "country"),
    [
        # issue 11: the event's own clause over the dateline; "U.S.-led" is no place
        (
            "KABUL - U.S.-led coalition aircraft struck two vehicles in Nuristan province on "
            "Thursday, killing 14 civilians, local officials said.",
            "ASSAULT",
            "Nūristān",
            "AFG",
        ),
        (
            "Thirty-seven people were detained by police in Lagos on Monday after the protest.",
            "COERCE",
            "Lagos",
            "NGA",
        ),
        # the dateline when the event's words name no place
        (
            "NAIROBI, Kenya - Police arrested six protesters outside parliament.",
            "COERCE",
            "Nairobi",
            "KEN",
        ),
        # a news organisation is not a place
        (
            "Gunmen killed four farmers in Zamfara, the New York Times reported.",
            "ASSAULT",
            "Zamfara",
            "NGA",
        ),
        ("Turkish troops shelled villages near Idlib on Sunday.", "ASSAULT", "Idlib", "SYR"),
    ],
)
def test_event_place(
    locator: Pipeline, text: str, event_type: str, name: str, country: str
) -> None:
    assert place_of(locator, text, event_type) == (name, country)


def test_paragraph_place_before_the_dateline(locator: Pipeline) -> None:
    text = (
        "BAGHDAD - Fighting spread to Mosul on Tuesday. "
        "Militants attacked a police station, officials said."
    )
    assert place_of(locator, text, "ASSAULT")[0] == "Mosul"


def test_the_article_main_place_last(locator: Pipeline) -> None:
    text = (
        "Protesters gathered in Kano on Monday.\n\n"
        "The governor of Kano called for calm.\n\n"
        "Soldiers later arrested dozens of people."
    )
    evs = events(locator, text, "COERCE")
    assert evs and evs[-1].location is not None and evs[-1].location.name == "Kano"


def test_armed_forces_take_no_country_from_the_place(locator: Pipeline) -> None:
    evs = events(locator, "Soldiers fired on protesters in Bamako.", "ASSAULT")
    actor = evs[0].actor
    assert actor is not None and actor.sector == "MIL" and actor.country is None
