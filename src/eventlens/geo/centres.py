"""Points for places the packaged data gives none: subdivisions, regions.

A subdivision with an ISO 3166-2 code takes the centre point ``iso3166-2``
gives it (the centroid of its OpenStreetMap polygon), unless that point lies
far from all its towns (:func:`checked_point`); one without takes the centroid
of the convex hull of its populated places, outliers trimmed (:func:`area_centre`).
The ``iso3166-2`` package also gives the subdivisions' English names.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eventlens.geo.distance import haversine_km
from eventlens.geo.names import is_latin_name

log = logging.getLogger(__name__)


def area_centre(points: Sequence[tuple[float, float, int]]) -> tuple[float, float] | None:
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
    cx, cy = hull_centroid(inside or [(lons[n // 2], lats[n // 2])])
    return cy, (cx - 360 if cx > 180 else cx)


def hull_centroid(points: list[tuple[float, float]]) -> tuple[float, float]:
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


def iso3166_2_data() -> dict[str, dict[str, dict[str, Any]]]:
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
    data = iso3166_2_data() if data is None else data
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
    data = iso3166_2_data() if data is None else data
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


def checked_point(
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
