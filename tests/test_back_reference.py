"""A back reference names an event told before (stages/merge.py ``back_reference``).

"The violence", "this attack", "Monday's fighting": a general event noun with a
definite determiner or a day's possessive points back to an event the article has
told, whatever type the coder gives the noun by itself.  It joins the nearest earlier
event of a violent type a few sentences before when nothing sets them apart; it never
becomes an event of its own.  Every sentence here was written for this test.
"""

from __future__ import annotations

from datetime import date

import pytest

from eventlens import extract
from eventlens.model import Event, Evidence, Place
from eventlens.pipeline import Pipeline
from eventlens.stages.merge import back_reference, own_place
from eventlens.stages.words import EventWords

PUBLISHED = date(2024, 5, 12)
VIOLENT = ("ASSAULT", "PROTEST", "COERCE")

# (case, article, the violent events it must give)
ARTICLES: list[tuple[str, str, int]] = [
    (
        "the violence after a riot",
        "Rioters set fire to shops and cars in Mombasa on Tuesday after a disputed vote"
        " count. The violence lasted until late in the evening, witnesses said.",
        1,
    ),
    (
        "the fighting after a clash",
        "Soldiers and rebels fought for hours near Goma on Friday, the army said. Residents"
        " said the fighting forced hundreds of families to flee their homes.",
        1,
    ),
    (
        "the attack after a shooting",
        "Gunmen shot dead three police officers at a checkpoint outside Quetta on Monday."
        " Officials said the attack was the third on the force this month.",
        1,
    ),
    (
        "the violence feared to spread is the riot's",
        "Rioters torched a police station and two banks in Kisii on Wednesday night. Officials"
        " feared the violence could spread to neighbouring towns.",
        1,
    ),
    (
        "another attack is a new event",
        "Militants ambushed an army convoy near Mosul on Monday, killing four soldiers."
        " Another attack hit a police post in Kirkuk on Tuesday, killing two officers.",
        2,
    ),
]


@pytest.mark.parametrize(("case", "text", "want"), ARTICLES, ids=[a[0] for a in ARTICLES])
def test_a_back_reference_is_no_event_of_its_own(
    pipeline: Pipeline, case: str, text: str, want: int
) -> None:
    events = extract(text, published=PUBLISHED, pipeline=pipeline)
    violent = [e for e in events if e.event_type in VIOLENT]
    got = [(e.event_type, e.mode, e.evidence.text) for e in violent]
    assert len(violent) == want, (case, got)


# (phrase in a sentence, the trigger word, is it a back reference)
PHRASES: list[tuple[str, str, bool]] = [
    ("The violence spread to two more districts.", "violence", True),
    ("Witnesses said this attack was planned for weeks.", "attack", True),
    ("Sunday's fighting left the market in ruins.", "fighting", True),
    ("An attack on a bus killed six.", "attack", False),  # indefinite: a new event
    ("Three attacks hit the city on Monday.", "attacks", False),  # a number of its own
    ("The other attack came an hour later.", "attack", False),
    ("Another bombing hit the port.", "bombing", False),
    ("The rebels attacked the town.", "attacked", False),  # a verb, not a reference
    ("The election was held on Sunday.", "election", False),  # not an event noun here
]


def _event(evidence: Evidence, **kw: object) -> Event:
    return Event(
        id="e",
        article_id="a",
        event_type="PROTEST",
        mode=None,
        status="occurred",
        evidence=evidence,
        confidence=0.9,
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(("sentence", "word", "expected"), PHRASES)
def test_what_reads_as_a_back_reference(
    pipeline: Pipeline, sentence: str, word: str, expected: bool
) -> None:
    nlp = pipeline.resources.nlp(sentence)
    start = sentence.index(word)
    ev = _event(Evidence(sentence, 0, len(sentence), 0), trigger=(start, start + len(word)))
    assert back_reference(nlp, ev, EventWords.load()) is expected


def test_a_place_the_reference_only_inherits_is_not_its_own() -> None:
    text = "Clashes broke out in Jos. The violence spread."
    jos = Place("Jos", 21, 24, geonameid=1, name="Jos", lat=9.9, lon=8.9, feature="city")
    assert own_place(_event(Evidence(text[26:], 26, len(text), 1), location=jos)) is None
    assert own_place(_event(Evidence(text[:25], 0, 25, 0), location=jos)) == jos
