"""The static JSON API (api/v1/): documents, per-ambito slices, per-service files, manifest, changes."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field

from pydantic import TypeAdapter

from reti_adi.catalogue.records import Catalogue
from reti_adi.catalogue.schema_export import DRAFT
from reti_adi.catalogue.vocabularies import comuni
from reti_adi.publish import api_models as m
from reti_adi.publish.context import BuildContext
from reti_adi.publish.coverage import coverage, coverage_document
from reti_adi.publish.demand import build_demand, demand_document
from reti_adi.publish.feed import Feed, build_feed, compatibility_changes, modified_dates, variations
from reti_adi.publish.jsonbytes import dump, fingerprint
from reti_adi.publish.openapi import openapi_document
from reti_adi.publish.previous import PreviousPublication
from reti_adi.publish.protocols import ProtocolPublication, build_protocols
from reti_adi.publish.protocols import summary as protocol_summary
from reti_adi.publish.resolve import label, service_detail
from reti_adi.publish.status import funding_status
from reti_adi.rules.problems import Problem

API_DIR = "api/v1"


@dataclass(slots=True)
class ApiPublication:
    files: dict[str, bytes] = field(default_factory=dict)
    """Path under api/v1/ -> content."""
    details: dict[str, m.ServizioDettaglio] = field(default_factory=dict)
    protocols: ProtocolPublication = field(default_factory=ProtocolPublication)
    changes: m.ChangesDoc | None = None
    """changes.json: the compatibility view of the latest change set."""
    feed: Feed | None = None
    variations: dict[str, m.Variazioni] = field(default_factory=dict)
    """What this build changed compared with the previous publication (empty lists when nothing)."""
    records: dict[str, dict] = field(default_factory=dict)
    """Kind («servizi», «enti», ...) -> id -> the record as published, dated."""
    fingerprints: dict[str, dict[str, str]] = field(default_factory=dict)
    dates: dict[str, dict] = field(default_factory=dict)
    tombstones: list[m.Tombstone] = field(default_factory=list)


def _header(ctx: BuildContext) -> dict:
    return {"versione_catalogo": ctx.catalogue_version, "generato_il": ctx.generated_at,
            "data_riferimento": ctx.reference_date}


def id_reuse_problems(catalogue: Catalogue, previous: PreviousPublication | None) -> list[Problem]:
    """An id once published and removed may come back only for the same service (same ente erogatore)."""
    if previous is None:
        return []
    problems = []
    for tomb in previous.tombstones():
        record = catalogue.of("servizio").get(tomb.id)
        if record is not None and record.model.ente_erogatore != tomb.ente_erogatore:
            line, column = record.positions.locate(("id",))
            problems.append(Problem(
                record.file, line, column, "id",
                f"l'id «{tomb.id}» apparteneva al servizio «{tomb.denominazione}» di «{tomb.ente_erogatore}», "
                f"rimosso il {tomb.rimosso_il}: le piattaforme lo hanno già usato, scegli un id nuovo",
                "riferimenti.id-riusato", found=tomb.id, expected="un id mai pubblicato prima"))
    return problems


def namespace_problems(catalogue: Catalogue, namespace: str | None,
                       previous: PreviousPublication | None) -> list[Problem]:
    """Global ids are forever: the catalogue's namespace may be set once, never changed or dropped."""
    before = previous.manifest.id_catalogo if previous else None
    if before is None or before == namespace or catalogue.meta is None:
        return []
    line, column = catalogue.meta.positions.locate(("editore",))
    return [Problem(catalogue.meta.file, line, column, "editore",
                    f"gli identificativi globali già pubblicati iniziano con «{before}:», questa build li "
                    f"cambierebbe in «{namespace or 'nessuno'}»: le piattaforme perderebbero il collegamento con "
                    "ogni scheda. Ripristina codice IPA dell'editore e codice_catalogo della pubblicazione precedente",
                    "catalogo.identita-cambiata", found=namespace or "", expected=before)]


def build_api(catalogue: Catalogue, ctx: BuildContext, previous: PreviousPublication | None,
              protocols: ProtocolPublication | None = None) -> ApiPublication:
    """protocols: build_protocols(catalogue, ctx) if the caller has it already."""
    pub = date_records(catalogue, ctx, previous, protocols)
    pub.files = api_files(pub, catalogue, ctx)
    return pub


