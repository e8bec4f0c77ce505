"""In-document event coreference (stages/coref.py, stages/merge.py): one real event, one event.

Two tables, both of text written for them (no sentence, name or phrase of any dev set):

- ``ARTICLES``: short articles run through the whole pipeline, each with the attacks it
  must give and, for merged ones, the fields the merged event must carry;
- the rule tables below it: each rule of :mod:`eventlens.stages.coref` on events built
  by hand (places, tolls, new-event words, plots, participants, dates).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from builders import sentence_event as _event
from eventlens import extract
from eventlens.model import UNKNOWN_DATE, Actor, Event, EventDate, Evidence, Place
from eventlens.pipeline import Pipeline
from eventlens.stages.coref import (
    Cues,
    better_date,
    better_place,
    combine,
    marks_new_event,
    participants_agree,
    places_agree,
    same_event,
    summary_and_incident,
)
from eventlens.stages.merge import named_group

PUBLISHED = date(2024, 5, 12)  # a Sunday

# (case, article, the attacks expected in text order: their fields, None where not checked)
ARTICLES: list[tuple[str, str, list[dict[str, Any]]]] = [
    (
        "headline and body",
        "Bomb blast kills nine at market in Jos\n\n"
        "A bomb exploded at a crowded market in Jos on Saturday, killing nine people, police"
        " said. The blast also wounded 20 others. Police said the bombing was carried out by"
        " militants.",
        [{"killed": 9, "injured": 20, "place": "Jos", "date": "2024-05-11"}],
    ),
    (
        "a country in the headline, a town in the body",
        "Twelve killed in attack in Nigeria\n\n"
        "Gunmen killed 12 people in an attack on a village near Jos on Tuesday night, police"
        " said. The gunmen escaped before soldiers arrived.",
        [{"killed": 12, "place": "Jos"}],
    ),
    (
        "the attack, the assault",
        "Gunmen attacked a police checkpoint in Quetta on Monday. The attack killed four"
        " officers, a police spokesman said. The assault lasted about an hour before the"
        " attackers fled.",
        [{"killed": 4, "place": "Quetta", "date": "2024-05-06"}],
    ),
    (
        "a toll sentence after the attack",
        "Militants stormed an army post near Gao on Thursday. Six soldiers were killed and"
        " three were wounded, the army said in a statement.",
        [{"killed": 6, "injured": 3, "place": "Gao", "date": "2024-05-09"}],
    ),
    (
        "two bombings in two cities",
        "A car bomb exploded in Kandahar on Sunday, killing five people. In a separate attack,"
        " a roadside bomb killed three people in Herat.",
        [{"killed": 5, "place": "Kandahar"}, {"killed": 3, "place": "Herat"}],
    ),
    (
        "two attacks on two days",
        "Gunmen attacked a village near Beni on 3 May, killing seven people. On 10 May, gunmen"
        " attacked another village near Beni, killing four people.",
        [{"killed": 7, "date": "2024-05-03"}, {"killed": 4, "date": "2024-05-10"}],
    ),
    (
        "an older attack as background",
        "A suicide bomber killed 14 people at a mosque in Peshawar on Friday. The city was hit"
        " by a bombing in March 2015 that killed 30 people.",
        # the 2015 bombing is background: coded apart with its own date, or dropped as
        # history (codebook), never merged into Friday's
        [{"killed": 14, "date": "2024-05-10"}, {"killed": 30, "date": "2015-03", "optional": True}],
    ),
    (
        "another attack, same place and day",
        "Gunmen shot dead two farmers near Kandahar on Monday. Hours later, another shooting"
        " killed a shopkeeper in the same district.",
        [{"killed": 2}, {}],
    ),
    (
        "a bare toll the coder is unsure of still counts the attack before it",
        "Gunmen opened fire on a funeral procession near Bunia on Saturday. Eight mourners"
        " were killed. At least 19 others were wounded and taken to a clinic in the town.",
        [{"killed": 8, "injured": 19, "place": "Bunia"}],
    ),
    (
        "another few victims are not another event",
        "Militants set off a bomb outside a bus depot in Mosul on Friday, killing six"
        " people, the police said. Another 11 were injured, some of them gravely.",
        [{"killed": 6, "injured": 11, "place": "Mosul"}],
    ),
    (
        "a toll of a separate attack is not lent",
        "Gunmen raided a cattle market in Gusau on Sunday, killing five traders. In a separate"
        " attack on the same day, 14 people were wounded.",
        [{"killed": 5, "injured": None, "place": "Gusau"}, {"optional": True}],
    ),
    (
        "the toll of a landslide is not the clash's",
        "Soldiers fought rebels near Kalehe on Tuesday and nine fighters were killed, the army"
        " said. Further up the valley a landslide swept away a hamlet, and 25 people were"
        " injured.",
        [{"killed": 9, "injured": None, "place": "Kalehe"}],
    ),
    (
        "a plot told twice: foiled, then planned",
        "Police foiled a plot to bomb a church in Homs, officials said on Monday. The suspects"
        " had planned to attack the church during Sunday prayers, the officials said.",
        [{"status": "foiled", "place": "Homs"}],
    ),
]


@pytest.mark.parametrize(("case", "text", "expected"), ARTICLES, ids=[a[0] for a in ARTICLES])
def test_one_real_event_one_coded_event(
    pipeline: Pipeline, case: str, text: str, expected: list[dict[str, Any]]
) -> None:
    events = [e for e in extract(text, published=PUBLISHED, pipeline=pipeline)]
    attacks = sorted(
        (e for e in events if e.event_type == "ASSAULT"), key=lambda e: e.evidence.start
    )
    got = [
        (e.status, e.location.text if e.location else None, e.date.value, e.counts) for e in attacks
    ]
    required = [w for w in expected if not w.get("optional")]
    assert len(required) <= len(attacks) <= len(expected), (case, got)
    for ev, want in zip(attacks, expected, strict=False):
        for count in ("killed", "injured"):
            if count in want:
                assert getattr(ev.counts, count) == want[count], (case, count, got)
        if "place" in want:
            assert ev.location is not None and ev.location.text == want["place"], (case, got)
        if "date" in want:
            assert ev.date.value == want["date"], (case, got)
        if "status" in want:
            assert ev.status == want["status"], (case, got)


# -- the rules, on events built by hand ----------------------------------------------------


def _place(
    name: str, feature: str, lat: float, lon: float, country: str = "AAA", **kw: Any
) -> Place:
    return Place(
        text=name,
        start=0,
        end=len(name),
        geonameid=abs(hash((name, feature))) % 10**8 + 1,
        name=name,
        lat=lat,
        lon=lon,
        feature=feature,  # type: ignore[arg-type]
        country=country,
        **kw,
    )


COUNTRY = _place("Aland", "country", 10.0, 10.0)
REGION = _place("North Province", "admin1", 10.5, 10.5)
DISTRICT = _place("Hill District", "admin2", 10.1, 10.1, admin1="North Province")
TOWN = _place("Riverton", "city", 10.15, 10.12, admin1="North Province")
VILLAGE = _place("Stonebridge", "locality", 10.2, 10.15, admin1="North Province")
FAR_TOWN = _place("Porthaven", "city", 12.0, 13.0, admin1="South Province")
OTHER_COUNTRY_TOWN = _place("Lakeside", "city", 10.15, 10.12, country="BBB")

# (a, b, can they be one event's place)
PLACES: list[tuple[Place | None, Place | None, bool]] = [
    (None, TOWN, True),
    (TOWN, TOWN, True),
    (COUNTRY, TOWN, True),  # a headline's country, the body's town
    (REGION, TOWN, True),  # the town lies in the region
    (REGION, FAR_TOWN, False),  # a town of another region
    (DISTRICT, VILLAGE, True),  # a village near the district's centre
    (DISTRICT, FAR_TOWN, False),
    (TOWN, VILLAGE, True),  # "in X", "near X": a village a few km away
    (TOWN, FAR_TOWN, False),  # two towns far apart: two events
    (TOWN, OTHER_COUNTRY_TOWN, False),  # two countries
]


@pytest.mark.parametrize(("a", "b", "agree"), PLACES)
def test_places_that_can_hold_one_event(a: Place | None, b: Place | None, agree: bool) -> None:
    assert places_agree(a, b) is agree
    assert places_agree(b, a) is agree


TOLL = (10_000, 10_006)
"""A trigger span marked as a toll's verb ("were killed")."""

