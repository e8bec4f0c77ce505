"""The gazetteer: run-time lookups in the GeoNames index built by :mod:`eventlens.geo.build`.

The index (a compact SQLite file under the cache directory, built once on
first use) holds countries, continents, subdivisions, populated places,
named regions and facilities, each under the keys of its names (see
:func:`eventlens.geo.names.name_key`), with the demonyms of countries and
places.  :class:`Gazetteer` opens it read-only; :meth:`Gazetteer.open`
builds it first if it is missing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eventlens.geo.build import ensure_built
from eventlens.geo.names import name_key
from eventlens.geo.schema import (
    BUILD_VERSION,
    CAPITAL_ADMIN1,
    CAPITAL_ADMIN2,
    CAPITAL_COUNTRY,
    CAPITAL_NONE,
    GAZETTEER_ATTRIBUTION,
    MATCH_ABBREVIATION,
    MATCH_ALIAS,
    MATCH_ALTERNATE,
    MATCH_PRIMARY,
    Feature,
)

__all__ = [
    "BUILD_VERSION",
    "CAPITAL_ADMIN1",
    "CAPITAL_ADMIN2",
    "CAPITAL_COUNTRY",
    "CAPITAL_NONE",
    "GAZETTEER_ATTRIBUTION",
    "MATCH_ABBREVIATION",
    "MATCH_ALIAS",
    "MATCH_ALTERNATE",
    "MATCH_PRIMARY",
    "Candidate",
    "Feature",
    "Gazetteer",
]


@dataclass(frozen=True, slots=True)
class Candidate:
    """One gazetteer place a name may refer to."""

    pid: int
    geonameid: int | None
    name: str
    feature: Feature
    country: str | None
    """ISO 3166-1 alpha-3 code."""
    admin1_pid: int | None
    admin2_pid: int | None
    admin1: str | None
    """The name of the first-level subdivision the place lies in (or is)."""
    lat: float
    lon: float
    population: int
    capital: int
    match: int
    """How the looked-up name matched: ``MATCH_PRIMARY`` … ``MATCH_ABBREVIATION``."""
    parent_pid: int | None = None
    """For a facility (an airport), the populated place it falls back to."""


_CANDIDATE_SQL = """
SELECT p.pid, p.geonameid, p.name, p.feature, p.country, p.admin1, p.admin2,
       CASE WHEN p.feature = 'admin1' THEN p.name ELSE a.name END,
       p.lat, p.lon, p.population, p.capital, n.kind, p.parent
FROM name n JOIN place p ON p.pid = n.pid LEFT JOIN place a ON a.pid = p.admin1
WHERE n.key = ?
"""

_PLACE_SQL = """
SELECT p.pid, p.geonameid, p.name, p.feature, p.country, p.admin1, p.admin2,
       CASE WHEN p.feature = 'admin1' THEN p.name ELSE a.name END,
       p.lat, p.lon, p.population, p.capital, 0, p.parent
