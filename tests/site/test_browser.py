"""The portal in a real headless Chromium (Debian's), driven by Playwright: search, filters, safety, axe."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest

from ..conftest import REFERENCE_DATE

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if not os.path.exists(CHROMIUM):
    if os.environ.get("CI"):
        pytest.fail("chromium manca: .ci/run deve installarlo (apt-get install chromium)", pytrace=False)
    pytest.skip("chromium non installato (apt-get install chromium)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, site_server):
    context = browser.new_context(locale="it-IT")
    external: list[str] = []
    context.route(lambda url: not url.startswith("http://127.0.0.1:"),  # the test servers only
                  lambda route: (external.append(route.request.url), route.abort()))
    tab = context.new_page()
    tab.dialogs = []
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    yield tab
    context.close()
    assert external == [], f"richieste verso host esterni: {external}"


def test_search_a_word_then_filter_by_comune(page, site_server):
    page.goto(f"{site_server}/cerca/")
    page.get_by_label("Parole da cercare").fill("compiti")
    page.locator("#ra-cerca").get_by_role("button", name="Cerca").click()
    results = page.locator("#ra-risultati li")
    results.first.wait_for()
    titles = results.locator("a").all_inner_texts()
    assert "Doposcuola solidale" in titles
    # Budrio keeps the Doposcuola; Molinella does not have it
    page.get_by_label("Comune").select_option(label=page.locator("#ra-f-comune option", has_text="Molinella")
                                              .first.inner_text())
    page.wait_for_function("document.getElementById('ra-stato-ricerca').textContent.includes('trovat')")
    assert "Doposcuola solidale" not in page.locator("#ra-risultati li a").all_inner_texts()
    page.locator("#ra-f-comune").select_option("Budrio")
    page.wait_for_function("[...document.querySelectorAll('#ra-risultati li a')]"
                           ".some(a => a.textContent === 'Doposcuola solidale')")
    page.get_by_role("link", name="Doposcuola solidale").click()
    page.wait_for_url("**/servizi/doposcuola-solidale/")
    assert page.locator("h1").inner_text() == "Doposcuola solidale"


def test_filters_work_without_a_query(page, site_server):
    page.goto(f"{site_server}/cerca/?comune=Molinella&stato=Non+presente")
    page.wait_for_function("document.getElementById('ra-stato-ricerca').textContent.includes('trovat')")
    titles = page.locator("#ra-risultati li a").all_inner_texts()
    assert "Mediazione culturale per lingue dell'Asia meridionale" in titles
    assert all(title != "Emporio solidale" for title in titles)


def test_header_search_leads_to_cerca(page, site_server):
    page.goto(f"{site_server}/")
    page.get_by_label("Cerca un servizio").fill("affitto")
    page.keyboard.press("Enter")
    page.wait_for_url("**/cerca/?q=affitto")
    page.locator("#ra-risultati li").first.wait_for()
    assert "Agenzia sociale per l'affitto" in page.locator("#ra-risultati li a").all_inner_texts()


def test_script_payload_in_the_data_never_runs(page, site_server):
    page.goto(f"{site_server}/servizi/servizio-ostile/")
    page.wait_for_load_state("load")
    assert page.evaluate("window.__pwned === undefined")
    assert page.dialogs == []
    assert "<script>window.__pwned = 'descrizione'</script>" in page.locator(".ra-descrizione").inner_text()
    for href in page.locator("a").evaluate_all("els => els.map(a => a.getAttribute('href') || '')"):
        assert not href.lower().startswith("javascript:"), href
    # the link texts are shown, their unsafe targets are not linked
    page.goto(f"{site_server}/cerca/?q=sportello")
    page.locator("#ra-risultati li").first.wait_for()
    assert page.evaluate("window.__pwned === undefined")


@pytest.mark.parametrize("path", ["", "servizi/emporio-solidale/", "comuni/037008/", "cerca/?comune=Budrio"])
def test_axe_reports_no_serious_or_critical_violation(page, site_server, path):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(f"{site_server}/{path}")
    page.wait_for_load_state("networkidle")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a",
                                                                             "wcag21aa", "best-practice"]}})
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], results.generate_report()


def test_reach_a_protocol_from_an_ente_page(page, site_server):
    page.goto(f"{site_server}/enti/cpi-san-giorgio/")
    page.get_by_role("link", name="Accordo di programma per la rete di intervento per l'inclusione dei nuclei "
                                  "beneficiari dell'Assegno di Inclusione").click()
    page.wait_for_url("**/protocolli/accordo-programma-inclusione-adi/")
    assert page.locator("h3#art-1").inner_text().startswith("Art. 1")
    expected = "vigente" if REFERENCE_DATE <= dt.date(2028, 2, 29) else "scaduto"  # its expiry
    assert page.locator(f".ra-badge--protocollo-{expected}").first.inner_text() == expected.capitalize()


PAGEFIND_FILTERS = """async ([folder, bundles]) => {
  const engine = await import(bundles[0] + "pagefind.js");
  await engine.options({ baseUrl: "/" });
  for (const other of bundles.slice(1)) await engine.mergeIndex(new URL(other).pathname, { baseUrl: "/" });
  const counts = await engine.filters();
  const published = await (await fetch(folder + "filtri.json")).json();
  return { counts, published };
}"""


@pytest.mark.parametrize("site", ["site_server", "two_region_server", "sharded_server"])
def test_menu_values_are_exactly_what_pagefind_indexed(page, request, site):
    base = request.getfixturevalue(site)
    page.goto(f"{base}/cerca/")
    regions = page.evaluate("async () => (await (await fetch('../pagefind/regioni.json')).json()).regioni")
    assert regions
    for region in regions:
        bundles = [f"{base}/pagefind/{bundle}" for bundle in region["indici"]]
        found = page.evaluate(PAGEFIND_FILTERS, [f"{base}/pagefind/{region['indice']}", bundles])
        published, indexed = found["published"]["valori"], found["counts"]
        whole = indexed.pop("ambito_intero", {})
        listed = indexed.pop("comune", {})
        # a comune's services: those listing it by name plus those serving its whole ambito
        comuni = {comune: listed.get(comune, 0) + sum(whole.get(a, 0) for a in ambiti)
                  for comune, ambiti in found["published"]["ambiti_dei_comuni"].items()}
        assert {c: n for c, n in comuni.items() if n} == published.pop("comune"), region["id"]
        assert published == indexed, region["id"]
        assert sum(published["stato"].values()) == region["servizi"]


def test_search_without_regione_covers_every_regione(page, two_region_server):
    page.goto(f"{two_region_server}/cerca/?q=compiti")
    page.wait_for_function("document.getElementById('ra-stato-ricerca').textContent.includes('trovat')")
    titles = page.locator("#ra-risultati li a").all_inner_texts()
    assert "Doposcuola solidale" in titles and "Doposcuola delle colline" in titles
    assert page.locator("#ra-campo-regione").is_visible()
    assert page.locator("#ra-f-comune").is_disabled()
    assert page.locator("#ra-nota-regione").is_visible()


def test_a_chosen_regione_loads_only_its_own_index(page, two_region_server):
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{two_region_server}/cerca/")
    # the regione first: words typed before it would (rightly) search every regione meanwhile
    page.get_by_label("Regione").select_option("toscana")
    page.get_by_label("Parole da cercare").fill("compiti")
    page.wait_for_function("document.getElementById('ra-stato-ricerca').textContent.includes('trovat')")
    assert page.locator("#ra-risultati li a").all_inner_texts() == ["Doposcuola delle colline"]
    assert "regione=toscana" in page.url
    comuni = page.locator("#ra-f-comune option").all_inner_texts()
    assert comuni[1:] == ["Fiesole (2)", "Firenze (1)"]
    page.locator("#ra-f-comune").select_option("Firenze")
    page.wait_for_function("document.getElementById('ra-stato-ricerca').textContent.includes('Nessun')")
    assert "comune=Firenze" in page.url
    assert not [url for url in requested if "/pagefind/emilia-romagna/" in url]


def test_a_comune_finds_services_for_its_whole_ambito_and_its_regione(page, two_region_server):
    # no regione in the address: the page finds it from the comune
    page.goto(f"{two_region_server}/cerca/?comune=Firenze")
    page.wait_for_function("document.getElementById('ra-stato-ricerca').textContent.includes('trovat')")
    assert page.locator("#ra-f-regione").input_value() == "toscana"
    # the whole-ambito service has no comune listed by name; the doposcuola serves Fiesole only
    assert page.locator("#ra-risultati li a").all_inner_texts() == ["Sportello casa di Firenze"]
    page.locator("#ra-f-comune").select_option("Fiesole")
    page.wait_for_function("document.querySelectorAll('#ra-risultati li').length === 2")
    assert sorted(page.locator("#ra-risultati li a").all_inner_texts()) == ["Doposcuola delle colline",
                                                                             "Sportello casa di Firenze"]


def _results(page, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_function("['trovat', 'Nessun'].some((w) => "
                           "document.getElementById('ra-stato-ricerca').textContent.includes(w))")
    while page.locator("#ra-altri").is_visible():
        shown = page.locator("#ra-risultati li").count()
        page.locator("#ra-altri").click()
        page.wait_for_function(f"document.querySelectorAll('#ra-risultati li').length > {shown}")
    return sorted(page.locator("#ra-risultati li a").all_inner_texts())


@pytest.mark.parametrize("address", ["q=compiti", "q=sportello&regione=emilia-romagna", "q=sociale&regione=emilia-romagna",
                                     "q=tirocini&regione=emilia-romagna", "comune=Budrio", "q=casa", "comune=Fiesole"])
def test_a_regione_indexed_in_shards_finds_what_one_bundle_finds(page, two_region_server, sharded_server, address):
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    whole = _results(page, f"{two_region_server}/cerca/?{address}")
    sharded = _results(page, f"{sharded_server}/cerca/?{address}")
    assert sharded == whole
    if "regione=emilia-romagna" in address or "Budrio" in address:
        assert whole  # the case finds something: equal empty lists would prove nothing
        assert any("/pagefind/emilia-romagna_" in url for url in requested)  # the other shards were merged
