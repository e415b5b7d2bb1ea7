"""What the generated pages say to people: labels not codes, Italian dates, plain-text descriptions, JSON-LD."""

from __future__ import annotations

import json
import re

from .test_site import parse


def _text(built_site, relative: str) -> str:
    return (built_site / relative).read_text(encoding="utf-8")


def test_tables_are_styled_by_the_theme(built_site):
    """mkdocs-material styles and scroll-wraps only tables without a class."""
    for relative in ("comuni/037008/index.html", "enti/index.html",
                     "protocolli/accordo-programma-inclusione-adi/index.html"):
        text = _text(built_site, relative)
        assert re.search(r"<table[\s>]", text) and "<table class" not in text, relative


def test_people_read_labels_not_codes(built_site):
    rete = _text(built_site, "reti/rete-inclusione-adi-pianura-est/index.html")
    assert ">pianura-est</a>" not in rete and "Ambito" in rete
    members = re.findall(r"<td>([^<]*)</td><td>[^<]*</td></tr>", rete)
    assert "cpi" not in members and "ets" not in members
    assert "<td>Centro per l&#39;impiego</td>" in rete
    protocol = _text(built_site, "protocolli/accordo-programma-inclusione-adi/index.html")
    assert not re.search(r'href="\.\./\.\./servizi/[a-z0-9-]+/">[a-z0-9-]+</a>', protocol)
    assert re.search(r'href="\.\./\.\./servizi/[a-z0-9-]+/">[A-Z]', protocol)


def test_no_iso_dates_in_prose(built_site):
    for page in ("protocolli/accordo-programma-inclusione-adi/index.html", "servizi/emporio-solidale/index.html",
                 "da-verificare/index.html", "fonti/index.html"):
        shown = re.sub(r"<script.*?</script>|<[^>]+>", " ", _text(built_site, page), flags=re.DOTALL)
        assert not re.search(r"\b20\d\d-\d\d-\d\d\b", shown), page


def test_descriptions_are_plain_text_with_paragraphs_and_lists(catalogue_copy, tmp_path):
    from reti_adi.site.render import text_html

    html = str(text_html("Orari *estesi* e __due__ [link](https://x.example)\n\nSecondo paragrafo.\n\n"
                         "- primo punto\n- secondo punto\n\n# non un titolo"))
    assert "<em>" not in html and "<strong>" not in html and "<a " not in html and "<h1>" not in html
    assert "*estesi*" in html and "__due__" in html and "# non un titolo" in html
    assert html.count("<p>") == 3 and "<li>primo punto</li>" in html


def test_jsonld_has_its_address_and_the_status(built_site):
    active = json.loads(parse(built_site / "servizi/emporio-solidale/index.html").jsonld[0])
    assert active["url"] == "./" and active["@id"] == "./#servizio"
    assert active["additionalProperty"]["value"] == "Attivo"
    suspended = json.loads(parse(built_site / "servizi/laboratori-pre-lavorativi/index.html").jsonld[0])
    assert suspended["additionalProperty"]["value"] == "Sospeso"
    assert "sospeso" in suspended["disambiguatingDescription"]


def _contact_box(built_site, service_id: str) -> str:
    text = _text(built_site, f"servizi/{service_id}/index.html")
    match = re.search(r'<section class="ra-contatti".*?</section>', text, flags=re.DOTALL)
    assert match, service_id
    return match.group(0)


def test_every_active_service_page_has_a_phone_or_mail_link_when_the_catalogue_has_one(built_site):
    from reti_adi.check import load_and_check

    catalogue, _ = load_and_check(built_site.parent)
    checked = 0
    for record in catalogue.of("servizio").values():
        s = record.model
        if s.stato != "attivo":
            continue
        ente = catalogue.get("ente", s.ente_erogatore)
        sources = [s.contatti, *(sede.contatti for sede in s.sedi), ente.contatti if ente else None]
        if not any(c and (c.telefono or c.email or c.pec) for c in sources):
            continue
        box = _contact_box(built_site, s.id)
        assert 'href="tel:+39' in box or 'href="mailto:' in box, s.id
        checked += 1
    assert checked >= 30


