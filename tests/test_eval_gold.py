"""``eventlens eval gold``'s scorer on constructed articles and events (no pipeline)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from eventlens.evaluate.gold import GoldArticle, Score, score_article
from eventlens.model import Counts, Event, EventDate, Evidence, Place

TEXT = (
    "Gunmen killed 12 villagers in Kaduna on Friday, police said. "
    "The attack was the third this month. "
    "Separately, police arrested four suspects in Kano."
)


def _event(
    phrase: str,
    etype: str,
    status: str = "occurred",
    confidence: float = 0.9,
    killed: int | None = None,
    place: tuple[float, float] | None = None,
) -> Event:
    start = TEXT.index(phrase)
    loc = Place(phrase, start, start, lat=place[0], lon=place[1]) if place else None
    return Event(
        id=phrase,
        article_id="a",
        event_type=etype,
        mode=None,
        status=status,  # type: ignore[arg-type]
        evidence=Evidence(phrase, start, start + len(phrase), 0),
        confidence=confidence,
        counts=Counts(killed=killed),
        location=loc,
        date=EventDate("2024-03-01", "day", "explicit"),
        trigger=(start, start + len(phrase)),
    )


GOLD: tuple[dict[str, Any], ...] = (
    {
        "id": "kaduna",
        "event_type": "ASSAULT",
        "status": "occurred",
        "killed": 12,
        "location": {"lat": 10.52, "lon": 7.44, "tolerance_km": 25},
        "date": {"value": "2024-03-01"},
        "evidence": "Gunmen killed 12 villagers in Kaduna",
    },
    {
        "id": "kano",
        "event_type": "COERCE",
        "status": "occurred",
        "evidence": "police arrested four suspects in Kano",
    },
)


def test_matches_repeats_fields_and_confident_precision() -> None:
    art = GoldArticle("a", TEXT, date(2024, 3, 2), GOLD)
    coded = [
        _event("Gunmen killed 12 villagers", "ASSAULT", killed=12, place=(10.52, 7.44)),
        # the same attack coded again in its own sentence: a repeat
        _event("killed 12 villagers in Kaduna", "ASSAULT", confidence=0.6),
        # the arrest, coded with the wrong type
        _event("arrested four suspects", "ASSAULT", confidence=0.85),
    ]
    total = Score()
    score_article(art, coded, total)
    f = total.figures()
    assert f["coded"] == 3 and f["recall"] == 1.0
    assert f["precision"] == round(2 / 3, 3)
    assert f["precision_confidence_0.8"] == 1.0  # both confident events match a gold event
    assert f["repeats"] == round(1 / 3, 3)
    assert f["fields"]["type"] == 0.5 and f["fields"]["killed"] == 1.0
    assert f["fields"]["place"] == 1.0 and f["fields"]["date"] == 1.0
    assert f["exact"] == 0.5  # the attack is right in every field, the arrest is not


def test_violent_events_on_an_article_without_events_are_false_events() -> None:
    art = GoldArticle("neg", TEXT, None, ())
    total = Score()
    score_article(
        art, [_event("arrested four suspects", "COERCE"), _event("Gunmen", "AGREE")], total
    )
    f = total.figures()
    assert f["negative_articles"] == 1 and f["false_events_on_negatives"] == 1
    assert f["precision"] == 0.0


def test_every_cli_verb_and_eval_target_has_its_module() -> None:
    """Nothing listed is skipped silently: each verb and eval target imports and registers."""
    import importlib

    from eventlens.cli import COMMANDS, build_parser
    from eventlens.commands.eval import TARGETS

    for name in COMMANDS:
        importlib.import_module(f"eventlens.commands.{name}")
    for name in TARGETS:
        importlib.import_module(f"eventlens.evaluate.{name}")
    parser = build_parser()
    assert parser.parse_args(["eval", "gold", "somewhere"]).target == "gold"
    assert parser.parse_args(["eval", "coder"]).target == "coder"


def test_a_wrong_field_says_what_was_coded_and_what_the_gold_says() -> None:
    art = GoldArticle("a", TEXT, date(2024, 3, 2), GOLD)
    wrong = _event("Gunmen killed 12 villagers", "ASSAULT", killed=5, place=(12.0, 8.52))
    wrong = replace(wrong, date=EventDate("2024-03-02", "day", "publication"))
    total = Score()
    score_article(art, [wrong], total)
    errors = "\n".join(total.field_errors)
    assert "killed wrong: [got 5, gold 12]" in errors
    assert "date wrong: [got 2024-03-02 (publication), gold 2024-03-01]" in errors
    assert "place wrong: [got None (None), gold None (None)]" in errors
