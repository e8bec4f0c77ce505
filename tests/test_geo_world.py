"""World-news sentences written for issue 13: every kind of place a story names.

Each row is a sentence, a mention in it, and what the mention must resolve to:
the place's name and country (ISO3), or None where the mention must not be a
place at all.  The kinds: demonyms and adjectives (resolved, marked
``kind == "demonym"``), named regions, airports and other facilities (which
fall back to their city), world cities in stories that also name US or UK
towns, and words that are never places in news.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from eventlens.geo.geoparser import Geoparser, GeoPlace
from eventlens.geo.named import plural_demonym

if TYPE_CHECKING:
    from eventlens.model import Place


@pytest.fixture(scope="module")
def geoparser() -> Geoparser:
    import spacy

    from eventlens.settings import Settings

    settings = Settings()
    return Geoparser.from_settings(settings, nlp=spacy.load(settings.spacy_model))


def _find(places: list[Place], mention: str) -> Place | None:
    for p in places:
        if p.text == mention or p.text.rstrip("'’s") == mention:
            return p
    return None


# sentence, mention, expected place name, expected country (None: several or none)
DEMONYMS = [
    ("European leaders met in Brussels to discuss the crisis.", "European", "Europe", None),
    ("African Union troops were deployed to the border.", "African", "Africa", None),
    ("Kurdish fighters retook the village after a week of clashes.", "Kurdish", "Kurdistan", None),
    (
        "Thousands of Central American migrants waited at the border.",
        "Central American",
        "Central America",
        None,
    ),
    ("Asian markets fell sharply on Monday.", "Asian", "Asia", None),
    ("Syrian forces shelled the town overnight.", "Syrian", "Syria", "SYR"),
    ("The Kenyan police said four people had died.", "Kenyan", "Kenya", "KEN"),
    ("Canadian officials denied the report.", "Canadian", "Canada", "CAN"),
    ("Texans waited hours to vote in the primary.", "Texans", "Texas", "USA"),
    ("Tibetan monks led the procession.", "Tibetan", "Tibet region", "CHN"),
    (
        "South Ossetian officials accused Tbilisi of shelling.",
        "South Ossetian",
        "South Ossetia",
        "GEO",
    ),
    ("Middle Eastern diplomats gathered in Geneva.", "Middle Eastern", "Middle East", None),
    # plurals made from the singular demonym
    ("Latvians voted in a referendum on Saturday.", "Latvians", "Latvia", "LVA"),
    ("Chileans marched against the pension reform.", "Chileans", "Chile", "CHL"),
    ("Two Iraqis were among the passengers.", "Iraqis", "Iraq", "IRQ"),
]

REGIONS = [
    (
        "Government shelling killed 20 people in Eastern Ghouta on Sunday.",
        "Eastern Ghouta",
        "Eastern Ghouta",
        "SYR",
    ),
    ("Fighting flared again in the Donbas overnight.", "Donbas", "Donbas", "UKR"),
    ("Drought has spread across the Sahel this year.", "Sahel", "Sahel", None),
    (
        "Tensions rose on the Korean Peninsula after the missile test.",
        "Korean Peninsula",
        "Korean Peninsula",
        None,
    ),
    ("Militants attacked a checkpoint in northern Sinai.", "Sinai", "Sinai", "EGY"),
    ("Air strikes hit the Gaza Strip on Tuesday.", "Gaza Strip", "Gaza Strip", "PSE"),
    ("Settlers clashed with villagers in the West Bank.", "West Bank", "West Bank", "PSE"),
    ("A curfew was imposed across Kashmir after the protests.", "Kashmir", "Kashmir", None),
    ("Aid workers returned to Darfur last month.", "Darfur", "Darfur", "SDN"),
    ("Peace talks on the Middle East resumed in Cairo.", "Middle East", "Middle East", None),
    ("Heavy snow closed roads across the Appalachians.", "Appalachians", "Appalachians", "USA"),
    ("Floods swept through the Balkans after days of rain.", "Balkans", "Balkans", None),
    ("Farmers along the Cauvery protested the water ruling.", "Cauvery", "Cauvery", "IND"),
    ("A tanker was seized in the Strait of Hormuz.", "Strait of Hormuz", "Strait of Hormuz", None),
    ("A ferry capsized in the Black Sea.", "Black Sea", "Black Sea", None),
    ("Surfers flocked to Oahu for the competition.", "Oahu", "Oahu", "USA"),
    ("Rebels seized two towns in North Kivu and Ituri.", "Ituri", "Ituri", "COD"),
    ("Wildfires spread across Patagonia.", "Patagonia", "Patagonia", None),
]

FACILITIES = [
    ("Flights were cancelled at Heathrow after the drone sighting.", "Heathrow", "London", "GBR"),
    ("Passengers were stranded at Schiphol on Friday.", "Schiphol", "Amsterdam", "NLD"),
    (
        "A man was arrested at Dulles International Airport on Monday.",
        "Dulles International Airport",
        "Washington",
        "USA",
    ),
    ("Protesters blocked the roads to Gatwick.", "Gatwick", "London", "GBR"),
    ("A plane skidded off the runway at O'Hare.", "O'Hare", "Chicago", "USA"),
    ("Security was tightened at Changi Airport.", "Changi Airport", "Singapore", "SGP"),
    ("A blast at the Barclays Center injured two people.", "Barclays Center", "Brooklyn", "USA"),
    ("Protesters filled Tahrir Square on Friday.", "Tahrir Square", "Cairo", "EGY"),
    ("Demonstrators gathered outside Trump Tower.", "Trump Tower", "New York City", "USA"),
]

# names the tokenizer splits at their hyphens are recognised whole
HYPHENATED = [
    ("Gangs blocked the road out of Croix-des-Bouquets on Monday.", "Croix-des-Bouquets", "HTI"),
    ("Shelling was reported near Ivano-Frankivsk overnight.", "Ivano-Frankivsk", "UKR"),
    ("A march was held in Aix-en-Provence on Sunday.", "Aix-en-Provence", "FRA"),
]


@pytest.mark.parametrize(("text", "mention", "country"), HYPHENATED)
def test_hyphenated_names_are_recognised_whole(
    geoparser: Geoparser, text: str, mention: str, country: str
) -> None:
    p = _find(geoparser.parse(text), mention)
    assert p is not None, f"{mention!r} not found"
    assert p.country == country and p.text == mention


WORLD_CITIES = [
    # a list of towns is towns, not the provinces named after them
    ("Drones struck Lviv and Ivano-Frankivsk overnight.", "Lviv", "Lviv", "UKR"),
    (
        "Drones struck Lviv and Ivano-Frankivsk overnight.",
        "Ivano-Frankivsk",
        "Ivano-Frankivsk",
        "UKR",
    ),
    (
        "LONDON - Tens of thousands of people marched through London on Saturday against "
        "the war, while in New York police estimated 10,000 marchers.",
        "London",
        "London",
        "GBR",
    ),
    (
        "Police in Dayton and Columbus braced for protests. In Paris, riot police fired "
        "tear gas at demonstrators.",
        "Paris",
        "Paris",
        "FRA",
    ),
    (
        "The Ohio company has plants in Toledo and Akron. Its chief executive flew to "
        "London to meet investors.",
        "London",
        "London",
        "GBR",
    ),
    (
        "The Florida teams train in Orlando. The Australian Open is played in Melbourne.",
        "Melbourne",
        "Melbourne",
        "AUS",
    ),
    (
        "An Alabama art dealer was charged. The stolen painting was found in Birmingham, "
        "where police raided a gallery.",
        "Birmingham",
        "Birmingham",
        "GBR",
    ),
    (
        "The Dutch university town of Delft hosted the talks. South African ministers attended.",
        "Delft",
        "Delft",
        "NLD",
    ),
    (
        "The Kentucky delegation met in Frankfort. Later the governor flew to Berlin for "
        "trade talks.",
        "Berlin",
        "Berlin",
        "DEU",
    ),
    (
        "Texas officials inspected sites near Austin. A conference in Athens drew "
        "European ministers.",
        "Athens",
        "Athens",
        "GRC",
    ),
    (
        "Residents of Manchester, New Hampshire, voted on Tuesday. In Moscow, the "
        "Kremlin said talks would go on.",
        "Moscow",
        "Moscow",
        "RUS",
    ),
    (
        "The storm hit Georgia and the Carolinas. In Dublin, Irish ministers discussed the budget.",
        "Dublin",
        "Dublin",
        "IRL",
    ),
    ("Paris, Texas, was hit by a tornado on Tuesday.", "Paris", "Paris", "USA"),
    ("Police in London, Ont., said the crash killed two.", "London", "London", "CAN"),
    (
        "Farmers in Paris counted the losses. Tornadoes damaged homes in London and "
        "Somerset, Kentucky, on Tuesday.",
        "London",
        "London",
        "USA",
    ),
    (
        "Clashes broke out in Cairo and Alexandria after Friday prayers.",
        "Alexandria",
        "Alexandria",
        "EGY",
    ),
    ("Rescuers in Kathmandu searched the rubble.", "Kathmandu", "Kathmandu", "NPL"),
    ("A car bomb exploded in Mogadishu near the airport.", "Mogadishu", "Mogadishu", "SOM"),
]

NEVER_PLACES = [
    ("The asteroid will pass close to Earth next week.", "Earth"),
    ("Hurricane Maria battered Puerto Rico.", "Hurricane"),
    ("Congress passed the spending bill on Friday.", "Congress"),
    ("The White House said the talks had been productive.", "White House"),
    ("Protesters marched to the Capitol on Wednesday.", "Capitol"),
    ("The Kremlin denied any role in the attack.", "Kremlin"),
    ("The Pentagon said two soldiers were wounded.", "Pentagon"),
    ("Downing Street declined to comment.", "Downing Street"),
]


@pytest.mark.parametrize(("text", "mention", "name", "country"), DEMONYMS)
def test_demonyms_name_their_place_and_are_marked(
    geoparser: Geoparser, text: str, mention: str, name: str, country: str | None
) -> None:
    p = _find(geoparser.parse(text, demonyms=True), mention)
    assert p is not None, f"{mention!r} not found"
    assert (p.name, p.country) == (name, country)
    assert isinstance(p, GeoPlace) and p.kind == "demonym"


@pytest.mark.parametrize(("text", "mention"), [(t, m) for t, m, _, _ in DEMONYMS])
def test_demonyms_are_not_returned_by_default(
    geoparser: Geoparser, text: str, mention: str
) -> None:
    """The pipeline's places hold no demonyms, so no event is placed by nationality."""
    assert _find(geoparser.parse(text), mention) is None


