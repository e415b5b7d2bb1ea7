"""The real site built by mkdocs-material (strict) and Pagefind: links, privacy, safety, structure."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.jsonld: list[str] = []
        self._in_jsonld = False
        self.scripts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for attribute in ("href", "src"):
            if attrs.get(attribute):
                self.links.append((tag, attribute, attrs[attribute]))
        if tag == "script":
            self._in_jsonld = attrs.get("type") == "application/ld+json"
            if not attrs.get("src") and not self._in_jsonld:
                self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_jsonld = False

    def handle_data(self, data):
        if self._in_jsonld:
            self.jsonld.append(data)


def parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.parts)


def test_site_has_every_generated_page_kind(built_site):
    for page in ("index.html", "cerca/index.html", "servizi/emporio-solidale/index.html",
                 "enti/odv-rete-solidale/index.html", "ambiti/pianura-est/index.html",
                 "ambiti/pianura-est/non-presenti/index.html", "comuni/037008/index.html", "tipologie/d/index.html",
                 "aree/POV/index.html", "fonti/fnps-2026/index.html", "accessibilita/index.html",
                 "licenza/index.html", "per-le-piattaforme/index.html", "come-consultare/index.html",
                 "per-chi-gestisce/index.html"):
        assert (built_site / page).is_file(), page
    assert (built_site / "api/v1/index.json").is_file() and (built_site / "dati/datapackage.json").is_file()
    assert (built_site / "pagefind/regioni.json").is_file()
    assert (built_site / "pagefind/emilia-romagna/pagefind.js").is_file()


def test_every_internal_link_resolves(built_site):
    broken = []
    pages = html_pages(built_site)
    assert len(pages) > 100
    for page in pages:
        base = "http://sito.local/" + page.relative_to(built_site).as_posix()
        for tag, attribute, value in parse(page).links:
            url = urlparse(urljoin(base, value))
            if url.scheme in ("mailto", "tel") or url.netloc not in ("sito.local", ""):
                continue
            target = built_site / unquote(url.path).lstrip("/")
            if url.path.endswith("/"):
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(built_site)}: {tag}[{attribute}]={value}")
    assert broken == []


def test_no_request_to_third_party_hosts(built_site):
    """Links to other sites are fine; loading anything from them is not."""
    offenders = []
    for page in html_pages(built_site):
        for tag, attribute, value in parse(page).links:
            loads = tag in ("script", "img", "iframe", "source", "video", "audio") or (
                tag == "link" and attribute == "href")
            if loads and urlparse(value).netloc:
                offenders.append(f"{page.relative_to(built_site)}: <{tag} {attribute}={value}>")
    for css in built_site.rglob("*.css"):
        for url in re.findall(r"url\(([^)]+)\)|@import\s+['\"]([^'\"]+)", css.read_text(encoding="utf-8")):
            value = (url[0] or url[1]).strip("'\"")
            if urlparse(value).netloc:
                offenders.append(f"{css.relative_to(built_site)}: {value}")
    assert offenders == []


def test_service_pages_are_not_in_the_navigation(built_site):
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert "servizi/emporio-solidale/" not in home
    page = built_site / "servizi/emporio-solidale/index.html"
    assert page.stat().st_size < 60_000


def test_service_page_sections_badge_and_json_link(built_site):
    text = (built_site / "servizi/laboratori-pre-lavorativi/index.html").read_text(encoding="utf-8")
    for heading in ("A chi è rivolto", "Come accedere", "Cosa serve", "Costi", "Dove e quando", "Contatti",
                    "Ente erogatore", "Finanziamento", "Stato"):
        assert f">{heading}</h2>" in text, heading
    assert 'class="ra-badge ra-badge--sospeso"' in text
    assert "Ultima verifica" in text
    assert 'href="../../api/v1/servizi/laboratori-pre-lavorativi.json"' in text


def test_jsonld_describes_the_service(built_site):
    page = parse(built_site / "servizi/emporio-solidale/index.html")
    assert len(page.jsonld) == 1
    data = json.loads(page.jsonld[0])
    assert data["@type"] == "GovernmentService" and data["name"] == "Emporio solidale"
    assert data["provider"]["name"].startswith("La Rete Solidale")
    assert {a["identifier"] for a in data["areaServed"]} >= {"037005", "037008"}
    hours = data["availableChannel"][0]["serviceLocation"]["openingHoursSpecification"]
    assert {"opens": "15:00", "closes": "18:30"}.items() <= hours[0].items()


def test_hostile_text_never_becomes_markup(built_site):
    page = built_site / "servizi/servizio-ostile/index.html"
    text = page.read_text(encoding="utf-8")
    assert "window.__pwned" in text  # the text is there, shown as text...
    assert "<script>window.__pwned" not in text  # ...never as a script
    assert "<img src=x" not in text and 'onerror="window' not in text
    assert 'href="javascript:' not in text.lower()
    parsed = parse(page)
    assert all("__pwned" not in value for _, _, value in parsed.links)
    data = json.loads(parsed.jsonld[0])  # still valid JSON, with the text intact
    assert "</script><script>" in data["audience"]["audienceType"]
    assert "</script><script>" not in "".join(parsed.jsonld)


def test_list_pages_are_plain_accessible_tables(built_site):
    text = (built_site / "comuni/037008/index.html").read_text(encoding="utf-8")
    assert "<caption>" in text and '<th scope="col">Servizio</th>' in text
    assert "Doposcuola solidale" in text
    missing = (built_site / "ambiti/pianura-est/non-presenti/index.html").read_text(encoding="utf-8")
    assert "Housing First per persone senza dimora" in missing and "Emporio solidale" not in missing


def test_pagefind_indexes_only_service_pages(built_site):
    entry = json.loads((built_site / "pagefind/emilia-romagna/pagefind-entry.json").read_text())
    languages = entry["languages"]
    assert list(languages) == ["it"]
    assert languages["it"]["page_count"] == 42  # 41 example services + the hostile one


def test_site_built_by_two_processes_is_identical_to_one(catalogue_copy, tmp_path, monkeypatch):
    """Large catalogues render and lay out their pages in two processes; the result must not change."""
    import hashlib
    import shutil as sh

    from reti_adi.build import build
    from reti_adi.site import mkdocs_site

    from ..conftest import REFERENCE_DATE, REPO

    for name in ("site_src", "mkdocs.yml"):
        source = REPO / name
        (sh.copytree if source.is_dir() else sh.copy)(source, catalogue_copy / name)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    trees = []
    for jobs in (1, 2):
        monkeypatch.setattr(mkdocs_site, "site_jobs", lambda services, jobs=jobs: jobs)
        out = tmp_path / f"jobs-{jobs}"
        build(catalogue_copy, out, today=REFERENCE_DATE)
        # Pagefind's own chunk names vary from run to run (even with one process): compare what it indexed.
        entry = json.loads((out / "pagefind/emilia-romagna/pagefind-entry.json").read_text())
        trees.append({"pagefind pages": entry["languages"]["it"]["page_count"]}
                     | {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                        for p in out.rglob("*") if p.is_file() and "pagefind" not in p.parts})
    assert trees[0] == trees[1]
    assert sum(1 for name in trees[0] if name.startswith("servizi/")) == 41


def test_one_search_index_per_regione(two_region_site):
    listing = json.loads((two_region_site / "pagefind/regioni.json").read_text(encoding="utf-8"))
    assert [(r["id"], r["nome"], r["servizi"]) for r in listing["regioni"]] == [
        ("emilia-romagna", "Emilia-Romagna", 41), ("toscana", "Toscana", 2)]
    for region in listing["regioni"]:
        entry = json.loads((two_region_site / "pagefind" / region["id"] / "pagefind-entry.json").read_text())
        assert entry["languages"]["it"]["page_count"] == region["servizi"]
    toscana = json.loads((two_region_site / "pagefind/toscana/filtri.json").read_text(encoding="utf-8"))
    assert toscana["valori"]["comune"] == {"Fiesole": 2, "Firenze": 1}
    assert toscana["ambiti_dei_comuni"] == {"Fiesole": ["Ambito di prova Colline fiorentine"],
                                            "Firenze": ["Ambito di prova Colline fiorentine"]}
    assert set(listing["filtri"]) == {"tipologia", "area", "stato"}  # no per-regione lists in the national file
    assert sum(listing["filtri"]["stato"].values()) == 43


def test_a_large_regione_is_indexed_in_shards_that_split_its_pages(sharded_site, two_region_site):
    from reti_adi.site.search_index import shards

    from ..conftest import SMALL_SHARDS

    listing = json.loads((sharded_site / "pagefind/regioni.json").read_text(encoding="utf-8"))
    regions = {r["id"]: r for r in listing["regioni"]}
    assert regions["toscana"]["indici"] == ["toscana/"]  # 2 services: one bundle, where it always was
    emilia = regions["emilia-romagna"]
    assert emilia["indice"] == "emilia-romagna/" and emilia["indici"][0] == "emilia-romagna/"
    assert len(emilia["indici"]) == -(-41 // SMALL_SHARDS) and len(set(emilia["indici"])) == len(emilia["indici"])
    pages = []
    for bundle in emilia["indici"]:
        entry = json.loads((sharded_site / "pagefind" / bundle / "pagefind-entry.json").read_text())
        count = entry["languages"]["it"]["page_count"]
        assert 0 < count <= 2 * SMALL_SHARDS, bundle
        pages += sorted(p.name for p in (sharded_site / "pagefind" / bundle / "fragment").iterdir())
    assert len(pages) == len(set(pages)) == 41  # each service in exactly one shard
    assert (sharded_site / "pagefind/emilia-romagna/filtri.json").read_bytes() == \
        (two_region_site / "pagefind/emilia-romagna/filtri.json").read_bytes()
    one = json.loads((two_region_site / "pagefind/regioni.json").read_text(encoding="utf-8"))
    assert [r["indici"] for r in one["regioni"]] == [[r["indice"]] for r in one["regioni"]]
    # the same services always land in the same shard, whatever their order
    services = [type("S", (), {"id": f"servizio-{n}"})() for n in range(25)]
    first = {bundle: sorted(s.id for s in group) for bundle, group in shards("x", services, 10)}
    again = {bundle: sorted(s.id for s in group) for bundle, group in shards("x", services[::-1], 10)}
    assert first == again and list(first)[0] == "x" and all(b.startswith("x_") for b in list(first)[1:])


def test_the_national_menus_count_every_regione_s_services(two_region_site):
    from collections import Counter

    listing = json.loads((two_region_site / "pagefind/regioni.json").read_text(encoding="utf-8"))
    summed: dict[str, Counter] = {}
    for region in listing["regioni"]:
        values = json.loads((two_region_site / "pagefind" / region["indice"] / "filtri.json").read_text())["valori"]
        for key in ("tipologia", "area", "stato"):
            summed.setdefault(key, Counter()).update(values.get(key, {}))
    assert listing["filtri"] == {key: dict(counts) for key, counts in summed.items() if counts}
    assert sum(listing["filtri"]["stato"].values()) == sum(r["servizi"] for r in listing["regioni"])
