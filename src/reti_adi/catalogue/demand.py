"""Read the aggregated demand the case platforms export: domanda/ANNO-Tn.csv, one file per quarter.

Each row counts households of one ambito (optionally one comune) for one sostegno, named by the
catalogue id of the service or, for needs no catalogue record describes, by tipologia: for how many
the sostegno was activated and for how many it was needed but not present. Counts only: the file
may hold no other column, so nothing that identifies a household can ride along, and every cell
still goes through the personal-data filter. Files are untrusted input: size, rows and columns are
bounded and nothing is interpreted beyond the CSV grammar.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

from reti_adi.catalogue.models.common import ID_RE
from reti_adi.catalogue.vocabularies import vocabulary
from reti_adi.catalogue.yaml_source import Positions
from reti_adi.rules.personal_data import find_personal_data
from reti_adi.rules.problems import Problem

DEMAND_DIR = "domanda"
FILE_NAME = re.compile(r"^(?P<anno>20[0-9]{2})-T(?P<trimestre>[1-4])\.csv$")
MAX_FILE_BYTES = 2_000_000
MAX_ROWS = 50_000
MAX_FILES = 400
MAX_CELL_CHARS = 100
MAX_COUNT = 1_000_000
NOTES = ("LEGGIMI.md", "README.md")
"""Files a demand folder may hold beside the quarters: notes for people, never read."""

COUNT_COLUMNS = ("nuclei_attivati", "nuclei_non_presenti")
COLUMNS: dict[str, str] = {
    "ambito": "id dell'ambito territoriale (come in catalogo/ambiti/)",
    "comune_istat": "codice ISTAT del comune di residenza dei nuclei, 6 cifre; vuoto se non indicato",
    "servizio": "id del servizio del catalogo; vuoto per un bisogno che nessuna scheda descrive",
    "tipologia": "tipologia art. 7 (a–h) o «altro»; obbligatoria se manca il servizio",
    "nuclei_attivati": "nuclei per i quali il sostegno è stato attivato nel trimestre",
    "nuclei_non_presenti": "nuclei per i quali il sostegno serviva ma non era presente sul territorio",
}
REQUIRED = ("ambito", "nuclei_attivati", "nuclei_non_presenti")
# Column names that say they would carry data about people: refused with a message that says why.
PERSONAL_COLUMN = re.compile(
    r"(nome|cognome|codice_?fiscale|^cf$|nascit|indirizzo|telefono|cellulare|e-?mail|iban|beneficiari|"
    r"persona|nucleo_id|id_nucleo|protocollo_domanda|isee|residenza|via$|civico)", re.IGNORECASE)

_ISTAT = re.compile(r"^[0-9]{6}$")
_ID = re.compile(ID_RE)
_INTEGER = re.compile(r"^[0-9]+$")
_NEGATIVE = re.compile(r"^-[0-9]+(?:[.,][0-9]+)?$")
_DECIMAL = re.compile(r"^[0-9]*[.,][0-9]+$")


def table_schema() -> dict:
    """The Frictionless Table Schema of a demand file (schemas/domanda.tableschema.json)."""
    tipologie = list(vocabulary("tipologie_art7").codes)
    fields = [
        {"name": "ambito", "type": "string", "description": COLUMNS["ambito"],
         "constraints": {"required": True, "pattern": ID_RE.strip("^$")}},
        {"name": "comune_istat", "type": "string", "description": COLUMNS["comune_istat"],
         "constraints": {"pattern": "[0-9]{6}"}},
        {"name": "servizio", "type": "string", "description": COLUMNS["servizio"],
         "constraints": {"pattern": ID_RE.strip("^$")}},
        {"name": "tipologia", "type": "string", "description": COLUMNS["tipologia"],
         "constraints": {"enum": tipologie}},
    ] + [{"name": name, "type": "integer", "description": COLUMNS[name],
          "constraints": {"required": True, "minimum": 0, "maximum": MAX_COUNT}} for name in COUNT_COLUMNS]
    return {"title": "Domanda aggregata esportata dalle piattaforme dei Patti (domanda/ANNO-Tn.csv)",
            "description": "Un file per trimestre; una riga per ambito, comune (facoltativo) e servizio o tipologia. "
                           "Solo conteggi di nuclei: nessuna altra colonna è ammessa.",
            "fields": fields, "missingValues": [""]}


@dataclass(frozen=True, slots=True)
class DemandRow:
    file: str
    line: int
    periodo: str
    """«2026-T1»: from the file name."""
    ambito: str
    comune: str | None
    servizio: str | None
    tipologia: str | None
    nuclei_attivati: int
    nuclei_non_presenti: int
    header: tuple[str, ...] = ()
    """The file's columns in order: later checks name the column of a problem by its number too."""

    def column(self, name: str) -> int | None:
        return self.header.index(name) + 1 if name in self.header else None


def period_key(periodo: str) -> tuple[int, int]:
    anno, trimestre = periodo.split("-T")
    return int(anno), int(trimestre)


