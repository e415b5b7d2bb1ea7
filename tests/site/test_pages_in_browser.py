"""Every page kind in real Chromium at phone and desktop widths: reflow, focus, axe, no third-party request."""

from __future__ import annotations

import pytest

from .test_browser import browser  # noqa: F401  (the one Chromium fixture)

WIDTHS = (320, 390, 1366)
# one page of every kind the site has, the ones with the widest content of their kind
PAGE_KINDS = {
    "home": "",
    "cerca": "cerca/?q=casa",
    "servizio": "servizi/emporio-solidale/",
    "servizio ostile": "servizi/servizio-ostile/",
    "ente": "enti/odv-rete-solidale/",
    "ente dal nome lunghissimo": "enti/ente-parola-lunga/",
    "elenco enti": "enti/",
    "ambito": "ambiti/pianura-est/",
    "comune": "comuni/037008/",
    "elenco comuni": "comuni/",
    "tipologia": "tipologie/d/",
    "area": "aree/POV/",
    "fonte": "fonti/fnps-2026/",
    "rete": "reti/rete-inclusione-adi-pianura-est/",
    "reti e protocolli": "reti/",
    "protocollo": "protocolli/accordo-programma-inclusione-adi/",
    "da verificare": "da-verificare/",
    "guida": "per-le-piattaforme/",
    "accessibilità": "accessibilita/",
    "segnala": "segnala/",
    "lista per la famiglia": "lista/?s=emporio-solidale,sportello-sociale-budrio",
    "programmazione": "programmazione/",
    "programmazione di un ambito": "programmazione/pianura-est/",
    "404": "404.html",
}

FOCUSABLE = "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex='-1'])"

# Focus every control the keyboard can reach and read its own computed style while focused.
FOCUS_CHECK = """(selector) => {
  const missing = [];
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    if (el.disabled || el.closest("[hidden], [inert]") || (box.width === 0 && box.height === 0)) continue;
    if (getComputedStyle(el).visibility === "hidden") continue;
    el.focus();
    if (document.activeElement !== el) continue;
    const style = getComputedStyle(el);
    const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== "none";
    if (!el.matches(":focus-visible") || !ring) missing.push(el.outerHTML.slice(0, 160));
  }
  document.activeElement.blur();
  return missing;
}"""


@pytest.fixture
def page(browser, site_server):
    context = browser.new_context(locale="it-IT")
    external: list[str] = []
    context.route(lambda url: not url.startswith(site_server), lambda route: (external.append(route.request.url),
                                                                              route.abort()))
    tab = context.new_page()
    yield tab
    context.close()
    assert external == [], f"richieste verso host esterni: {external}"


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def _axe_violations(tab) -> list:
    """axe-core (the copy shipped with axe-playwright-python), injected once per page, run at each width."""
    if not tab.evaluate("typeof window.axe !== 'undefined'"):
        from axe_playwright_python.sync_playwright import Axe

        tab.evaluate(Axe().axe_script)
    # resultTypes: only violations are detailed, which makes each run about three times faster
    response = tab.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
                            " resultTypes: ['violations']})", AXE_TAGS)
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}" for v in response["violations"]]


def _settled(tab) -> None:
    """Wait for the transitions a resize starts (the theme fades link colours in): axe, run in the middle
    of one on a loaded machine, measured the contrast of a colour half-way (seen once at 1366 px)."""
    tab.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running'"
                          " || a.effect?.getComputedTiming().iterations === Infinity)")


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_page_reflows_shows_focus_and_passes_axe(page, site_server, kind):
    page.set_viewport_size({"width": WIDTHS[0], "height": 800})
    page.goto(f"{site_server}/{PAGE_KINDS[kind]}")
    if kind == "cerca":
        page.locator("#ra-risultati li").first.wait_for()
    page.keyboard.press("Tab")  # keyboard use: programmatic focus then matches :focus-visible
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        _settled(page)
        sizes = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert sizes[0] <= sizes[1], f"{kind} a {width} px: la pagina è larga {sizes[0]} px"
        assert page.evaluate(FOCUS_CHECK, FOCUSABLE) == [], f"{kind} a {width} px: focus non visibile"
        assert _axe_violations(page) == [], f"{kind} a {width} px"


def test_closed_drawer_links_are_not_in_the_tab_order(page, site_server):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{site_server}/servizi/emporio-solidale/")
    page.wait_for_load_state("networkidle")
    reached = []
    for _ in range(12):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.closest('.md-sidebar--primary') !== null"))
    assert not any(reached)
    # the menu button opens the drawer from the keyboard, and its links are then reachable
    menu = page.locator("label.md-header__button[for='__drawer']")
    menu.focus()
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert page.locator("#__drawer").is_checked()
    assert page.locator(".md-sidebar--primary a", has_text="Cerca").first.is_visible()


