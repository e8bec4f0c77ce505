"""Event dates from the event's own words: clause, sentence, paragraph, dateline,
and only then the publication date.  Sentences written for these tests."""

from __future__ import annotations

from datetime import date

import pytest

from detection import date_pipeline, dates_of
from eventlens.dateline import DatelineWords, find_dateline
from eventlens.model import Article, EventDate
from eventlens.pipeline import Pipeline
from eventlens.stages.dates import DateCues, resolve_expression

CUES = DateCues.load()

PUB = date(2024, 3, 5)  # a Tuesday


@pytest.fixture(scope="module")
def dater() -> Pipeline:
    return date_pipeline()


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("late Tuesday", ("2024-03-05", "day", "relative")),
        ("Thursday night", ("2024-02-29", "day", "relative")),
        ("early Monday", ("2024-03-04", "day", "relative")),
        ("on the 12th", ("2024-02-12", "day", "relative")),
        ("on the 3rd", ("2024-03-03", "day", "relative")),
        ("Aug. 7", ("2023-08-07", "day", "explicit")),
        ("in 2009", ("2009", "year", "explicit")),
        ("overnight", ("2024-03-04", "day", "relative")),
        ("between April and July 2017", ("2017", "year", "explicit")),
    ],
)
def test_expressions(text: str, want: tuple[str, str, str]) -> None:
    assert resolve_expression(text, PUB, CUES) == EventDate(*want)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "event_type", "value", "source"),
    [
        # issue 11
        (
            "Thirty-seven people were detained by police in Lagos on Monday after the protest.",
            "COERCE",
            "2024-03-04",
            "relative",
        ),
        (
            "KABUL - U.S.-led coalition aircraft struck two vehicles in Nuristan province on "
            "Thursday, killing 14 civilians, local officials said.",
            "ASSAULT",
            "2024-02-29",
            "relative",
        ),
        # the sentence
        (
            "Gunmen stormed a church in Kaduna yesterday, witnesses said.",
            "ASSAULT",
            "2024-03-04",
            "relative",
        ),
        (
            "Soldiers opened fire on the crowd late Sunday in the capital.",
            "ASSAULT",
            "2024-03-03",
            "relative",
        ),
        (
            "Rebels shelled the town on the 2nd, residents said.",
            "ASSAULT",
            "2024-03-02",
            "relative",
        ),
        (
            "A bomb exploded in a market in Peshawar on Aug. 7.",
            "ASSAULT",
            "2023-08-07",
            "explicit",
        ),
        ("Militants attacked the convoy in 2009, the report said.", "ASSAULT", "2009", "explicit"),
        # nothing stated: the publication date, marked as such
        ("Police arrested four men in Mombasa.", "COERCE", "2024-03-05", "publication"),
    ],
)
def test_event_date(dater: Pipeline, text: str, event_type: str, value: str, source: str) -> None:
    got = dates_of(dater, text, event_type)
    assert got, text
    assert (got[0].value, got[0].source) == (value, source), (text, got)


def test_paragraph_date_before_publication(dater: Pipeline) -> None:
    text = (
        "Fighting broke out in the north of the country on Saturday. "
        "Rebels attacked an army base near the border."
    )
    got = dates_of(dater, text, "ASSAULT")
    assert got[-1].value == "2024-03-02", got


def test_a_new_paragraph_takes_the_leads_day(dater: Pipeline) -> None:
    text = "Rebels attacked an army base on Saturday.\n\nPolice arrested two journalists in Accra."
    got = dates_of(dater, text, "COERCE")
    assert (got[0].value, got[0].source) == ("2024-03-02", "relative"), got


def test_an_undated_mention_takes_the_leads_day_marked_as_inherited(dater: Pipeline) -> None:
    # even of a kind the article dates elsewhere: the lead's day is inherited
    # (date_from "lead"), so coreference lets a mention's own date win over it
    text = (
        "Rebels attacked an army base on Saturday.\n\nPolice arrested two journalists.\n\n"
        "Police arrested a priest in Accra on Friday."
    )
    doc = dater(Article(id="t", content=text, published=PUB))
    got = [(e.date.value, e.date_from) for e in doc.events if e.event_type == "COERCE"]
    assert got == [("2024-03-02", "lead"), ("2024-03-01", "clause")], got


def test_dateline_date_before_publication(dater: Pipeline) -> None:
    text = "NAIROBI, March 1 (Reuters) - Police arrested six protesters outside parliament."
    got = dates_of(dater, text, "COERCE")
    # the report's date: publication, which coreference may replace with the event's own
    assert (got[0].value, got[0].source) == ("2024-03-01", "publication"), got


@pytest.mark.parametrize(
    "text",
    [
        # issue 11: a period is not a date, and a war's history takes no publication date
        "Police in Lima said on Tuesday that the war with the rebels has killed more than "
        "70,000 people since 1980.",
        "The bombing, the deadliest since the civil war, is remembered every year.",
    ],
)
def test_period_and_history_never_take_the_year_or_publication(dater: Pipeline, text: str) -> None:
    for d in dates_of(dater, text, "ASSAULT"):
        assert d.value != "1980" and d.source != "publication", (text, d)


@pytest.mark.parametrize(
    ("text", "place", "when"),
    [
        ("KABUL - U.S.-led coalition aircraft struck", "KABUL", None),
        ("LONDON, March 4 (Reuters) - Police said", "LONDON", "March 4"),
        ("BAGHDAD (AP) \u2014 Two days after", "BAGHDAD", None),
        ("MOGADISHU, Somalia, Jan. 5 -- Gunmen", "MOGADISHU, Somalia", "Jan. 5"),
        ("A headline\n\nNAIROBI, Kenya \u2014 Police", "NAIROBI, Kenya", None),
        ("Nairobi, Kenya (CNN) -- Police", "Nairobi, Kenya", None),
    ],
)
def test_dateline(text: str, place: str, when: str | None) -> None:
    d = find_dateline(text, DatelineWords.load())
    assert d is not None and (d.place, d.date) == (place, when)
    assert text[d.place_start : d.place_end] == place


@pytest.mark.parametrize(
    "text", ["Police said - no more", "The U.S. - China talks", "UPDATE - new"]
)
def test_no_dateline(text: str) -> None:
    assert find_dateline(text, DatelineWords.load()) is None
