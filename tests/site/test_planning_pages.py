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