def test_contacts_come_from_the_service_then_the_sede_then_the_ente(built_site):
    own = _contact_box(built_site, "sportello-sociale-castel-maggiore")
    assert "Recapiti del servizio" in own
    sede = _contact_box(built_site, "sportello-sociale-budrio")
    assert "Recapiti della sede" in sede and 'href="tel:+390516928290"' in sede
    assert "Piazza Filopanti 11, 40054 Budrio" in sede
    ente = _contact_box(built_site, "emporio-solidale")
    assert "Recapiti dell&#39;ente erogatore" in ente and 'href="tel:+39051700200"' in ente
    assert "martedì e venerdì 15:00–18:30 · sabato 09:00–12:00" in ente
    # the contacts come before the description
    page = _text(built_site, "servizi/emporio-solidale/index.html")
    assert page.index('class="ra-contatti"') < page.index('class="ra-descrizione"')


def test_tel_links_dial_from_any_phone():
    from reti_adi.site.pages.contacts import tel_href

    assert tel_href("051 6928111") == "tel:+390516928111"
    assert tel_href("+39 051 123456") == "tel:+39051123456"
    assert tel_href("0039 051 123456") == "tel:+39051123456"
    assert tel_href("1522") == "tel:1522"


def test_new_fields_and_the_overdue_warning(catalogue_copy, tmp_path, repo_root, monkeypatch):
    import datetime as dt
    import shutil

    from reti_adi.build import build

    from ..conftest import REFERENCE_DATE

    for name in ("site_src", "mkdocs.yml"):
        source = repo_root / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, catalogue_copy / name)
    service = catalogue_copy / "catalogo/servizi/emporio-solidale.yaml"
    service.write_text(service.read_text(encoding="utf-8").replace("ultima_verifica: 2026-09-15",
                                                                   "ultima_verifica: 2023-01-10"), encoding="utf-8")
    # the fresh one is verified on the reference date itself: fresh whatever day the suite runs on
    fresh_service = catalogue_copy / "catalogo/servizi/sportello-sociale-budrio.yaml"
    fresh_service.write_text(fresh_service.read_text(encoding="utf-8").replace(
        "ultima_verifica: 2026-09-15", f"ultima_verifica: {REFERENCE_DATE.isoformat()}"), encoding="utf-8")
    # the sources are dated before the last verification: only the reference date makes it overdue
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2023, 6, 1, tzinfo=dt.timezone.utc).timestamp())))
    out = tmp_path / "sito"
    build(catalogue_copy, out, today=REFERENCE_DATE)
    page = (out / "servizi/emporio-solidale/index.html").read_text(encoding="utf-8")
    assert "Informazioni da verificare" in page and "10 gennaio 2023" in page
    # the result card of the search and the cards of the lists say so too
    assert 'data-pagefind-meta="verifica_scaduta:10 gennaio 2023"' in page
    tipologia = (out / "tipologie/e/index.html").read_text(encoding="utf-8")
    cards = [c.split("</li>")[0] for c in tipologia.split('<li class="ra-scheda">')[1:]]
    cards = [c for c in cards if "servizi/emporio-solidale/" in c]
    assert len(cards) == 1 and "Da verificare: ultima verifica 10 gennaio 2023" in cards[0]
    assert '<h2 id="cosa-si-ottiene">Cosa si ottiene</h2>' in page and '<h2 id="tempi">Tempi</h2>' in page
    assert "Oltre all'italiano: inglese, francese, arabo." in page
    fresh = (out / "servizi/sportello-sociale-budrio/index.html").read_text(encoding="utf-8")
    assert "Informazioni da verificare" not in fresh
    api = json.loads((out / "api/v1/servizi/emporio-solidale.json").read_text(encoding="utf-8"))
    assert api["lingue"] == ["inglese", "francese", "arabo"] and api["tempi"].startswith("La tessera")


def test_report_channels_from_the_catalogue_or_the_editor():
    from reti_adi.site.pages.report import ReportChannels

    forge = ReportChannels("https://forge.example/org/catalogo/issues/new?template=correzione.yml&servizio={servizio}",
                           None)
    link = forge.form_link("emporio-solidale", "Emporio solidale")
    assert link == ("https://forge.example/org/catalogo/issues/new?template=correzione.yml"
                    "&servizio=emporio-solidale")
    plain = ReportChannels("https://moduli.example/segnala?fonte=catalogo", None)
    assert plain.form_link("a-b", "x") == "https://moduli.example/segnala?fonte=catalogo&servizio=a-b"
    assert ReportChannels(None, None).form_link("a", "x") is None


def test_every_service_page_links_to_a_report_channel(built_site):
    for page in (built_site / "servizi").glob("*/index.html"):
        service_id = page.parent.name
        assert f"servizio={service_id}" in page.read_text(encoding="utf-8"), service_id