def date_records(catalogue: Catalogue, ctx: BuildContext, previous: PreviousPublication | None,
                 protocols: ProtocolPublication | None = None) -> ApiPublication:
    """Every record as published, dated, and what changed since the previous publication: what the site and
    the change log need. The files (api_files) may then be written elsewhere, beside the site."""
    pub = ApiPublication()
    details = {}
    by_ente: dict[str, set[str]] = defaultdict(set)
    by_fonte: dict[str, set[str]] = defaultdict(set)
    refs: dict = {}
    for record in sorted(catalogue.of("servizio").values(), key=lambda r: r.id):
        detail = service_detail(catalogue, record, ctx, refs)
        details[detail.id] = detail
        by_ente[detail.ente_erogatore.id].add(detail.id)
        for coinvolto in detail.enti_coinvolti:
            by_ente[coinvolto.id].add(detail.id)
        for fonte in detail.fonti_finanziamento:
            by_fonte[fonte.id].add(detail.id)

    istat = comuni()
    ambiti = {}
    for record in sorted(catalogue.of("ambito").values(), key=lambda r: r.id):
        a = record.model
        ambiti[a.id] = m.AmbitoOut(
            id=a.id, id_globale=ctx.global_id("ambito", a.id), denominazione=a.denominazione, regione=a.regione,
            ente_capofila=a.ente_capofila,
            comuni=[m.ComuneOut(codice_istat=c, denominazione=istat[c].denominazione,
                                sigla_provincia=istat[c].sigla_provincia) for c in a.comuni],
            codici_esterni=[c.model_dump() for c in a.codici_esterni],
            url_sostegni=ctx.page_url(f"{API_DIR}/ambiti/{a.id}/sostegni.json"))
    enti = {}
    for record in sorted(catalogue.of("ente").values(), key=lambda r: r.id):
        e = record.model
        enti[e.id] = m.EnteOut(
            id=e.id, id_globale=ctx.global_id("ente", e.id), denominazione=e.denominazione,
            tipo=label("tipi_ente", e.tipo), codice_fiscale=e.codice_fiscale,
            codice_ipa=e.codice_ipa, runts_numero=e.runts.numero_repertorio if e.runts else None,
            runts_sezione=e.runts.sezione if e.runts else None, sito_web=e.sito_web,
            contatti=m.ContattiOut(**e.contatti.model_dump(exclude_none=True)) if e.contatti else None,
            sede_indirizzo=e.sede.indirizzo if e.sede else None, sede_comune_istat=e.sede.comune if e.sede else None,
            sede_cap=e.sede.cap if e.sede else None, servizi=sorted(by_ente.get(e.id, ())))
    fonti = {}
    for record in sorted(catalogue.of("fonte").values(), key=lambda r: r.id):
        f = record.model
        fonti[f.id] = m.FonteOut(id=f.id, id_globale=ctx.global_id("fonte", f.id), denominazione=f.denominazione,
                                 tipo=label("tipi_fonte", f.tipo), programma=f.programma, inizio=f.periodo.inizio,
                                 fine=f.periodo.fine, cup=f.cup, stato_effettivo=funding_status(f, ctx.today),
                                 servizi=sorted(by_fonte.get(f.id, ())))
    protocols = protocols if protocols is not None else build_protocols(catalogue, ctx)
    reti = {r.id: r for r in protocols.reti}

    # what changed, and since when each record is as it is: fingerprints exclude modificato_il itself
    records = {"servizi": details, "enti": enti, "fonti": fonti, "ambiti": ambiti, "reti": reti,
               "protocolli": protocols.protocolli}
    fingerprints = {kind: {i: fingerprint(dump(model)) for i, model in items.items()}
                    for kind, items in records.items()}
    dates = modified_dates(fingerprints, previous, ctx.date)
    for kind, items in records.items():  # dated in place: the undated models were only for the fingerprints
        for i, model in items.items():
            model.modificato_il = dates[kind][i]
    pub.records, pub.fingerprints, pub.dates = records, fingerprints, dates
    pub.variations = variations(fingerprints, previous)
    pub.details = dict(records["servizi"])
    protocols.reti = list(records["reti"].values())
    protocols.protocolli = records["protocolli"]
    pub.protocols = protocols
    pub.tombstones = _tombstones(pub.variations["servizi"].rimossi, previous, ctx, pub)
    pub.feed = build_feed(fingerprints, previous, date=ctx.date, generated_at=ctx.generated_at,
                          catalogue_version=ctx.catalogue_version, namespace=ctx.namespace)
    pub.changes = compatibility_changes(pub.feed, pub.tombstones)
    return pub


