"""`reti-adi nuovo`: skeleton files with the essentials filled in and the rest as commented examples.

Whatever a person must decide and has not given yet (tipologia, aree di utenza, stato, dates…)
is written as the placeholder «DA COMPILARE», which the check reports as an error: nothing is
guessed (no «today» as start date), so a skeleton never passes the check until it is filled.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from reti_adi.catalogue.kinds import KIND_BY_NAME
from reti_adi.rules.placeholders import PLACEHOLDER, PLACEHOLDER_ID


@dataclass(frozen=True, slots=True)
class Essential:
    name: str
    prompt: str
    source: str | None = None
    """Where the allowed values come from: a kind of record («ente»), «vocabolario:<nome>» or
    «valori:a,b»; None for free text."""

    @property
    def is_reference(self) -> bool:
        return self.source in KIND_BY_NAME


ESSENTIALS: dict[str, list[Essential]] = {
    "servizio": [Essential("denominazione", "Denominazione del servizio"),
                 Essential("descrizione", "Descrizione in una o due frasi"),
                 Essential("tipologia", "Tipologia art. 7", "vocabolario:tipologie_art7"),
                 Essential("ente_erogatore", "Ente erogatore", "ente"),
                 Essential("ambito", "Ambito", "ambito")],
    "ente": [Essential("denominazione", "Denominazione dell'ente"),
             Essential("tipo", "Tipo di ente", "vocabolario:tipi_ente")],
    "fonte": [Essential("denominazione", "Denominazione della fonte"),
              Essential("tipo", "Tipo di fonte", "vocabolario:tipi_fonte")],
    "ambito": [Essential("denominazione", "Denominazione dell'ambito"),
               Essential("regione", "Regione", "regione"),
               Essential("ente_capofila", "Ente capofila", "ente")],
    "rete": [Essential("denominazione", "Denominazione della rete"),
             Essential("tipo", "Tipo di rete", "valori:indirizzo,intervento"),
             Essential("gestore", "Ente gestore", "ente"),
             Essential("ambito", "Ambito", "ambito")],
    "protocollo": [Essential("titolo", "Titolo del protocollo"),
                   Essential("rete", "Rete", "rete"),
                   Essential("modello", "Modello del DM 93/2024", "valori:allegato_1,allegato_2")],
}


def allowed_values(root: Path, kind: str) -> dict[str, dict[str, str]]:
    """For each essential of `kind` with a closed set of values: value → label, from the catalogue
    in root (enti, ambiti, reti) or from the vocabularies. What the prompt lists and validates."""
    from reti_adi.catalogue.loader import load_catalogue
    from reti_adi.catalogue.vocabularies import regioni, vocabulary

    catalogue = None
    out: dict[str, dict[str, str]] = {}
    for essential in ESSENTIALS[kind]:
        source = essential.source
        if source is None:
            continue
        if source in KIND_BY_NAME:
            if catalogue is None:
                catalogue = load_catalogue(Path(root))
            out[essential.name] = {record_id: getattr(record.model, "denominazione", None) or record_id
                                   for record_id, record in sorted(catalogue.of(source).items())}
        elif source.startswith("vocabolario:"):
            words = vocabulary(source.split(":", 1)[1])
            out[essential.name] = {code: words.label(code) for code in words.codes}
        elif source == "regione":
            out[essential.name] = {name: name for name in regioni()}
        else:
            out[essential.name] = {value: value for value in source.split(":", 1)[1].split(",")}
    return out


def _codes(name: str) -> str:
    from reti_adi.catalogue.vocabularies import vocabulary

    return ", ".join(vocabulary(name).codes)


TEMPLATES = {
    "servizio": """\
id: {id}
denominazione: {denominazione}
descrizione: {descrizione}
tipologia: {tipologia}   # {tipologie}
# classificazioni:
#   - {{schema: sioss, codice: "B.2", etichetta: Sostegno socio-educativo}}
aree_utenza: [{placeholder}]   # {aree}
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
modalita_accesso: [{placeholder}]   # {accessi}
# a_chi_e_rivolto: A chi si rivolge il servizio
# come_accedere: Come si accede
# cosa_serve: Documenti necessari
# costo: {{tipo: gratuito}}
stato: {placeholder}   # attivo, sospeso, cessato, non_presente (necessario ma assente)
data_avvio: {placeholder}   # AAAA-MM-GG; da togliere se non_presente
# data_fine: 2027-12-31
# posti_disponibili: 10
# contatti: {{telefono: "051 000000", email: ufficio@ente.it, ufficio: Sportello sociale}}
ultima_verifica: {placeholder}   # AAAA-MM-GG: quando hai confermato le informazioni con l'ente
""",
    "ente": """\
id: {id}
denominazione: {denominazione}
tipo: {tipo}   # {tipi_ente}
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
tipo: {tipo}   # {tipi_fonte}
# programma: Nome del programma
periodo:
  inizio: {placeholder}   # AAAA-MM-GG
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
tipo: {tipo}   # indirizzo, intervento
livello: {placeholder}   # nazionale, regionale, ambito, comunale
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
modello: {modello}   # allegato_1, allegato_2
strumento: {placeholder}   # protocollo_intesa, accordo_programma, accordo_pa, convenzione, coprogettazione
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


def render(kind: str, record_id: str, values: dict[str, str | None], root: Path) -> str:
    from reti_adi.maintain.yaml_writer import schema_comment

    fields = {}
    for essential in ESSENTIALS[kind]:
        value = values.get(essential.name)
        if value is None:  # a person decides it: the check fails until it is filled
            fields[essential.name] = PLACEHOLDER_ID if essential.is_reference else json.dumps(PLACEHOLDER)
        elif essential.source is None or essential.source == "regione":
            fields[essential.name] = json.dumps(value, ensure_ascii=False)
        else:
            fields[essential.name] = value  # an id or a code, already checked against the allowed values
    text = TEMPLATES[kind].format(id=record_id, placeholder=json.dumps(PLACEHOLDER), placeholder_id=PLACEHOLDER_ID,
                                  placeholder_code="000000", tipologie=_codes("tipologie_art7"),
                                  aree=_codes("aree_utenza"), accessi=_codes("modalita_accesso"),
                                  tipi_ente=_codes("tipi_ente"), tipi_fonte=_codes("tipi_fonte"), **fields)
    path = target_path(root, kind, record_id)
    return schema_comment(KIND_BY_NAME[kind], path, Path(root)) + text


def write_skeleton(root: Path, kind: str, record_id: str, values: dict[str, str | None]) -> Path:
    import re

    from reti_adi.catalogue.models.common import ID_RE

    if not re.match(ID_RE, record_id):
        raise ScaffoldError(f"id «{record_id}» non valido: usa minuscole, cifre e trattini (es. «centro-famiglie»)")
    path = target_path(root, kind, record_id)
    if path.exists():
        raise ScaffoldError(f"{path} esiste già: reti-adi nuovo non sovrascrive mai un file")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = render(kind, record_id, values, root)
    with path.open("x", encoding="utf-8") as handle:  # "x": fail rather than overwrite, even in a race
        handle.write(text)
    return path
