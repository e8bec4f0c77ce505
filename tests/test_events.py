"""Event detection: triggers, roles and counts on sentences written for the purpose."""

from __future__ import annotations

from datetime import date

import pytest

from eventlens import extract
from eventlens.model import Event
from eventlens.pipeline import Pipeline


def one(pipeline: Pipeline, text: str, event_type: str) -> Event:
    events = [
        e
        for e in extract(text, published=date(2024, 5, 6), pipeline=pipeline)
        if e.event_type == event_type
    ]
    assert len(events) == 1, [(e.event_type, e.evidence.text) for e in events]
    return events[0]


@pytest.mark.parametrize(
    "text",
    [
        "A four-car crash on Monday left a woman critically injured.",
        "The collision critically injured a woman in Las Vegas.",
        "Two people were injured in the crash near Denver.",
        "The storm killed three people in Manila.",
    ],
)
def test_accidents_are_not_assaults(pipeline: Pipeline, text: str) -> None:
    assert not [e for e in extract(text, pipeline=pipeline) if e.event_type == "ASSAULT"]


@pytest.mark.parametrize(
    ("text", "event_type", "mode", "field", "count"),
    [
        ("Police arrested 15 suspects in Ankara.", "COERCE", "arrest", "arrested", 15),
        ("Soldiers detained two journalists near Goma.", "COERCE", "arrest", "arrested", 2),
        ("Police arrested a protest leader in Lagos.", "COERCE", "arrest", "arrested", 1),
        ("Gunmen killed 12 villagers in Borno.", "ASSAULT", None, "killed", 12),
        (
            "Twelve people were killed when gunmen attacked a bus in Kano.",
            "ASSAULT",
            None,
            "killed",
            12,
        ),
        ("Rebels wounded 7 soldiers near Bunia.", "ASSAULT", None, "injured", 7),
        (
            "Some 5,000 protesters marched in Santiago against the reform.",
            "PROTEST",
            "demo",
            "participants",
            5000,
        ),
    ],
)
def test_counts(
    pipeline: Pipeline, text: str, event_type: str, mode: str | None, field: str, count: int
) -> None:
    ev = one(pipeline, text, event_type)
    assert getattr(ev.counts, field) == count
    if mode is not None:
        assert ev.mode == mode


def test_dozens_is_not_a_count(pipeline: Pipeline) -> None:
    assert (
        one(pipeline, "Police arrested dozens of students in Dhaka.", "COERCE").counts.arrested
        is None
    )


@pytest.mark.parametrize(
    ("text", "event_type", "actor_sector", "recipient_sector"),
    [
        ("Turkish police arrested three ISIS suspects in Izmir.", "COERCE", "COP", "REB"),
        ("The army shelled rebel positions near Idlib.", "ASSAULT", "MIL", "REB"),
        ("Al-Shabaab militants attacked a hotel in Mogadishu.", "ASSAULT", "REB", None),
        ("Gendarmerie teams detained two smugglers near Van.", "COERCE", "COP", "CRM"),
        ("Mixon's arrest came after a standoff with rebels in Goma.", "COERCE", None, None),
    ],
)
def test_roles(
    pipeline: Pipeline,
    text: str,
    event_type: str,
    actor_sector: str | None,
    recipient_sector: str | None,
) -> None:
    ev = one(pipeline, text, event_type)
    assert (ev.actor.sector if ev.actor else None) == actor_sector
    assert (ev.recipient.sector if ev.recipient else None) == recipient_sector


def test_possessive_of_an_arrest_is_the_one_arrested(pipeline: Pipeline) -> None:
    # an ordinary arrest is not an event of interest (codebook: crime), a militant's is
    ev = one(pipeline, "Mixon's arrest came after a standoff with rebels in Goma.", "COERCE")
    assert ev.actor is None and ev.recipient is not None and ev.recipient.text.startswith("Mixon")
    assert ev.counts.arrested == 1


def test_an_event_is_not_an_actor(pipeline: Pipeline) -> None:
    ev = one(pipeline, "Saturday's shooting killed two officers in Oakland.", "ASSAULT")
    assert ev.actor is None and ev.counts.killed == 2


PLOVER_CONVENTIONS = [
    ("Syria says it is willing to withdraw its troops from Lebanon.", "AGREE"),
    ("The minister urged Israel to withdraw its troops from Gaza.", "REQUEST"),
    ("Iran refused to release the detained sailors.", "REJECT"),
    ("Thousands demonstrated in Kirkuk calling for independence.", "PROTEST"),
    ("The two leaders signed a treaty of friendship in Sofia.", "SUPPORT"),
]