# (summary, incident, is the incident an event of its own)
SUMMARIES: list[tuple[Event, Event, bool]] = [
    # "18 killed across the country ... in the town, five were killed"
    (_event(0, place=COUNTRY, killed=18), _event(3, place=TOWN, killed=5), True),
    # "... in the town, people were killed" (its toll not counted)
    (_event(0, place=COUNTRY, killed=18), _event(3, place=TOWN, trigger=TOLL), True),
    # "five killed in the country ... the attack in the town killed five"
    (_event(0, place=COUNTRY, killed=5), _event(3, place=TOWN, killed=5), False),
    # "five killed in the country ... the attack on the town" (no toll of its own)
    (_event(0, place=COUNTRY, killed=5), _event(3, place=TOWN), False),
    # no toll in the broad mention: nothing to be a part of
    (_event(0, place=COUNTRY), _event(3, place=TOWN, killed=5), False),
    (_event(0, place=REGION, killed=9), _event(2, place=TOWN, killed=4), True),
    # a district is no summary
    (_event(0, place=DISTRICT, killed=9), _event(2, place=TOWN, trigger=TOLL), False),
]


@pytest.mark.parametrize(("broad", "town", "apart"), SUMMARIES)
def test_a_countrys_toll_is_not_one_towns_incident(broad: Event, town: Event, apart: bool) -> None:
    assert summary_and_incident(broad, town, frozenset({TOLL})) is apart


