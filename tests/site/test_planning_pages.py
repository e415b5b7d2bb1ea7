"""The planning pages in real Chromium: axe finds nothing serious, the matrix reads as a table, reflows at 320 px."""

from __future__ import annotations

import pytest

from .test_browser import browser, page  # noqa: F401 - the same Chromium and the same no-external-requests guard

PLANNING_PAGES = ["programmazione/", "programmazione/pianura-est/"]


@pytest.mark.parametrize("path", PLANNING_PAGES)
def test_axe_finds_no_serious_violation_on_planning_pages(page, site_server, path):  # noqa: F811
    from axe_playwright_python.sync_playwright import Axe

    page.goto(f"{site_server}/{path}")
    page.wait_for_load_state("networkidle")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a",
                                                                             "wcag21aa", "best-practice"]}})
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], results.generate_report()


def test_coverage_matrix_is_a_real_table_with_text_states(page, site_server):  # noqa: F811
    page.goto(f"{site_server}/programmazione/pianura-est/")
    table = page.get_by_role("table", name="Servizi attivi per comune e tipologia (art. 7, c. 1, D.Lgs. 147/2017, "
                                          "lettere a–h)")
    assert table.locator("thead th[scope=col]").count() == 9
    assert table.locator("tbody th[scope=row]").count() == 15
    row = table.locator("tbody tr", has=page.locator("th", has_text="Molinella"))
    cells = row.locator("td").all_inner_texts()
    assert cells[6].strip().endswith("Solo sospeso")  # g) mediazione culturale
    assert cells[0].strip().endswith("Coperto (2)")
    # the state is in the text, not only in the colour
    assert "Scoperto" in page.get_by_role("table", name="Servizi attivi (tipologie a–h) per comune e area di utenza "
                                                        "ISTAT").inner_text()


def test_planning_page_reflows_at_320_px(page, site_server):  # noqa: F811
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{site_server}/programmazione/pianura-est/")
    # nothing of the page body sticks out of the viewport, except inside the matrices' scrolling regions
    # (the header is the portal's, reworked elsewhere)
    wide = page.evaluate("""[...document.querySelectorAll('.md-content *')]
        .filter(e => !e.closest('.ra-matrice') && e.getBoundingClientRect().right > innerWidth + 1)
        .map(e => e.tagName + '.' + e.className)""")
    assert wide == []
    # the wide matrix scrolls inside its own focusable region
    region = page.get_by_role("region", name="Servizi attivi per comune e tipologia (art. 7, c. 1, D.Lgs. 147/2017, "
                                             "lettere a–h)")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    assert region.get_attribute("tabindex") == "0"


def test_demand_view_charts_tables_and_report(page, site_server):  # noqa: F811
    page.goto(f"{site_server}/programmazione/pianura-est/")
    chart = page.get_by_role("img", name="Andamento della domanda di sostegni non presenti")
    assert chart.count() == 1
    assert "da 2025-T4 a 2026-T3" in chart.evaluate("el => el.querySelector('desc').textContent")
    # the data table beside the chart, and suppressed figures written as text, never as 0
    table = page.get_by_role("table", name="Dati del grafico: nuclei con bisogno di un sostegno non presente, per "
                                          "tipologia e trimestre")
    assert table.locator("thead th[scope=col]").count() == 5
    assert page.locator(".ra-riservato").count() > 10
    assert page.get_by_role("img", name="Saturazione dei servizi con posti – 2026-T3").count() == 1
    link = page.get_by_role("link", name="Rapporto per l'Ufficio di Piano e la rete di indirizzo (Word, da stampare)")
    response = page.request.get(f"{site_server}/programmazione/pianura-est/" + link.get_attribute("href"))
    assert response.status == 200 and response.body()[:2] == b"PK"
    matrix = page.get_by_role("table", name="Nuclei per cui il sostegno serviva ma non era presente, per comune e "
                                           "tipologia, 2026-T3")
    numbers = [t.strip() for t in matrix.locator("td").all_inner_texts()]
    assert all(n == "riservato" or int(n) == 0 or int(n) >= 3 for n in numbers)