def test_plover_conventions(pipeline: Pipeline) -> None:
    """The learned coder types events; on this table it must be right 4 times in 5.

    Misses at the last training: "Iran refused to release ..." is coded COERCE, not REJECT.
    """
    wrong = []
    for text, event_type in PLOVER_CONVENTIONS:
        events = extract(text, pipeline=pipeline)
        top = max(events, key=lambda e: e.confidence).event_type if events else None
        if top != event_type:
            wrong.append(f"{text!r}: {top}, expected {event_type}")
    assert len(wrong) <= 1, wrong


@pytest.mark.parametrize(
    ("text", "event_type", "mode", "status"),
    [
        # nominal "-ing" triggers, like shooting and bombing
        ("Rioting broke out in the capital after the verdict.", "PROTEST", "riot", "occurred"),
        (
            "On Monday night, rioting spread to three more towns in the north of the country.",
            "PROTEST",
            "riot",
            "occurred",
        ),
        (
            "Witnesses described the torching of dozens of homes in the village.",
            "ASSAULT",
            "destroy",
            "occurred",
        ),
        ("A skirmish between border guards left two soldiers dead.", "ASSAULT", None, "occurred"),
        (
            "Insurgents overran an army outpost in the valley overnight.",
            "COERCE",
            "seize",
            "occurred",
        ),
        (
            "Government troops recaptured the town from the rebels on Friday.",
            "COERCE",
            "seize",
            "occurred",
        ),
        (
            "A man firebombed the party's office in the city centre.",
            "ASSAULT",
            "destroy",
            "occurred",
        ),
        (
            "Protesters barricaded the main road into the city on Monday.",
            "PROTEST",
            "obstruct",
            "occurred",
        ),
        (
            "Artillery pounded rebel positions around the city on Sunday, residents said.",
            "ASSAULT",
            "heavy-weapons",
            "occurred",
        ),
        # a plot names the attack planned; the status rules say it was foiled
        (
            "Police said they had foiled a terror plot against the city's metro.",
            "ASSAULT",
            None,
            "foiled",
        ),
    ],
)
def test_nominal_triggers(
    pipeline: Pipeline, text: str, event_type: str, mode: str | None, status: str
) -> None:
    ev = one(pipeline, text, event_type)
    assert ev.status == status
    if mode is not None:
        assert ev.mode == mode


def test_the_plot_of_a_film_is_no_event(pipeline: Pipeline) -> None:
    assert not extract("The plot of the film follows two detectives in Naples.", pipeline=pipeline)


def test_looting_is_an_event(pipeline: Pipeline) -> None:
    evs = extract(
        "Looting was reported in several districts of the city overnight.", pipeline=pipeline
    )
    assert [e.acled_sub_event_type for e in evs] == ["Looting/property destruction"]


def test_a_phrase_the_parser_split_is_still_found(pipeline: Pipeline) -> None:
    """ "opened" parsed as a modifier of "fire": next to each other they are "open fire"."""
    text = (
        "Gunmen on a motorcycle opened fire on the opposition leader as he left a rally in "
        "Lagos on Saturday, police said."
    )
    evs = [e for e in extract(text, published=date(2024, 5, 6), pipeline=pipeline)]
    assert any(e.event_type == "ASSAULT" and "opened fire" in e.evidence.text for e in evs), [
        (e.event_type, e.evidence.text) for e in evs
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The boxer pounded his opponent in the third round.",
        "Rain pounded the coast overnight, flooding hundreds of homes.",
    ],
)
def test_pounding_that_is_no_attack(pipeline: Pipeline, text: str) -> None:
    assert not [e for e in extract(text, pipeline=pipeline) if e.event_type == "ASSAULT"]


def test_taking_to_the_streets_is_a_protest_and_to_hospital_is_not(pipeline: Pipeline) -> None:
    """A phrase with its preposition's object ("take to street"): the object decides."""
    march = extract(
        "Hundreds of nurses took to the streets of Accra on Tuesday to demand unpaid wages.",
        published=date(2024, 5, 6),
        pipeline=pipeline,
    )
    assert [e.event_type for e in march] == ["PROTEST"]
    text = (
        "Gunmen fired on a minibus outside Jalalabad on Sunday, killing three passengers. Two"
        " others were wounded and taken to hospital in the city."
    )
    evs = extract(text, published=date(2024, 5, 6), pipeline=pipeline)
    assert [(e.event_type, e.counts.killed, e.counts.injured) for e in evs] == [("ASSAULT", 3, 2)]
    assert evs[0].recipient is None or "hospital" not in evs[0].recipient.text
