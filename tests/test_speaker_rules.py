"""Who did it and to whom, where a sentence's words mislead (issue 11): the speaker of a
statement is not the actor of the event he reports; "opened fire on X" and "fired rockets
at X" have X as the target, not the fire or the rockets; a time is neither actor nor
target. Sentences written for these tests (none from any evaluation set)."""

from __future__ import annotations

import pytest

from detection import events
from eventlens.model import Actor, Event
from eventlens.pipeline import Pipeline


def mention(p: Pipeline, text: str, event_type: str, trigger: str) -> Event:
    """The event of a type whose trigger words are ``trigger``."""
    evs = [
        e
        for e in events(p, text, event_type)
        if e.trigger is not None and text[e.trigger[0] : e.trigger[1]] == trigger
    ]
    assert evs, (text, trigger, events(p, text, event_type))
    return evs[0]


def text_of(a: Actor | None) -> str | None:
    return a.text if a is not None else None


@pytest.mark.parametrize(
    ("text", "event_type", "trigger", "actor"),
    [
        # a nominal event under a statement verb: not the speaker's; the reported
        # clause's own subject where there is one
        (
            "The governor's spokesman confirmed the attack, saying gunmen stormed the village.",
            "ASSAULT",
            "attack",
            "gunmen",
        ),
        ("The army reported an attack on its base in Borno.", "ASSAULT", "attack", None),
        ("The ministry condemned the attack on the embassy.", "ASSAULT", "attack", None),
        ("The interior minister confirmed the bombing of the market.", "ASSAULT", "bombing", None),
        ("Witnesses described the shooting at the checkpoint.", "ASSAULT", "shooting", None),
        (
            "The mayor denounced the killing of two traders, saying bandits had ambushed them.",
            "ASSAULT",
            "killing",
            "bandits",
        ),
        # ...a pronoun in the reported clause may be the speaker himself: nothing
        (
            "The army condemned the attack, saying it would hunt down those responsible.",
            "ASSAULT",
            "attack",
            None,
        ),
        # ...but a speaker announcing an arrest announces its own action
        ("Police announced the arrest of five suspects in Kano.", "COERCE", "arrest", "Police"),
        (
            "The gendarmerie confirmed the detention of two smugglers near the border.",
            "COERCE",
            "detention",
            "The gendarmerie",
        ),
        # ...while one condemning an arrest did not make it
        ("The opposition condemned the arrest of its leader.", "COERCE", "arrest", None),
        # a verb event reported by a speaker keeps its own subject
        ("Police said militants ambushed a convoy near Gao.", "ASSAULT", "ambushed", "militants"),
        (
            "A military spokesman told reporters that insurgents had shelled the town.",
            "ASSAULT",
            "shelled",
            "insurgents",
        ),
        ("Police said the convoy was ambushed near Gao.", "ASSAULT", "ambushed", None),
        # ...and a light verb's subject is still the actor
        ("Rebels carried out an attack on an army base.", "ASSAULT", "attack", "Rebels"),
    ],
)
def test_the_speaker_is_not_the_actor(
    rules_pipeline: Pipeline, text: str, event_type: str, trigger: str, actor: str | None
) -> None:
    ev = mention(rules_pipeline, text, event_type, trigger)
    assert text_of(ev.actor) == actor, (text, ev.actor)


@pytest.mark.parametrize(
    ("text", "trigger", "recipient", "sector"),
    [
        # "opened fire on X": X, never "fire"
        ("Soldiers opened fire on protesters in Mandalay.", "opened fire", "protesters", "CVL"),
        ("Police opened fire at the crowd outside the court.", "opened fire", "the crowd", "CVL"),
        (
            "Troops opened fire with machine guns on the crowd.",
            "opened fire",
            "the crowd",
            "CVL",
        ),
        ("Gunmen opened fire in the market, killing five.", "opened fire", None, None),
        # what is launched is no target: the object of "at", "on", "into" is
        ("Police fired tear gas at the protesters.", "fired", "the protesters", "CVL"),
        ("Militants fired rockets at the base.", "fired", "the base", None),
        ("Rebels fired mortars into the town.", "fired", "the town", None),
        ("Insurgents fired rockets overnight.", "fired", None, None),
    ],
)
def test_the_target_of_fire_is_the_object_of_its_preposition(
    rules_pipeline: Pipeline, text: str, trigger: str, recipient: str | None, sector: str | None
) -> None:
    ev = mention(rules_pipeline, text, "ASSAULT", trigger)
    assert text_of(ev.recipient) == recipient, (text, ev.recipient)
    if recipient is not None:
        assert ev.recipient is not None and ev.recipient.sector == sector, ev.recipient


@pytest.mark.parametrize(
    ("text", "event_type", "trigger", "actor", "recipient"),
    [
        # a light verb's target is the nominal event's, and a time is no one
        (
            "Militants launched an attack overnight on a military base.",
            "ASSAULT",
            "attack",
            "Militants",
            "a military base",
        ),
        (
            "Rebels carried out an attack on Tuesday against an army base.",
            "ASSAULT",
            "attack",
            "Rebels",
            "an army base",
        ),
        # a number phrase is cut to what it counts; a bare number is no one
        ("Dozens of gunmen attacked the village.", "ASSAULT", "attacked", "gunmen", "the village"),
        ("The gunmen killed 12 in the market.", "ASSAULT", "killed", "The gunmen", None),
        # an instrument is no actor
        ("A car bomb killed six people in Mogadishu.", "ASSAULT", "killed", None, "six people"),
    ],
)
def test_no_time_number_or_instrument_as_a_party(
    rules_pipeline: Pipeline,
    text: str,
    event_type: str,
    trigger: str,
    actor: str | None,
    recipient: str | None,
) -> None:
    ev = mention(rules_pipeline, text, event_type, trigger)
    assert (text_of(ev.actor), text_of(ev.recipient)) == (actor, recipient), (text, ev)
