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
        assert "<table>" in text and "<table class" not in text, relative


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
