"""Article context in the code stage: violent candidates in an article the coder reads as
an accident or a disaster (``coder/article_context.yaml``).

The articles are written for these tests; none is from an evaluation set.
"""

from __future__ import annotations

from datetime import date

import pytest

from eventlens.coder import Coding
from eventlens.model import Actor, Article, Event, Evidence
from eventlens.pipeline import Pipeline
from eventlens.stages.code import ArticleContext

VIOLENT = {"ASSAULT", "PROTEST", "COERCE", "THREATEN", "MOBILIZE"}

DEPOT_BLAST = """Refinery blast kills 19 in coastal province

A fire at a fuel storage depot outside the port of Chittagong spread to a tank of chemicals \
late on Saturday, setting off an explosion that killed 19 workers and injured more than 60, \
fire officials said.

Investigators said a leaking valve had let vapour collect inside the depot for hours before \
the fire started. The blast shattered windows across a wide area and was heard several \
kilometres away.

The company said safety inspections had been delayed and that it would compensate the \
families of the dead. The investigation into the accident is expected to take several weeks.
"""

TRAIN_CRASH = """Train derails in mountains, killing 31

A passenger train left the tracks in a mountain pass in western Peru on Tuesday, killing 31 \
people and injuring 112, railway officials said.

Heavy rain had weakened the embankment, and a landslide had covered part of the line, the \
transport ministry said. Rescue teams worked through the night to free passengers from \
carriages that had rolled down the slope.

The crash was the worst rail accident in the country in two decades. Survivors described a \
loud bang before the carriages tipped over.
"""

MARKET_ATTACK = """Gunmen kill 14 in attack on market town

Gunmen from the Islamic State West Africa Province stormed a market in the town of Monguno \
in northeastern Nigeria on Tuesday, killing 14 traders and burning dozens of stalls, \
residents said.

The attackers arrived on motorcycles and opened fire on shoppers, a local official said. A \
fire started by the attackers destroyed part of the market.

The army said troops had pursued the attackers and killed six of them. The group has \
carried out several attacks in the area this year.
"""


def _run(pipeline: Pipeline, text: str) -> tuple[list[Event], list[str]]:
    doc = pipeline(Article(id="t", content=text, published=date(2024, 3, 5)))
    return list(doc.events), [why for _, why in doc.dropped]


@pytest.mark.parametrize("text", [DEPOT_BLAST, TRAIN_CRASH], ids=["depot-blast", "train-crash"])
def test_accident_articles_give_no_violent_event(pipeline: Pipeline, text: str) -> None:
    events, dropped = _run(pipeline, text)
    assert [e.event_type for e in events if e.event_type in VIOLENT] == []
    assert dropped, "the candidates are reported as dropped, with a reason"


def test_depot_blast_drops_its_toll_sentence_by_context(pipeline: Pipeline) -> None:
    _, dropped = _run(pipeline, DEPOT_BLAST)
    assert any("part of the" in why and "the article reports" in why for why in dropped)


def test_attack_article_keeps_its_attacks(pipeline: Pipeline) -> None:
    events, dropped = _run(pipeline, MARKET_ATTACK)
    assert any(e.event_type == "ASSAULT" and e.counts.killed == 14 for e in events)
    assert not any("the article reports" in why for why in dropped)


# ----------------------------------------------------------------------------- the rule

RULE = ArticleContext(
    reasons=frozenset({"accident", "disaster"}),
    min_candidates=3,
    min_share=0.3,
    min_marked=2,
    max_confidence=0.8,
    types=frozenset(VIOLENT),
)


def _coding(
    relevant: bool, not_event: str | None = None, plover: str = "ASSAULT", confidence: float = 0.6
) -> Coding:
    return Coding(
        relevant=relevant,
        p_relevant=0.9 if relevant else 0.1,
        not_event=not_event,
        plover=plover,
        mode=None,
        status="occurred",
        acled_type=None,
        acled_sub=None,
        confidence=confidence,
    )


def _event(actor: Actor | None = None) -> Event:
    return Event(
        id="e",
        article_id="a",
        event_type="ASSAULT",
        mode=None,
        status="occurred",
        evidence=Evidence("x", 0, 1, 0),
        confidence=0.5,
        actor=actor,
    )


ACCIDENT = _coding(False, "accident")
DISASTER = _coding(False, "disaster")
SPORTS = _coding(False, "sports")


@pytest.mark.parametrize(
    ("codings", "actor", "dropped"),
    [
        # two of four read as accidents or disasters: the unsure assault goes
        ([ACCIDENT, DISASTER, _coding(True), _coding(True, plover="CONSULT")], None, [2]),
        # too few candidates to say what the article is about
        ([ACCIDENT, _coding(True)], None, []),
        # one stray accident reading is not a context
        ([ACCIDENT, _coding(True), _coding(True)], None, []),
        # other reasons do not make the context
        ([SPORTS, SPORTS, _coding(True)], None, []),
        # below the share: two of eight
        ([ACCIDENT, DISASTER] + [_coding(True, plover="CONSULT")] * 5 + [_coding(True)], None, []),
        # the coder is sure of it
        ([ACCIDENT, DISASTER, _coding(True, confidence=0.93)], None, []),
        # a named perpetrator stands on its own
        ([ACCIDENT, DISASTER, _coding(True)], Actor("Boko Haram", name="Boko Haram"), []),
        # an actor with a sector (the army) stands on its own too
        ([ACCIDENT, DISASTER, _coding(True)], Actor("troops", sector="MIL"), []),
    ],
    ids=["context", "few", "one-stray", "other-reasons", "low-share", "sure", "named", "sector"],
)
def test_article_context_rule(
    codings: list[Coding], actor: Actor | None, dropped: list[int]
) -> None:
    events = [_event(actor) for _ in codings]
    why = RULE.reason(events, codings)
    assert [i for i, w in enumerate(why) if w is not None] == dropped
    for i in dropped:
        assert "accident/disaster" in str(why[i])


def test_packaged_rule_loads() -> None:
    rule = ArticleContext.load()
    assert rule.reasons and rule.types <= VIOLENT | {"SANCTION"}
    assert 0 < rule.min_share <= 1 and rule.min_candidates >= rule.min_marked >= 1
