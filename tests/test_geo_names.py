"""Names the gazetteer gives a place, and which place a name stands for (issue 13).

Sentences written for these tests (world news).  Each row is a sentence, a
mention in it and what the mention must resolve to: the place's name, feature
level and country (ISO3).  The mention is resolved as a given span, with the
sentence's other names as context (no spaCy parse).
"""

from __future__ import annotations

import pytest

from eventlens.geo.geoparser import Geoparser
from eventlens.model import Place


@pytest.fixture(scope="module")
def geoparser() -> Geoparser:
    from eventlens.settings import Settings

    return Geoparser.from_settings(Settings())


def resolve(geoparser: Geoparser, text: str, mention: str) -> Place:
    start = text.index(mention)
    return geoparser.resolve_spans(text, [(start, start + len(mention))])[0]


# A subdivision's English name from iso3166-2 that a town elsewhere has as its
# own name is a translation, not a name news uses for the subdivision: the
# town keeps it.  English names that are only respellings stay.
ENGLISH_SUBDIVISION_NAMES = [
    ("Two steelworkers were hurt at a mill in Granite City.", "Granite City",
     "Granite City", "city", "USA"),
    ("Shelling was reported in Dagestan overnight.", "Dagestan",
     "Dagestan, Respublika", "admin1", "RUS"),
    ("Troops were sent to North Ossetia after the attack.", "North Ossetia",
     "Severnaya Osetiya, Respublika", "admin1", "RUS"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "mention", "name", "feature", "country"),
                         ENGLISH_SUBDIVISION_NAMES)  # fmt: skip
def test_english_subdivision_names(
    geoparser: Geoparser, text: str, mention: str, name: str, feature: str, country: str
) -> None:
    p = resolve(geoparser, text, mention)
    assert (p.name, p.feature, p.country) == (name, feature, country)


# Names listed together ("A, B and C") are of one kind: a name that could be a
# subdivision, a country or a town takes the kind its list peers are.
LISTS = [
    ("Wildfires burned in Montana, Washington and Nevada.", "Washington",
     "Washington", "admin1", "USA"),
    ("Fishermen in Nova Scotia and New Brunswick protested the new quotas.", "New Brunswick",
     "New Brunswick", "admin1", "CAN"),
    ("Flooding hit Alabama, Georgia and Florida.", "Georgia", "Georgia", "admin1", "USA"),
    ("Monitors were sent to Armenia, Georgia and Azerbaijan.", "Georgia",
     "Georgia", "country", "GEO"),
    ("Voters in Punjab, Sindh and Balochistan went to the polls.", "Punjab",
     "Punjab", "admin1", "PAK"),
    ("Delegates from Washington, London and Paris met in Geneva.", "Washington",
     "Washington", "city", "USA"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "mention", "name", "feature", "country"), LISTS)
def test_listed_names_share_a_kind(
    geoparser: Geoparser, text: str, mention: str, name: str, feature: str, country: str
) -> None:
    p = resolve(geoparser, text, mention)
    assert (p.name, p.feature, p.country) == (name, feature, country)


# A hint word for a region ("province", "region", "state") keeps the regions of
# the name, and a town more populous than all of them: "the Miami region" is the
# metropolitan area, not a county of that name elsewhere; "the Donetsk region"
# stays the oblast.
REGION_HINTS = [
    ("Flooding closed schools across the Miami region.", "Miami", "Miami", "city", "USA"),
    ("Shelling continued in the Donetsk region.", "Donetsk",
     "Donetska oblast", "admin1", "UKR"),
    ("Air raid sirens sounded across the Kharkiv region.", "Kharkiv",
     "Kharkivska oblast", "admin1", "UKR"),
    ("The army shelled the Kandahar province.", "Kandahar", "Kandahār", "admin1", "AFG"),
    ("Heavy rain hit the Lagos state.", "Lagos", "Lagos", "admin1", "NGA"),
    ("Gunmen attacked villages in Kaduna state.", "Kaduna", "Kaduna", "admin1", "NGA"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "mention", "name", "feature", "country"), REGION_HINTS)
def test_region_hints_keep_big_towns(
    geoparser: Geoparser, text: str, mention: str, name: str, feature: str, country: str
) -> None:
    p = resolve(geoparser, text, mention)
    assert (p.name, p.feature, p.country) == (name, feature, country)
