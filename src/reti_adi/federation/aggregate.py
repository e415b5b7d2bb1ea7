"""Turn the harvested copies into one catalogue: the same records the publishing pipeline reads.

Every record gets a portal id «<source>-<local id>» (just «<source>» for a record named like its
source, typically the ambito), so two sources that both publish
«sportello-sociale» never collide; the record keeps the global identifier its source published.
Conflicts are resolved by the order of the sources file, and each one is reported:

- the same global identifier from two sources is the same record: the source listed first wins;
  a later duplicate service is left out, and a later ente, fonte or ambito is replaced by the
  first source's one in every reference;
- a comune claimed by the ambiti of two sources stays with the ambito listed first; it is removed
  from the later ambito and from the comuni its services list;
- a source that serves the very publication of a source listed before it (same index.json) is
  left out whole, with one message; one that publishes the same catalogue identity (id_catalogo,
  e.g. two ambiti with the editore's IPA code and no codice_catalogo) is told so once, and its
  records follow the first rule.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from reti_adi.catalogue.models.catalogo import Ambito, Catalogo, Ente, Fonte, Segnalazioni, Servizio
from reti_adi.catalogue.models.common import Sede
from reti_adi.catalogue.models.protocolli import Protocollo, Rete
from reti_adi.catalogue.records import Catalogue, LoadedRecord
from reti_adi.catalogue.yaml_source import Positions
from reti_adi.federation.sources import Sorgenti
from reti_adi.federation.validate import LISTS, NETWORKS, PROTOCOL_DIR

MAX_ID = 80
PORTAL_EDITORE = "portale-regionale"
"""The portal's own catalogo.yaml names no ente of the catalogue: its records keep their sources' identities."""


@dataclass(slots=True)
class Conflict:
    source: str
    message: str

    def describe(self) -> str:
        return f"{self.source}: {self.message}"


@dataclass(slots=True)
class Aggregate:
    catalogue: Catalogue
    global_ids: dict[tuple[str, str], str] = field(default_factory=dict)
    """(kind, portal id) -> the global identifier published by the source."""
    origin_pages: dict[str, str] = field(default_factory=dict)
    """portal service id -> the service's page on its ambito's own site."""
    report_channels: dict[str, tuple[str | None, str | None, str]] = field(default_factory=dict)
    """portal service id -> (form url, email, local id): where its source takes corrections (index.json)."""
    source_of: dict[tuple[str, str], str] = field(default_factory=dict)
    """(kind, portal id) -> source id."""
    conflicts: list[Conflict] = field(default_factory=list)
    generated_at: str = "1970-01-01T00:00:00Z"
    """The newest publication harvested: the portal's date never comes from the clock."""


class _Ids:
    """Portal ids: «source-local», shortened with a digest when too long or already taken by another pair."""

    def __init__(self) -> None:
        self.taken: dict[tuple[str, str], tuple[str, str]] = {}

    def make(self, kind: str, source: str, local: str) -> str:
        candidate = source if local == source else f"{source}-{local}"  # an ambito named like its source
        owner = self.taken.get((kind, candidate))
        if len(candidate) > MAX_ID or (owner is not None and owner != (source, local)):
            digest = hashlib.sha256(f"{source}/{local}".encode()).hexdigest()[:8]
            candidate = f"{candidate[:MAX_ID - 9].rstrip('-')}-{digest}"
        self.taken[(kind, candidate)] = (source, local)
        return candidate


def _duplicate(kind: str, global_id: str, winner: str) -> str:
    return (f"{kind} «{global_id}»: lo stesso identificativo globale arriva già dalla sorgente «{winner}», "
            "elencata prima: vale la sua scheda")


def _read(path: Path) -> dict:
    return json.loads(path.read_bytes())


def _services(copy: Path) -> Iterator[dict]:
    folder = copy / "servizi"
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        data = _read(path)
        if not data.get("rimosso"):
            yield data


def _page(url: str | None, base: str | None) -> str | None:
    """An absolute link to the source's page; a relative one is resolved against the source's URL."""
    if not url:
        return None
    if url.startswith(("https://", "http://")):
        return url
    return f"{base.rstrip('/')}/{url.lstrip('/')}" if base else None


