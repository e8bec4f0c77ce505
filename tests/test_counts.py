"""Counts: number phrases, qualifiers, ranges, the clause that states a count and
aggregates that are no event's count.  Sentences written for these tests."""

from __future__ import annotations

from datetime import date

import pytest

from eventlens.counts import Count, NumberWords, parse_count
from eventlens.model import Article, Document
from eventlens.pipeline import Pipeline
from eventlens.settings import DEFAULT_PIPELINE, Settings

PUB = date(2024, 3, 5)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Thirty-seven", Count(37)),
        ("thirty seven", Count(37)),
        ("two dozen", Count(24)),
        ("a dozen", Count(12)),
        ("a hundred", Count(100)),
        ("one hundred and twenty", Count(120)),
        ("ten thousand", Count(10_000)),
        ("1,200", Count(1200)),
        ("12,500", Count(12_500)),
        ("3.5 million", Count(3_500_000)),
        ("at least 12", Count(12, "at_least")),
        ("at least Thirty-seven", Count(37, "at_least")),
        ("more than 70,000", Count(70_000, "more_than")),
        ("nearly 40", Count(40, "about")),
        ("some 300,000", Count(300_000, "about")),
        ("up to 15", Count(15, "up_to")),
        ("10-15", Count(10, "range")),
        ("10 to 15", Count(10, "range")),
        ("between 10 and 15", Count(10, "range")),
        ("dozens", None),
        ("hundreds", None),
        ("Tens of thousands", None),
        ("several", None),
        ("scores", None),
        ("some", None),
    ],
)
def test_parse_count(text: str, want: Count | None, numbers: NumberWords) -> None:
    assert parse_count(text, numbers) == want


@pytest.fixture(scope="module")
def numbers() -> NumberWords:
    return NumberWords.load()


@pytest.fixture(scope="module")
def finder() -> Pipeline:
    """The pipeline up to event detection: counts are set there, before merging."""
    names = DEFAULT_PIPELINE[: DEFAULT_PIPELINE.index("eventlens.events.v1") + 1]
    return Pipeline(Settings(pipeline=names))


def counts(p: Pipeline, text: str, event_type: str, field: str) -> list[int | None]:
    doc: Document = p(Article(id="t", content=text, published=PUB))
    return [getattr(e.counts, field) for e in doc.events if e.event_type == event_type]


@pytest.mark.parametrize(
    ("text", "event_type", "field", "want"),
    [
        # the five sentences of issue 11
        (
            "Thirty-seven people were detained by police in Lagos on Monday after the protest.",
            "COERCE",
            "arrested",
            37,
        ),
        (
            "KABUL - U.S.-led coalition aircraft struck two vehicles in Nuristan province on "
            "Thursday, killing 14 civilians, local officials said.",
            "ASSAULT",
            "killed",
            14,
        ),
        # written for this rule
        (
            "Two dozen protesters were arrested outside the parliament in Accra.",
            "COERCE",
            "arrested",
            24,
        ),
        ("Gunmen killed a hundred villagers in a raid near Maiduguri.", "ASSAULT", "killed", 100),
        (
            "Police detained at least 1,200 people during the strike in Dhaka.",
            "COERCE",
            "arrested",
            1200,
        ),
        (
            "Between 10 and 15 people were killed when rebels shelled the market.",
            "ASSAULT",
            "killed",
            10,
        ),
        ("Two suicide bombings in Kampala killed 74 people.", "ASSAULT", "killed", 74),
        ("Twelve people died when a car bomb exploded in Mogadishu.", "ASSAULT", "killed", 12),
        (
            "A total of 9 police officers were killed in the ambush near Tillaberi.",
            "ASSAULT",
            "killed",
            9,
        ),
        (
            "A crowd of 2,000 farmers marched to the ministry in Nairobi.",
            "PROTEST",
            "participants",
            2000,
        ),
        (
            "Dozens of people were wounded when militants attacked the camp.",
            "ASSAULT",
            "injured",
            None,
        ),
        ("Hundreds of students were arrested in Tehran.", "COERCE", "arrested", None),
        ("About 5,000 farmers marched on the capital on Friday.", "PROTEST", "participants", 5000),
        # coordinated victims add up; a singular person is one
        (
            "A roadside bomb killed four soldiers and a translator near Kandahar.",
            "ASSAULT",
            "killed",
            5,
        ),
        ("Gunmen shot dead a farmer and his son outside Kaduna.", "ASSAULT", "killed", 2),
        (
            "Militants killed two guards and a cook at the hotel in Mogadishu.",
            "ASSAULT",
            "killed",
            3,
        ),
        ("An air strike on the market killed a child.", "ASSAULT", "killed", 1),
        (
            "Gunmen attacked the convoy, killing a driver and wounding a policeman.",
            "ASSAULT",
            "injured",
            1,
        ),
        ("Police said they had arrested the driver in Mombasa.", "COERCE", "arrested", 1),
        # harm done fatally is a death, not an injury
        (
            "Nine villagers were fatally wounded when rebels shelled the market in Beni.",
            "ASSAULT",
            "killed",
            9,
        ),
        (
            "Nine villagers were fatally wounded when rebels shelled the market in Beni.",
            "ASSAULT",
            "injured",
            None,
        ),
        # "left N dead": the toll is the object of "left"
        ("The blast at the bus station left 14 people dead.", "ASSAULT", "killed", 14),
        # "were shot dead": the toll is the passive subject
        ("Two guards were shot dead outside the bank in Peshawar.", "ASSAULT", "killed", 2),
        # a headline's passive: the subject is the victims
        ("Three soldiers killed in ambush near Gao", "ASSAULT", "killed", 3),
        ("Twelve suspected smugglers arrested near Van", "COERCE", "arrested", 12),
    ],
)
def test_event_counts(
    finder: Pipeline, text: str, event_type: str, field: str, want: int | None
) -> None:
    got = counts(finder, text, event_type, field)
    assert got, text
    assert want in got if want is not None else all(v is None for v in got), (text, got)


@pytest.mark.parametrize(
    ("text", "event_type", "field"),
    [
        # issue 11: a war's toll and a worldwide total are no event's count
        (
            "Police in Lima said on Tuesday that the war with the rebels has killed more than "
            "70,000 people since 1980.",
            "ASSAULT",
            "killed",
        ),
        (
            "The conflict has killed 12,000 civilians across the country this year.",
            "ASSAULT",
            "killed",
        ),
        (
            "Security forces have arrested 3,000 people since the uprising began.",
            "COERCE",
            "arrested",
        ),
        (
            "Some 300,000 people marched in 120 cities worldwide on Saturday.",
            "PROTEST",
            "participants",
        ),
        (
            "LONDON - Tens of thousands of people marched through London on Saturday to demand "
            "action on climate change, while in New York police estimated 10,000 marchers.",
            "PROTEST",
            "participants",
        ),
    ],
)
def test_aggregates_and_other_clauses_are_not_the_events_count(
    finder: Pipeline, text: str, event_type: str, field: str
) -> None:
    got = counts(finder, text, event_type, field)
    assert got and all(v is None for v in got), (text, got)


def test_count_belongs_to_the_event_whose_clause_states_it(finder: Pipeline) -> None:
    text = (
        "Some 300,000 people marched in 120 cities worldwide on Saturday; in Berlin, "
        "20,000 people marched to the Reichstag."
    )
    assert counts(finder, text, "PROTEST", "participants") == [None, 20000]
    text = "A bomb in Kabul killed 5 people, and gunmen in Herat killed 3 police officers."
    got = counts(finder, text, "ASSAULT", "killed")
    assert 5 in got and 3 in got and got[0] == 5
