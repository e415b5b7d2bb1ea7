"""Everything a source publishes reaches the portal's API unchanged: services with every field, enti, fonti,
ambiti, reti and protocolli. The source is the project's example catalogue, which uses every field."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reti_adi.build import DATA_STEPS, SITE_STEPS
from reti_adi.federation.pipeline import raccogli
from reti_adi.publish import api_models as m

from ..conftest import REPO
from .publications import publish

SOURCE = "src"
PORTAL_URLS = {"url_pagina", "url_json", "url_docx", "url_sostegni"}
"""The only fields the portal rewrites besides ids: links to its own pages and files."""


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("trasporta")
    for folder in ("catalogo", "protocolli"):
        shutil.copytree(REPO / folder, base / "repo" / folder)
    publish(base / "repo", base / "pubblicazione")
    sources = base / "sorgenti.yaml"
    sources.write_text(f"sorgenti:\n  - id: {SOURCE}\n    cartella: pubblicazione\n", encoding="utf-8")
    raccogli(sources, steps=DATA_STEPS[:1] + SITE_STEPS)  # the site too: its pages link the source's channel
    return base / "pubblicazione" / "api" / "v1", base / "build" / "api" / "v1"


def _read(path: Path) -> dict:
    return json.loads(path.read_bytes())


def _as_published_by_the_source(portal_document: dict) -> dict:
    """The portal's document with its ids back to the source's local ones («src-x» -> «x») and its own links
    left out: what remains must be exactly what the source published."""
    text = json.dumps(portal_document, ensure_ascii=False).replace(f'"{SOURCE}-', '"')
    return _without_links(json.loads(text))


def _without_links(value):
    if isinstance(value, dict):
        return {k: _without_links(v) for k, v in value.items() if k not in PORTAL_URLS}
    if isinstance(value, list):
        return [_without_links(v) for v in value]
    return value


def test_the_example_source_uses_every_published_field_of_a_service(published):
    source, _ = published
    services = [_read(p) for p in (source / "servizi").glob("*.json")]
    services = [s for s in services if not s.get("rimosso")]
    unused = [f for f in m.ServizioDettaglio.model_fields if all(s.get(f) in (None, [], {}) for s in services)]
    sedi = [sede for s in services for sede in s.get("sedi", [])]
    unused += [f"sedi.{f}" for f in m.SedeOut.model_fields if all(x.get(f) in (None, [], {}) for x in sedi)]
    assert unused == [], "il catalogo di esempio non usa questi campi: il test sotto non li controllerebbe"


def test_every_field_of_every_service_reaches_the_portal_unchanged(published):
    source, portal = published
    services = sorted(p.name for p in (source / "servizi").glob("*.json"))
    live = [name for name in services if not _read(source / "servizi" / name).get("rimosso")]
    assert live
    for name in live:
        ours = _read(source / "servizi" / name)
        theirs = _read(portal / "servizi" / f"{SOURCE}-{name}")
        assert _as_published_by_the_source(theirs) == _without_links(ours), name


@pytest.mark.parametrize("document, key", [("enti.json", "enti"), ("fonti.json", "fonti"),
                                           ("ambiti.json", "ambiti"), ("reti.json", "reti")])
def test_every_list_reaches_the_portal_unchanged(published, document, key):
    source, portal = published
    ours = _read(source / document)[key]
    assert ours, f"il catalogo di esempio non pubblica {key}"
    assert _as_published_by_the_source(_read(portal / document))[key] == _without_links(ours)


def test_every_protocol_reaches_the_portal_unchanged(published):
    source, portal = published
    names = sorted(p.name for p in (source / "protocolli").glob("*.json"))
    assert names
    for name in names:
        theirs = _read(portal / "protocolli" / f"{SOURCE}-{name}")
        assert _as_published_by_the_source(theirs) == _without_links(_read(source / "protocolli" / name)), name
    assert [p["id"] for p in _read(portal / "protocolli.json")["protocolli"]] == \
        [f"{SOURCE}-{n.removesuffix('.json')}" for n in names]


def test_a_correction_goes_to_the_channel_of_the_source_with_its_local_id(published):
    source, portal = published
    channel = _read(source / "index.json")["segnalazioni"]
    assert channel["url"].endswith("?servizio={servizio}") and channel["email"]
    service = next(p.stem for p in (source / "servizi").glob("*.json") if not _read(p).get("rimosso"))
    page = (portal.parents[1] / "servizi" / f"{SOURCE}-{service}" / "index.html").read_text(encoding="utf-8")
    assert f'href="{channel["url"].replace("{servizio}", service)}"' in page.replace("&amp;", "&")
    assert f"mailto:{channel['email']}?subject=Correzione%20al%20catalogo%3A%20servizio%20{service}&" in page


def test_the_portal_site_has_the_source_networks_and_protocols(published):
    source, portal = published
    site = portal.parents[1]
    for rete in _read(source / "reti.json")["reti"]:
        assert (site / "reti" / f"{SOURCE}-{rete['id']}" / "index.html").is_file()
    for path in (source / "protocolli").glob("*.json"):
        assert (site / "protocolli" / f"{SOURCE}-{path.stem}" / "index.html").is_file()
