"""Charts are valid, self-contained SVG with a title and a description, the same bytes for the same data."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from reti_adi.site.charts import bar_chart, trend_chart

NS = "{http://www.w3.org/2000/svg}"
PERIODS = ["2025-T4", "2026-T1", "2026-T2", "2026-T3"]


def _check(svg: str, chart_id: str, title: str) -> ET.Element:
    root = ET.fromstring(svg)  # well-formed XML
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    first, second = list(root)[:2]
    assert (first.tag, first.text) == (f"{NS}title", title)
    assert second.tag == f"{NS}desc" and len(second.text) > 20
    assert root.get("aria-labelledby") == f"{first.get('id')} {second.get('id')}"
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids)) and all(i.startswith(chart_id + "-") for i in ids)
    # nothing fetched, nothing run: no script, no external URL, no embedded or linked font
    assert not root.findall(f".//{NS}script")
    outside = re.findall(r"(?:https?:)?//[^\s\"')]+", svg)
    assert all(u.startswith(("http://www.w3.org/", "//www.w3.org/")) for u in outside), outside
    assert "@font-face" not in svg and "@import" not in svg
    return root


def test_trend_chart_is_accessible_svg_with_gaps_for_suppressed_points():
    series = {"g) Mediazione culturale": [21, 31, None, 40], "Altro (fuori art. 7)": [21, 17, 20, 20]}
    svg = trend_chart(PERIODS, series, "Andamento", "Nuclei per tipologia e trimestre; un valore riservato.", "t")
    root = _check(svg, "t", "Andamento")
    texts = " ".join(t.text or "" for t in root.iter(f"{NS}text"))
    assert "2026-T2" in texts and "Mediazione culturale" in texts  # labels are text, in the page's fonts
    assert trend_chart(PERIODS, series, "Andamento", "Nuclei per tipologia e trimestre; un valore riservato.",
                       "t") == svg


def test_bar_chart_writes_riservato_for_a_suppressed_bar():
    svg = bar_chart(["Emporio solidale", "Accoglienza notturna"], [40.0, None], "Saturazione",
                    "Nuclei attivati sui posti disponibili: emporio 40%, accoglienza riservato.", "s")
    root = _check(svg, "s", "Saturazione")
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "riservato" in texts and "40%" in texts
