"""DCAT-AP_IT metadata of the open data (dati/dcat.ttl, dati/dcat.jsonld): what dati.gov.it harvests.

The graph is built and serialised with rdflib, so Turtle and JSON-LD say the same triples. Every
node is an IRI (no blank nodes) and every value is ordered, so the same input gives the same
bytes. When the catalogue declares no url_sito the IRIs stay relative to dati/ (they resolve
against wherever the files are served): nothing is invented, and rules/open_data.py warns about
what a harvester will miss.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from urllib.parse import urljoin

from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL

from reti_adi.catalogue.records import Catalogue
from reti_adi.publish.context import BuildContext

DCATAPIT = Namespace("http://dati.gov.it/onto/dcatapit#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
THEME_SOCI = URIRef(f"{EU}data-theme/SOCI")
THEMES = URIRef(f"{EU}data-theme")
FREQUENCY_IRREGULAR = URIRef(f"{EU}frequency/IRREG")
"""The catalogue is republished whenever its maintainers change it: no fixed schedule."""
ITALIAN = URIRef(f"{EU}language/ITA")
ITALY = URIRef(f"{EU}country/ITA")
STABLE = URIRef(f"{EU}planned-availability/STABLE")
"""Every published path is kept: a file moves only under a new API version."""
DCATAP = Namespace("http://data.europa.eu/r5r/")
FILE_TYPES = {"csv": "CSV", "json": "JSON", "zip": "ZIP", "ttl": "RDF_TURTLE", "rdf": "RDF_XML", "jsonld": "JSON_LD"}
MEDIA_TYPES = {"csv": "text/csv", "json": "application/json", "zip": "application/zip"}
LICENCES = {
    # the Italian controlled vocabulary of licences (w3id.org/italia), as dati.gov.it expects
    "CC-BY-4.0": ("https://w3id.org/italia/controlled-vocabulary/licences/A21_CCBY40",
                  "Creative Commons Attribuzione 4.0 Internazionale (CC BY 4.0)", "Attribution"),
    "CC0-1.0": ("https://w3id.org/italia/controlled-vocabulary/licences/A11_CCO10",
                "Creative Commons CC0 1.0 Universale - Public Domain Dedication (CC0 1.0)", "PublicDomain"),
    "IODL-2.0": ("https://w3id.org/italia/controlled-vocabulary/licences/A29_IODL20",
                 "Italian Open Data License v2.0 (IODL 2.0)", "Attribution"),
}
LICENCE_TYPE = "http://purl.org/adms/licencetype/"
DATASET_NAME = "reti-adi-catalogo"
DCAT_FILES = ("dcat.ttl", "dcat.jsonld")
HSDS_SPEC = URIRef("https://docs.openreferral.org")
FRICTIONLESS_SPEC = URIRef("https://specs.frictionlessdata.io/tabular-data-package/")
PREFIXES = {"dcat": DCAT, "dct": DCTERMS, "foaf": FOAF, "vcard": VCARD, "dcatapit": DCATAPIT, "owl": OWL,
            "xsd": XSD, "dcatap": DCATAP}
KEYWORDS = ("Assegno di Inclusione", "servizi sociali", "Patto per l'inclusione", "welfare locale",
            "ambito territoriale sociale")


@dataclass(frozen=True, slots=True)
class PublicationDates:
    issued: date | None
    """The first publication (change set 1 of the change log)."""
    modified: date
    """The publication that last changed any record (the latest change set), not the build's date."""


def publisher(catalogue: Catalogue):
    meta = catalogue.meta.model if catalogue.meta else None
    return catalogue.get("ente", meta.editore) if meta else None


class _Iri:
    """IRIs of the nodes and files: absolute under url_sito/dati/, else relative to dati/."""

    def __init__(self, site_url: str):
        self.base = f"{site_url}dati/" if site_url else ""

    def node(self, name: str) -> URIRef:
        return URIRef(f"{self.base or './'}#{name}")

    def file(self, relative_to_dati: str) -> URIRef:
        return URIRef(urljoin(self.base, relative_to_dati) if self.base else relative_to_dati)


