"""'the Turkish capital': a demonym's capital resolves to that country's capital city."""

from __future__ import annotations

import pytest

from eventlens.pipeline import Pipeline


@pytest.mark.parametrize(
    ("text", "name", "country"),
    [
        ("A bomb exploded in the Afghan capital on Monday.", "Kabul", "AFG"),
        ("Police in the Turkish capital detained 15 people.", "Ankara", "TUR"),
        ("Protesters gathered in the Iraqi capital.", "Baghdad", "IRQ"),
    ],
)
def test_demonym_capital(pipeline: Pipeline, text: str, name: str, country: str) -> None:
    places = pipeline.resources.geoparser.parse(text)
    assert [(p.name, p.country, p.feature) for p in places] == [(name, country, "city")]


def test_no_country_no_capital(pipeline: Pipeline) -> None:
    assert pipeline.resources.geoparser.parse("He lives in the capital.") == []


def test_capital_is_not_doubled_when_named(pipeline: Pipeline) -> None:
    places = pipeline.resources.geoparser.parse("Clashes erupted in the Malian capital, Bamako.")
    assert {p.name for p in places} == {"Bamako"}


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("A bomber struck Kabul's eastern Police District 9 on Sunday.", {"Kabul"}),
        ("Gunmen stormed the Villa Rose hotel in the Somali capital on Friday.", {"Mogadishu"}),
    ],
)
def test_words_of_buildings_and_districts_are_not_towns(
    pipeline: Pipeline, text: str, names: set[str]
) -> None:
    from eventlens.model import Article

    doc = pipeline(Article(id="t", content=text))
    assert {p.name for p in doc.places} == names
