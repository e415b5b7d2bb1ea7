"""Human names for the fields of a record, for the people who review a change (diff, importa).

`sedi[1].orari[0].dalle` is how the code addresses a value; a reviewer reads «Sede 2, orario 1:
dalle». Unknown names fall back to the key with spaces, so a new field is never unnamed.
"""

from __future__ import annotations

import datetime as dt
import re

NAMES = {
    "id": "Id", "denominazione": "Denominazione", "descrizione": "Descrizione", "tipologia": "Tipologia art. 7",
    "aree_utenza": "Aree di utenza", "ente_erogatore": "Ente erogatore", "fonti_finanziamento": "Fonti di finanziamento",
    "ambito": "Ambito", "comuni": "Comuni", "modalita_accesso": "Modalità di accesso",
    "a_chi_e_rivolto": "A chi è rivolto", "come_accedere": "Come accedere", "cosa_serve": "Cosa serve",
    "costo": "Costo", "tipo": "Tipo", "stato": "Stato", "data_avvio": "Data di avvio", "data_fine": "Data di fine",
    "posti_disponibili": "Posti disponibili", "contatti": "Contatti", "telefono": "Telefono", "email": "Email",
    "pec": "PEC", "sito_web": "Sito web", "ufficio": "Ufficio", "ultima_verifica": "Ultima verifica",
    "indirizzo": "Indirizzo", "comune": "Comune", "cap": "CAP", "note_orari": "Note sugli orari",
    "coordinate": "Coordinate", "lat": "latitudine", "lon": "longitudine", "accessibile": "Accessibile",
    "giorni": "giorni", "dalle": "dalle", "alle": "alle", "codice_fiscale": "Codice fiscale",
    "codice_ipa": "Codice IPA", "runts": "RUNTS", "numero_repertorio": "numero di repertorio", "sezione": "sezione",
    "sede": "Sede", "programma": "Programma", "periodo": "Periodo", "inizio": "inizio", "fine": "fine",
    "cup": "CUP", "note": "Note", "regione": "Regione", "ente_capofila": "Ente capofila",
    "codici_esterni": "Codici esterni", "sistema": "sistema", "codice": "codice", "etichetta": "etichetta",
    "schema": "schema", "ruolo": "ruolo", "ente": "ente", "titolo": "Titolo", "versione": "Versione",
    "editore": "Editore", "licenza": "Licenza", "gestore": "Gestore", "livello": "Livello", "funzioni": "Funzioni",
    "risponde_a": "Risponde a", "servizi": "Servizi", "modello": "Modello", "strumento": "Strumento",
    "premesse": "Premesse", "testo": "testo", "numero": "numero", "rete": "Rete",
    "ruolo_firmatario": "ruolo di chi firma", "date": "Date", "sottoscrizione": "sottoscrizione",
    "decorrenza": "decorrenza", "scadenza": "scadenza", "indicatori": "Indicatori", "governance": "Governance",
}

# a list of structures: how one element is called («Sede 2»)
ITEMS = {
    "sedi": "Sede", "orari": "orario", "enti_coinvolti": "Ente coinvolto", "classificazioni": "Classificazione",
    "codici_esterni": "Codice esterno", "articoli": "Articolo", "parti": "Parte", "impegni": "Impegno",
    "membri": "Membro", "indicatori": "Indicatore", "premesse": "Premessa", "funzioni": "Funzione",
    "comuni": "Comune", "fonti_finanziamento": "Fonte di finanziamento", "aree_utenza": "Area di utenza",
}

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _name(key: str) -> str:
    return NAMES.get(key, key.replace("_", " "))


def field_label(path: str) -> str:
    """«sedi[1].orari[0].dalle» → «Sede 2, orario 1: dalle»; «posti_disponibili» → «Posti disponibili»."""
    parts = [(m.group(1), m.group(2)) for m in _PART.finditer(path)]
    words: list[str] = []
    previous = None
    for key, index in parts:
        if index is not None:
            item = ITEMS.get(previous or "", "elemento")
            if words and words[-1] == _name(previous or ""):
                words.pop()
            words.append(f"{item} {int(index) + 1}")
        else:
            words.append(_name(key))
        previous = key if key is not None else previous
    if not words:
        return path
    if len(words) == 1:
        return words[0][:1].upper() + words[0][1:]
    head = ", ".join(words[:-1])
    return f"{head[:1].upper() + head[1:]}: {words[-1]}"


def value_text(value: object) -> str:
    """A value as a reviewer reads it: lists joined, dates as dates, yes/no, «vuoto»."""
    if value is None or value == [] or value == {}:
        return "vuoto"
    if isinstance(value, bool):
        return "sì" if value else "no"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(value_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{_name(str(k))} {value_text(v)}" for k, v in value.items())
    return str(value)