def _distribution(g: Graph, iri: _Iri, name: str, title: str, description: str, path: str, licence: URIRef,
                  size: int | None, download: bool = True, conforms_to: URIRef | None = None) -> URIRef:
    node = iri.node(f"distribuzione-{name}")
    extension = path.rsplit(".", 1)[-1]
    g.add((node, RDF.type, DCATAPIT.Distribution))
    g.add((node, RDF.type, DCAT.Distribution))
    g.add((node, DCTERMS.title, Literal(title, lang="it")))
    g.add((node, DCTERMS.description, Literal(description, lang="it")))
    if extension in FILE_TYPES:  # a new kind of file without its EU file type fails the DCAT tests, not the build
        g.add((node, DCTERMS.format, URIRef(f"{EU}file-type/{FILE_TYPES[extension]}")))
    if extension in MEDIA_TYPES:
        g.add((node, DCAT.mediaType, URIRef(f"http://www.iana.org/assignments/media-types/{MEDIA_TYPES[extension]}")))
    g.add((node, DCAT.accessURL, iri.file(path)))
    if download:
        g.add((node, DCAT.downloadURL, iri.file(path)))
    g.add((node, DCTERMS.license, licence))
    g.add((node, DCATAP.availability, STABLE))
    if size is not None:
        # DCAT-AP 2.1 types byteSize as xsd:decimal; «137.0» is its canonical form, the same in both files
        g.add((node, DCAT.byteSize, Literal(f"{size}.0", datatype=XSD.decimal)))
    if conforms_to is not None:
        g.add((node, DCTERMS.conformsTo, conforms_to))
    return node