NEW = frozenset({"another", "separate", "earlier", "previous", "fresh", "renewed"})

# (sentence, the trigger word in it, is it a new event)
NEW_EVENT: list[tuple[str, str, bool]] = [
    ("Hours later another bombing hit the market.", "bombing", True),
    ("In a separate attack, two guards were shot.", "attack", True),
    ("The village was raided in an earlier attack.", "attack", True),
    ("Fresh clashes broke out on Friday.", "clashes", True),
    ("The attack was claimed by the group.", "attack", False),
    ("Another man, a guard, said the attack lasted an hour.", "attack", False),
    ("Two other people were killed in the attack.", "killed", False),
]


@pytest.mark.parametrize(("text", "word", "new"), NEW_EVENT)
def test_words_that_make_a_new_event(text: str, word: str, new: bool) -> None:
    i = text.index(word)
    ev = replace(_event(0, trigger=(i, i + len(word))), evidence=Evidence(text, 0, len(text), 0))
    assert marks_new_event(ev, NEW, text) is new


DAY = EventDate("2024-05-06", "day", "explicit")
OTHER_DAY = EventDate("2024-05-03", "day", "relative")
MONTH = EventDate("2024-05", "month", "explicit")
PUBLICATION = EventDate("2024-05-12", "day", "publication")
GROUP_A = Actor("the Front", name="Aland Liberation Front", sector="REB")
GROUP_B = Actor("the Army of the South", name="Southern Army", sector="REB", country="AAA")
SOLDIERS = Actor("soldiers", sector="MIL")
POLICE = Actor("policemen", sector="COP")
CIVILIANS = Actor("civilians", sector="CVL")
REBELS = Actor("militants", sector="REB")
CUES = Cues("", NEW, frozenset({TOLL}))

