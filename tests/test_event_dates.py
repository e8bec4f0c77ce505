"""Whose date is it (issue 11, item 2): a statement's date, a noun's date, a related
mention's date, the lead's day, anaphoric dates.  Sentences written for these tests;
published Tuesday 5 March 2024."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from detection import date_pipeline, dates_of
from eventlens.model import Article, EventDate
from eventlens.pipeline import Pipeline
from eventlens.stages.dates import DateCues, resolve_expression

CUES = DateCues.load()
PUB = date(2024, 3, 5)  # a Tuesday


@pytest.fixture(scope="module")
def dater() -> Pipeline:
    return date_pipeline()


@pytest.mark.parametrize(
    ("text", "event_type", "value", "source"),
    [
        # a statement's date is when it was said; the event's own clause wins
        (
            "Twelve people were killed late Sunday in an attack on a village, officials said "
            "on Monday.",
            "ASSAULT",
            "2024-03-03",
            "relative",
        ),
        (
            "An overnight rocket attack on the base killed four soldiers, a spokesman told "
            "reporters on Tuesday.",
            "ASSAULT",
            "2024-03-04",
            "relative",
        ),
        # ... and with no date of its own, not the statement's day (the publication's)
        (
            "Gunmen killed three farmers in the district, police said on Tuesday.",
            "ASSAULT",
            "2024-03-05",
            "publication",
        ),
        # a statement made before the publication day: the event is at least that old
        (
            "The governor's office said on Sunday that gunmen had killed three farmers.",
            "ASSAULT",
            "2024-03-03",
            "relative",
        ),
        # a statement's date is a statement-event's own
        (
            "The opposition on Monday accused the army of torturing detainees.",
            "ACCUSE",
            "2024-03-04",
            "relative",
        ),
        # a noun's own date is not the sentence's
        (
            "Troops arrested six men linked to last Sunday's bombing of the market.",
            "COERCE",
            "2024-03-05",
            "publication",
        ),
        # a mention whose clause contains another ("seized in a raid in July")
        (
            "The engineers were seized in a raid on their camp in January.",
            "COERCE",
            "2024-01",
            "explicit",
        ),
        # "Monday`s attack", typed with a backtick
        (
            "Police found a second bomb at the site of Monday`s attack.",
            "ASSAULT",
            "2024-03-04",
            "relative",
        ),
        # counted from the publication date
        (
            "Bandits killed nine villagers about a fortnight ago.",
            "ASSAULT",
            "2024-02-20",
            "relative",
        ),
        (
            "Gunmen attacked the town several days ago.",
            "ASSAULT",
            "2024-03-01",
            "relative",
        ),
    ],
)
def test_whose_date(dater: Pipeline, text: str, event_type: str, value: str, source: str) -> None:
    got = dates_of(dater, text, event_type)
    assert got, text
    assert (got[0].value, got[0].source) == (value, source), (text, got)


@pytest.mark.parametrize(
    ("text", "event_type", "value", "precision"),
    [
        # precision follows the expression
        ("Police arrested dozens of protesters this week.", "COERCE", "2024-03-04", "week"),
        ("Rebels attacked the convoy a month ago.", "ASSAULT", "2024-02", "month"),
        ("Rebels attacked the convoy in 2019.", "ASSAULT", "2019", "year"),
        ("Gunmen attacked the town several days ago.", "ASSAULT", "2024-03-01", "week"),
    ],
)
def test_precision_follows_the_expression(
    dater: Pipeline, text: str, event_type: str, value: str, precision: str
) -> None:
    got = dates_of(dater, text, event_type)
    assert got and (got[0].value, got[0].precision) == (value, precision), (text, got)


def test_anaphoric_counts_from_the_text() -> None:
    anchor = EventDate("2018", "year", "explicit")
    assert resolve_expression("two years earlier", PUB, CUES, anchor) == EventDate(
        "2016", "year", "relative"
    )
    assert resolve_expression(
        "a week later", PUB, CUES, EventDate("2024-01-10", "day", "explicit")
    ) == (EventDate("2024-01-17", "week", "relative"))
    # nothing to count from: unknown, never the publication date
    assert resolve_expression("two years earlier", PUB, CUES) == EventDate(None, None, "unknown")


def test_years_earlier_counts_from_the_sentences_year(dater: Pipeline) -> None:
    text = "Talks began in 2018, after the rebels had signed a truce two years earlier."
    doc = dater(Article(id="t", content=text, published=PUB))
    signed = [e.date for e in doc.events if doc.text[slice(*e.trigger)] == "signed"]  # type: ignore[misc]
    assert signed and signed[0].value == "2016", signed


def test_a_day_earlier_counts_from_the_leads_day(dater: Pipeline) -> None:
    text = (
        "Soldiers killed five militants in a raid on Monday.\n\n"
        "A day earlier, gunmen had killed two policemen at a checkpoint."
    )
    got = dates_of(dater, text, "ASSAULT")
    assert got[-1].value == "2024-03-03", got


def test_the_lead_dates_the_story_not_the_headline(dater: Pipeline) -> None:
    text = (
        "Riots rock the capital\n\n"
        "Protesters clashed with police in the capital yesterday after the vote.\n\n"
        "Troops were deployed to the city in the evening."
    )
    got = dates_of(dater, text, "MOBILIZE")
    assert got and (got[0].value, got[0].source) == ("2024-03-04", "relative"), got


def test_a_relative_clause_keeps_its_own_time(dater: Pipeline) -> None:
    text = "On Monday police arrested the men who attacked the bank."
    got = dates_of(dater, text, "COERCE")
    assert got and got[0].value == "2024-03-04", got
    for d in dates_of(dater, text, "ASSAULT"):
        assert d.value != "2024-03-04", d


def test_heading_date_line(dater: Pipeline) -> None:
    text = "Friday, March 1, 2024\n\nPolice arrested six protesters outside parliament."
    got = dates_of(dater, text, "COERCE")
    assert (got[0].value, got[0].source) == ("2024-03-01", "publication"), got


# (the Lima sentence is a row of test_date_rules.py::
# test_period_and_history_never_take_the_year_or_publication)


# (text, event type, the trigger, where its date comes from: Event.date_from)
DATE_FROM_CASES: list[tuple[str, str, str, str]] = [
    ("Gunmen killed four people in a village on Saturday.", "ASSAULT", "killed", "clause"),
    # a date on the verb the clause hangs from is the clause's
    (
        "On Monday, police raided homes in the city, arresting four men.",
        "COERCE",
        "raided",
        "clause",
    ),
    # the date of the attack the killing happened in
    (
        "Soldiers were killed in an attack on a checkpoint on Sunday.",
        "ASSAULT",
        "killed",
        "related",
    ),
    (
        "Fighting broke out in the north of the country on Saturday. Rebels attacked an army"
        " base near the border.",
        "ASSAULT",
        "attacked",
        "paragraph",
    ),
    (
        "Rebels attacked an army base on Saturday.\n\nPolice arrested two journalists in Accra.",
        "COERCE",
        "arrested",
        "lead",
    ),
    (
        "NAIROBI, March 1 (Reuters) - Police arrested six protesters outside parliament.",
        "COERCE",
        "arrested",
        "dateline",
    ),
    ("Police arrested four men in Mombasa.", "COERCE", "arrested", "publication"),
]


@pytest.mark.parametrize(("text", "event_type", "trigger", "where"), DATE_FROM_CASES)
def test_where_the_date_came_from(
    dater: Pipeline, text: str, event_type: str, trigger: str, where: str
) -> None:
    doc = dater(Article(id="t", content=text, published=PUB))
    got = [
        e.date_from
        for e in doc.events
        if e.event_type == event_type and e.trigger and doc.text[slice(*e.trigger)] == trigger
    ]
    assert got == [where], (text, got)


def test_date_from_is_no_part_of_the_output(dater: Pipeline) -> None:
    doc = dater(Article(id="t", content="Gunmen killed four people on Saturday.", published=PUB))
    ev = doc.events[0]
    assert ev.date_from == "clause"
    assert "date_from" not in ev.to_dict() and "date_from" not in ev.to_dict()["date"]
    assert replace(ev, date_from="publication") == ev  # not compared