def api_files(pub: ApiPublication, catalogue: Catalogue, ctx: BuildContext) -> dict[str, bytes]:
    """Every file of api/v1/, from the dated records of date_records."""
    files: dict[str, bytes] = {}
    header = _header(ctx)
    by_ambito: dict[str, list[m.Sostegno]] = defaultdict(list)
    sostegni = []
    for detail in pub.details.values():
        files[f"servizi/{detail.id}.json"] = dump(detail)
        # the detail itself: a field typed Sostegno is serialised with Sostegno's fields, not the subclass's
        sostegni.append(detail)
        by_ambito[detail.territorio.ambito.id].append(detail)
    files["sostegni.json"] = dump(m.SostegniDoc(**header, sostegni=sostegni))
    ambiti = pub.records["ambiti"]
    for ambito_id in ambiti:
        files[f"ambiti/{ambito_id}/sostegni.json"] = dump(m.SostegniDoc(**header, ambito=ambito_id,
                                                                         sostegni=by_ambito.get(ambito_id, [])))
    files["ambiti.json"] = dump(m.AmbitiDoc(**header, ambiti=list(ambiti.values())))
    for ambito_id, cov in coverage(catalogue).items():
        files[f"ambiti/{ambito_id}/copertura.json"] = dump(coverage_document(cov, header))
    demand = build_demand(catalogue)
    for ambito_id in coverage(catalogue):
        files[f"ambiti/{ambito_id}/domanda.json"] = dump(demand_document(catalogue, demand, ambito_id, header))
    files["enti.json"] = dump(m.EntiDoc(**header, enti=list(pub.records["enti"].values())))
    files["fonti.json"] = dump(m.FontiDoc(**header, fonti=list(pub.records["fonti"].values())))

    protocols = pub.protocols
    files["reti.json"] = dump(m.RetiDoc(**header, reti=protocols.reti))
    files["protocolli.json"] = dump(m.ProtocolliDoc(**header, protocolli=[
        protocol_summary(p) for p in protocols.protocolli.values()]))
    for detail in protocols.protocolli.values():
        files[f"protocolli/{detail.id}.json"] = dump(detail)

    for tomb in pub.tombstones:
        files[f"servizi/{tomb.id}.json"] = dump(tomb)
    for relative, content in pub.feed.files.items():
        files[relative] = content
    files["changes.json"] = dump(pub.changes)
    schemas = api_schemas()
    for name, content in schemas.items():
        files[f"schema/{name}"] = content
    files["openapi.json"] = (json.dumps(openapi_document(ctx, [n.removesuffix(".schema.json") for n in schemas]),
                                        ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    files["index.json"] = dump(_manifest(catalogue, ctx, pub, files))
    files["stato.json"] = dump(m.Stato(
        **header, sha256_changes=hashlib.sha256(files["changes.json"]).hexdigest(),
        sha256_index=hashlib.sha256(files["index.json"]).hexdigest(), servizi=len(pub.details),
        ultima_sequenza=pub.feed.sequence))
    return files


def _tombstones(removed: list[str], previous: PreviousPublication | None, ctx: BuildContext,
                pub: ApiPublication) -> list[m.Tombstone]:
    """Every service ever removed keeps answering at its URL, with the date it was removed."""
    tombstones = {t.id: t for t in (previous.tombstones() if previous else [])}
    for service_id in removed:
        old = previous.service(service_id)
        ente = old.ente_erogatore.id if isinstance(old, m.ServizioDettaglio) else ""
        tombstones[service_id] = m.Tombstone(id=service_id, rimosso_il=ctx.date,
                                             denominazione=old.denominazione if old else service_id,
                                             ente_erogatore=ente)
    for service_id in pub.details:  # reinstated with the same ente (id_reuse_problems refused the others)
        tombstones.pop(service_id, None)
    return [t.model_copy(update={"id_globale": t.id_globale or ctx.global_id("servizio", t.id),
                                 "modificato_il": t.rimosso_il})
            for t in sorted(tombstones.values(), key=lambda t: t.id)]


def _manifest(catalogue: Catalogue, ctx: BuildContext, pub: ApiPublication, written: dict[str, bytes]) -> m.Manifest:
    files = [m.FileInfo(percorso=path, byte=len(content), sha256=hashlib.sha256(content).hexdigest())
             for path, content in sorted(written.items()) if path not in ("index.json", "stato.json")]
    counts = {kind: len(records) for kind, records in sorted(catalogue.records.items())}
    return m.Manifest(**_header(ctx), commit=ctx.commit, titolo=ctx.title, dati_dimostrativi=ctx.demo,
                      licenza=ctx.licence, conteggi=counts, file=files, impronte=pub.fingerprints, modificato_il=pub.dates,
                      id_catalogo=ctx.namespace, ultima_sequenza=pub.feed.sequence, segnalazioni=_channels(catalogue))


def _channels(catalogue: Catalogue) -> m.SegnalazioniOut | None:
    configured = catalogue.meta.model.segnalazioni if catalogue.meta else None
    if configured is None or not (configured.url or configured.email):
        return None
    return m.SegnalazioniOut(url=configured.url, email=configured.email)


def api_schemas() -> dict[str, bytes]:
    out = {}
    for name, model in m.DOCUMENT_MODELS.items():
        schema = TypeAdapter(model).json_schema(mode="serialization")
        schema = {"$schema": DRAFT, "$id": f"urn:reti-adi:api:v1:{name}", **schema}
        out[f"{name}.schema.json"] = (json.dumps(schema, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return out