# (a, b, one event)
SAME: list[tuple[str, Event, Event, bool]] = [
    ("same day, the town", _event(0, when=DAY), _event(2, when=DAY, place=TOWN), True),
    ("two days", _event(0, when=DAY), _event(2, when=OTHER_DAY), False),
    ("a month holds its day", _event(0, when=MONTH), _event(2, when=DAY), True),
    ("the publication date says nothing", _event(0, when=PUBLICATION), _event(2, when=DAY), True),
    (
        "a plot's stages on two days",
        _event(0, status="foiled", when=DAY),
        _event(1, status="planned", when=OTHER_DAY),
        True,
    ),
    ("occurred and warned", _event(0), _event(1, status="warned"), False),
    ("two tolls", _event(0, killed=5), _event(1, killed=3), False),
    (
        "the other side's toll, right after",
        _event(0, killed=2, recipient=SOLDIERS),
        _event(1, killed=5, recipient=REBELS, trigger=TOLL),
        True,
    ),
    (
        "the other side's toll, far after",
        _event(0, killed=2, recipient=SOLDIERS),
        _event(4, killed=5, recipient=REBELS, trigger=TOLL),
        False,
    ),
    (
        "the same side's other toll",
        _event(0, killed=2, recipient=SOLDIERS),
        _event(1, killed=5, recipient=SOLDIERS, trigger=TOLL),
        False,
    ),
    (
        "another toll with an actor of its own",
        _event(0, killed=2, recipient=SOLDIERS),
        _event(1, killed=5, recipient=REBELS, actor=SOLDIERS, trigger=TOLL),
        False,
    ),
    (
        "victims differ: policemen killed, civilians also wounded",
        _event(0, recipient=POLICE),
        _event(1, recipient=CIVILIANS, trigger=TOLL),
        True,
    ),
    (
        "an attack on the police, an attack on civilians",
        _event(0, recipient=POLICE),
        _event(1, recipient=CIVILIANS),
        False,
    ),
    (
        "roles read the other way round",
        _event(0, actor=GROUP_A, recipient=SOLDIERS),
        _event(1, actor=SOLDIERS),
        True,
    ),
    (
        "two named attackers",
        _event(0, actor=GROUP_A),
        _event(1, actor=GROUP_B),
        False,
    ),
    (
        "an arrest by two forces",
        _event(0, event_type="COERCE", mode="arrest", actor=POLICE),
        _event(1, event_type="COERCE", mode="arrest", actor=CIVILIANS),
        False,
    ),
    (
        "an arrest, its participants swapped",
        _event(0, event_type="COERCE", mode="arrest", actor=POLICE, recipient=CIVILIANS),
        _event(1, event_type="COERCE", mode="arrest", actor=CIVILIANS, recipient=POLICE),
        True,
    ),
    ("two types", _event(0), _event(1, event_type="PROTEST", mode="demo"), False),
    # where a date came from (Event.date_from): only two dates the mentions' own
    # sentences give set them apart; an inherited one never does
    (
        "the lead's day, and the mention's own day",
        replace(_event(0, when=DAY), date_from="lead"),
        replace(_event(2, when=OTHER_DAY), date_from="clause"),
        True,
    ),
    (
        "the paragraph's day, and another paragraph's",
        replace(_event(0, when=DAY), date_from="paragraph"),
        replace(_event(2, when=OTHER_DAY), date_from="paragraph"),
        True,
    ),
    (
        "the dateline's day, and a related mention's",
        replace(_event(0, when=DAY), date_from="dateline"),
        replace(_event(2, when=OTHER_DAY), date_from="related"),
        True,
    ),
    (
        "two days of the mentions' own clauses",
        replace(_event(0, when=DAY), date_from="clause"),
        replace(_event(2, when=OTHER_DAY), date_from="sentence"),
        False,
    ),
    (
        "a day of a related mention, another of a clause",
        replace(_event(0, when=DAY), date_from="related"),
        replace(_event(2, when=OTHER_DAY), date_from="clause"),
        False,
    ),
]


@pytest.mark.parametrize(("case", "a", "b", "same"), SAME, ids=[s[0] for s in SAME])
def test_same_event(case: str, a: Event, b: Event, same: bool) -> None:
    assert same_event(a, b, CUES) is same, case


def test_participants_of_an_attack_set_apart_only_by_names() -> None:
    assert participants_agree(_event(0, actor=SOLDIERS), _event(1, actor=POLICE))
    # "an assault on the camp that killed eight": the camp read as the actor
    camp = _event(0, recipient=SOLDIERS)
    assert participants_agree(camp, _event(0, actor=SOLDIERS, recipient=POLICE))
    assert not participants_agree(_event(0, actor=GROUP_A), _event(1, actor=GROUP_B))


def test_the_merged_event_takes_the_most_specific_of_each_field() -> None:
    # the other side's toll joins the event and leaves its toll alone
    clash = combine(
        _event(0, killed=2, recipient=SOLDIERS),
        _event(1, killed=5, recipient=REBELS, trigger=TOLL),
        frozenset(),
    )
    assert clash.counts.killed == 2
    # the victims a toll counts are the attack's recipient
    attack = _event(0, recipient=GROUP_A)  # "the attack blamed on the Front"
    toll = _event(0, killed=5, recipient=POLICE, trigger=TOLL)  # "killed five officers"
    assert combine(attack, toll, frozenset(), frozenset({TOLL})).recipient == POLICE
    headline = _event(0, place=COUNTRY, killed=9, when=PUBLICATION)
    body = _event(2, place=TOWN, killed=None, when=DAY)
    merged = combine(headline, body, frozenset())
    assert merged.location == TOWN  # a town beats a country
    assert merged.date == DAY  # the text's own date beats the publication's
    assert merged.counts.killed == 9  # the one statement of the toll, taken once
    assert merged.sources == (0, 2)
    # counts are never summed: a toll stated twice is the same toll
    twice = combine(_event(0, killed=9), _event(1, killed=9), frozenset())
    assert twice.counts.killed == 9
    assert better_date(MONTH, DAY) == DAY  # a day beats a month
    assert better_date(DAY, MONTH) == DAY
    assert better_place(DISTRICT, VILLAGE) == VILLAGE