def demand_files(root: Path) -> list[str]:
    folder = os.path.join(root, DEMAND_DIR)
    if not os.path.isdir(folder):
        return []
    return sorted(entry.path for entry in os.scandir(folder)
                  if entry.is_file(follow_symlinks=False) and entry.name not in NOTES)


def load_demand(root: Path) -> tuple[list[DemandRow], list[Problem], int]:
    """(rows, problems, files read). A file with a structural problem contributes no rows."""
    rows: list[DemandRow] = []
    problems: list[Problem] = []
    paths = demand_files(root)
    if len(paths) > MAX_FILES:
        problems.append(Problem(DEMAND_DIR, None, None, "", f"troppi file in {DEMAND_DIR}/: {len(paths)}, al massimo "
                                f"{MAX_FILES}", "domanda.troppi-file", found=str(len(paths)), expected=str(MAX_FILES)))
        paths = paths[:MAX_FILES]
    for path in paths:
        relative = f"{DEMAND_DIR}/{os.path.basename(path)}"
        file_rows, file_problems = read_demand_file(Path(path), relative)
        rows.extend(file_rows)
        problems.extend(file_problems)
    return rows, problems, len(paths)


def read_demand_file(path: Path, relative: str) -> tuple[list[DemandRow], list[Problem]]:
    name = os.path.basename(relative)
    match = FILE_NAME.match(name)
    if not match:
        return [], [Problem(relative, None, None, "", f"nome di file «{name}» non valido: i file della domanda si "
                            "chiamano ANNO-Tn.csv, un file per trimestre", "domanda.nome-file", found=name,
                            expected="es. «2026-T1.csv»")]
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return [], [Problem(relative, None, None, "", f"file troppo grande: {size} byte, al massimo {MAX_FILE_BYTES}",
                            "domanda.dimensione", found=str(size), expected=f"al massimo {MAX_FILE_BYTES} byte")]
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        return [], [Problem(relative, line, None, "", "il file non è in UTF-8: salvalo come «CSV UTF-8»",
                            "domanda.codifica")]
    return parse_demand(text, relative, f"{match['anno']}-T{match['trimestre']}")


def _problem(relative: str, line: int, column: int | None, field: str, message: str, rule: str, **kw) -> Problem:
    return Problem(relative, line, column, field, message, f"domanda.{rule}", **kw)


def parse_demand(text: str, relative: str, periodo: str) -> tuple[list[DemandRow], list[Problem]]:
    if "\x00" in text:
        return [], [_problem(relative, 1, None, "", "il file contiene caratteri nulli: non è un CSV di testo",
                             "formato")]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        return [], [_problem(relative, 1, None, "", f"intestazione CSV non leggibile: {exc}", "formato")]
    if not header:
        return [], [_problem(relative, 1, None, "", "il file è vuoto: manca la riga di intestazione", "intestazione")]
    header = [h.strip() for h in header]
    problems = _header_problems(header, relative)
    if problems:
        return [], problems
    at = {name: header.index(name) for name in header}
    rows: list[DemandRow] = []
    seen = 0
    try:
        for record in reader:
            line = reader.line_num
            if not record or all(not cell.strip() for cell in record):
                continue
            seen += 1
            if seen > MAX_ROWS:
                problems.append(_problem(relative, line, None, "", f"troppe righe: al massimo {MAX_ROWS} per file",
                                         "righe", expected=str(MAX_ROWS)))
                break
            if len(record) != len(header):
                problems.append(_problem(relative, line, None, "", f"la riga ha {len(record)} valori, l'intestazione "
                                         f"{len(header)} colonne", "colonne", found=str(len(record)),
                                         expected=str(len(header))))
                continue
            row, row_problems = _row(record, at, header, relative, line, periodo)
            problems.extend(row_problems)
            if row is not None:
                rows.append(row)
    except csv.Error as exc:
        problems.append(_problem(relative, reader.line_num, None, "", f"CSV non valido: {exc}", "formato"))
        return [], problems
    return rows, problems


def _header_problems(header: list[str], relative: str) -> list[Problem]:
    problems = []
    for index, name in enumerate(header, start=1):
        if name in COLUMNS:
            if header.index(name) != index - 1:
                problems.append(_problem(relative, 1, index, name, f"la colonna «{name}» è ripetuta", "intestazione",
                                         found=name))
            continue
        shown = name[:MAX_CELL_CHARS]
        if PERSONAL_COLUMN.search(name):
            message = (f"la colonna «{shown}» può contenere dati personali dei nuclei: il file della domanda contiene "
                       "solo conteggi aggregati. Toglila prima di esportare")
            rule = "colonna-dati-personali"
        else:
            message = f"colonna «{shown}» sconosciuta: le colonne ammesse sono {', '.join(COLUMNS)}"
            rule = "colonna-sconosciuta"
        problems.append(_problem(relative, 1, index, shown, message, rule, found=shown,
                                 expected=", ".join(COLUMNS)))
    for name in REQUIRED:
        if name not in header:
            problems.append(_problem(relative, 1, None, name, f"manca la colonna obbligatoria «{name}»",
                                     "colonna-mancante", expected=name))
    if "servizio" not in header and "tipologia" not in header:
        problems.append(_problem(relative, 1, None, "servizio", "serve almeno una delle colonne «servizio» e "
                                 "«tipologia»", "colonna-mancante", expected="servizio, tipologia"))
    return problems