def test_more_results_button_appears_only_when_there_are_more(page, site_server):
    page.goto(f"{site_server}/cerca/")
    page.wait_for_load_state("networkidle")
    more = page.locator("#ra-altri")
    assert not more.is_visible()
    page.goto(f"{site_server}/cerca/?stato=tutti&ambito=Ambito territoriale sociale Pianura Est (esempio)")
    page.wait_for_function("document.getElementById('ra-stato-ricerca').textContent.includes('trovat')")
    total = int(page.locator("#ra-stato-ricerca").inner_text().split()[0])
    assert total > 10 and page.locator("#ra-risultati li").count() == 10
    more.click()
    page.wait_for_function("document.querySelectorAll('#ra-risultati li').length > 10")
    assert page.locator("#ra-risultati li").count() == min(20, total)
    while more.is_visible():  # each click waits for its results: a fixed pause lost the last ones under load
        shown = page.locator("#ra-risultati li").count()
        more.click()
        page.wait_for_function(f"document.querySelectorAll('#ra-risultati li').length > {shown}")
    page.wait_for_function(f"document.querySelectorAll('#ra-risultati li').length >= {total}")
    assert page.locator("#ra-risultati li").count() == total


def test_not_found_page_is_in_italian(page, site_server):
    response = page.goto(f"{site_server}/404.html")
    assert response.ok
    assert page.locator("h1").inner_text() == "Pagina non trovata"
    assert page.evaluate("document.documentElement.lang") == "it"


@pytest.mark.parametrize(("moment", "expected"), [
    ("2026-11-24T10:00:00+01:00", "Aperto ora · chiude alle 12:30"),  # a Tuesday morning
    ("2026-11-24T13:00:00+01:00", "Chiuso ora · apre domani alle 14:00"),
    ("2026-11-28T10:00:00+01:00", "Chiuso ora · apre martedì alle 08:30"),  # Saturday
])
def test_opening_status_is_computed_in_the_browser(page, site_server, moment, expected):
    from datetime import datetime

    page.clock.set_fixed_time(datetime.fromisoformat(moment))
    page.goto(f"{site_server}/servizi/sportello-sociale-budrio/")
    status = page.locator(".ra-contatti .ra-aperto")
    status.wait_for()
    assert status.inner_text().startswith(expected)


def test_report_link_carries_the_service_id(page, site_server):
    page.goto(f"{site_server}/servizi/emporio-solidale/")
    form = page.get_by_role("link", name="Segnala un errore su questo servizio")
    assert form.get_attribute("href").endswith("/catalogo/segnala?servizio=emporio-solidale")
    mail = page.get_by_role("link", name="Segnala un errore per email")
    href = mail.get_attribute("href")
    assert href.startswith("mailto:catalogo.sociale@unionerenogalliera.example.it?subject=")
    assert "servizio%20emporio-solidale" in href and "Servizio%3A%20emporio-solidale" in href


def _searched(tab) -> None:
    tab.wait_for_function("document.getElementById('ra-stato-ricerca').textContent.includes('trovat')")


def test_search_on_a_phone_active_services_first_with_cards(page, site_server):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{site_server}/cerca/?comune=Molinella")
    _searched(page)
    assert page.locator("#ra-filtri-box").evaluate("box => box.open") is False
    assert page.locator("#ra-filtri-box > summary").inner_text().startswith("Filtri (2 attivi)")
    assert page.locator("#ra-f-comune").is_hidden()
    badges = page.locator("#ra-risultati .ra-badge").all_inner_texts()
    assert badges and set(badges) == {"Attivo"}
    first = page.locator("#ra-risultati > li").first
    assert first.locator(".ra-risultato__fatto", has_text="Ente:").count() == 1
    assert first.locator("a[href^='tel:+39']").count() == 1
    active = int(page.locator("#ra-stato-ricerca").inner_text().split()[0])
    page.get_by_role("button", name="Mostra anche sospesi, cessati e non presenti").click()
    page.wait_for_function(f"parseInt(document.getElementById('ra-stato-ricerca').textContent) > {active}")
    assert "stato=tutti" in page.url
    page.goto(f"{site_server}/cerca/?comune=Molinella&stato=Non+presente")
    _searched(page)
    assert set(page.locator("#ra-risultati .ra-badge").all_inner_texts()) == {"Non presente"}
    # on a desktop the filters are open
    page.set_viewport_size({"width": 1366, "height": 800})
    page.reload()
    _searched(page)
    assert page.locator("#ra-f-comune").is_visible()


def test_home_comune_picker_lands_on_its_services(page, site_server):
    page.goto(f"{site_server}/")
    page.get_by_label("I servizi attivi per chi vive a…").select_option("Budrio")
    page.get_by_role("button", name="Vedi i servizi").click()
    page.wait_for_url("**/cerca/?comune=Budrio")
    _searched(page)
    assert "Doposcuola solidale" in page.locator("#ra-risultati h2 a").all_inner_texts()


def _list_names(tab) -> list[str]:
    tab.locator("#ra-lista[data-pronta='si']").wait_for(state="attached")
    return tab.locator("#ra-lista h2").all_inner_texts()


