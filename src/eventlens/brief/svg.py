"""The brief's map and timeline as static SVG, drawn offline.

The map's outlines are the dashboard's vendored world-atlas TopoJSON
(Natural Earth, public domain), decoded here without a library and drawn in
an equirectangular projection fitted to the events; no tiles, no network.
Every piece of text in the SVG comes from fixed vocabularies or numbers and
is escaped all the same.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import date, timedelta
from html import escape
from pathlib import Path

from eventlens.brief.build import MapPoint

ATLAS = (
    Path(__file__).resolve().parent.parent
    / "web"
    / "static"
    / "vendor"
    / "world-atlas"
    / "countries-110m.json"
)
# The dashboard's status colours (app.js STATUS_COLOURS).
STATUS_COLOURS = {
    "occurred": "#b2182b",
    "attempted": "#ef8a62",
    "foiled": "#2166ac",
    "planned": "#67a9cf",
    "threatened": "#762a83",
    "warned": "#c2a5cf",
    "denied": "#4d4d4d",
    "hypothetical": "#bababa",
}
MAP_W, MAP_H = 720, 400
MIN_SPAN = 8.0  # degrees: a single town still shows its surroundings

Ring = tuple[tuple[float, float], ...]


def outlines() -> tuple[tuple[Ring, ...], ...]:
    """Every country as rings of (lon, lat), decoded from the TopoJSON (about 20 ms; a
    brief draws one map)."""
    topo = json.loads(ATLAS.read_text(encoding="utf-8"))
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs: list[list[tuple[float, float]]] = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)

    def ring(indexes: Sequence[int]) -> Ring:
        out: list[tuple[float, float]] = []
        for i in indexes:
            pts = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(pts if not out else pts[1:])
        return tuple(out)

    countries = []
    for g in topo["objects"]["countries"]["geometries"]:
        polys = [g["arcs"]] if g["type"] == "Polygon" else g.get("arcs", [])
        countries.append(tuple(ring(r) for poly in polys for r in poly))
    return tuple(countries)


def extent(points: Sequence[MapPoint]) -> tuple[float, float, float, float]:
    """West, south, east, north around the points, padded; the world without points."""
    if not points:
        return -180.0, -60.0, 180.0, 85.0
    w = min(p.lon for p in points)
    e = max(p.lon for p in points)
    s = min(p.lat for p in points)
    n = max(p.lat for p in points)
    pad_x = max((e - w) * 0.15, (MIN_SPAN - (e - w)) / 2, 0.0)
    pad_y = max((n - s) * 0.15, (MIN_SPAN / 2 - (n - s)) / 2, 0.0)
    return (
        max(-180.0, w - pad_x),
        max(-85.0, s - pad_y),
        min(180.0, e + pad_x),
        min(85.0, n + pad_y),
    )


def map_svg(points: Sequence[MapPoint], *, title: str = "Map of the period's events") -> str:
    """The located events on country outlines; one circle per place and status."""
    w, s, e, n = extent(points)
    mid = math.radians((s + n) / 2)
    kx = math.cos(mid)
    span_x = max((e - w) * kx, 1e-6)
    span_y = max(n - s, 1e-6)
    scale = min(MAP_W / span_x, MAP_H / span_y)
    width = span_x * scale
    height = span_y * scale

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return (lon - w) * kx * scale, (n - lat) * scale

    paths = []
    for country in outlines():
        d = []
        for r in country:
            lons = [p[0] for p in r]
            lats = [p[1] for p in r]
            if max(lons) < w or min(lons) > e or max(lats) < s or min(lats) > n:
                continue
            pts = [xy(lon, lat) for lon, lat in r]
            d.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in pts) + "Z")
        if d:
            paths.append(f'<path d="{"".join(d)}"/>')
    biggest = max((p.n for p in points), default=1)
    dots = []
    for p in sorted(points, key=lambda p: (p.status == "occurred", -p.n)):
        x, y = xy(p.lon, p.lat)
        radius = 3 + 9 * math.sqrt(p.n / biggest)
        colour = STATUS_COLOURS.get(p.status, "#555555")
        dots.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="{colour}" '
            f'fill-opacity="0.75" stroke="#ffffff" stroke-width="1">'
            f"<title>{escape(p.status)}: {p.n}</title></circle>"
        )
    legend = _legend(sorted({p.status for p in points}, key=_status_rank), height)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height + 24:.0f}" '
        f'width="{width:.0f}" height="{height + 24:.0f}" role="img" '
        f'aria-label="{escape(title)}" class="brief-map">'
        f"<title>{escape(title)}</title>"
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="#dde8f0"/>'
        f'<g fill="#f4f1ea" stroke="#8a94a3" stroke-width="0.6">{"".join(paths)}</g>'
        f"<g>{''.join(dots)}</g>{legend}</svg>"
    )


def _status_rank(status: str) -> int:
    order = list(STATUS_COLOURS)
    return order.index(status) if status in order else len(order)


def _legend(statuses: Sequence[str], y0: float) -> str:
    items = []
    x = 4.0
    for st in statuses:
        colour = STATUS_COLOURS.get(st, "#555555")
        items.append(
            f'<circle cx="{x + 5:.0f}" cy="{y0 + 13:.0f}" r="5" fill="{colour}"/>'
            f'<text x="{x + 13:.0f}" y="{y0 + 17:.0f}" font-size="11" '
            f'font-family="sans-serif">{escape(st)}</text>'
        )
        x += 18 + 7 * len(st)
    return "<g>" + "".join(items) + "</g>"


def timeline_svg(
    timeline: Sequence[tuple[date, dict[str, int]]],
    start: date,
    end: date,
    *,
    title: str = "Events per day of the period",
) -> str:
    """Stacked bars of events by status, per day (per week beyond 120 days)."""
    days = (end - start).days + 1
    step = 1 if days <= 120 else 7
    n_bins = (days + step - 1) // step
    bins: list[dict[str, int]] = [{} for _ in range(n_bins)]
    for day, by_status in timeline:
        i = (day - start).days // step
        if 0 <= i < n_bins:
            for st, k in by_status.items():
                bins[i][st] = bins[i].get(st, 0) + k
    top = max((sum(b.values()) for b in bins), default=0) or 1
    w, h, left, bottom = 720, 140, 34, 20
    bar = (w - left) / n_bins
    rects = []
    for i, b in enumerate(bins):
        y = float(h - bottom)
        for st in sorted(b, key=_status_rank):
            bh = (h - bottom - 8) * b[st] / top
            y -= bh
            colour = STATUS_COLOURS.get(st, "#555555")
            when = start + timedelta(days=i * step)
            rects.append(
                f'<rect x="{left + i * bar:.1f}" y="{y:.1f}" width="{max(bar - 1, 0.5):.1f}" '
                f'height="{bh:.1f}" fill="{colour}"><title>{when.isoformat()} '
                f"{escape(st)}: {b[st]}</title></rect>"
            )
    unit = "day" if step == 1 else "week"
    axis = (
        f'<line x1="{left}" y1="{h - bottom}" x2="{w}" y2="{h - bottom}" stroke="#666"/>'
        f'<text x="{left}" y="{h - 4}" font-size="11" font-family="sans-serif">'
        f"{start.isoformat()}</text>"
        f'<text x="{w}" y="{h - 4}" font-size="11" font-family="sans-serif" '
        f'text-anchor="end">{end.isoformat()}</text>'
        f'<text x="{left - 4}" y="14" font-size="11" font-family="sans-serif" '
        f'text-anchor="end">{top}</text>'
        f'<text x="{left - 4}" y="{h - bottom}" font-size="11" font-family="sans-serif" '
        f'text-anchor="end">0</text>'
        f'<text x="{(left + w) / 2:.0f}" y="{h - 4}" font-size="11" font-family="sans-serif" '
        f'text-anchor="middle">events per {unit}</text>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" '
        f'height="{h}" role="img" aria-label="{escape(title)}" class="brief-timeline">'
        f"<title>{escape(title)}</title>{''.join(rects)}{axis}</svg>"
    )
