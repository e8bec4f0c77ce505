"""The geoparser: gazetteer contracts, resolution in context, the seed article."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eventlens.geo.centres import checked_point
from eventlens.geo.distance import haversine_km
from eventlens.geo.gazetteer import Gazetteer
from eventlens.geo.geoparser import Geoparser
from eventlens.geo.names import name_key
from eventlens.model import Place
from eventlens.settings import Settings

SEED = "seed/000_9c2b090c7ed604d2.txt"


@pytest.fixture(scope="session")
def gazetteer() -> Iterator[Gazetteer]:
    # The default cache (EVENTLENS_CACHE or ~/.cache/eventlens): built once, reused across runs.
    g = Gazetteer.open(Settings().cache_dir)
    yield g
    g.close()


@pytest.fixture(scope="session")
def nlp() -> Any:
    spacy = pytest.importorskip("spacy")
    return spacy.load(Settings().spacy_model)


@pytest.fixture(scope="session")
def geoparser(gazetteer: Gazetteer) -> Geoparser:
    return Geoparser(gazetteer)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("U.S.", "us"),
        ("Şanlıurfa", "sanliurfa"),
        ("the Netherlands", "netherlands"),
        ("St. Louis", "st louis"),
        ("Winston-Salem", "winston salem"),
        ("Côte d'Ivoire", "cote divoire"),
    ],
)
def test_name_key(name: str, key: str) -> None:
    assert name_key(name) == key


@pytest.mark.parametrize(
    ("word", "iso3"),
    [
        ("Turkish", "TUR"),
        ("Turks", "TUR"),
        ("Syrian", "SYR"),
        ("U.S.", "USA"),
        ("American", "USA"),
        ("Swedish", "SWE"),
        ("Dutch", "NLD"),
        ("Turkey", "TUR"),
        ("United Kingdom", "GBR"),
        ("Britain", "GBR"),
        ("Palestinians", "PSE"),
        ("Europe", None),
        ("Kurdish", None),
        ("Istanbul", None),
        ("police", None),
    ],
)
def test_country_code(gazetteer: Gazetteer, word: str, iso3: str | None) -> None:
    assert gazetteer.country_code(word) == iso3


@pytest.mark.parametrize(
    ("iso3", "name"), [("TUR", "Turkey"), ("SWE", "Sweden"), ("tur", "Turkey"), ("XYZ", None)]
)
def test_country_name(gazetteer: Gazetteer, iso3: str, name: str | None) -> None:
    assert gazetteer.country_name(iso3) == name


def test_gazetteer_opens_an_existing_index_without_rebuilding(gazetteer: Gazetteer) -> None:
    before = gazetteer.path.stat().st_mtime_ns
    g = Gazetteer.open(gazetteer.path.parent)
    assert g.path == gazetteer.path
    assert g.path.stat().st_mtime_ns == before
    g.close()


def test_haversine_km() -> None:
    assert haversine_km(41.0, 29.0, 41.0, 29.0) == 0.0
    # one degree of latitude is 111.2 km; Istanbul to Ankara is about 350 km
    assert haversine_km(0.0, 10.0, 1.0, 10.0) == pytest.approx(111.2, abs=0.1)
    assert haversine_km(41.01, 28.98, 39.93, 32.86) == pytest.approx(351, abs=5)


@pytest.mark.parametrize(
    ("name", "iso3", "lat_range", "lon_range"),
    [
        # Area centres of large, thinly settled subdivisions (ISO 3166-2 points).
        # The centre of their towns lies far to the south or east of these.
        ("Ontario", "CAN", (48.5, 52.0), (-88.0, -84.0)),
        ("New South Wales", "AUS", (-33.5, -31.0), (146.0, 148.3)),
        ("British Columbia", "CAN", (53.0, 56.0), (-127.0, -123.5)),
        ("Alaska", "USA", (63.0, 66.0), (-155.0, -148.0)),
    ],
)
def test_subdivisions_take_their_area_centre(
    gazetteer: Gazetteer,
    name: str,
    iso3: str,
    lat_range: tuple[float, float],
    lon_range: tuple[float, float],
) -> None:
    (c,) = [c for c in gazetteer.lookup(name) if c.feature == "admin1" and c.country == iso3]
    assert lat_range[0] <= c.lat <= lat_range[1]
    assert lon_range[0] <= c.lon <= lon_range[1]


def test_a_subdivision_centre_far_from_all_its_places_is_not_used() -> None:
    sardinia = [(39.22, 9.12, 150_000), (39.31, 8.53, 25_000), (39.16, 8.52, 10_000)]
    assert checked_point((39.4, 8.9), sardinia, "IT-SU") == (39.4, 8.9)
    assert checked_point((45.97, 8.86), sardinia, "IT-SU") is None  # a point in Lombardy
    assert checked_point(None, sardinia, "IT-SU") is None
    assert checked_point((45.97, 8.86), [], "IT-SU") == (45.97, 8.86)


def test_lookup_returns_every_level(gazetteer: Gazetteer) -> None:
    features = {c.feature for c in gazetteer.lookup("Kayseri")}
    assert {"admin1", "city"} <= features
    georgia = {(c.feature, c.country) for c in gazetteer.lookup("Georgia")}
    assert ("country", "GEO") in georgia
    assert ("admin1", "USA") in georgia


def _by_text(places: list[Place]) -> dict[str, Place]:
    out: dict[str, Place] = {}
    for p in places:
        out.setdefault(p.text, p)
    return out


def test_seed_article(shared_dir: Path, geoparser: Geoparser, nlp: Any) -> None:
    text = (shared_dir / SEED).read_text(encoding="utf-8")
    places = geoparser.parse(text, nlp(text))
    for p in places:
        assert text[p.start : p.end] == p.text
    got = _by_text(places)
    istanbul = got["Istanbul"]
    assert (istanbul.geonameid, istanbul.lat, istanbul.lon) == (745044, 41.01384, 28.94966)
    assert istanbul.feature == "city" and istanbul.country == "TUR"
    assert got["Ankara"].country == "TUR" and got["Ankara"].feature == "city"
    stockholm = got["Stockholm"]
    assert (stockholm.lat, stockholm.lon, stockholm.country) == (59.32938, 18.06871, "SWE")
    kayseri = got["Kayseri"]
    assert kayseri.feature == "admin1" and kayseri.country == "TUR"
    assert kayseri.lat is not None and kayseri.lon is not None
    assert haversine_km(kayseri.lat, kayseri.lon, 38.73122, 35.48722) < 100
    for name, iso3 in (("Turkey", "TUR"), ("Syria", "SYR"), ("Iraq", "IRQ")):
        assert got[name].feature == "country" and got[name].country == iso3
    assert got["Europe"].feature != "country" and got["Europe"].country is None
    # Demonyms are not places.
    assert not {"Turkish", "Syrian", "Swedish", "Dutch", "Turks"} & set(got)
    # The organisation's name carries its city: the event there happened in Istanbul.
    org = text.index("Istanbul Security Directorate")
    assert any(p.start == org and p.geonameid == 745044 for p in places)


@pytest.mark.parametrize(
    ("text", "span", "country", "admin1"),
    [
        ("Police in Alexandria, La., arrested a man.", "Alexandria", "USA", "Louisiana"),
        ("The blast hit Alexandria, Egypt's second city.", "Alexandria", "EGY", None),
        ("Gainesville, Ga., and Atlanta", "Gainesville", "USA", "Georgia"),
        ("Gainesville, Fla., police said", "Gainesville", "USA", "Florida"),
        ("Protests in Paris, the French capital.", "Paris", "FRA", None),
        (
            "Crews from Paris and Lexington joined others across Kentucky.",
            "Paris",
            "USA",
            "Kentucky",
        ),
    ],
)
def test_context_resolves_ambiguous_names(
    geoparser: Geoparser, text: str, span: str, country: str, admin1: str | None
) -> None:
    start = text.index(span)
    (place,) = geoparser.resolve_spans(text, [(start, start + len(span))])
    assert place.country == country
    if admin1 is not None:
        assert place.admin1 == admin1


def test_admin_hint_picks_the_province(geoparser: Geoparser) -> None:
    text = "Two suspects were arrested in the state of Kayseri. Kayseri is a city."
    first = text.index("Kayseri")
    second = text.index("Kayseri", first + 1)
    a, b = geoparser.resolve_spans(text, [(first, first + 7), (second, second + 7)])
    assert a.feature == "admin1"
    assert b.feature == "city"


def test_unknown_name_has_a_reason_and_keeps_the_rest(geoparser: Geoparser) -> None:
    text = "Fighting in Zzyzxqwv spread to Aleppo, Syria."
    spans = [(12, 20), (31, 37), (39, 44)]
    unknown, aleppo, syria = geoparser.resolve_spans(text, spans)
    assert unknown.geonameid is None and unknown.reason
    assert aleppo.country == "SYR" and aleppo.feature == "city"
    assert syria.feature == "country"


def test_ambiguous_name_without_context_is_prominent_with_low_score(
    geoparser: Geoparser,
) -> None:
    text = "Springfield"
    (place,) = geoparser.resolve_spans(text, [(0, len(text))])
    assert place.resolved
    assert place.score < 0.6
    (turkey,) = geoparser.resolve_spans("Turkey", [(0, 6)])
    assert turkey.score > 0.9


def test_spans_are_resolved_exactly_and_in_order(geoparser: Geoparser) -> None:
    text = "From Ankara to Istanbul."
    spans = [(15, 23), (5, 11)]
    places = geoparser.resolve_spans(text, spans)
    assert [(p.start, p.end, p.text) for p in places] == [(15, 23, "Istanbul"), (5, 11, "Ankara")]


def test_demonym_span_resolves_to_its_country(geoparser: Geoparser) -> None:
    text = "Syrian forces shelled the town."
    (place,) = geoparser.resolve_spans(text, [(0, 6)])
    assert place.feature == "country" and place.country == "SYR"


def test_parse_without_spacy_uses_the_gazetteer(geoparser: Geoparser) -> None:
    text = "Gunmen attacked a checkpoint near Kirkuk, Iraq, on Monday."
    got = _by_text(geoparser.parse(text, None))
    assert got["Kirkuk"].country == "IRQ"
    assert got["Iraq"].feature == "country"
    assert "Monday" not in got


def test_source_country_is_context(geoparser: Geoparser) -> None:
    text = "A bomb went off in Hyderabad."
    (pk,) = geoparser.resolve_spans(text, [(19, 28)], countries=["PAK"])
    (india,) = geoparser.resolve_spans(text, [(19, 28)], countries=["IND"])
    assert pk.country == "PAK"
    assert india.country == "IND"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # spaCy's small model tags Izmir as a person here
        ("Police detained three suspects in Izmir on Monday.", {"Izmir": ("city", "TUR")}),
        (
            "Two soldiers were killed in clashes in Hakkari and Sirnak provinces.",
            {"Hakkari": ("admin1", "TUR"), "Sirnak": ("admin1", "TUR")},
        ),
        (
            "A suicide bomber struck a market in Maiduguri, Borno State.",
            {"Maiduguri": ("city", "NGA"), "Borno State": ("admin1", "NGA")},
        ),
        ("Turkish and Syrian officials met.", {}),
    ],
)
def test_parse_with_spacy(
    geoparser: Geoparser, nlp: Any, text: str, expected: dict[str, tuple[str, str]]
) -> None:
    got = {p.text: (p.feature, p.country) for p in geoparser.parse(text, nlp(text))}
    assert got == expected


def _resolve_one(geoparser: Geoparser, text: str, name: str, *, source: str | None = None) -> Place:
    i = text.index(name)
    (place,) = geoparser.resolve_spans(text, [(i, i + len(name))], source=source)
    return place


def test_a_stray_small_place_is_left_unresolved(geoparser: Geoparser) -> None:
    # Piccadilly's only gazetteer entry is a hamlet in Western Australia.
    text = (
        "Protesters marched along Piccadilly in London on Saturday, and smaller "
        "rallies were held in Manchester and Birmingham, England."
    )
    place = _resolve_one(geoparser, text, "Piccadilly")
    assert place.geonameid is None and place.lat is None
    assert place.reason is not None and "far from" in place.reason


@pytest.mark.parametrize(
    "text",
    [
        "A fire broke out in Piccadilly on Monday.",  # nothing else to go by
        "A fire broke out in Piccadilly, near Kalgoorlie and Perth, on Monday.",  # nearby
        "A fire broke out in Piccadilly, near Kalgoorlie, Australia, and in London, England.",
    ],
)
def test_a_small_place_with_support_or_without_context_is_kept(
    geoparser: Geoparser, text: str
) -> None:
    place = _resolve_one(geoparser, text, "Piccadilly")
    assert place.country == "AUS"


@pytest.mark.parametrize(
    ("text", "person", "places"),
    [
        # spaCy's small model tags the lone surnames below as GPE
        (
            "Opposition leaders in Tbilisi demanded the resignation of President Mikheil "
            "Saakashvili. One thing is clear: Saakashvili is a headache for the Georgian people.",
            "Saakashvili",
            {"Tbilisi"},
        ),
        (
            "Sheriff Ripley said the man was arrested in Charleston. Ripley said the inquiry "
            "would continue in Jackson County, and Ripley is expected to speak on Monday.",
            "Ripley",
            {"Charleston", "Jackson County"},
        ),
    ],
)
def test_a_name_the_text_gives_a_person_is_not_a_place(
    geoparser: Geoparser, nlp: Any, text: str, person: str, places: set[str]
) -> None:
    found = {p.text for p in geoparser.parse(text, nlp(text))}
    assert person not in found
    assert places <= found


def test_a_surname_mention_with_place_context_stays_a_place(geoparser: Geoparser, nlp: Any) -> None:
    text = "Coach Tom Gainesville praised the team. The game was played in Gainesville, Florida."
    found = [p for p in geoparser.parse(text, nlp(text)) if p.text == "Gainesville"]
    assert len(found) == 1 and found[0].country == "USA" and found[0].admin1 == "Florida"


@pytest.mark.parametrize(
    ("text", "not_place"),
    [
        ("After a friend lost her job in Dallas, Ms. Underwood invited her to stay.", "Ms."),
        ("Money from the Act will reach Austin, Texas, by June.", "Act"),
        ('"No system will completely stop it," the mayor of Houston said.', "No"),
    ],
)
def test_titles_and_everyday_words_are_not_places(
    geoparser: Geoparser, nlp: Any, text: str, not_place: str
) -> None:
    found = {p.text for p in geoparser.parse(text, nlp(text))}
    assert not_place not in found and found


def test_a_name_tagged_once_is_not_spread_to_words_that_are_rarely_places(
    geoparser: Geoparser, nlp: Any
) -> None:
    # spaCy tags the first "West" a place; the second is a man called West
    text = "Rain fell in West. West said the roads were closed."
    found = [p.text for p in geoparser.parse(text, nlp(text))]
    assert found == ["West"]


@pytest.mark.parametrize(
    ("text", "places"),
    [
        # spaCy's small model tags these towns ORG and PERSON
        ("A Gainesville man was charged on Friday with stealing a car.", ["Gainesville"]),
        ("About 55 Gainesville residents marched near the courthouse on Friday.", ["Gainesville"]),
        # companies and people named like towns, with nothing placey around them
        ("Toyota said sales fell in March. Bell said the company would recover.", []),
    ],
)
def test_a_town_the_model_tags_as_a_person_or_organisation(
    geoparser: Geoparser, nlp: Any, text: str, places: list[str]
) -> None:
    assert [p.text for p in geoparser.parse(text, nlp(text))] == places


def test_an_all_caps_dateline_before_a_colon_is_a_place(geoparser: Geoparser, nlp: Any) -> None:
    text = "BEIRUT: Unknown assailants removed the doors of a church on Sunday."
    found = {p.text: p.country for p in geoparser.parse(text, nlp(text))}
    assert found == {"BEIRUT": "LBN"}


@pytest.mark.parametrize(
    ("text", "source", "admin1", "country"),
    [
        ("A woman was killed this morning in Arlington.", "Fort Worth, Texas", "Texas", "USA"),
        ("A woman was killed this morning in Arlington.", "Washington, D.C.", "Virginia", "USA"),
        ("The council in Dublin voted to widen the road.", "Columbus, Ohio", "Ohio", "USA"),
        ("The council in Dublin voted to widen the road.", None, "Dublin City", "IRL"),
        ("Police in London said two men were arrested.", "Ontario, Canada", "Ontario", "CAN"),
        ("Police in London said two men were arrested.", "Manchester", "England", "GBR"),
    ],
)
def test_the_source_place_is_context(
    geoparser: Geoparser, text: str, source: str | None, admin1: str, country: str
) -> None:
    (place,) = geoparser.parse(text, source=source)
    assert (place.admin1, place.country) == (admin1, country)
    name = text.split(" in ")[1].split()[0].rstrip(".")
    again = _resolve_one(geoparser, text, name, source=source)
    assert (again.admin1, again.country) == (admin1, country)


def test_the_source_place_is_not_returned(geoparser: Geoparser) -> None:
    text = "Gunmen attacked a checkpoint on Monday."
    assert geoparser.parse(text, source="Kabul, Afghanistan") == []
