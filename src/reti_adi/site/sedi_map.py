"""Where the services are: the sedi of an ambito as an inline SVG map drawn at build time.

Why an SVG and not a map library: a tiled map (Leaflet, MapLibre) is only useful with tiles, and
tiles are either fetched from a third party, which public-sector pages must not do, or hosted by
every ambito, gigabytes for a region. A worker needs to see which comuni have a sede and how far
each one is; the list beside the drawing holds addresses and the «Apri in OpenStreetMap» links for
directions, which the user chooses to follow.

The comuni are points (one inside each comune, from openpolis' boundaries of ISTAT data, CC BY 4.0,
vendored by scripts/aggiorna_comuni_punti.py); the sedi are the coordinates of their schede. Like the
network diagram, the drawing is as wide as a phone, so its text stays readable at 320 px, and the
stylesheet caps its width on a desktop; a comune name that would overlap another is left out of the
drawing (the list names every place).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote

from markupsafe import Markup, escape

POINTS_FILE = Path(__file__).parent / "comuni_punti.csv"
WIDTH = 340
MARGIN = 16
FONT = 12
CHAR_WIDTH = 0.56 * FONT  # a little above the average of sans-serif text: labels do not overlap
ATTRIBUTION = ("Posizione dei comuni: un punto interno ai confini comunali © openpolis (geojson-italy), "
               "da dati ISTAT, licenza CC BY 4.0")


@dataclass(frozen=True, slots=True)
class MapPoint:
    lat: float
    lon: float


@cache
def comune_points() -> dict[str, MapPoint]:
    """A point inside every comune, by ISTAT code (vendored: the build asks nobody)."""
    with POINTS_FILE.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        next(rows)
        return {code: MapPoint(float(lat), float(lon)) for code, lat, lon in rows}


def osm_link(address: str, point: MapPoint | None) -> str:
    """A plain link to openstreetmap.org: a marker on the sede if it has coordinates, else a search."""
    if point is not None:
        return (f"https://www.openstreetmap.org/?mlat={point.lat:.5f}&mlon={point.lon:.5f}"
                f"#map=18/{point.lat:.5f}/{point.lon:.5f}")
    return f"https://www.openstreetmap.org/search?query={quote(address)}"


def distance_km(a: MapPoint, b: MapPoint) -> float:
    """Great-circle distance: «in linea d'aria», what the page says it is."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


class _Projection:
    """Equirectangular around the area's middle latitude: exact enough for an ambito's few tens of km."""

    def __init__(self, points: list[MapPoint]):
        lats = [p.lat for p in points]
        lons = [p.lon for p in points]
        self.lat_max, self.lon_min = max(lats), min(lons)
        self.kx = math.cos(math.radians((max(lats) + min(lats)) / 2))
        span_x = max((max(lons) - self.lon_min) * self.kx, 0.01)
        span_y = max(self.lat_max - min(lats), 0.01)
        self.scale = (WIDTH - 2 * MARGIN - 2 * 60) / span_x  # 60 units each side for the labels
        self.height = min(span_y * self.scale, 2.0 * WIDTH) + 2 * MARGIN + 2 * FONT
        self.scale = min(self.scale, (self.height - 2 * MARGIN - 2 * FONT) / span_y)
        self.left = (WIDTH - span_x * self.scale) / 2

    def xy(self, p: MapPoint) -> tuple[float, float]:
        return (self.left + (p.lon - self.lon_min) * self.kx * self.scale,
                MARGIN + FONT + (self.lat_max - p.lat) * self.scale)


def _overlaps(box: tuple[float, float, float, float], taken: list[tuple[float, float, float, float]]) -> bool:
    x1, y1, x2, y2 = box
    return any(x1 < b[2] and b[0] < x2 and y1 < b[3] and b[1] < y2 for b in taken)


def sedi_svg(comuni: list[tuple[str, str]], sedi: list[MapPoint], title: str) -> Markup | None:
    """comuni: (ISTAT code, name) of the ambito; sedi: the places with coordinates. None if nothing to draw."""
    known = [(name, comune_points()[code]) for code, name in comuni if code in comune_points()]
    if not known and not sedi:
        return None
    projection = _Projection([p for _, p in known] + sedi)
    dots, labels, taken = [], [], []
    for _, point in known:
        x, y = projection.xy(point)
        taken.append((x - 3, y - 3, x + 3, y + 3))
        dots.append(f'<circle class="ra-mappa__comune" cx="{x:.1f}" cy="{y:.1f}" r="3"/>')
    for x, y in (projection.xy(p) for p in sedi):
        taken.append((x - 7, y - 7, x + 7, y + 7))
        dots.append(f'<circle class="ra-mappa__sede" cx="{x:.1f}" cy="{y:.1f}" r="6"/>')
    for name, point in sorted(known, key=lambda item: item[0].casefold()):
        x, y = projection.xy(point)
        width = CHAR_WIDTH * len(name)
        for anchor, lx, ly in (("start", x + 6, y + 4), ("end", x - 6, y + 4), ("middle", x, y - 7),
                               ("middle", x, y + FONT + 5), ("start", x + 4, y - 5), ("start", x + 4, y + FONT + 3),
                               ("end", x - 4, y - 5), ("end", x - 4, y + FONT + 3)):
            left = {"start": lx, "end": lx - width, "middle": lx - width / 2}[anchor]
            box = (left, ly - FONT, left + width, ly + 2)
            if left >= 0 and left + width <= WIDTH and box[1] >= 0 and not _overlaps(box, taken):
                taken.append(box)
                labels.append(f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}">{escape(name)}</text>')
                break
    described = f"{len(sedi)} sedi con coordinate tra {len(known)} comuni; l'elenco delle sedi segue la mappa."
    return Markup(
        f'<svg class="ra-mappa" viewBox="0 0 {WIDTH} {projection.height:.0f}" role="img" '
        f'aria-labelledby="mappa-titolo mappa-desc" xmlns="http://www.w3.org/2000/svg" font-size="{FONT}">'
        f'<title id="mappa-titolo">{escape(title)}</title><desc id="mappa-desc">{escape(described)}</desc>'
        f'{"".join(dots)}<g class="ra-mappa__nomi">{"".join(labels)}</g></svg>')