FROM place p LEFT JOIN place a ON a.pid = p.admin1
WHERE p.pid = ?
"""


def _candidate(row: Sequence[Any]) -> Candidate:
    return Candidate(
        pid=row[0],
        geonameid=row[1],
        name=row[2],
        feature=row[3],
        country=row[4],
        admin1_pid=row[5],
        admin2_pid=row[6],
        admin1=row[7],
        lat=row[8],
        lon=row[9],
        population=row[10],
        capital=row[11],
        match=row[12],
        parent_pid=row[13],
    )


class Gazetteer:
    """Read-only access to a built gazetteer index.

    Open with :meth:`open`, which builds the index on first use.  Lookups are
    cached per instance (a bounded dict; nothing is shared between
    instances).
    """

    _CACHE_SIZE = 50_000

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn = sqlite3.connect(
            f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False
        )
        self._lookups: dict[str, tuple[Candidate, ...]] = {}
        self._places: dict[int, Candidate | None] = {}
        self._countries: dict[str, Candidate] = {}
        for row in self._conn.execute(
            _PLACE_SQL.replace("WHERE p.pid = ?", "WHERE p.feature = 'country'")
        ):
            c = _candidate(row)
            if c.country:
                self._countries[c.country] = c
        self._demonyms: dict[str, str] = dict(
            self._conn.execute("SELECT key, country FROM demonym").fetchall()
        )
        self._iso2: dict[str, str] = dict(
            self._conn.execute("SELECT code, country FROM iso2").fetchall()
        )
        self._demonym_places: dict[str, int] = dict(
            self._conn.execute("SELECT key, pid FROM demonym_place").fetchall()
        )

    # Pickle as the path only; the connection opens again where it lands.
    def __getstate__(self) -> dict[str, Any]:
        return {"path": self.path}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["path"])  # type: ignore[misc]

    def close(self) -> None:
        self._conn.close()

    @classmethod
    def open(cls, cache_dir: Path) -> Gazetteer:
        """Open the index under ``cache_dir``, building it first if it is missing."""
        return cls(ensure_built(cache_dir))

    # ----- lookups -----

    def lookup(self, name: str) -> tuple[Candidate, ...]:
        """Every place with this name (by key), most populous first."""
        return self.lookup_key(name_key(name))

    def lookup_key(self, key: str) -> tuple[Candidate, ...]:
        """Every place indexed under this key (see :func:`name_key`), most populous first."""
        hit = self._lookups.get(key)
        if hit is not None:
            return hit
        rows = self._conn.execute(_CANDIDATE_SQL, (key,)).fetchall()
        found = tuple(sorted((_candidate(r) for r in rows), key=lambda c: -c.population))
        if len(self._lookups) >= self._CACHE_SIZE:
            self._lookups.clear()
        self._lookups[key] = found
        return found

    def has_key(self, key: str) -> bool:
        """Whether any place is indexed under this key."""
        hit = self._lookups.get(key)
        if hit is not None:
            return bool(hit)
        row = self._conn.execute("SELECT 1 FROM name WHERE key = ? LIMIT 1", (key,)).fetchone()
        return row is not None

    def has_prefix(self, key: str) -> bool:
        """Whether any indexed key starts with ``key`` followed by a space."""
        lo = key + " "
        row = self._conn.execute(
            "SELECT 1 FROM name WHERE key >= ? AND key < ? LIMIT 1", (lo, key + "!")
        ).fetchone()
        return row is not None

    def place(self, pid: int) -> Candidate | None:
        """The place with this internal id."""
        if pid in self._places:
            return self._places[pid]
        row = self._conn.execute(_PLACE_SQL, (pid,)).fetchone()
        found = _candidate(row) if row else None
        if len(self._places) >= self._CACHE_SIZE:
            self._places.clear()
        self._places[pid] = found
        return found

    def capital_of(self, iso3: str) -> Candidate | None:
        """The capital city of the country with this ISO3 code, or None."""
        row = self._conn.execute(
            "SELECT pid FROM place WHERE country = ? AND capital = ? AND feature != 'country' "
            "ORDER BY population DESC LIMIT 1",
            (iso3.upper(), CAPITAL_COUNTRY),
        ).fetchone()
        return self.place(row[0]) if row else None

    def country(self, iso3: str) -> Candidate | None:
        """The country with this ISO3 code."""
        return self._countries.get(iso3.upper())

    def country_name(self, iso3: str) -> str | None:
        """The GeoNames name of the country with this ISO3 code, or None."""
        c = self._countries.get(iso3.upper())
        return c.name if c else None

    def iso3(self, iso2: str) -> str | None:
        """The ISO 3166-1 alpha-3 code for an alpha-2 code ("TR" -> "TUR"), or None."""
        return self._iso2.get(iso2.upper())

    def demonym_country(self, word: str) -> str | None:
        """The ISO3 code of the country this demonym names ("Syrian", "Turks"), or None."""
        return self._demonyms.get(name_key(word))

    def demonym_place(self, word: str) -> Candidate | None:
        """The place a demonym or adjective names: its country ("Syrian"), or the
        region, continent or subdivision of ``place_demonyms.tsv`` ("Kurdish",
        "European", "Texan"); None for a word that is none."""
        key = name_key(word)
        pid = self._demonym_places.get(key)
        if pid is not None:
            return self.place(pid)
        iso3 = self._demonyms.get(key)
        return self._countries.get(iso3) if iso3 else None

    def is_demonym(self, word: str) -> bool:
        """A demonym that is not also a country's name ("Syrian" yes; "U.S." no)."""
        key = name_key(word)
        if key not in self._demonyms and key not in self._demonym_places:
            return False
        return not any(
            c.feature in ("country", "continent", "region")
            and c.match in (MATCH_PRIMARY, MATCH_ALIAS)
            for c in self.lookup_key(key)
        )

    def country_code(self, name_or_demonym: str) -> str | None:
        """ISO3 code for a country name, alias or demonym ("Turkish", "U.S.", "Dutch")."""
        key = name_key(name_or_demonym)
        if not key:
            return None
        found = self._demonyms.get(key)
        if found:
            return found
        countries = [c for c in self.lookup_key(key) if c.feature == "country"]
        if not countries:
            return None
        best = min(countries, key=lambda c: (c.match, -c.population))
        return best.country

    def countries(self) -> Iterator[Candidate]:
        """Every country."""
        return iter(self._countries.values())