@pytest.mark.parametrize(("text", "mention", "name", "country"), REGIONS)
def test_named_regions(
    geoparser: Geoparser, text: str, mention: str, name: str, country: str | None
) -> None:
    p = _find(geoparser.parse(text), mention)
    assert p is not None, f"{mention!r} not found"
    assert (p.name, p.country) == (name, country)
    assert p.lat is not None and p.lon is not None


@pytest.mark.parametrize(("text", "mention", "city", "country"), FACILITIES)
def test_facilities_fall_back_to_their_city(
    geoparser: Geoparser, text: str, mention: str, city: str, country: str
) -> None:
    p = _find(geoparser.parse(text), mention)
    assert p is not None, f"{mention!r} not found"
    assert (p.name, p.country, p.feature) == (city, country, "city")
    assert isinstance(p, GeoPlace) and p.kind == "facility" and p.facility


@pytest.mark.parametrize(("text", "mention", "name", "country"), WORLD_CITIES)
def test_world_cities_keep_their_sense(
    geoparser: Geoparser, text: str, mention: str, name: str, country: str
) -> None:
    p = _find(geoparser.parse(text), mention)
    assert p is not None, f"{mention!r} not found"
    assert (p.name, p.country) == (name, country)


@pytest.mark.parametrize(("text", "mention"), NEVER_PLACES)
def test_words_that_are_never_places(geoparser: Geoparser, text: str, mention: str) -> None:
    places = geoparser.parse(text)
    assert not any(p.resolved and p.start < text.index(mention) + len(mention)
                   and text.index(mention) < p.end for p in places)  # fmt: skip


