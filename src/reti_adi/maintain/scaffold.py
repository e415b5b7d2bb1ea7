"""`reti-adi nuovo`: skeleton files with the essentials filled in and the rest as commented examples.

Whatever the user has not given yet is written as the placeholder «DA COMPILARE», which the
check reports as an error, so a skeleton can never be published half-filled.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from reti_adi import clock
from reti_adi.catalogue.kinds import KIND_BY_NAME
from reti_adi.rules.placeholders import PLACEHOLDER, PLACEHOLDER_ID


@dataclass(frozen=True, slots=True)
class Essential:
    name: str
    prompt: str
    is_reference: bool = False
    default: str | None = None


ESSENTIALS: dict[str, list[Essential]] = {
    "servizio": [Essential("denominazione", "Denominazione del servizio"),
                 Essential("descrizione", "Descrizione in una o due frasi"),
                 Essential("tipologia", "Tipologia art. 7 (a-h) o «altro»", default="altro"),
                 Essential("ente_erogatore", "Id dell'ente erogatore", is_reference=True),
                 Essential("ambito", "Id dell'ambito", is_reference=True)],
    "ente": [Essential("denominazione", "Denominazione dell'ente"),
             Essential("tipo", "Tipo di ente (es. comune, asl, cpi, ets, cooperativa_sociale)")],
    "fonte": [Essential("denominazione", "Denominazione della fonte"),
              Essential("tipo", "Tipo di fonte (es. fnps, fondo_poverta_quota_servizi, comunale)")],
    "ambito": [Essential("denominazione", "Denominazione dell'ambito"), Essential("regione", "Regione"),
               Essential("ente_capofila", "Id dell'ente capofila", is_reference=True)],
    "rete": [Essential("denominazione", "Denominazione della rete"),
             Essential("tipo", "Tipo (indirizzo o intervento)", default="intervento"),
             Essential("gestore", "Id dell'ente gestore", is_reference=True),
             Essential("ambito", "Id dell'ambito", is_reference=True)],
    "protocollo": [Essential("titolo", "Titolo del protocollo"),
                   Essential("rete", "Id della rete", is_reference=True),
                   Essential("modello", "Modello (allegato_1 o allegato_2)", default="allegato_1")],
}

TEMPLATES = {
    "servizio": """\
id: {id}
denominazione: {denominazione}
descrizione: {descrizione}
tipologia: {tipologia}
# classificazioni:
#   - {{schema: sioss, codice: "B.2", etichetta: Sostegno socio-educativo}}
aree_utenza: [MULBEN]   # FAM, DIS, ELD, ADD, IMMNOM, POV, MULBEN
ente_erogatore: {ente_erogatore}
# enti_coinvolti:
#   - {{ente: id-ente, ruolo: Invio dei partecipanti}}
fonti_finanziamento: []   # id dei file in catalogo/fonti/
ambito: {ambito}
# comuni: ["037008"]   # se manca, tutto l'ambito
# sedi:
#   - indirizzo: Via Roma 1
#     comune: "037008"
#     cap: "40054"
#     orari:
#       - {{giorni: [lunedi, mercoledi], dalle: "09:00", alle: "12:30"}}
modalita_accesso: [su_appuntamento]   # invio_case_manager, accesso_diretto, ...
# a_chi_e_rivolto: A chi si rivolge il servizio
# come_accedere: Come si accede
# cosa_serve: Documenti necessari
# costo: {{tipo: gratuito}}
stato: attivo   # attivo, sospeso, cessato, non_presente
data_avvio: {oggi}   # da togliere se non_presente
# data_fine: 2027-12-31
# posti_disponibili: 10
# contatti: {{telefono: "051 000000", email: ufficio@ente.it, ufficio: Sportello sociale}}
ultima_verifica: {oggi}
""",
    "ente": """\
id: {id}
denominazione: {denominazione}
tipo: {tipo}
# codice_fiscale: "01234567890"   # 11 cifre, obbligatorio per il Terzo Settore
# codice_ipa: c_a944              # enti pubblici
# runts: {{numero_repertorio: "12345", sezione: odv}}
# sito_web: https://www.ente.it
# contatti: {{telefono: "051 000000", email: info@ente.it, ufficio: Segreteria}}
# sede: {{indirizzo: Via Roma 1, comune: "037008", cap: "40054"}}
""",
    "fonte": """\
id: {id}
denominazione: {denominazione}
tipo: {tipo}
# programma: Nome del programma
periodo:
  inizio: {oggi}
  # fine: 2027-12-31