class _Builder:
    def __init__(self, sources: Sorgenti, root: Path):
        self.sources = sources
        self.ids = _Ids()
        self.out = Aggregate(Catalogue(root=root))
        self.by_global: dict[tuple[str, str], str] = {}
        """(kind, global id) -> portal id of the record that won it."""
        self.comune_owner: dict[str, tuple[str, str]] = {}
        """codice ISTAT -> (source, portal ambito id) that claimed it first."""

    def add(self, kind: str, source: str, model: BaseModel, global_id: str | None) -> None:
        self.out.catalogue.of(kind)[model.id] = LoadedRecord(kind, model.id, f"{source}/{kind}/{model.id}", model,
                                                             Positions())
        self.out.source_of[(kind, model.id)] = source
        if global_id:
            self.out.global_ids[(kind, model.id)] = global_id
            self.by_global[(kind, global_id)] = model.id

    def claimed(self, kind: str, global_id: str | None) -> str | None:
        return self.by_global.get((kind, global_id)) if global_id else None

    def source(self, source_id: str, copy: Path, base: str | None, channel: tuple[str | None, str | None] | None) -> None:
        lists = {name: _read(copy / name)[name.removesuffix(".json")] for name in LISTS}
        refs: dict[tuple[str, str], str] = {}
        conflicts = self.out.conflicts

        def mapped(kind: str, item: dict) -> str | None:
            """Portal id for a list record, or None when an earlier source already publishes it."""
            winner = self.claimed(kind, item.get("id_globale"))
            if winner is not None:
                refs[(kind, item["id"])] = winner
                conflicts.append(Conflict(source_id, _duplicate(kind, item["id_globale"],
                                                                self.out.source_of[(kind, winner)])))
                return None
            refs[(kind, item["id"])] = self.ids.make(kind, source_id, item["id"])
            return refs[(kind, item["id"])]

        enti = [(mapped("ente", e), e) for e in lists["enti.json"]]
        fonti = [(mapped("fonte", f), f) for f in lists["fonti.json"]]
        ambiti = [(mapped("ambito", a), a) for a in lists["ambiti.json"]]
        for portal_id, e in enti:
            if portal_id:
                self.add("ente", source_id, _ente(e, portal_id), e.get("id_globale"))
        for portal_id, f in fonti:
            if portal_id:
                self.add("fonte", source_id, _fonte(f, portal_id), f.get("id_globale"))
        removed: set[str] = set()
        for portal_id, a in ambiti:
            if not portal_id:
                continue
            kept = []
            for code in (c["codice_istat"] for c in a["comuni"]):
                owner = self.comune_owner.setdefault(code, (source_id, portal_id))
                if owner[1] == portal_id:
                    kept.append(code)
                else:
                    removed.add(code)
                    conflicts.append(Conflict(source_id, f"il comune {code} dell'ambito «{a['id']}» appartiene già "
                                              f"all'ambito «{owner[1]}» della sorgente «{owner[0]}», elencata prima: "
                                              "resta a quello"))
            model = _ambito(a, portal_id, refs[("ente", a["ente_capofila"])])
            self.add("ambito", source_id, model.model_copy(update={"comuni": kept}), a.get("id_globale"))
        for s in _services(copy):
            winner = self.claimed("servizio", s.get("id_globale"))
            if winner is not None:
                refs[("servizio", s["id"])] = winner
                conflicts.append(Conflict(source_id, _duplicate("servizio", s["id_globale"],
                                                                self.out.source_of[("servizio", winner)])))
                continue
            portal_id = refs[("servizio", s["id"])] = self.ids.make("servizio", source_id, s["id"])
            model = _servizio(s, portal_id, refs, removed)
            self.add("servizio", source_id, model, s.get("id_globale"))
            page = _page(s.get("url_pagina"), base)
            if page:
                self.out.origin_pages[portal_id] = page
            if channel:
                self.out.report_channels[portal_id] = (*channel, s["id"])
        self.networks(source_id, copy, refs)

    def networks(self, source_id: str, copy: Path, refs: dict[tuple[str, str], str]) -> None:
        """The source's reti and protocolli, if it publishes them, with the same ids and conflict rule."""
        reti = _read(copy / NETWORKS)["reti"] if (copy / NETWORKS).is_file() else []
        folder = copy / PROTOCOL_DIR
        protocolli = [_read(path) for path in sorted(folder.iterdir())] if folder.is_dir() else []
        for kind, items, make in (("rete", reti, _rete), ("protocollo", protocolli, _protocollo)):
            chosen = []
            for item in items:  # ids first: a rete answers to another rete of the same source
                winner = self.claimed(kind, item.get("id_globale"))
                if winner is not None:
                    refs[(kind, item["id"])] = winner
                    self.out.conflicts.append(Conflict(source_id, _duplicate(kind, item["id_globale"],
                                                                             self.out.source_of[(kind, winner)])))
                else:
                    refs[(kind, item["id"])] = self.ids.make(kind, source_id, item["id"])
                    chosen.append(item)
            for item in chosen:
                self.add(kind, source_id, make(item, refs[(kind, item["id"])], refs), item.get("id_globale"))


