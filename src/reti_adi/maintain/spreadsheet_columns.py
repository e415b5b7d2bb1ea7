"""The default mapping between the Italian column names a spreadsheet would have and the fields.

Each column: header, field path, how to read the cell. The layout `esporta` writes, which
`importa` reads back: sheet «Servizi» (one row per service), «Sedi» (one row per sede of a
service; its opening hours in one cell, «lunedi, mercoledi 09:00-12:30; venerdi 15:00-18:00»),
«Enti», «Fonti». Lists in one cell are separated by «;». A repository can override it with
`reti-adi importa --mappa mappa.yaml` ({"Intestazione": "campo.percorso"}).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    path: str
    """Dotted path into the record (or into the sede, on the «Sedi» sheet); «sedi.0.cap» addresses the first sede."""
    kind: str = "text"
    """text, list, date, int, float, bool, cap, istat, istat_list, hours, pairs, triples."""
    aliases: tuple[str, ...] = ()


SERVIZI = [
    Column("ID", "id", aliases=("codice", "identificativo")),
    Column("Denominazione", "denominazione", aliases=("nome", "nome servizio", "servizio")),
    Column("Descrizione", "descrizione"),
    Column("Tipologia", "tipologia", aliases=("tipologia art 7",)),
    Column("Classificazioni", "classificazioni", "triples"),
    Column("Aree di utenza", "aree_utenza", "list", aliases=("area utenza", "aree")),
    Column("Ente erogatore", "ente_erogatore", aliases=("ente",)),
    Column("Enti coinvolti", "enti_coinvolti", "pairs"),
    Column("Fonti di finanziamento", "fonti_finanziamento", "list", aliases=("fonti", "fonte")),
    Column("Ambito", "ambito"),
    Column("Comuni", "comuni", "istat_list", aliases=("comuni serviti",)),
    Column("Modalità di accesso", "modalita_accesso", "list", aliases=("accesso",)),
    Column("A chi è rivolto", "a_chi_e_rivolto", aliases=("destinatari",)),
    Column("Come accedere", "come_accedere"),
    Column("Cosa serve", "cosa_serve", aliases=("documenti",)),
    Column("Cosa si ottiene", "cosa_si_ottiene"),
    Column("Tempi", "tempi", aliases=("tempi di attesa",)),
    Column("Lingue", "lingue", "list", aliases=("lingue parlate",)),
    Column("Costo", "costo.tipo"),
    Column("Costo - dettagli", "costo.descrizione"),
    Column("Stato", "stato"),
    Column("Data di avvio", "data_avvio", "date", aliases=("avvio", "data avvio")),
    Column("Data di fine", "data_fine", "date", aliases=("fine", "data fine")),
    Column("Posti disponibili", "posti_disponibili", "int", aliases=("posti",)),
    Column("Telefono", "contatti.telefono"),
    Column("Email", "contatti.email", aliases=("e-mail", "posta elettronica")),
    Column("PEC", "contatti.pec"),
    Column("Sito web", "contatti.sito_web"),
    Column("Ufficio", "contatti.ufficio"),
    Column("Ultima verifica", "ultima_verifica", "date", aliases=("data ultima verifica", "verificato il")),
]

# The first sede as columns of the Servizi sheet: what sheets written by hand often have. Read on
# import when the workbook has no «Sedi» sheet; never written (esporta writes every sede in «Sedi»).
SEDE_SU_SERVIZI = [
    Column("Sede - denominazione", "sedi.0.denominazione", aliases=("sede",)),
    Column("Sede - indirizzo", "sedi.0.indirizzo", aliases=("indirizzo",)),
    Column("Sede - comune", "sedi.0.comune", "istat", aliases=("comune", "comune sede")),
    Column("Sede - CAP", "sedi.0.cap", "cap", aliases=("cap",)),
    Column("Sede - orari", "sedi.0.orari", "hours", aliases=("orari",)),
    Column("Sede - note orari", "sedi.0.note_orari"),
    Column("Sede - latitudine", "sedi.0.coordinate.lat", "float"),
    Column("Sede - longitudine", "sedi.0.coordinate.lon", "float"),
    Column("Sede - accessibile", "sedi.0.accessibile", "bool"),
    Column("Sede - telefono", "sedi.0.contatti.telefono"),
    Column("Sede - email", "sedi.0.contatti.email"),
]

# One row per sede: «ID servizio» says whose, «Sede n.» the order (1 = the first shown).
SEDI = [
    Column("ID servizio", "servizio", aliases=("servizio", "id")),
    Column("Sede n.", "numero", "int", aliases=("n", "numero", "numero sede", "sede")),
    Column("Denominazione", "denominazione", aliases=("nome",)),
    Column("Indirizzo", "indirizzo"),
    Column("Comune (ISTAT)", "comune", "istat", aliases=("comune", "codice istat")),
    Column("CAP", "cap", "cap"),
    Column("Orari", "orari", "hours"),
    Column("Note orari", "note_orari"),
    Column("Latitudine", "coordinate.lat", "float", aliases=("lat",)),
    Column("Longitudine", "coordinate.lon", "float", aliases=("lon",)),
    Column("Accessibile", "accessibile", "bool"),
    Column("Telefono", "contatti.telefono"),
    Column("Email", "contatti.email", aliases=("e-mail",)),
]
SEDI_TITLE = "Sedi"

ENTI = [
    Column("ID", "id", aliases=("codice",)),
    Column("Denominazione", "denominazione", aliases=("nome", "ragione sociale")),
    Column("Tipo", "tipo"),
    Column("Codice fiscale", "codice_fiscale", aliases=("cf", "partita iva")),
    Column("Codice IPA", "codice_ipa", aliases=("ipa",)),
    Column("RUNTS - numero", "runts.numero_repertorio", aliases=("runts",)),
    Column("RUNTS - sezione", "runts.sezione"),
    Column("Sito web", "sito_web"),
    Column("Telefono", "contatti.telefono"),
    Column("Email", "contatti.email"),
    Column("PEC", "contatti.pec"),
    Column("Ufficio", "contatti.ufficio"),
    Column("Sede - indirizzo", "sede.indirizzo", aliases=("indirizzo",)),
    Column("Sede - comune", "sede.comune", "istat", aliases=("comune",)),
    Column("Sede - CAP", "sede.cap", "cap", aliases=("cap",)),
    Column("Descrizione", "descrizione"),
]

FONTI = [
    Column("ID", "id", aliases=("codice",)),
    Column("Denominazione", "denominazione", aliases=("nome",)),
    Column("Tipo", "tipo"),
    Column("Programma", "programma"),
    Column("Inizio", "periodo.inizio", "date", aliases=("data inizio",)),
    Column("Fine", "periodo.fine", "date", aliases=("data fine",)),
    Column("CUP", "cup"),
    Column("Note", "note"),
]

SHEETS = {"servizio": ("Servizi", SERVIZI), "ente": ("Enti", ENTI), "fonte": ("Fonti", FONTI)}


def normalise(header: str) -> str:
    text = unicodedata.normalize("NFKD", str(header)).encode("ascii", "ignore").decode().casefold()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def kind_for_sheet(name: str) -> str | None:
    key = normalise(name)
    for kind, (title, _) in SHEETS.items():
        if key in (normalise(title), kind, normalise(title).rstrip("i")):
            return kind
    return None