def _row(record: list[str], at: dict[str, int], header: list[str], relative: str, line: int,
         periodo: str) -> tuple[DemandRow | None, list[Problem]]:
    problems: list[Problem] = []
    values: dict[str, str] = {}
    for name, index in at.items():
        value = record[index].strip()
        if len(value) > MAX_CELL_CHARS:
            problems.append(_problem(relative, line, index + 1, name, f"valore troppo lungo ({len(value)} caratteri)",
                                     "valore", expected=f"al massimo {MAX_CELL_CHARS} caratteri"))
            value = value[:MAX_CELL_CHARS]
        values[name] = value
        problems.extend(_personal_data(value, name, relative, line, index + 1))

    def column(name: str) -> int:
        return at[name] + 1

    def check(name: str, pattern: re.Pattern, message: str, expected: str) -> str | None:
        value = values.get(name) or None
        if value is not None and not pattern.match(value):
            problems.append(_problem(relative, line, column(name), name, message.format(value=value[:40]), "valore",
                                     found=value[:40], expected=expected))
            return None
        return value

    ambito = values.get("ambito") or None
    if ambito is None:
        problems.append(_problem(relative, line, column("ambito"), "ambito", "manca l'ambito", "valore-mancante",
                                 expected="l'id di un ambito"))
    ambito = check("ambito", _ID, "«{value}» non è un id di ambito", "minuscole, cifre e trattini") if ambito else None
    comune = check("comune_istat", _ISTAT, "«{value}» non è un codice ISTAT di comune",
                   "6 cifre, es. «037008»; vuoto se non indicato")
    servizio = check("servizio", _ID, "«{value}» non è un id di servizio", "l'id di un file in catalogo/servizi/")
    tipologia = values.get("tipologia") or None
    if tipologia is not None and tipologia not in vocabulary("tipologie_art7").codes:
        problems.append(_problem(relative, line, column("tipologia"), "tipologia",
                                 f"tipologia «{tipologia[:40]}» non valida", "valore", found=tipologia[:40],
                                 expected="una lettera da a ad h oppure «altro»"))
        tipologia = None
    elif tipologia is None and values.get("servizio", "") == "":
        where = column("tipologia") if "tipologia" in at else column("servizio")
        problems.append(_problem(relative, line, where, "tipologia", "indica il servizio del catalogo oppure la "
                                 "tipologia del sostegno", "valore-mancante", expected="servizio o tipologia"))
    counts = {}
    for name in COUNT_COLUMNS:
        counts[name] = _count(values[name], relative, line, column(name), name, problems)
    if problems or ambito is None or None in counts.values():
        return None, problems
    return DemandRow(relative, line, periodo, ambito, comune, servizio, tipologia, counts["nuclei_attivati"],
                     counts["nuclei_non_presenti"], tuple(header)), problems


def _personal_data(value: str, name: str, relative: str, line: int, column: int) -> list[Problem]:
    """The catalogue's personal-data filter on one cell, its findings placed at the cell's row and column."""
    if not value:
        return []
    positions = Positions()
    positions.values[(name,)] = (1, 1)
    found = find_personal_data(value, [((name,), value)], relative, positions)
    return [replace(p, line=line, column=column, field=name) for p in found]


def _count(value: str, relative: str, line: int, column: int, name: str, problems: list[Problem]) -> int | None:
    shown = value[:40]
    if value == "":
        problems.append(_problem(relative, line, column, name, f"manca il numero di nuclei in «{name}» (scrivi 0 se "
                                 "nessuno)", "valore-mancante", expected="un intero da 0 in su"))
    elif _NEGATIVE.match(value):
        problems.append(_problem(relative, line, column, name, f"numero di nuclei negativo: {shown}", "conteggio",
                                 found=shown, expected="un intero da 0 in su"))
    elif _DECIMAL.match(value):
        problems.append(_problem(relative, line, column, name, f"«{shown}» non è un numero intero di nuclei",
                                 "conteggio", found=shown, expected="un intero da 0 in su"))
    elif not _INTEGER.match(value):
        problems.append(_problem(relative, line, column, name, f"«{shown}» non è un numero di nuclei", "conteggio",
                                 found=shown, expected="un intero da 0 in su"))
    elif int(value) > MAX_COUNT:
        problems.append(_problem(relative, line, column, name, f"{shown} nuclei: valore non plausibile", "conteggio",
                                 found=shown, expected=f"al massimo {MAX_COUNT}"))
    else:
        return int(value)
    return None
