"""Status cues: a table of short sentences written for the purpose, every status covered."""

from __future__ import annotations

from datetime import date

from eventlens import extract
from eventlens.model import STATUSES
from eventlens.pipeline import Pipeline

# (sentence, expected event type, expected status)
CASES: list[tuple[str, str, str]] = [
    # occurred
    ("Police arrested five protesters in Nairobi on Monday.", "COERCE", "occurred"),
    ("Gunmen attacked a police station in Kano, killing three officers.", "ASSAULT", "occurred"),
    ("Thousands of teachers protested in Lima against the new law.", "PROTEST", "occurred"),
    ("A car bomb exploded near a market in Mogadishu.", "ASSAULT", "occurred"),
    ("Soldiers detained two journalists at a checkpoint near Goma.", "COERCE", "occurred"),
    # planned
    ("The group intended to attack a church in Lahore.", "ASSAULT", "planned"),
    ("Militants planned to bomb the airport in Kabul.", "ASSAULT", "planned"),
    ("The cell was preparing to attack tourists in Cairo.", "ASSAULT", "planned"),
    ("Investigators said the man plotted to assassinate the governor.", "ASSAULT", "planned"),
    # foiled
    ("Police foiled a plot to bomb the embassy in Nairobi.", "ASSAULT", "foiled"),
    ("Security forces thwarted an attack on a mosque in Quetta.", "ASSAULT", "foiled"),
    (
        "The suspects intended to attack the consulate but were arrested before implementing"
        " their plans.",
        "ASSAULT",
        "foiled",
    ),
    ("Officers arrested a man who planned to attack worshippers in Berlin.", "ASSAULT", "foiled"),
    ("The army prevented an attack on the base in Mali.", "ASSAULT", "foiled"),
    # attempted
    ("Gunmen tried to storm the parliament in Kabul but were repelled.", "ASSAULT", "attempted"),
    ("An attempted assassination of the mayor failed in Tijuana.", "ASSAULT", "attempted"),
    ("Rebels attempted to attack the town of Bunia.", "ASSAULT", "attempted"),
    ("A failed bombing at the station in Brussels caused panic.", "ASSAULT", "attempted"),
    # threatened
    ("The militia threatened to attack the city of Goma.", "ASSAULT", "threatened"),
    ("Rebels vowed to attack government buildings in Bamako.", "ASSAULT", "threatened"),
    ("The group threatened to kill the hostages in Niamey.", "ASSAULT", "threatened"),
    ("Protesters threatened to blockade the port of Durban.", "COERCE", "threatened"),
    # warned
    ("The US embassy warned its citizens of possible attacks in Istanbul.", "ASSAULT", "warned"),
    ("Officials issued warnings of attacks on churches in Lagos.", "ASSAULT", "warned"),
    ("The ministry warned of possible bombings in the capital, Nairobi.", "ASSAULT", "warned"),
    (
        "Authorities issued an alert of possible attacks against tourists in Bali.",
        "ASSAULT",
        "warned",
    ),
    # denied
    ("The army denied shelling the village near Donetsk.", "ASSAULT", "denied"),
    ("The group denied carrying out the bombing in Quetta.", "ASSAULT", "denied"),
    ("Police did not arrest any protesters in Minsk, officials said.", "COERCE", "denied"),
    ("The government denied detaining the opposition leader in Harare.", "COERCE", "denied"),
    # hypothetical
    ("Analysts said militants could attack the capital, Kabul.", "ASSAULT", "hypothetical"),
    ("The group might launch attacks in Europe, an expert said.", "ASSAULT", "hypothetical"),
    ("There are fears of attacks on schools in Peshawar.", "ASSAULT", "hypothetical"),
    ("If talks fail, the rebels may attack the town of Bunia.", "ASSAULT", "hypothetical"),
]


def test_the_table_covers_every_status() -> None:
    assert {c[2] for c in CASES} == set(STATUSES)
    assert len(CASES) >= 30


def test_status_table(pipeline: Pipeline) -> None:
    """Status comes from the learned coder (the rules where they say foiled or threatened).

    A model is measured on the table as a whole: at least 85% of the sentences must get
    their (type, status); the misses are listed.  At the last training 4 of 34 missed
    (planned read as foiled, a threatened blockade, a denied arrest, a hedged attack).
    """
    from dataclasses import replace

    loose = Pipeline(replace(pipeline.settings, min_confidence=0.0))
    loose._resources = pipeline.resources  # share the loaded models
    wrong = []
    for sentence, event_type, status in CASES:
        events = extract(sentence, published=date(2024, 5, 6), pipeline=loose)
        got = [(e.event_type, e.status) for e in events]
        if (event_type, status) not in got:
            wrong.append(f"{sentence!r}: {got}, expected {(event_type, status)}")
    assert len(wrong) <= 0.15 * len(CASES), wrong