def test_family_list_survives_a_reload_prints_and_travels_by_link(browser, page, site_server):
    for service in ("emporio-solidale", "sportello-sociale-budrio"):
        page.goto(f"{site_server}/servizi/{service}/")
        page.get_by_role("button", name="Aggiungi alla lista per la famiglia").click()
        assert page.get_by_role("button", name="Togli dalla lista per la famiglia").is_visible()
    page.get_by_role("link", name="Vedi la lista (2 servizi)").click()
    page.wait_for_url("**/lista/")
    assert _list_names(page) == ["Emporio solidale", "Sportello sociale di Budrio"]
    page.reload()
    assert _list_names(page) == ["Emporio solidale", "Sportello sociale di Budrio"]
    budrio = page.locator("#ra-lista > li").nth(1)
    assert budrio.locator("a[href='tel:+390516928290']").count() == 1
    assert "Piazza Filopanti 11" in budrio.inner_text() and "Cosa portare" in budrio.inner_text()
    # only ids are kept, in this browser
    assert page.evaluate("localStorage.getItem('reti-adi:lista')") == '["emporio-solidale","sportello-sociale-budrio"]'
    # printed: the list without the site's chrome
    page.emulate_media(media="print")
    assert page.locator(".md-header").is_hidden() and page.locator("#ra-lista-stampa").is_hidden()
    assert page.locator("#ra-lista h2", has_text="Emporio solidale").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 5_000
    page.emulate_media(media="screen")
    link = page.locator("#ra-lista-link").input_value()
    assert link.endswith("/lista/?s=emporio-solidale,sportello-sociale-budrio")
    # another browser, no list of its own: the link shows the same services
    other = browser.new_context()
    try:
        tab = other.new_page()
        tab.goto(link)
        assert _list_names(tab) == ["Emporio solidale", "Sportello sociale di Budrio"]
        assert tab.evaluate("localStorage.getItem('reti-adi:lista')") is None
        tab.get_by_role("button", name="Salva questa lista in questo browser").click()
        assert tab.evaluate("JSON.parse(localStorage.getItem('reti-adi:lista')).length") == 2
    finally:
        other.close()


def test_service_lists_become_cards_on_a_phone(page, site_server):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{site_server}/tipologie/d/")
    cards = page.locator("ul.ra-schede").first
    assert cards.is_visible() and page.locator("table[data-ra-schede]").first.is_hidden()
    budrio = cards.locator("li.ra-scheda", has_text="Doposcuola solidale")
    text = budrio.inner_text()
    assert "Ente: La Rete Solidale" in text and "Dove: Budrio" in text and "Attivo" in text
    assert budrio.locator("a[href^='tel:+39']").count() == 1
    # wider than 480 px: the table, not the cards
    page.set_viewport_size({"width": 481, "height": 800})
    assert cards.is_hidden() and page.locator("table[data-ra-schede]").first.is_visible()


def test_ambito_map_lists_every_sede_with_a_link_to_openstreetmap(page, site_server):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{site_server}/ambiti/pianura-est/")
    drawing = page.get_by_role("img", name="Mappa delle sedi dei servizi dell'ambito Ambito territoriale sociale "
                                           "Pianura Est (esempio)")
    assert drawing.is_visible()
    places = page.locator("#ra-sedi > li")
    assert places.count() >= 10
    for index in range(places.count()):
        link = places.nth(index).get_by_role("link", name="Apri in OpenStreetMap")
        assert link.get_attribute("href").startswith("https://www.openstreetmap.org/")
    assert page.locator("svg.ra-mappa circle.ra-mappa__sede").count() == page.locator(
        "#ra-sedi > li[data-lat]").count()


def test_sedi_sort_by_distance_from_a_chosen_comune(page, site_server):
    page.goto(f"{site_server}/ambiti/pianura-est/")
    page.get_by_label("Ordina le sedi per distanza da").select_option(label="Molinella")
    first = page.locator("#ra-sedi > li").first
    assert "Molinella" in first.locator("p").first.inner_text()
    distances = [int(t.split("circa ")[1].split(" km")[0].replace("meno di 1", "0"))
                 for t in page.locator(".ra-sedi__distanza").all_inner_texts()]
    assert distances == sorted(distances) and distances[-1] > 10
    assert page.locator("#ra-sedi-stato").inner_text() == "Sedi ordinate per distanza da Molinella."
    page.get_by_label("Ordina le sedi per distanza da").select_option(value="")
    assert page.locator(".ra-sedi__distanza").first.is_hidden()


def test_a_comune_page_leads_to_the_sedi_nearest_first(page, site_server):
    page.goto(f"{site_server}/comuni/037039/")
    page.get_by_role("link", name="Le sedi dell'ambito, dalla più vicina a Molinella").click()
    page.wait_for_url("**/ambiti/pianura-est/?da=037039#sedi")
    assert page.get_by_label("Ordina le sedi per distanza da").input_value() == "037039"
    assert "Molinella" in page.locator("#ra-sedi > li").first.locator("p").first.inner_text()
    assert page.locator(".ra-sedi__distanza").first.is_visible()