# (first date and where it came from, second date and where, the merged date)
BETTER_DATE: list[tuple[EventDate, str | None, EventDate, str | None, EventDate]] = [
    # the more direct source wins: own clause > sentence > related > paragraph > lead ...
    (DAY, "lead", OTHER_DAY, "clause", OTHER_DAY),
    (DAY, "paragraph", OTHER_DAY, "sentence", OTHER_DAY),
    (DAY, "related", OTHER_DAY, "clause", OTHER_DAY),
    (DAY, "clause", OTHER_DAY, "related", DAY),
    (DAY, "lead", OTHER_DAY, "paragraph", OTHER_DAY),
    (PUBLICATION, "dateline", DAY, "lead", DAY),
    # ... even when it is only a month: the mention's own sentence dates the event
    (DAY, "lead", MONTH, "clause", MONTH),
    # same source: the finer precision, else the first
    (MONTH, "sentence", DAY, "sentence", DAY),
    (DAY, "clause", OTHER_DAY, "clause", DAY),
    # built by hand (no dates stage): the text's own date beats the publication's
    (PUBLICATION, None, MONTH, None, MONTH),
    (UNKNOWN_DATE, None, PUBLICATION, None, UNKNOWN_DATE),
]


@pytest.mark.parametrize(("a", "from_a", "b", "from_b", "merged"), BETTER_DATE)
def test_the_most_direct_date_wins(
    a: EventDate, from_a: str | None, b: EventDate, from_b: str | None, merged: EventDate
) -> None:
    assert better_date(a, b, from_a, from_b) == merged
    first = replace(_event(0, when=a), date_from=from_a)
    second = replace(_event(1, when=b), date_from=from_b)
    both = combine(first, second, frozenset())
    assert both.date == merged
    assert both.date_from == (from_a if merged == a else from_b)


def test_a_mention_dated_only_by_the_lead_takes_its_own_date_from_a_later_mention(
    pipeline: Pipeline,
) -> None:
    # the undated attack takes the lead's day (Thursday, inherited): it does not keep
    # the checkpoint's own mention (Friday night) apart, and the own date wins
    text = (
        "Rebels seized a town in the north on Thursday, officials said.\n\n"
        "Gunmen attacked a police checkpoint near Gao, killing four officers.\n\n"
        "The checkpoint was attacked on Friday night, a police spokesman said."
    )
    attacks = [
        e
        for e in extract(text, published=PUBLISHED, pipeline=pipeline)
        if e.event_type == "ASSAULT"
    ]
    assert [(e.date.value, e.counts.killed) for e in attacks] == [("2024-05-10", 4)], attacks


def test_a_merged_event_never_has_its_actor_as_its_recipient() -> None:
    """ "Police arrested two suspects ... the suspects were handed to the police": the
    second mention's recipient is the first's actor; the merged event keeps the suspects."""
    police = Actor("the police", sector="COP")
    suspects = Actor("two suspects", sector="CVL")
    first = _event(0, actor=police, recipient=suspects, event_type="COERCE", mode="arrest")
    second = _event(
        1,
        recipient=Actor("the police", sector="GOV", country="AAA", name="Aland police"),
        event_type="COERCE",
        mode="arrest",
    )
    merged = combine(first, second, frozenset())
    assert merged.actor is not None and merged.actor.text == "the police"
    assert merged.recipient is not None and merged.recipient.text == "two suspects"
    alone = combine(
        _event(0, actor=police, event_type="COERCE", mode="arrest"), second, frozenset()
    )
    assert alone.recipient is None, "no recipient rather than the actor again"


@pytest.mark.parametrize(
    ("victims", "part"),
    [
        ("At least 19 others", False),
        ("Eight mourners", False),
        ("two people", False),
        ("six Mexican nationals", True),
        ("Two Red Cross workers", True),
    ],
)
def test_a_named_group_of_victims_is_part_of_a_toll(victims: str, part: bool) -> None:
    assert named_group(victims) is part
