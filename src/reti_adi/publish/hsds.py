"""Open Referral HSDS 3.1 export (api/hsds/): the catalogue in the shape other service directories read.

Objects follow the official HSDS 3.1 JSON Schemas (vendored in schemas/hsds-3.1/, checked in tests
with additional properties forbidden everywhere, as the specification's own example validation does).
Every id is a UUID derived deterministically from the record's identity, so the same record keeps
the same UUID in every build. What HSDS cannot say (sostegni «non presenti», networks, protocols,
enti coinvolti and their roles) stays in api/v1/ only.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from reti_adi.catalogue.models.common import GIORNI
from reti_adi.catalogue.records import Catalogue
from reti_adi.catalogue.vocabularies import Vocabulary, comuni, vocabulary
from reti_adi.publish.api import dump
from reti_adi.publish.context import BuildContext
from reti_adi.publish.identity import PROJECT_NAMESPACE, global_id, record_uuid
from reti_adi.publish.resolve import served_comuni
from reti_adi.publish.status import service_status

HSDS_DIR = "api/hsds"
HSDS_VERSION = "3.1"


def uuid5(namespace: bytes, name: str) -> str:
    """RFC 4122 version 5, as uuid.uuid5 but on bytes and str: a national export makes ~20 per
    service, and uuid.UUID objects made them a third of the export's time."""
    digest = bytearray(hashlib.sha1(namespace + name.encode("utf-8")).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


GlobalOf = Callable[[str, str], "str | None"]
"""(kind, local id) -> the record's global id, None when it has none (it is then not exported)."""


def catalogue_ids(namespace: str) -> GlobalOf:
    """An ambito's own build: every record's global id is «namespace:kind:id»."""
    return partial(global_id, namespace)


class Ids:
    """UUIDs that never change for the same thing: derived from global ids, never random.

    Records (services, enti) take record_uuid of their global id, so a platform can compute the
    UUID from «namespace:kind:id». What hangs off a record (its phones, schedules, attributes) is
    a uuid5 under the record's UUID. Taxonomies and their terms are national vocabularies: the same
    UUIDs in every catalogue, so merged directories share one taxonomy; so do places, keyed by their
    address: two services at the same door share one location, whichever catalogue lists them.
    """

    def __init__(self, global_of: GlobalOf):
        self.global_of = global_of

    def record(self, kind: str, local_id: str) -> str | None:
        identifier = self.global_of(kind, local_id)
        return str(record_uuid(identifier)) if identifier else None

    @staticmethod
    def child(parent: str, role: str, key: str = "") -> str:
        return uuid5(bytes.fromhex(parent.replace("-", "")), f"{role}:{key}")

    @staticmethod
    def national(role: str, key: str) -> str:
        return uuid5(PROJECT_NAMESPACE.bytes, f"hsds:{role}:{key}")


STATUS = {"attivo": "active", "sospeso": "temporarily closed", "cessato": "defunct"}
"""«non_presente» has no HSDS status: a missing service is not a service anyone provides."""

ICAL_DAYS = dict(zip(GIORNI, ("MO", "TU", "WE", "TH", "FR", "SA", "SU"), strict=True))
TAXONOMIES = ("tipologie_art7", "aree_utenza", "modalita_accesso")
"""Vocabularies published as HSDS taxonomies; the link_type of their attributes is the vocabulary name."""


def _clean(data: dict) -> dict:
    """HSDS types are plain strings and numbers: an absent value is omitted, never null or empty."""
    return {k: v for k, v in data.items() if v is not None and v != [] and v != ""}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def _page(contents: list[dict]) -> dict:
    """The HSDS API's Page envelope: one page holding everything (a static file has no paging)."""
    return {"total_items": len(contents), "total_pages": 1, "page_number": 1, "size": len(contents),
            "first_page": True, "last_page": True, "empty": not contents, "contents": contents}


@dataclass(slots=True)
class HsdsPublication:
    files: dict[str, bytes] = field(default_factory=dict)
    """Path under api/hsds/ -> content."""
    services: list[dict] = field(default_factory=list)
    organizations: list[dict] = field(default_factory=list)
    taxonomies: list[dict] = field(default_factory=list)
    taxonomy_terms: list[dict] = field(default_factory=list)
    service_at_locations: list[dict] = field(default_factory=list)


class _Exporter:
    def __init__(self, catalogue: Catalogue, ctx: BuildContext, ids: Ids, modified: Mapping[str, date]):
        self.catalogue = catalogue
        self.modified = modified
        self.ctx = ctx
        self.ids = ids
        self.istat = comuni()
        self.terms: dict[tuple[str, str], dict] = {}
        self.taxonomies: dict[str, dict] = {}
        self.locations: dict[str, dict] = {}
        self.location_owners: dict[str, set[str]] = {}

    # taxonomies ---------------------------------------------------------------------------------
    def taxonomy(self, name: str, title: str, description: str, uri: str | None, version: str | None) -> dict:
        if name not in self.taxonomies:
            self.taxonomies[name] = _clean({
                "id": self.ids.national("tassonomia", name), "name": title, "description": description,
                "uri": uri if uri and re.fullmatch(r"https?://\S+", uri) else None, "version": version})
        return self.taxonomies[name]

    def vocabulary_taxonomy(self, vocab: Vocabulary) -> dict:
        return self.taxonomy(vocab.name, vocab.title, vocab.title, vocab.source, vocab.version)

    def term(self, taxonomy: dict, taxonomy_name: str, code: str, name: str, description: str | None) -> dict:
        key = (taxonomy_name, code)
        if key not in self.terms:
            self.terms[key] = _clean({
                "id": self.ids.national("voce", f"{taxonomy_name}/{code}"), "code": code, "name": name,
                "description": description or name, "taxonomy": taxonomy["name"], "taxonomy_id": taxonomy["id"],
                "language": "it"})
        return self.terms[key]

    def vocabulary_term(self, vocab_name: str, code: str) -> dict:
        vocab = vocabulary(vocab_name)
        entry = vocab.entries[code]
        return self.term(self.vocabulary_taxonomy(vocab), vocab.name, code, entry.get("etichetta", code),
                         entry.get("descrizione"))

    def attribute(self, owner_uuid: str, entity: str, link_type: str, term: dict, value: str | None = None) -> dict:
        return _clean({
            "id": self.ids.child(owner_uuid, "attributo", term["id"]), "link_id": owner_uuid,
            "link_type": link_type, "link_entity": entity, "taxonomy_term_id": term["id"], "taxonomy_term": term,
            "value": value, "label": term["name"]})

    # places -------------------------------------------------------------------------------------
    def location(self, indirizzo: str, comune: str, cap: str, name: str, organization_uuid: str,
                 lat: float | None = None, lon: float | None = None, accessible: bool | None = None) -> dict:
        """One location per address: two services at the same door share it, as in HSDS."""
        key = f"{comune}/{cap}/{_norm(indirizzo)}"
        location_uuid = self.ids.national("luogo", key)
        self.location_owners.setdefault(location_uuid, set()).add(organization_uuid)
        if location_uuid in self.locations:
            found = self.locations[location_uuid]
            if lat is not None and "latitude" not in found:
                found.update(latitude=lat, longitude=lon)
            return found
        place = self.istat[comune]
        address = _clean({
            "id": self.ids.child(location_uuid, "indirizzo"), "location_id": location_uuid, "address_1": indirizzo,
            "city": place.denominazione, "region": place.regione, "state_province": place.sigla_provincia,
            "postal_code": cap, "country": "IT", "address_type": "physical"})
        accessibility = []
        if accessible is not None:
            accessibility.append({
                "id": self.ids.child(location_uuid, "accessibilita"), "location_id": location_uuid,
                "description": "Sede accessibile a persone con disabilità motoria" if accessible
                else "Sede non accessibile a persone con disabilità motoria"})
        self.locations[location_uuid] = _clean({
            "id": location_uuid, "location_type": "physical", "name": name,
            "external_identifier": comune, "external_identifier_type": "Codice ISTAT del comune",
            "latitude": lat, "longitude": lon, "addresses": [address], "accessibility": accessibility})
        return self.locations[location_uuid]

    def finish_locations(self) -> None:
        """organization_id only where every user of the place is the same organization."""
        for location_uuid, owners in self.location_owners.items():
            if len(owners) == 1:
                self.locations[location_uuid]["organization_id"] = next(iter(owners))

    def phone(self, owner: str, number: str | None, **link) -> list[dict]:
        if not number:
            return []
        return [{"id": self.ids.child(owner, "telefono", number), **link, "number": number}]

    # records ------------------------------------------------------------------------------------
    def organization(self, ente) -> dict | None:
        org_uuid = self.ids.record("ente", ente.id)
        if org_uuid is None:
            return None
        contatti = ente.contatti
        identifiers = [(kind, value) for kind, value in (
            ("Codice IPA (IndicePA)", ente.codice_ipa), ("Codice fiscale", ente.codice_fiscale),
            ("Numero di repertorio RUNTS", ente.runts.numero_repertorio if ente.runts else None)) if value]
        locations = []
        if ente.sede is not None:
            locations.append(self.location(ente.sede.indirizzo, ente.sede.comune, ente.sede.cap,
                                           f"Sede – {ente.denominazione}", org_uuid))
        contacts = []
        if contatti and contatti.ufficio:
            contacts.append(_clean({"id": self.ids.child(org_uuid, "contatto", contatti.ufficio),
                                    "organization_id": org_uuid, "department": contatti.ufficio,
                                    "email": contatti.email}))
        tipo = vocabulary("tipi_ente").label(ente.tipo)
        return _clean({
            "id": org_uuid, "name": ente.denominazione, "description": ente.descrizione or tipo,
            "email": contatti.email if contatti else None, "website": ente.sito_web, "legal_status": tipo,
            "organization_identifiers": [
                {"id": self.ids.child(org_uuid, "identificativo", kind), "organization_id": org_uuid,
                 "identifier_type": kind, "identifier": value} for kind, value in identifiers],
            "phones": self.phone(org_uuid, contatti.telefono if contatti else None, organization_id=org_uuid),
            "contacts": contacts, "locations": locations})

    def service(self, record) -> dict | None:
        s = record.model
        if s.stato not in STATUS:
            return None
        service_uuid = self.ids.record("servizio", s.id)
        org_uuid = self.ids.record("ente", s.ente_erogatore)
        if service_uuid is None or org_uuid is None:
            return None
        contatti = s.contatti
        page = self.ctx.page_url(f"servizi/{s.id}/") if self.ctx.site_url else None
        url = (contatti.sito_web if contatti else None) or page
        attributes = [self.attribute(service_uuid, "service", "tipologie_art7",
                                     self.vocabulary_term("tipologie_art7", s.tipologia))]
        attributes += [self.attribute(service_uuid, "service", "aree_utenza", self.vocabulary_term("aree_utenza", a))
                       for a in s.aree_utenza]
        attributes += [self.attribute(service_uuid, "service", "modalita_accesso",
                                      self.vocabulary_term("modalita_accesso", a)) for a in s.modalita_accesso]
        schemes = vocabulary("schemi_classificazione")
        for c in s.classificazioni:
            taxonomy = self.taxonomy(f"classificazione-{c.schema_}", schemes.label(c.schema_),
                                     schemes.label(c.schema_), None, None)
            term = self.term(taxonomy, f"classificazione-{c.schema_}", c.codice, c.etichetta or c.codice, None)
            attributes.append(self.attribute(service_uuid, "service", "classificazione", term))
        ambito = self.catalogue.get("ambito", s.ambito)
        served = served_comuni(self.catalogue, s)
        area_name = (f"Tutti i comuni dell'ambito {ambito.denominazione}" if s.comuni is None
                     else f"{len(served)} comuni dell'ambito {ambito.denominazione}")
        service_area = {
            "id": self.ids.child(service_uuid, "area"), "service_id": service_uuid, "name": area_name,
            "description": "Comuni serviti (codice ISTAT): " + ", ".join(
                f"{self.istat[c].denominazione} ({c})" for c in served)}
        funding = [{"id": self.ids.child(service_uuid, "finanziamento", f), "service_id": service_uuid,
                    "source": self._funding_source(self.catalogue.get("fonte", f))} for f in s.fonti_finanziamento]
        cost_options = []
        if s.costo is not None:
            cost_options.append(_clean({
                "id": self.ids.child(service_uuid, "costo"), "service_id": service_uuid,
                "option": "Gratuito" if s.costo.tipo == "gratuito" else "Compartecipazione al costo",
                "currency": "EUR", "amount": 0 if s.costo.tipo == "gratuito" else None,
                "amount_description": s.costo.descrizione}))
        capacities = []
        if s.posti_disponibili is not None:
            capacities.append({
                "id": self.ids.child(service_uuid, "capacita"), "service_id": service_uuid,
                "unit": {"id": self.ids.national("unita", "posti"), "name": "posti"},
                "unit_id": self.ids.national("unita", "posti"), "available": s.posti_disponibili,
                "description": "Posti disponibili alla data dell'ultima verifica",
                "updated": f"{s.ultima_verifica.isoformat()}T00:00:00Z"})
        contacts = []
        if contatti and contatti.ufficio:
            contacts.append(_clean({"id": self.ids.child(service_uuid, "contatto", contatti.ufficio),
                                    "service_id": service_uuid, "department": contatti.ufficio,
                                    "email": contatti.email}))
        return _clean({
            "id": service_uuid, "organization_id": org_uuid, "name": s.denominazione, "description": s.descrizione,
            "url": url,
            "additional_urls": [{"id": self.ids.child(service_uuid, "url", "scheda"), "service_id": service_uuid,
                                 "label": "Scheda nel catalogo dei sostegni", "url": page}] if page and page != url else [],
            "email": contatti.email if contatti else None, "status": STATUS[service_status(s, self.ctx.today)],
            "application_process": s.come_accedere, "eligibility_description": s.a_chi_e_rivolto,
            "fees_description": s.costo.descrizione if s.costo else None,
            "assured_date": s.ultima_verifica.isoformat(),
            "last_modified": f"{self.modified[s.id].isoformat()}T00:00:00.000Z" if s.id in self.modified else None,
            "phones": self.phone(service_uuid, contatti.telefono if contatti else None, service_id=service_uuid),
            "contacts": contacts, "service_areas": [service_area], "funding": funding, "cost_options": cost_options,
            "required_documents": [{"id": self.ids.child(service_uuid, "documenti"), "service_id": service_uuid,
                                    "document": s.cosa_serve}] if s.cosa_serve else [],
            "capacities": capacities, "attributes": attributes,
            "service_at_locations": [self.service_at_location(s, service_uuid, org_uuid, sede) for sede in s.sedi]})

    def _funding_source(self, fonte) -> str:
        tipo = vocabulary("tipi_fonte").label(fonte.tipo)
        parts = [fonte.denominazione, f"tipo: {tipo}"]
        if fonte.programma:
            parts.append(f"programma: {fonte.programma}")
        if fonte.cup:
            parts.append(f"CUP {fonte.cup}")
        return "; ".join(parts)

    def service_at_location(self, s, service_uuid: str, org_uuid: str, sede) -> dict:
        place = self.location(sede.indirizzo, sede.comune, sede.cap, sede.denominazione or s.denominazione, org_uuid,
                              sede.coordinate.lat if sede.coordinate else None,
                              sede.coordinate.lon if sede.coordinate else None, sede.accessibile)
        sal_uuid = self.ids.child(service_uuid, "sede", place["id"])
        schedules = [_clean({
            "id": self.ids.child(sal_uuid, "orario", f"{','.join(o.giorni)}/{o.dalle}-{o.alle}"),
            "service_at_location_id": sal_uuid, "freq": "WEEKLY", "wkst": "MO",
            "byday": ",".join(ICAL_DAYS[g] for g in o.giorni), "opens_at": o.dalle, "closes_at": o.alle,
            "description": f"{', '.join(o.giorni)} dalle {o.dalle} alle {o.alle} (ora italiana)",
            "notes": sede.note_orari}) for o in sede.orari]
        return _clean({"id": sal_uuid, "service_id": service_uuid, "location_id": place["id"],
                       "description": sede.denominazione, "schedules": schedules})


def _slim(service: dict) -> dict:
    """The list names each attribute's term by id only: taxonomy_terms.json has the terms, and the
    repeated nested term was most of the list's size at national scale."""
    if "attributes" not in service:
        return service
    return dict(service, attributes=[{k: v for k, v in a.items() if k != "taxonomy_term"}
                                     for a in service["attributes"]])


def build_hsds(catalogue: Catalogue, ctx: BuildContext, global_of: GlobalOf,
               modified: Mapping[str, date] | None = None) -> HsdsPublication:
    """Path under api/hsds/ -> content, mirroring the HSDS API paths as static files.

    global_of: each record's global id, catalogue_ids(namespace) for an ambito's build, or the ids
    a regional portal kept from its sources (so the portal's UUIDs are the ambiti's own). A record
    without one has no stable UUID and is left out, with the services of an ente left out.
    modified: service id -> `modificato_il` of the JSON API, HSDS's last_modified (the change log's date,
    so it moves only when the published service changes).
    """
    exporter = _Exporter(catalogue, ctx, Ids(global_of), modified or {})
    pub = HsdsPublication()
    for name in TAXONOMIES:  # every term, used or not: a platform can map the whole vocabulary
        for code in vocabulary(name).codes:
            exporter.vocabulary_term(name, code)
    organizations = [exporter.organization(r.model) for r in sorted(catalogue.of("ente").values(), key=lambda r: r.id)]
    pub.organizations = [o for o in organizations if o is not None]
    services = [exporter.service(r) for r in sorted(catalogue.of("servizio").values(), key=lambda r: r.id)]
    exporter.finish_locations()
    organizations = {o["id"]: o for o in pub.organizations}
    pub.services = [s for s in services if s is not None]
    pub.taxonomies = sorted(exporter.taxonomies.values(), key=lambda t: t["id"])
    pub.taxonomy_terms = sorted(exporter.terms.values(), key=lambda t: t["id"])
    files = pub.files
    files["index.json"] = dump({"version": HSDS_VERSION})
    for service in pub.services:
        full = dict(service, organization=organizations[service["organization_id"]])
        if "service_at_locations" in service:
            full["service_at_locations"] = [dict(sal, location=exporter.locations[sal["location_id"]])
                                            for sal in service["service_at_locations"]]
            pub.service_at_locations.extend(full["service_at_locations"])
        files[f"services/{service['id']}.json"] = dump(full)
    for organization in pub.organizations:
        files[f"organizations/{organization['id']}.json"] = dump(organization)
    files["services.json"] = dump(_page([_slim(s) for s in pub.services]))
    files["organizations.json"] = dump(_page(pub.organizations))
    files["service_at_locations.json"] = dump(_page(pub.service_at_locations))
    files["taxonomies.json"] = dump(_page(pub.taxonomies))
    files["taxonomy_terms.json"] = dump(_page(pub.taxonomy_terms))
    return pub
