"""The event's place: own clause, sentence, paragraph, dateline, then the article's
main place; news organisations and actors' adjectives are not places.
Sentences written for these tests."""

from __future__ import annotations

import pytest

from detection import events
from eventlens.pipeline import Pipeline


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
    rules_pipeline: Pipeline, text: str, event_type: str, name: str, country: str
) -> None:
    assert place_of(rules_pipeline, text, event_type) == (name, country)


def test_paragraph_place_before_the_dateline(rules_pipeline: Pipeline) -> None:
    text = (
        "BAGHDAD - Fighting spread to Mosul on Tuesday. "
        "Militants attacked a police station, officials said."
    )
    assert place_of(rules_pipeline, text, "ASSAULT")[0] == "Mosul"


def test_the_article_main_place_last(rules_pipeline: Pipeline) -> None:
    text = (
        "Protesters gathered in Kano on Monday.\n\n"
        "The governor of Kano called for calm.\n\n"
        "Soldiers later arrested dozens of people."
    )
    evs = events(rules_pipeline, text, "COERCE")
    assert evs and evs[-1].location is not None and evs[-1].location.name == "Kano"


def test_armed_forces_take_no_country_from_the_place(rules_pipeline: Pipeline) -> None:
    evs = events(rules_pipeline, "Soldiers fired on protesters in Bamako.", "ASSAULT")
    actor = evs[0].actor
    assert actor is not None and actor.sector == "MIL" and actor.country is None