def aggregate(sources: Sorgenti, copies: dict[str, tuple[Path, str | None]], root: Path) -> Aggregate:
    """One catalogue from the copies (source id -> (copy folder, source base URL)), in the sources' order.

    root is the portal's folder (beside the sources file): its own mkdocs.yml and site_src, if any, shape the site."""
    builder = _Builder(sources, root)
    newest = []
    demo = False
    publications: dict[str, str] = {}
    """sha256 of index.json -> the first source that published it."""
    namespaces: dict[str, str] = {}
    """id_catalogo -> the first source that published that catalogue."""
    for source in sources.sorgenti:
        if source.id not in copies:
            continue
        copy, base = copies[source.id]
        raw = (copy / "index.json").read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        if digest in publications:  # the same publication listed twice: one message, not one per record
            builder.out.conflicts.append(Conflict(source.id, f"è la stessa pubblicazione della sorgente "
                                                  f"«{publications[digest]}», elencata prima: sorgente esclusa"))
            continue
        publications[digest] = source.id
        index = json.loads(raw)
        namespace = index.get("id_catalogo")
        if isinstance(namespace, str) and namespace in namespaces:
            builder.out.conflicts.append(Conflict(source.id, (
                f"pubblica lo stesso catalogo («{namespace}», dal codice IPA dell'editore) della sorgente "
                f"«{namespaces[namespace]}», elencata prima: le schede con lo stesso identificativo globale sono "
                "prese da quella; se è un altro catalogo dello stesso editore, va indicato «codice_catalogo» "
                "nel suo catalogo.yaml")))
        elif isinstance(namespace, str):
            namespaces[namespace] = source.id
        newest.append(index.get("generato_il", ""))
        demo = demo or bool(index.get("dati_dimostrativi"))
        try:
            builder.source(source.id, copy, base, _channel(index.get("segnalazioni")))
        except (KeyError, TypeError, ValueError, ValidationError) as exc:
            builder.out.conflicts.append(Conflict(source.id, f"copia non utilizzabile ({exc}): sorgente esclusa"))
    out = builder.out
    out.generated_at = max(newest, default=out.generated_at)
    meta = Catalogo.model_construct(titolo=sources.titolo, versione=sources.versione, editore=PORTAL_EDITORE,
                                    licenza=sources.licenza, url_sito=sources.url_sito, dati_dimostrativi=demo)
    out.catalogue.meta = LoadedRecord("catalogo", "catalogo", "sorgenti.yaml", meta, Positions())
    return out


def _channel(published: object) -> tuple[str | None, str | None] | None:
    """The source's channel for corrections, if valid: a https/http form and an e-mail address, as in catalogo.yaml."""
    if not isinstance(published, dict):
        return None
    try:
        channel = Segnalazioni.model_validate({k: v for k, v in published.items() if k in ("url", "email") and v})
    except ValidationError:
        return None
    return (channel.url, channel.email) if channel.url or channel.email else None


def _ente(e: dict, portal_id: str) -> Ente:
    data = {key: e[key] for key in ("denominazione", "codice_fiscale", "codice_ipa", "sito_web", "contatti")
            if e.get(key) is not None}
    if e.get("runts_numero"):
        data["runts"] = {"numero_repertorio": e["runts_numero"], "sezione": e["runts_sezione"]}
    if e.get("sede_indirizzo"):
        data["sede"] = {"indirizzo": e["sede_indirizzo"], "comune": e["sede_comune_istat"], "cap": e["sede_cap"]}
    return Ente.model_validate({"id": e["id"], "tipo": e["tipo"]["codice"], **data}).model_copy(
        update={"id": portal_id})


def _fonte(f: dict, portal_id: str) -> Fonte:
    data = {key: f[key] for key in ("denominazione", "programma", "cup") if f.get(key) is not None}
    periodo = {"inizio": f["inizio"], **({"fine": f["fine"]} if f.get("fine") else {})}
    return Fonte.model_validate({"id": f["id"], "tipo": f["tipo"]["codice"], "periodo": periodo, **data}).model_copy(
        update={"id": portal_id})


def _ambito(a: dict, portal_id: str, capofila: str) -> Ambito:
    return Ambito.model_validate({
        "id": a["id"], "denominazione": a["denominazione"], "regione": a["regione"], "ente_capofila": a["ente_capofila"],
        "comuni": [c["codice_istat"] for c in a["comuni"]], "codici_esterni": a.get("codici_esterni", [])},
    ).model_copy(update={"id": portal_id, "ente_capofila": capofila})


SERVICE_MAPPED = {"id", "tipologia", "aree_utenza", "ente_erogatore", "enti_coinvolti", "fonti_finanziamento", "ambito",
                  "comuni", "sedi", "modalita_accesso", "classificazioni"}