# cup: J31H22000120006
""",
    "ambito": """\
id: {id}
denominazione: {denominazione}
regione: {regione}
ente_capofila: {ente_capofila}
comuni:
  - "{placeholder_code}"   # codici ISTAT a 6 cifre, tra virgolette
# codici_esterni:
#   - {{sistema: Regione, codice: "ABC1"}}
""",
    "rete": """\
id: {id}
denominazione: {denominazione}
tipo: {tipo}
livello: ambito   # nazionale, regionale, ambito, comunale
ambito: {ambito}
funzioni:
  - {placeholder}
gestore: {gestore}
membri:
  - {{ente: {gestore}, ruolo: gestore}}
# risponde_a: id-della-rete-di-indirizzo
# servizi: [id-servizio]
""",
    "protocollo": """\
id: {id}
rete: {rete}
modello: {modello}
strumento: protocollo_intesa   # accordo_programma, accordo_pa, convenzione, coprogettazione
titolo: {titolo}
premesse:
  - {placeholder}
articoli:
  - {{numero: 1, tipo: oggetto, titolo: Oggetto, testo: {placeholder}}}
  - {{numero: 2, tipo: finalita, titolo: Finalità, testo: {placeholder}}}
  - {{numero: 3, tipo: soggetti, titolo: Soggetti, testo: {placeholder}}}
  - {{numero: 4, tipo: impegni_parti, titolo: Impegni delle parti, testo: {placeholder}}}
  - {{numero: 5, tipo: modalita_operative, titolo: Modalità operative, testo: {placeholder}}}
  - {{numero: 6, tipo: governance, titolo: Governance, testo: {placeholder}}}
  - {{numero: 7, tipo: monitoraggio_valutazione, titolo: Monitoraggio e valutazione, testo: {placeholder}}}
  - {{numero: 8, tipo: trattamento_dati, titolo: Trattamento dei dati, testo: {placeholder}}}
  - {{numero: 9, tipo: durata_recesso, titolo: Durata e recesso, testo: {placeholder}}}
parti:   # enti firmatari con il ruolo di chi firma, mai il nome
  - {{ente: {placeholder_id}, ruolo_firmatario: Legale rappresentante}}
  - {{ente: {placeholder_id}-2, ruolo_firmatario: Legale rappresentante}}
impegni:
  - {{ente: {placeholder_id}, descrizione: {placeholder}}}
  - {{ente: {placeholder_id}-2, descrizione: {placeholder}}}
stato: bozza   # bozza, in_firma, vigente, scaduto, cessato
# date: {{sottoscrizione: 2026-01-15, decorrenza: 2026-02-01, scadenza: 2029-01-31}}
""",
}


class ScaffoldError(Exception):
    pass


def target_path(root: Path, kind: str, record_id: str) -> Path:
    return Path(root) / KIND_BY_NAME[kind].folder / f"{record_id}.yaml"


def render(kind: str, record_id: str, values: dict[str, str | None], root: Path, today: dt.date) -> str:
    from reti_adi.maintain.yaml_writer import schema_comment

    fields = {}
    for essential in ESSENTIALS[kind]:
        value = values.get(essential.name) or essential.default
        if value is None:
            value = PLACEHOLDER_ID if essential.is_reference else PLACEHOLDER
        fields[essential.name] = value if essential.is_reference or essential.name in ("tipo", "tipologia",
                                                                                      "modello") else json.dumps(
            value, ensure_ascii=False)
    text = TEMPLATES[kind].format(id=record_id, oggi=today.isoformat(), placeholder=json.dumps(PLACEHOLDER),
                                  placeholder_id=PLACEHOLDER_ID, placeholder_code="000000", **fields)
    path = target_path(root, kind, record_id)
    return schema_comment(KIND_BY_NAME[kind], path, Path(root)) + text


def write_skeleton(root: Path, kind: str, record_id: str, values: dict[str, str | None],
                   today: dt.date | None = None) -> Path:
    import re

    from reti_adi.catalogue.models.common import ID_RE

    if not re.match(ID_RE, record_id):
        raise ScaffoldError(f"id «{record_id}» non valido: usa minuscole, cifre e trattini (es. «centro-famiglie»)")
    path = target_path(root, kind, record_id)
    if path.exists():
        raise ScaffoldError(f"{path} esiste già: reti-adi nuovo non sovrascrive mai un file")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = render(kind, record_id, values, root, today or clock.today())
    with path.open("x", encoding="utf-8") as handle:  # "x": fail rather than overwrite, even in a race
        handle.write(text)
    return path
