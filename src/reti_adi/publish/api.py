"""The static JSON API (api/v1/): documents, per-ambito slices, per-service files, manifest, changes."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field

from pydantic import BaseModel

from reti_adi.catalogue.records import Catalogue
from reti_adi.catalogue.schema_export import DRAFT
from reti_adi.catalogue.vocabularies import comuni
from reti_adi.publish import api_models as m
from reti_adi.publish.context import BuildContext
from reti_adi.publish.coverage import coverage, coverage_document
from reti_adi.publish.demand import build_demand, demand_document
from reti_adi.publish.previous import PreviousPublication
from reti_adi.publish.protocols import ProtocolPublication, build_protocols
from reti_adi.publish.protocols import summary as protocol_summary
from reti_adi.publish.resolve import label, service_detail, summary
from reti_adi.publish.status import funding_status
from reti_adi.rules.problems import Problem

API_DIR = "api/v1"


def dump(document: BaseModel | dict) -> bytes:
    """Compact, key-order-stable JSON: the same input always gives the same bytes."""
    data = document.model_dump(mode="json", exclude_none=True) if isinstance(document, BaseModel) else document
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def fingerprint(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()[:16]


@dataclass(slots=True)
class ApiPublication:
    files: dict[str, bytes] = field(default_factory=dict)
    """Path under api/v1/ -> content."""
    details: dict[str, m.ServizioDettaglio] = field(default_factory=dict)
    protocols: ProtocolPublication = field(default_factory=ProtocolPublication)
    changes: m.ChangesDoc | None = None


def _header(ctx: BuildContext) -> dict:
    return {"versione_catalogo": ctx.catalogue_version, "generato_il": ctx.generated_at,
            "data_riferimento": ctx.reference_date}


def id_reuse_problems(catalogue: Catalogue, previous: PreviousPublication | None) -> list[Problem]:
    """An id once published and removed may come back only for the same service (same ente erogatore)."""
    if previous is None:
        return []
    problems = []
    for tomb in previous.tombstones():
        record = catalogue.of("servizio").get(tomb["id"])
        if record is not None and record.model.ente_erogatore != tomb["ente_erogatore"]:
            line, column = record.positions.locate(("id",))
            problems.append(Problem(
                record.file, line, column, "id",
                f"l'id «{tomb['id']}» apparteneva al servizio «{tomb['denominazione']}» di «{tomb['ente_erogatore']}», "
                f"rimosso il {tomb['rimosso_il']}: le piattaforme lo hanno già usato, scegli un id nuovo",
                "riferimenti.id-riusato", found=tomb["id"], expected="un id mai pubblicato prima"))
    return problems


def build_api(catalogue: Catalogue, ctx: BuildContext, previous: PreviousPublication | None) -> ApiPublication:
    pub = ApiPublication()
    header = _header(ctx)
    servizi = sorted(catalogue.of("servizio").values(), key=lambda r: r.id)
    by_ambito: dict[str, list[m.Sostegno]] = defaultdict(list)
    by_ente: dict[str, set[str]] = defaultdict(set)
    by_fonte: dict[str, set[str]] = defaultdict(set)
    sostegni = []
    for record in servizi:
        detail = service_detail(catalogue, record, ctx)
        pub.details[detail.id] = detail
        pub.files[f"servizi/{detail.id}.json"] = dump(detail)
        item = summary(detail)
        sostegni.append(item)
        by_ambito[detail.territorio.ambito.id].append(item)
        by_ente[detail.ente_erogatore.id].add(detail.id)
        for coinvolto in detail.enti_coinvolti:
            by_ente[coinvolto.id].add(detail.id)
        for fonte in detail.fonti_finanziamento:
            by_fonte[fonte.id].add(detail.id)
    pub.files["sostegni.json"] = dump(m.SostegniDoc(**header, sostegni=sostegni))

    istat = comuni()
    ambiti = []
    for record in sorted(catalogue.of("ambito").values(), key=lambda r: r.id):
        a = record.model
        pub.files[f"ambiti/{a.id}/sostegni.json"] = dump(m.SostegniDoc(**header, ambito=a.id,
                                                                        sostegni=by_ambito.get(a.id, [])))
        ambiti.append(m.AmbitoOut(
            id=a.id, denominazione=a.denominazione, regione=a.regione, ente_capofila=a.ente_capofila,
            comuni=[m.ComuneOut(codice_istat=c, denominazione=istat[c].denominazione,
                                sigla_provincia=istat[c].sigla_provincia) for c in a.comuni],
            codici_esterni=[c.model_dump() for c in a.codici_esterni],
            url_sostegni=ctx.page_url(f"{API_DIR}/ambiti/{a.id}/sostegni.json")))
    pub.files["ambiti.json"] = dump(m.AmbitiDoc(**header, ambiti=ambiti))
    for ambito_id, cov in coverage(catalogue).items():
        pub.files[f"ambiti/{ambito_id}/copertura.json"] = dump(coverage_document(cov, header))
    demand = build_demand(catalogue)
    for ambito_id in coverage(catalogue):
        pub.files[f"ambiti/{ambito_id}/domanda.json"] = dump(demand_document(catalogue, demand, ambito_id, header))

    enti = []
    for record in sorted(catalogue.of("ente").values(), key=lambda r: r.id):
        e = record.model
        enti.append(m.EnteOut(
            id=e.id, denominazione=e.denominazione, tipo=label("tipi_ente", e.tipo), codice_fiscale=e.codice_fiscale,
            codice_ipa=e.codice_ipa, runts_numero=e.runts.numero_repertorio if e.runts else None,
            runts_sezione=e.runts.sezione if e.runts else None, sito_web=e.sito_web,
            contatti=m.ContattiOut(**e.contatti.model_dump(exclude_none=True)) if e.contatti else None,
            sede_indirizzo=e.sede.indirizzo if e.sede else None, sede_comune_istat=e.sede.comune if e.sede else None,
            sede_cap=e.sede.cap if e.sede else None, servizi=sorted(by_ente.get(e.id, ()))))
    pub.files["enti.json"] = dump(m.EntiDoc(**header, enti=enti))

    fonti = []
    for record in sorted(catalogue.of("fonte").values(), key=lambda r: r.id):
        f = record.model
        fonti.append(m.FonteOut(id=f.id, denominazione=f.denominazione, tipo=label("tipi_fonte", f.tipo),
                                programma=f.programma, inizio=f.periodo.inizio, fine=f.periodo.fine, cup=f.cup,
                                stato_effettivo=funding_status(f, ctx.today),
                                servizi=sorted(by_fonte.get(f.id, ()))))
    pub.files["fonti.json"] = dump(m.FontiDoc(**header, fonti=fonti))

    pub.protocols = build_protocols(catalogue, ctx)
    pub.files["reti.json"] = dump(m.RetiDoc(**header, reti=pub.protocols.reti))
    pub.files["protocolli.json"] = dump(m.ProtocolliDoc(**header, protocolli=[
        protocol_summary(p) for p in pub.protocols.protocolli.values()]))
    for detail in pub.protocols.protocolli.values():
        pub.files[f"protocolli/{detail.id}.json"] = dump(detail)

    fingerprints = {
        "servizi": {d.id: fingerprint(pub.files[f"servizi/{d.id}.json"]) for d in pub.details.values()},
        "enti": {e.id: fingerprint(dump(e)) for e in enti},
        "fonti": {f.id: fingerprint(dump(f)) for f in fonti},
        "ambiti": {a.id: fingerprint(dump(a)) for a in ambiti},
        "reti": {r.id: fingerprint(dump(r)) for r in pub.protocols.reti},
        "protocolli": {p: fingerprint(pub.files[f"protocolli/{p}.json"]) for p in pub.protocols.protocolli},
    }
    changes = compute_changes(fingerprints, previous, ctx, pub)
    pub.changes = changes
    for tomb in changes.ritirati:
        pub.files[f"servizi/{tomb.id}.json"] = dump(tomb)
    pub.files["changes.json"] = dump(changes)
    for name, content in api_schemas().items():
        pub.files[f"schema/{name}"] = content
    pub.files["index.json"] = dump(_manifest(catalogue, ctx, pub, fingerprints))
    pub.files["stato.json"] = dump(m.Stato(
        **header, sha256_changes=hashlib.sha256(pub.files["changes.json"]).hexdigest(),
        sha256_index=hashlib.sha256(pub.files["index.json"]).hexdigest(), servizi=len(pub.details)))
    return pub


def compute_changes(fingerprints: dict[str, dict[str, str]], previous: PreviousPublication | None,
                    ctx: BuildContext, pub: ApiPublication) -> m.ChangesDoc:
    variazioni = {}
    for kind, current in fingerprints.items():
        before = previous.fingerprints(kind) if previous else {}
        variazioni[kind] = m.Variazioni(
            aggiunti=sorted(set(current) - set(before)),
            modificati=sorted(i for i in set(current) & set(before) if current[i] != before[i]),
            rimossi=sorted(set(before) - set(current)))
    tombstones = {t["id"]: m.Tombstone(**t) for t in (previous.tombstones() if previous else [])}
    for service_id in variazioni["servizi"].rimossi:
        old = previous.service(service_id) or {}
        ente = old.get("ente_erogatore", {})
        tombstones[service_id] = m.Tombstone(id=service_id, rimosso_il=ctx.date,
                                             denominazione=old.get("denominazione", service_id),
                                             ente_erogatore=ente.get("id", "") if isinstance(ente, dict) else "")
    for service_id in pub.details:  # reinstated with the same ente (id_reuse_problems refused the others)
        tombstones.pop(service_id, None)
    precedente = None
    if previous is not None:
        precedente = m.Testata(versione_api=previous.manifest.get("versione_api", m.API_VERSION),
                               versione_catalogo=previous.manifest.get("versione_catalogo", ""),
                               generato_il=previous.manifest.get("generato_il", ""))
    return m.ChangesDoc(**_header(ctx), precedente=precedente, variazioni=variazioni,
                        ritirati=sorted(tombstones.values(), key=lambda t: t.id))


def _manifest(catalogue: Catalogue, ctx: BuildContext, pub: ApiPublication, fingerprints) -> m.Manifest:
    files = [m.FileInfo(percorso=path, byte=len(content), sha256=hashlib.sha256(content).hexdigest())
             for path, content in sorted(pub.files.items()) if path not in ("index.json", "stato.json")]
    counts = {kind: len(records) for kind, records in sorted(catalogue.records.items())}
    return m.Manifest(**_header(ctx), commit=ctx.commit, titolo=ctx.title, dati_dimostrativi=ctx.demo,
                      licenza=ctx.licence, conteggi=counts, file=files, impronte=fingerprints)


def api_schemas() -> dict[str, bytes]:
    out = {}
    for name, model in m.DOCUMENT_MODELS.items():
        schema = model.model_json_schema(mode="serialization")
        schema = {"$schema": DRAFT, "$id": f"urn:reti-adi:api:v1:{name}", **schema}
        out[f"{name}.schema.json"] = (json.dumps(schema, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return out
