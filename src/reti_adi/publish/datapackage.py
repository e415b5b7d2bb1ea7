"""A Frictionless data package of the catalogue: CSV tables with Table Schemas, primary and foreign keys.

Only constraints that frictionless-py enforces are declared (type, required, enum, pattern,
unique, primaryKey, foreignKeys), so a package that validates means what it says.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile

from reti_adi.catalogue.records import Catalogue
from reti_adi.catalogue.vocabularies import comuni, vocabulary
from reti_adi.publish.context import BuildContext
from reti_adi.publish.resolve import served_comuni

DATA_DIR = "dati"
ZIP_NAME = "reti-adi-dati.zip"
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)

ID = {"type": "string", "constraints": {"required": True, "pattern": "[a-z0-9]+(-[a-z0-9]+)*"}}
ISTAT = {"type": "string", "constraints": {"required": True, "pattern": "[0-9]{6}"}}


def _field(name: str, spec: dict | None = None, **extra) -> dict:
    base = dict(spec or {"type": "string"})
    if "constraints" in base:
        base["constraints"] = dict(base["constraints"])
    base.update(extra)
    return {"name": name, **base}


def _enum(values) -> dict:
    return {"type": "string", "constraints": {"required": True, "enum": list(values)}}


def _fk(field: str, resource: str, target: str) -> dict:
    return {"fields": field, "reference": {"resource": resource, "fields": target}}


def _tables(catalogue: Catalogue) -> list[tuple[str, str, dict, list[list]]]:
    """(name, title, table schema, rows) for every resource."""
    istat = comuni()
    servizi = sorted(catalogue.of("servizio").values(), key=lambda r: r.id)
    enti = sorted(catalogue.of("ente").values(), key=lambda r: r.id)
    fonti = sorted(catalogue.of("fonte").values(), key=lambda r: r.id)
    ambiti = sorted(catalogue.of("ambito").values(), key=lambda r: r.id)
    served = {r.id: served_comuni(catalogue, r.model) for r in servizi}
    used_comuni = sorted({c for codes in served.values() for c in codes}
                         | {c for a in ambiti for c in a.model.comuni})
    tables = []
    tables.append(("comuni", "Comuni (elenco ISTAT) citati nel catalogo", {
        "fields": [_field("codice_istat", ISTAT), _field("denominazione"), _field("sigla_provincia"),
                   _field("regione")],
        "primaryKey": ["codice_istat"]},
        [[c, istat[c].denominazione, istat[c].sigla_provincia, istat[c].regione] for c in used_comuni]))
    tables.append(("enti", "Enti erogatori e partner", {
        "fields": [_field("id", ID), _field("denominazione", constraints={"required": True}),
                   _field("tipo", _enum(vocabulary("tipi_ente").codes)),
                   _field("codice_fiscale", constraints={"pattern": "[0-9]{11}"}), _field("codice_ipa"),
                   _field("runts_numero"), _field("sito_web", format="uri"),
                   _field("sede_comune_istat", {"type": "string", "constraints": {"pattern": "[0-9]{6}"}})],
        "primaryKey": ["id"],
        "foreignKeys": [_fk("sede_comune_istat", "comuni", "codice_istat")]},
        [[e.id, e.model.denominazione, e.model.tipo, e.model.codice_fiscale, e.model.codice_ipa,
          e.model.runts.numero_repertorio if e.model.runts else None, e.model.sito_web,
          e.model.sede.comune if e.model.sede else None] for e in enti]))
    # a foreign key needs the target row; keep the comuni of enti seats too
    seat_codes = {e.model.sede.comune for e in enti if e.model.sede} - set(used_comuni)
    tables[0][3].extend([c, istat[c].denominazione, istat[c].sigla_provincia, istat[c].regione]
                        for c in sorted(seat_codes))
    tables[0][3].sort()
    tables.append(("fonti", "Fonti di finanziamento", {
        "fields": [_field("id", ID), _field("denominazione", constraints={"required": True}),
                   _field("tipo", _enum(vocabulary("tipi_fonte").codes)), _field("programma"),
                   _field("inizio", type="date", constraints={"required": True}), _field("fine", type="date"),
                   _field("cup", constraints={"pattern": "[A-Z][0-9]{2}[A-Z0-9]{12}"})],
        "primaryKey": ["id"]},
        [[f.id, f.model.denominazione, f.model.tipo, f.model.programma, f.model.periodo.inizio,
          f.model.periodo.fine, f.model.cup] for f in fonti]))
    tables.append(("ambiti", "Ambiti territoriali sociali", {
        "fields": [_field("id", ID), _field("denominazione", constraints={"required": True}), _field("regione"),
                   _field("ente_capofila", ID)],
        "primaryKey": ["id"], "foreignKeys": [_fk("ente_capofila", "enti", "id")]},
        [[a.id, a.model.denominazione, a.model.regione, a.model.ente_capofila] for a in ambiti]))
    tables.append(("servizi", "Servizi (sostegni)", {
        "fields": [_field("id", ID), _field("denominazione", constraints={"required": True}),
                   _field("tipologia", _enum(vocabulary("tipologie_art7").codes)),
                   _field("ente_erogatore", ID), _field("ambito", ID),
                   _field("stato", _enum(["attivo", "sospeso", "cessato", "non_presente"])),
                   _field("data_avvio", type="date"), _field("data_fine", type="date"),
                   _field("posti_disponibili", type="integer", constraints={"minimum": 0}),
                   _field("aree_utenza", description="codici ISTAT separati da «;»"),
                   _field("modalita_accesso", description="codici separati da «;»"),
                   _field("costo", {"type": "string", "constraints": {"enum": ["gratuito", "compartecipazione"]}}),
                   _field("ultima_verifica", type="date", constraints={"required": True}),
                   _field("descrizione")],
        "primaryKey": ["id"],
        "foreignKeys": [_fk("ente_erogatore", "enti", "id"), _fk("ambito", "ambiti", "id")]},
        [[s.id, s.model.denominazione, s.model.tipologia, s.model.ente_erogatore, s.model.ambito, s.model.stato,
          s.model.data_avvio, s.model.data_fine, s.model.posti_disponibili, ";".join(s.model.aree_utenza),
          ";".join(s.model.modalita_accesso), s.model.costo.tipo if s.model.costo else None,
          s.model.ultima_verifica, s.model.descrizione] for s in servizi]))
    tables.append(("servizi_comuni", "Comuni serviti da ciascun servizio", {
        "fields": [_field("servizio", ID), _field("comune_istat", ISTAT)],
        "primaryKey": ["servizio", "comune_istat"],
        "foreignKeys": [_fk("servizio", "servizi", "id"), _fk("comune_istat", "comuni", "codice_istat")]},
        [[sid, c] for sid, codes in served.items() for c in codes]))
    tables.append(("servizi_fonti", "Fonti di finanziamento di ciascun servizio", {
        "fields": [_field("servizio", ID), _field("fonte", ID)],
        "primaryKey": ["servizio", "fonte"],
        "foreignKeys": [_fk("servizio", "servizi", "id"), _fk("fonte", "fonti", "id")]},
        [[s.id, f] for s in servizi for f in s.model.fonti_finanziamento]))
    tables.extend(_protocol_tables(catalogue))
    tables.append(_coverage_table(catalogue))
    tables.extend(_demand_tables(catalogue))
    return tables


def _demand_tables(catalogue: Catalogue) -> list[tuple[str, str, dict, list[list]]]:
    """The protected demand figures: suppressed counts are empty (null) with riservato = true, never 0."""
    from reti_adi.publish.demand import MEASURES, build_demand, demand_rows

    pub = build_demand(catalogue)
    rows = demand_rows(catalogue, pub)
    head = [_field("periodo", {"type": "string", "constraints": {"required": True, "pattern": "20[0-9]{2}-T[1-4]"}}),
            _field("ambito", ID), _field("misura", _enum(MEASURES))]
    count = [_field("nuclei", type="integer", constraints={"minimum": 0},
                    description=f"numero di nuclei; vuoto se riservato (soglia {pub.threshold})"),
             _field("riservato", type="boolean", constraints={"required": True})]
    comune = {"type": "string", "constraints": {"required": True, "pattern": "[0-9]{6}|non_indicato"}}
    tipologie = vocabulary("tipologie_art7").codes
    return [
        ("domanda_celle", "Domanda aggregata per comune e tipologia (con controllo della riservatezza)", {
            "fields": head + [_field("comune", comune), _field("tipologia", _enum(tipologie))] + count,
            "primaryKey": ["periodo", "ambito", "misura", "comune", "tipologia"],
            "foreignKeys": [_fk("ambito", "ambiti", "id")]}, rows["domanda_celle"]),
        ("domanda_totali", "Totali della domanda per ambito, comune e tipologia", {
            "fields": head + [_field("dimensione", _enum(["ambito", "comune", "tipologia"])),
                              _field("codice", constraints={"required": True})] + count,
            "primaryKey": ["periodo", "ambito", "misura", "dimensione", "codice"],
            "foreignKeys": [_fk("ambito", "ambiti", "id")]}, rows["domanda_totali"]),
        ("domanda_servizi", "Domanda per servizio del catalogo (o per tipologia, se nessuna scheda la descrive)", {
            "fields": head + [_field("tipologia", _enum(tipologie)),
                              _field("servizio", {"type": "string", "constraints": {"pattern": ID["constraints"]["pattern"]}},
                                     description="vuoto: bisogni della tipologia che nessuna scheda descrive")] + count
                      + [_field("posti_disponibili", type="integer", constraints={"minimum": 0})],
            "foreignKeys": [_fk("ambito", "ambiti", "id"), _fk("servizio", "servizi", "id")]}, rows["domanda_servizi"]),
    ]


def _coverage_table(catalogue: Catalogue) -> tuple[str, str, dict, list[list]]:
    from reti_adi.publish.coverage import AREE, STATI_COPERTURA, TIPOLOGIE_ART7, coverage_rows

    ids = {"type": "string", "description": "id dei servizi separati da «;»"}
    return ("copertura", "Copertura dei comuni per tipologia art. 7 e area di utenza (dal catalogo)", {
        "fields": [_field("ambito", ID), _field("comune_istat", ISTAT),
                   _field("dimensione", _enum(["tipologia", "area_utenza"])),
                   _field("codice", _enum(TIPOLOGIE_ART7 + AREE)), _field("stato", _enum(STATI_COPERTURA)),
                   _field("servizi_attivi", ids), _field("servizi_sospesi", ids), _field("servizi_non_presenti", ids)],
        "primaryKey": ["ambito", "comune_istat", "dimensione", "codice"],
        "foreignKeys": [_fk("ambito", "ambiti", "id"), _fk("comune_istat", "comuni", "codice_istat")]},
        coverage_rows(catalogue))


def _protocol_tables(catalogue: Catalogue) -> list[tuple[str, str, dict, list[list]]]:
    reti = sorted(catalogue.of("rete").values(), key=lambda r: r.id)
    protocolli = sorted(catalogue.of("protocollo").values(), key=lambda r: r.id)
    optional_id = {"type": "string", "constraints": {"pattern": ID["constraints"]["pattern"]}}
    return [
        ("reti", "Reti di servizi (DM 93/2024)", {
            "fields": [_field("id", ID), _field("denominazione", constraints={"required": True}),
                       _field("tipo", _enum(["indirizzo", "intervento"])),
                       _field("livello", _enum(["nazionale", "regionale", "ambito", "comunale"])),
                       _field("ambito", optional_id), _field("gestore", ID), _field("risponde_a", optional_id)],
            "primaryKey": ["id"],
            "foreignKeys": [_fk("ambito", "ambiti", "id"), _fk("gestore", "enti", "id"),
                            _fk("risponde_a", "reti", "id")]},
         [[r.id, r.model.denominazione, r.model.tipo, r.model.livello, r.model.ambito, r.model.gestore,
           r.model.risponde_a] for r in reti]),
        ("reti_membri", "Membri delle reti e loro ruolo", {
            "fields": [_field("rete", ID), _field("ente", ID), _field("ruolo", constraints={"required": True})],
            "primaryKey": ["rete", "ente"],
            "foreignKeys": [_fk("rete", "reti", "id"), _fk("ente", "enti", "id")]},
         [[r.id, x.ente, x.ruolo] for r in reti for x in r.model.membri]),
        ("protocolli", "Protocolli e accordi delle reti", {
            "fields": [_field("id", ID), _field("rete", ID), _field("modello", _enum(["allegato_1", "allegato_2"])),
                       _field("strumento", constraints={"required": True}),
                       _field("titolo", constraints={"required": True}),
                       _field("stato", _enum(["bozza", "in_firma", "vigente", "scaduto", "cessato"])),
                       _field("sottoscrizione", type="date"), _field("decorrenza", type="date"),
                       _field("scadenza", type="date")],
            "primaryKey": ["id"], "foreignKeys": [_fk("rete", "reti", "id")]},
         [[p.id, p.model.rete, p.model.modello, p.model.strumento, p.model.titolo, p.model.stato,
           p.model.date.sottoscrizione, p.model.date.decorrenza, p.model.date.scadenza] for p in protocolli]),
        ("parti", "Parti firmatarie dei protocolli", {
            "fields": [_field("protocollo", ID), _field("ente", ID),
                       _field("ruolo_firmatario", constraints={"required": True})],
            "primaryKey": ["protocollo", "ente"],
            "foreignKeys": [_fk("protocollo", "protocolli", "id"), _fk("ente", "enti", "id")]},
         [[p.id, x.ente, x.ruolo_firmatario] for p in protocolli for x in p.model.parti]),
        ("impegni", "Impegni assunti da ciascun ente nei protocolli", {
            "fields": [_field("protocollo", ID), _field("numero", type="integer", constraints={"required": True}),
                       _field("ente", ID), _field("descrizione", constraints={"required": True}),
                       _field("indicatori", description="separati da «;»"),
                       _field("servizi", description="id dei servizi separati da «;»")],
            "primaryKey": ["protocollo", "numero"],
            "foreignKeys": [_fk("protocollo", "protocolli", "id"), _fk("ente", "enti", "id")]},
         [[p.id, n, i.ente, i.descrizione, ";".join(i.indicatori), ";".join(i.servizi)]
          for p in protocolli for n, i in enumerate(p.model.impegni, start=1)]),
    ]


def _csv(header: list[str], rows: list[list]) -> bytes:
    """None is written empty and a date as its ISO form (str of a date) by the csv module itself: no value
    is converted here (255,000 rows at 10,000 services). The values are str, int, bool, date or None."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def build_datapackage(catalogue: Catalogue, ctx: BuildContext) -> dict[str, bytes]:
    """Path under dati/ -> content, including the zip of the whole package."""
    files: dict[str, bytes] = {}
    resources = []
    for name, title, schema, rows in _tables(catalogue):
        path = f"{name}.csv"
        files[path] = _csv([f["name"] for f in schema["fields"]], rows)
        resources.append({"name": name, "title": title, "path": path, "profile": "tabular-data-resource",
                          "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "schema": schema})
    licence = {"CC-BY-4.0": ("CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/"),
               "CC0-1.0": ("CC0-1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
               "IODL-2.0": ("IODL-2.0", "https://www.dati.gov.it/iodl/2.0/")}[ctx.licence]
    descriptor = {
        "profile": "tabular-data-package",
        "name": "reti-adi-catalogo",
        "title": ctx.title,
        "version": ctx.catalogue_version,
        "created": ctx.generated_at,
        "licenses": [{"name": licence[0], "path": licence[1]}],
        "sources": [{"title": "Elenco dei comuni italiani (ISTAT)", "path": "https://www.istat.it/it/archivio/6789"}],
        "resources": resources,
    }
    files["datapackage.json"] = (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    files[ZIP_NAME] = _zip(files)
    return files


def _zip(files: dict[str, bytes]) -> bytes:
    """A reproducible zip: fixed timestamps and order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()
