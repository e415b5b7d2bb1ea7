"""DCAT-AP_IT metadata of dati/: it parses, says the same in Turtle and JSON-LD, conforms to the
official DCAT-AP SHACL shapes, and has every element dati.gov.it requires, per dataset and
distribution; without url_sito nothing is invented and check says what is missing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from reti_adi.build import DATA_STEPS, build
from reti_adi.check import check

from ..conftest import REFERENCE_DATE, REPO

# plain Namespaces: rdflib's closed ones warn when pytest probes module attributes
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
DCATAPIT = Namespace("http://dati.gov.it/onto/dcatapit#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
SHAPES = REPO / "schemas" / "dcat-ap-2.1.1"
SITE = "https://sostegni.pianuraest.example.it/"


def _publish(root: Path, monkeypatch, **kwargs) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    build(root, today=REFERENCE_DATE, steps=DATA_STEPS, **kwargs)
    return root / "build"


def _graph(built: Path, name: str = "dcat.ttl") -> Graph:
    """Parsed where it is published, so relative IRIs resolve to the files beside it."""
    path = built / "dati" / name
    return Graph().parse(path, format="json-ld" if name.endswith(".jsonld") else "turtle", publicID=path.as_uri())


@pytest.fixture
def built(catalogue_copy, monkeypatch) -> Path:
    return _publish(catalogue_copy, monkeypatch)


def _one(g: Graph, subject, predicate):
    values = list(g.objects(subject, predicate))
    assert len(values) == 1, (subject, predicate, values)
    return values[0]


def test_turtle_and_json_ld_say_the_same_triples(built):
    turtle, jsonld = _graph(built), _graph(built, "dcat.jsonld")
    assert len(turtle) > 200
    assert isomorphic(turtle, jsonld)


def test_the_official_dcat_ap_shapes_find_no_violation(built):
    data = _graph(built)
    shapes = Graph().parse(SHAPES / "dcat-ap_2.1.1_shacl_shapes.ttl", format="turtle")
    conforms, _, text = validate(data, shacl_graph=shapes, inference="none")
    assert conforms, text
    # recommended properties: only those the catalogue cannot know are missing
    recommended = Graph().parse(SHAPES / "dcat-ap_2.1.1_shacl_shapes_recommended.ttl", format="turtle")
    _, report, _ = validate(data, shacl_graph=recommended, inference="none")
    SH = Namespace("http://www.w3.org/ns/shacl#")
    missing = {str(report.value(r, SH.resultPath)).rsplit("/", 1)[-1] for r in report.subjects(RDF.type, SH.ValidationResult)}
    # issued: the first publication date is not in the catalogue; temporal: a directory has no period;
    # type of the agent: no ADMS publisher type is recorded; homepage: the example declares no url_sito
    assert missing <= {"issued", "temporal", "type", "homepage"}, missing


def test_the_shapes_do_catch_a_missing_title(built):
    """Guard: the SHACL check above can fail."""
    data = _graph(built)
    dataset = next(data.subjects(RDF.type, DCATAPIT.Dataset))
    data.remove((dataset, DCTERMS["title"], None))
    shapes = Graph().parse(SHAPES / "dcat-ap_2.1.1_shacl_shapes.ttl", format="turtle")
    conforms, _, text = validate(data, shacl_graph=shapes, inference="none")
    assert not conforms and "dct:title" in text


def test_every_element_dati_gov_it_requires_is_there(built):
    g = _graph(built)
    (dataset,) = g.subjects(RDF.type, DCATAPIT.Dataset)
    assert (dataset, RDF.type, DCAT.Dataset) in g
    assert str(_one(g, dataset, DCTERMS.identifier)) == "urg_bo:reti-adi-catalogo"  # IPA code of the editore
    assert _one(g, dataset, DCTERMS["title"]).language == "it"
    assert str(_one(g, dataset, DCTERMS.description))
    assert _one(g, dataset, DCTERMS.modified) == Literal("2025-11-24", datatype=XSD.date)
    assert _one(g, dataset, DCAT.theme) == URIRef(f"{EU}data-theme/SOCI")
    assert str(_one(g, dataset, DCTERMS.accrualPeriodicity)).startswith(f"{EU}frequency/")
    for role in (DCTERMS.publisher, DCTERMS.rightsHolder):
        agent = _one(g, dataset, role)
        assert (agent, RDF.type, DCATAPIT.Agent) in g
        assert str(_one(g, agent, DCTERMS.identifier)) == "urg_bo"
        assert str(_one(g, agent, FOAF.name)) == "Unione Reno Galliera"
    contact = _one(g, dataset, DCAT.contactPoint)
    assert (contact, RDF.type, DCATAPIT.Organization) in g and (contact, RDF.type, VCARD.Organization) in g
    assert str(_one(g, contact, VCARD.fn)) == "Ufficio di Piano"
    assert _one(g, contact, VCARD.hasEmail) == URIRef("mailto:info@unionerenogalliera.example.it")
    assert _one(g, contact, VCARD.hasURL) == URIRef("https://www.unionerenogalliera.example.it")
    (catalog,) = g.subjects(RDF.type, DCATAPIT.Catalog)
    for prop in (DCTERMS["title"], DCTERMS.description, DCTERMS.publisher, DCTERMS.modified):
        _one(g, catalog, prop)
    assert _one(g, catalog, DCAT.dataset) == dataset

    distributions = list(g.objects(dataset, DCAT.distribution))
    package = json.loads((built / "dati" / "datapackage.json").read_text())
    assert len(distributions) == len(package["resources"]) + 4  # + descriptor, zip, JSON API, HSDS
    for node in distributions:
        assert (node, RDF.type, DCATAPIT.Distribution) in g
        assert str(_one(g, node, DCTERMS["format"])).startswith(f"{EU}file-type/")
        licence = _one(g, node, DCTERMS.license)
        assert str(licence).startswith("https://w3id.org/italia/controlled-vocabulary/licences/")
        assert (licence, RDF.type, DCATAPIT.LicenseDocument) in g and _one(g, licence, DCTERMS.type)
        _one(g, node, DCTERMS["title"])
        access = _one(g, node, DCAT.accessURL)
        target = Path(access.removeprefix("file://"))
        assert target.is_file(), access  # every address points at a published file
        for download in g.objects(node, DCAT.downloadURL):
            size = int(_one(g, node, DCAT.byteSize).toPython())
            assert Path(download.removeprefix("file://")).stat().st_size == size
    paths = {Path(str(_one(g, d, DCAT.accessURL)).removeprefix("file://")).relative_to(built).as_posix()
             for d in distributions}
    assert {f"dati/{r['path']}" for r in package["resources"]} <= paths
    assert {"dati/reti-adi-dati.zip", "dati/datapackage.json", "api/v1/index.json", "api/hsds/index.json"} <= paths


def _absolute_iris(g: Graph) -> set[str]:
    return {str(term) for triple in g for term in triple
            if isinstance(term, URIRef) and str(term).startswith(("http://", "https://"))}


VOCABULARIES = ("http://publications.europa.eu/resource/authority/", "https://w3id.org/italia/controlled-vocabulary/",
                "http://purl.org/adms/", "http://www.iana.org/assignments/media-types/", "http://www.w3.org/",
                "http://dati.gov.it/onto/", "http://purl.org/dc/terms/", "http://xmlns.com/foaf/",
                "http://data.europa.eu/r5r/", "https://docs.openreferral.org", "https://specs.frictionlessdata.io/")


def test_without_url_sito_nothing_is_invented_and_check_warns(built, catalogue_copy):
    ttl = (built / "dati" / "dcat.ttl").read_text()
    g = Graph().parse(data=ttl, format="turtle")  # no base: relative IRIs stay relative
    invented = {iri for iri in _absolute_iris(g) if not iri.startswith(VOCABULARIES)}
    assert invented == {"https://www.unionerenogalliera.example.it"}  # the editore's sito_web, from its YAML
    assert "<./#dataset>" in ttl and "<reti-adi-dati.zip>" in ttl and "<../api/v1/index.json>" in ttl
    warnings = [p for p in check(catalogue_copy, REFERENCE_DATE).warnings if p.rule.startswith("dati-aperti.")]
    assert [(p.file, p.field, p.rule) for p in warnings] == [
        ("catalogo/catalogo.yaml", "url_sito", "dati-aperti.url-sito")]


def test_with_url_sito_every_address_is_absolute_under_the_site(catalogue_copy, monkeypatch):
    meta = catalogue_copy / "catalogo" / "catalogo.yaml"
    meta.write_text(meta.read_text() + f"url_sito: {SITE}\n")
    built = _publish(catalogue_copy, monkeypatch, first_publication=True)  # the declared site is not reachable
    g = Graph().parse(built / "dati" / "dcat.ttl", format="turtle")
    (dataset,) = g.subjects(RDF.type, DCATAPIT.Dataset)
    assert str(dataset) == f"{SITE}dati/#dataset"
    assert _one(g, dataset, DCAT.landingPage) == URIRef(SITE)
    accesses = {str(o) for o in g.objects(None, DCAT.accessURL)}
    assert f"{SITE}api/v1/index.json" in accesses and f"{SITE}dati/servizi.csv" in accesses
    assert all(a.startswith(SITE) for a in accesses)
    assert not [p for p in check(catalogue_copy, REFERENCE_DATE).warnings if p.rule.startswith("dati-aperti.")]


def test_an_editore_without_email_is_reported(catalogue_copy):
    editore = catalogue_copy / "catalogo" / "enti" / "unione-reno-galliera.yaml"
    editore.write_text(editore.read_text().replace('  email: "info@unionerenogalliera.example.it"\n', ""))
    rules = {(p.file, p.field) for p in check(catalogue_copy, REFERENCE_DATE).warnings
             if p.rule == "dati-aperti.email"}
    assert rules == {("catalogo/enti/unione-reno-galliera.yaml", "contatti.email")}


def test_the_bytes_do_not_depend_on_the_process(catalogue_copy, tmp_path):
    """rdflib iterates sets: the serialisation must still be the same in every process."""
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"b{seed}"
        env = dict(os.environ, PYTHONHASHSEED=seed, SOURCE_DATE_EPOCH="1764000000")
        subprocess.run([sys.executable, "-c", "import sys; from reti_adi.build import DATA_STEPS, build; "
                        "build(sys.argv[1], sys.argv[2], steps=DATA_STEPS[:4])", str(catalogue_copy), str(out)],
                       check=True, env=env, capture_output=True)
        outputs.append({name: (out / "dati" / name).read_bytes() for name in ("dcat.ttl", "dcat.jsonld")})
    assert outputs[0] == outputs[1]
