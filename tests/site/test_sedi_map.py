"""The map of the sedi: points of the comuni, distances, links to OpenStreetMap, labels that never overlap."""

from __future__ import annotations

import re

from reti_adi.site.sedi_map import MapPoint, comune_points, distance_km, osm_link, sedi_svg


def test_every_comune_of_the_example_ambito_has_a_point_inside_italy(repo_root):
    import yaml

    ambito = yaml.safe_load((repo_root / "catalogo/ambiti/pianura-est.yaml").read_text(encoding="utf-8"))
    points = comune_points()
    assert len(points) > 7800
    for code in ambito["comuni"]:
        # the Pianura Est lies between 44.5 and 44.8 N, 11.2 and 11.8 E
        assert 44.45 < points[code].lat < 44.85 and 11.2 < points[code].lon < 11.8, code


def test_distance_is_the_great_circle_one():
    budrio, molinella = comune_points()["037008"], comune_points()["037039"]
    assert 12.5 < distance_km(budrio, molinella) < 13.5  # 0.042° of latitude, 0.153° of longitude at 44.6° N
    assert distance_km(budrio, budrio) == 0
    # Bologna – Milano, about 200 km in a straight line
    assert 195 < distance_km(MapPoint(44.494, 11.343), MapPoint(45.464, 9.190)) < 205


def test_openstreetmap_links_mark_the_sede_or_search_its_address():
    assert osm_link("Via Roma 1, 40054 Budrio", MapPoint(44.5372, 11.5341)) == (
        "https://www.openstreetmap.org/?mlat=44.53720&mlon=11.53410#map=18/44.53720/11.53410")
    assert osm_link("Via Roma 1, 40054 Budrio", None) == (
        "https://www.openstreetmap.org/search?query=Via%20Roma%201%2C%2040054%20Budrio")


def _label_boxes(svg: str) -> list[tuple[float, float, float, float]]:
    from reti_adi.site.sedi_map import CHAR_WIDTH, FONT

    boxes = []
    for x, y, anchor, text in re.findall(r'<text x="([\d.]+)" y="([\d.]+)" text-anchor="(\w+)">([^<]*)</text>', svg):
        width = CHAR_WIDTH * len(text.replace("&#39;", "'"))
        left = float(x) - {"start": 0, "end": width, "middle": width / 2}[anchor]
        boxes.append((left, float(y) - FONT, left + width, float(y) + 2))
    return boxes


def test_labels_do_not_overlap_and_stay_inside_the_drawing():
    from reti_adi.catalogue.vocabularies import comuni

    codes = ["037002", "037003", "037005", "037008", "037017", "037019", "037021", "037028", "037030", "037035",
             "037038", "037039", "037048", "037052", "037055"]
    named = [(c, comuni()[c].denominazione) for c in codes]
    svg = str(sedi_svg(named, [MapPoint(44.537, 11.534), MapPoint(44.587, 11.757)], "Mappa di prova"))
    boxes = _label_boxes(svg)
    assert len(boxes) >= 10
    width = float(re.search(r'viewBox="0 0 (\d+)', svg).group(1))
    for i, a in enumerate(boxes):
        assert a[0] >= 0 and a[2] <= width
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)
    assert svg.count('class="ra-mappa__sede"') == 2 and svg.count('class="ra-mappa__comune"') == 15
    assert 'role="img"' in svg and "<title" in svg


def test_names_in_the_drawing_are_escaped():
    svg = str(sedi_svg([("037008", "<script>x</script>")], [], "Mappa <b>"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "Mappa &lt;b&gt;" in svg


def test_nothing_to_draw_without_points():
    assert sedi_svg([("999999", "Nessuno")], [], "Vuota") is None