def build_graph(catalogue: Catalogue, ctx: BuildContext, package: dict, sizes: dict[str, int],
                api_entry: str | None, hsds_entry: str | None, dates: PublicationDates | None = None) -> Graph:
    """package: the datapackage.json descriptor; sizes: bytes of each file in dati/;
    *_entry: paths relative to dati/ of the APIs' entry points, None when not published;
    dates: from the change log, so a rebuild of unchanged data does not look like new data to a harvester."""
    meta = catalogue.meta.model if catalogue.meta else None
    editore = publisher(catalogue)
    iri = _Iri(ctx.site_url)
    g = Graph(bind_namespaces="core")
    for prefix, namespace in PREFIXES.items():
        g.bind(prefix, namespace)
    dates = dates or PublicationDates(issued=None, modified=ctx.date)
    modified = Literal(dates.modified.isoformat(), datatype=XSD.date)
    issued = Literal(dates.issued.isoformat(), datatype=XSD.date) if dates.issued else None
    description = (meta.descrizione if meta and meta.descrizione else ctx.title)

    agent = iri.node("editore")
    if editore is not None:
        g.add((agent, RDF.type, DCATAPIT.Agent))
        g.add((agent, RDF.type, FOAF.Agent))
        g.add((agent, FOAF.name, Literal(editore.denominazione, lang="it")))
        if editore.codice_ipa:
            g.add((agent, DCTERMS.identifier, Literal(editore.codice_ipa)))

    contact = iri.node("punto-di-contatto")
    if editore is not None:
        g.add((contact, RDF.type, DCATAPIT.Organization))
        g.add((contact, RDF.type, VCARD.Organization))
        g.add((contact, RDF.type, VCARD.Kind))
        contatti = editore.contatti
        g.add((contact, VCARD.fn, Literal(contatti.ufficio if contatti and contatti.ufficio
                                          else editore.denominazione, lang="it")))
        if contatti and contatti.email:
            g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{contatti.email}")))
        if editore.sito_web:
            g.add((contact, VCARD.hasURL, URIRef(editore.sito_web)))

    uri, name, kind = LICENCES[ctx.licence]
    licence = URIRef(uri)
    g.add((licence, RDF.type, DCATAPIT.LicenseDocument))
    g.add((licence, RDF.type, DCTERMS.LicenseDocument))
    g.add((licence, FOAF.name, Literal(name, lang="it")))
    g.add((licence, DCTERMS.type, URIRef(f"{LICENCE_TYPE}{kind}")))

    dataset = iri.node("dataset")
    g.add((dataset, RDF.type, DCATAPIT.Dataset))
    g.add((dataset, RDF.type, DCAT.Dataset))
    prefix = f"{editore.codice_ipa}:" if editore is not None and editore.codice_ipa else ""
    g.add((dataset, DCTERMS.identifier, Literal(f"{prefix}{DATASET_NAME}")))
    g.add((dataset, DCTERMS.title, Literal(ctx.title, lang="it")))
    g.add((dataset, DCTERMS.description, Literal(description, lang="it")))
    g.add((dataset, DCTERMS.modified, modified))
    if issued is not None:
        g.add((dataset, DCTERMS.issued, issued))
    g.add((dataset, DCAT.theme, THEME_SOCI))
    g.add((dataset, DCTERMS.accrualPeriodicity, FREQUENCY_IRREGULAR))
    g.add((dataset, DCTERMS.language, ITALIAN))
    g.add((dataset, DCTERMS.spatial, ITALY))
    g.add((dataset, OWL.versionInfo, Literal(ctx.catalogue_version)))
    for keyword in KEYWORDS:
        g.add((dataset, DCAT.keyword, Literal(keyword, lang="it")))
    if editore is not None:
        g.add((dataset, DCTERMS.publisher, agent))
        g.add((dataset, DCTERMS.rightsHolder, agent))
        g.add((dataset, DCAT.contactPoint, contact))
    if ctx.site_url:
        g.add((dataset, DCAT.landingPage, URIRef(ctx.site_url)))

    distributions = []
    for resource in package["resources"]:
        distributions.append(_distribution(
            g, iri, resource["name"], resource["title"], f"Tabella CSV «{resource['title']}» (UTF-8, con intestazione)",
            resource["path"], licence, sizes[resource["path"]]))
    distributions.append(_distribution(
        g, iri, "datapackage", "Descrittore del pacchetto di dati (Frictionless)",
        "Descrittore Frictionless Tabular Data Package: tabelle, tipi, chiavi primarie ed esterne",
        "datapackage.json", licence, sizes["datapackage.json"], conforms_to=FRICTIONLESS_SPEC))
    zip_name = next(name for name in sorted(sizes) if name.endswith(".zip"))
    distributions.append(_distribution(
        g, iri, "zip", "Pacchetto di dati completo (zip)", "Tutte le tabelle CSV e il descrittore in un unico file",
        zip_name, licence, sizes[zip_name]))
    if api_entry:
        distributions.append(_distribution(
            g, iri, "api-json", "API JSON statica (v1)",
            "Manifesto dell'API JSON del catalogo: servizi, enti, fonti, ambiti, reti e protocolli, con i loro schemi",
            api_entry, licence, None, download=False))
    if hsds_entry:
        distributions.append(_distribution(
            g, iri, "hsds", "Esportazione Open Referral HSDS 3.1",
            "Servizi, organizzazioni, sedi, orari, aree servite, finanziamenti e tassonomie nel formato HSDS 3.1",
            hsds_entry, licence, None, download=False, conforms_to=HSDS_SPEC))
    for node in distributions:
        g.add((dataset, DCAT.distribution, node))

    catalog = iri.node("catalogo")
    g.add((catalog, RDF.type, DCATAPIT.Catalog))
    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCTERMS.title, Literal(ctx.title, lang="it")))
    g.add((catalog, DCTERMS.description, Literal(description, lang="it")))
    g.add((catalog, DCTERMS.modified, modified))
    if issued is not None:
        g.add((catalog, DCTERMS.issued, issued))
    g.add((catalog, DCTERMS.language, ITALIAN))
    g.add((catalog, DCTERMS.spatial, ITALY))
    g.add((catalog, DCTERMS.license, licence))
    g.add((catalog, DCAT.themeTaxonomy, THEMES))
    g.add((catalog, DCAT.dataset, dataset))
    if editore is not None:
        g.add((catalog, DCTERMS.publisher, agent))
    if ctx.site_url:
        g.add((catalog, FOAF.homepage, URIRef(ctx.site_url)))
    return g


def _ordered(value):
    """JSON-LD values are unordered sets (no @list here): sort them so the bytes never vary."""
    if isinstance(value, dict):
        return {key: _ordered(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        return sorted((_ordered(item) for item in value), key=lambda item: json.dumps(item, sort_keys=True))
    return value


def build_dcat(catalogue: Catalogue, ctx: BuildContext, package: dict, sizes: dict[str, int],
               api_entry: str | None = None, hsds_entry: str | None = None,
               dates: PublicationDates | None = None) -> dict[str, bytes]:
    """Name under dati/ -> the same graph as Turtle and as JSON-LD.

    RDF/XML is not published: rdflib writes it in an order that changes from run to run, and a
    build must give the same bytes for the same input (harvesters read Turtle as well).
    """
    graph = build_graph(catalogue, ctx, package, sizes, api_entry, hsds_entry, dates)
    context = {prefix: str(namespace) for prefix, namespace in graph.namespaces() if prefix in PREFIXES}
    jsonld = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
    return {"dcat.ttl": graph.serialize(format="turtle", encoding="utf-8"),
            "dcat.jsonld": (json.dumps(_ordered(jsonld), ensure_ascii=False, indent=2) + "\n").encode("utf-8")}
