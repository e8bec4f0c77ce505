"""Date expressions resolved against the publication date."""

from __future__ import annotations

from datetime import date

import pytest

from eventlens import extract
from eventlens.model import EventDate
from eventlens.pipeline import Pipeline
from eventlens.stages.dates import DateCues, resolve_expression

CUES = DateCues.load()

PUB = date(2023, 2, 6)  # a Monday

CASES: list[tuple[str, tuple[str | None, str | None, str] | None]] = [
    ("today", ("2023-02-06", "day", "relative")),
    ("yesterday", ("2023-02-05", "day", "relative")),
    ("a few days ago", ("2023-02-03", "week", "relative")),
    ("3 days ago", ("2023-02-03", "day", "relative")),
    ("two weeks ago", ("2023-01-23", "week", "relative")),
    ("last week", ("2023-01-30", "week", "relative")),
    ("last month", ("2023-01", "month", "relative")),
    ("earlier this month", ("2023-02", "month", "relative")),
    ("last year", ("2022", "year", "relative")),
    ("on Thursday", ("2023-02-02", "day", "relative")),
    ("on Monday", ("2023-02-06", "day", "relative")),
    ("last March", ("2022-03", "month", "relative")),
    ("4 February", ("2023-02-04", "day", "explicit")),
    ("February 4, 2023", ("2023-02-04", "day", "explicit")),
    ("in December", ("2022-12", "month", "explicit")),
    ("2015", ("2015", "year", "explicit")),
    ("in the 1990s", None),
    ("recently", None),
    ("just days", None),
]


@pytest.mark.parametrize(("text", "want"), CASES)
def test_resolve(text: str, want: tuple[str | None, str | None, str] | None) -> None:
    got = resolve_expression(text, PUB, CUES)
    if want is None:
        assert got is None
    else:
        assert got == EventDate(*want)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["last month", "a few days ago", "yesterday", "on Thursday"])
def test_relative_without_publication_date_is_unknown(text: str) -> None:
    assert resolve_expression(text, None, CUES) == EventDate(None, None, "unknown")


def test_explicit_dates_need_no_publication_date() -> None:
    assert resolve_expression("4 February 2023", None, CUES) == EventDate(
        "2023-02-04", "day", "explicit"
    )


@pytest.mark.parametrize(
    ("sentence", "value", "source"),
    [
        ("Police arrested 3 men in Lagos last week.", "2023-01-30", "relative"),
        ("Gunmen attacked a bus in Kano on 2 February.", "2023-02-02", "explicit"),
        # a target date is not the event's date
        ("The rebel factions agreed to disarm by 2030.", "2023-02-06", "publication"),
    ],
)
def test_event_dates(pipeline: Pipeline, sentence: str, value: str, source: str) -> None:
    events = extract(sentence, published=PUB, pipeline=pipeline)
    assert events, sentence
    assert (events[0].date.value, events[0].date.source) == (value, source)