"""Fields of a service whose published shape differs from the YAML one (a label, a resolved reference):
mapped one by one below. Every other field of the model is published under its own name and carried as is,
so a field added to both the catalogue and the API reaches the portal without touching this module."""
SEDE_MAPPED = {"comune", "coordinate"}


def _plain(published: dict, model: type[BaseModel], mapped: set[str]) -> dict:
    return {name: published[name] for name in model.model_fields
            if name not in mapped and published.get(name) not in (None, [])}


def _servizio(s: dict, portal_id: str, refs: dict[tuple[str, str], str], removed: set[str]) -> Servizio:
    sedi = []
    for sede in s.get("sedi", []):
        item = {**_plain(sede, Sede, SEDE_MAPPED), "comune": sede["comune_istat"]}
        if sede.get("lat") is not None and sede.get("lon") is not None:
            item["coordinate"] = {"lat": sede["lat"], "lon": sede["lon"]}
        sedi.append(item)
    territorio = s["territorio"]
    model = Servizio.model_validate({
        **_plain(s, Servizio, SERVICE_MAPPED), "id": s["id"],
        "tipologia": s["tipologia"]["codice"], "classificazioni": s.get("classificazioni", []),
        "aree_utenza": [a["codice"] for a in s.get("aree_utenza", [])],
        "ente_erogatore": s["ente_erogatore"]["id"],
        "enti_coinvolti": [{"ente": e["id"], "ruolo": e["ruolo"]} for e in s.get("enti_coinvolti", [])],
        "fonti_finanziamento": [f["id"] for f in s.get("fonti_finanziamento", [])],
        "ambito": territorio["ambito"]["id"],
        "comuni": None if territorio["tutto_ambito"] else territorio["comuni_istat"],
        "sedi": sedi, "modalita_accesso": [m["codice"] for m in s.get("modalita_accesso", [])]})
    update = {
        "id": portal_id, "ente_erogatore": refs[("ente", model.ente_erogatore)],
        "enti_coinvolti": [c.model_copy(update={"ente": refs[("ente", c.ente)]}) for c in model.enti_coinvolti],
        "fonti_finanziamento": [refs[("fonte", f)] for f in model.fonti_finanziamento],
        "ambito": refs[("ambito", model.ambito)]}
    if model.comuni is not None:
        update["comuni"] = [c for c in model.comuni if c not in removed]
    return model.model_copy(update=update)


def _rete(r: dict, portal_id: str, refs: dict[tuple[str, str], str]) -> Rete:
    return Rete.model_validate({
        "id": portal_id, "denominazione": r["denominazione"], "tipo": r["tipo"], "livello": r["livello"],
        "ambito": refs[("ambito", r["ambito"])] if r.get("ambito") else None, "funzioni": r["funzioni"],
        "gestore": refs[("ente", r["gestore"]["id"])],
        "membri": [{"ente": refs[("ente", m["ente"]["id"])], "ruolo": m["ruolo"]} for m in r["membri"]],
        "risponde_a": refs[("rete", r["risponde_a"])] if r.get("risponde_a") else None,
        "servizi": [refs[("servizio", x)] for x in r.get("servizi", []) if ("servizio", x) in refs]})


def _protocollo(p: dict, portal_id: str, refs: dict[tuple[str, str], str]) -> Protocollo:
    def ente(local: str) -> str:
        return refs[("ente", local)]

    date = {key: p[key] for key in ("sottoscrizione", "decorrenza", "scadenza", "rinnovo") if p.get(key) is not None}
    return Protocollo.model_validate({
        "id": portal_id, "rete": refs[("rete", p["rete"])], "modello": p["modello"], "strumento": p["strumento"]["codice"],
        "titolo": p["titolo"], "premesse": p.get("premesse", []), "riferimenti_normativi": p.get("riferimenti_normativi", []),
        "articoli": p["articoli"], "stato": p["stato"], "date": date,
        "parti": [{"ente": ente(x["ente"]["id"]), "ruolo_firmatario": x["ruolo_firmatario"]}
                  for x in p["parti_firmatarie"]],
        "impegni": [{**i, "ente": ente(i["ente"]),
                     "servizi": [refs[("servizio", x)] for x in i.get("servizi", []) if ("servizio", x) in refs]}
                    for i in p.get("impegni", [])],
        "governance": [{**{k: v for k, v in o.items() if v is not None},
                        "composizione": [{**c, "ente": ente(c["ente"])} for c in o["composizione"]]}
                       for o in p.get("governance", [])],
        "indicatori": p.get("indicatori", []),
        "adesioni": [{"ente": ente(a["ente"]), "data": a["data"]} for a in p.get("adesioni", [])],
        **({"documento": p["documento"]} if p.get("documento") else {})})


__all__ = ["Aggregate", "Conflict", "aggregate"]
