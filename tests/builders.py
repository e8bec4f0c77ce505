"""Events built by hand for the rule tests: one event per sentence index, its evidence
at ``sentence * 100`` (the coreference and placement rules read sentence and offset)."""

from __future__ import annotations

from eventlens.model import UNKNOWN_DATE, Actor, Counts, Event, EventDate, Evidence, Place


def sentence_event(
    sentence: int,
    *,
    place: Place | None = None,
    killed: int | None = None,
    status: str = "occurred",
    when: EventDate = UNKNOWN_DATE,
    actor: Actor | None = None,
    recipient: Actor | None = None,
    trigger: tuple[int, int] | None = None,
    event_type: str = "ASSAULT",
    mode: str | None = "firearms",
) -> Event:
    return Event(
        id=f"e{sentence}",
        article_id="a",
        event_type=event_type,
        mode=mode,
        status=status,  # type: ignore[arg-type]
        evidence=Evidence("", sentence * 100, sentence * 100 + 50, sentence),
        confidence=0.9,
        location=place,
        counts=Counts(killed=killed),
        date=when,
        actor=actor,
        recipient=recipient,
        trigger=trigger,
        coded=True,
    )