def test_never_place_with_a_qualifier_is_a_place(geoparser: Geoparser) -> None:
    text = "HURRICANE, W.Va. - Police in Hurricane said two teenagers were found."
    p = _find(geoparser.parse(text), "HURRICANE")
    assert p is not None and p.admin1 == "West Virginia"


def test_resolve_spans_leaves_a_never_place_unresolved(geoparser: Geoparser) -> None:
    text = "The probe photographed Earth from orbit."
    start = text.index("Earth")
    (p,) = geoparser.resolve_spans(text, [(start, start + 5)])
    assert not p.resolved and p.reason


# subdivisions found by their English name (iso3166-2's "(eng)" names), and towns
# named with a township abbreviation: sentence, mention, feature, country
SUBDIVISIONS = [
    ("Gunmen attacked a police post in Dagestan on Friday.", "Dagestan", "admin1", "RUS"),
    ("Security forces raided a flat in Kabardino-Balkaria.", "Kabardino-Balkaria", "admin1", "RUS"),
    ("Refugees crossed into North Ossetia overnight.", "North Ossetia", "admin1", "RUS"),
    ("Protesters gathered in Moscow on Saturday.", "Moscow", "city", "RUS"),
    ("West Chester Twp. trustees approved the road budget.", "West Chester Twp.", "city", "USA"),
]


@pytest.mark.parametrize(("text", "mention", "feature", "country"), SUBDIVISIONS)
def test_subdivisions_by_english_name(
    geoparser: Geoparser, text: str, mention: str, feature: str, country: str
) -> None:
    start = text.index(mention)
    (p,) = geoparser.resolve_spans(text, [(start, start + len(mention))])
    assert (p.feature, p.country) == (feature, country)


@pytest.mark.parametrize(
    ("form", "plural"),
    [("Latvian", "Latvians"), ("Iraqi", "Iraqis"), ("North Ossetian", "North Ossetians"),
     ("Chinese", None), ("Kurdish", None), ("Dutch", None), ("Swiss", None)],
)  # fmt: skip
def test_plural_demonym(form: str, plural: str | None) -> None:
    assert plural_demonym(form) == plural


def test_table_size() -> None:
    n = len(DEMONYMS) + len(REGIONS) + len(FACILITIES) + len(WORLD_CITIES) + len(NEVER_PLACES)
    assert n >= 60
