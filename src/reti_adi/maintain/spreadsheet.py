"""`reti-adi importa` / `esporta`: spreadsheets in and out, for people who work in Excel or Calc.

The workbook `esporta` writes is the one `importa` reads back: a row whose id exists updates that
record (only the fields whose cells changed; comments and layout of the YAML file are kept), a new
id adds a file. Import is all or nothing: every row is validated alone and against the catalogue
it joins, errors are reported by sheet, row and column, and no file is written unless all rows
are valid. What would change is shown record by record before anything is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from reti_adi import clock
from reti_adi.catalogue.kinds import KIND_BY_NAME
from reti_adi.catalogue.records import LoadedRecord
from reti_adi.catalogue.yaml_source import Positions
from reti_adi.check import load_and_check
from reti_adi.maintain.diff import FieldChange, field_changes
from reti_adi.maintain.spreadsheet_columns import (
    SEDE_SU_SERVIZI,
    SEDI,
    SEDI_TITLE,
    SHEETS,
    Column,
    kind_for_sheet,
    normalise,
)
from reti_adi.rules.checker import check_catalogue
from reti_adi.rules.problems import Problem, format_path
from reti_adi.rules.schema_messages import translate

SEDE = "sede"
"""The kind of the «Sedi» sheet: not a file of its own, the sedi of the services."""
HOURS = re.compile(r"^\s*([a-z,\s]+?)\s+([0-9]{1,2}[:.][0-9]{2})\s*[-–]\s*([0-9]{1,2}[:.][0-9]{2})\s*$")


class SpreadsheetError(Exception):
    pass


@dataclass(slots=True)
class Sheet:
    name: str
    kind: str
    header: list[str]
    rows: list[tuple[int, list[object]]]
    """(row number as shown by the spreadsheet program, cell values)."""
    text_only: bool = False
    """A CSV: every cell is text, so a code the spreadsheet saved as a number («37005») arrives as text."""


@dataclass(slots=True)
class PlannedRecord:
    """What importing one row does to one file: add it, or change some of its fields."""

    kind: str
    id: str
    target: Path
    where: str
    """«Servizi, riga 4»: the row it comes from."""
    denominazione: str | None
    text: str
    changes: list[FieldChange] = field(default_factory=list)
    added: bool = False


@dataclass(slots=True)
class ImportResult:
    planned: list[PlannedRecord] = field(default_factory=list)
    unchanged: int = 0
    written: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)

    @property
    def added(self) -> list[PlannedRecord]:
        return [p for p in self.planned if p.added]

    @property
    def modified(self) -> list[PlannedRecord]:
        return [p for p in self.planned if not p.added]


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_sheets(path: Path, kind: str | None = None) -> list[Sheet]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        sheets = []
        for worksheet in workbook.worksheets:
            sheet_kind = SEDE if normalise(worksheet.title) == normalise(SEDI_TITLE) else \
                kind or kind_for_sheet(worksheet.title)
            if sheet_kind is None:
                continue
            rows = list(worksheet.iter_rows(values_only=True))
            if not rows:
                continue
            header = ["" if h is None else str(h) for h in rows[0]]
            sheets.append(Sheet(worksheet.title, sheet_kind, header,
                                [(n, list(r)) for n, r in enumerate(rows[1:], start=2)]))
        workbook.close()
        if not sheets:
            names = ", ".join(title for title, _ in SHEETS.values())
            raise SpreadsheetError(f"nessun foglio riconosciuto in {path.name}: chiamali {names} o usa --tipo")
        return sheets
    if path.suffix.lower() == ".csv":
        text = path.read_bytes().decode("utf-8-sig")
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=";,\t")
        rows = list(csv.reader(io.StringIO(text), dialect))
        sheet_kind = kind or kind_for_sheet(path.stem) or "servizio"
        return [Sheet(path.name, sheet_kind, rows[0], [(n, list(r)) for n, r in enumerate(rows[1:], start=2)],
                      text_only=True)]
    raise SpreadsheetError(f"formato non supportato: {path.suffix} (usa .xlsx o .csv)")


def _columns(kind: str, mapping: dict[str, str] | None) -> dict[str, Column]:
    by_header: dict[str, Column] = {}
    columns = SEDI if kind == SEDE else SHEETS[kind][1] + (SEDE_SU_SERVIZI if kind == "servizio" else [])
    for column in columns:
        for name in (column.header, *column.aliases):
            by_header.setdefault(normalise(name), column)
    for header, target in (mapping or {}).items():
        base = next((c for c in columns if c.path == target), Column(header, target))
        by_header[normalise(header)] = Column(header, target, base.kind)
    return by_header


class CellError(ValueError):
    pass


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _code(value: object, digits: int, label: str, text_only: bool = False) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # spreadsheets drop leading zeros from fixed-length codes: put them back
        value = f"{int(value):0{digits}d}"
    text = _text(value)
    if text_only and text is not None and text.isdigit() and len(text) < digits:  # a CSV: the same loss
        text = text.zfill(digits)
    if text is not None and not re.fullmatch(rf"[0-9]{{{digits}}}", text):
        raise CellError(f"{label} non valido: «{text}» (attese {digits} cifre)")
    return text


def convert(column: Column, value: object, text_only: bool = False):
    if column.kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date) or value in (None, ""):
            return value or None
        text = str(value).strip()
        for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
            try:
                return dt.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        raise CellError(f"data non valida: «{text}» (usa GG/MM/AAAA o AAAA-MM-GG)")
    if column.kind == "cap":
        return _code(value, 5, "CAP", text_only)
    if column.kind == "istat":
        return _code(value, 6, "codice ISTAT", text_only)
    if column.kind in ("list", "istat_list"):
        text = _text(value)
        items = [item.strip() for item in re.split(r"[;\n]", text)] if text else []
        items = [item for item in items if item]
        if column.kind == "istat_list":
            return [_code(item, 6, "codice ISTAT", text_only) for item in items] or None
        return items
    if column.kind == "int":
        text = _text(value)
        try:
            return int(text) if text is not None else None
        except ValueError as exc:
            raise CellError(f"atteso un numero intero, trovato «{text}»") from exc
    if column.kind == "float":
        text = _text(value)
        try:
            return float(str(text).replace(",", ".")) if text is not None else None
        except ValueError as exc:
            raise CellError(f"atteso un numero, trovato «{text}»") from exc
    if column.kind == "bool":
        text = (_text(value) or "").casefold()
        if not text:
            return None
        if text in ("si", "sì", "vero", "true", "x", "1"):
            return True
        if text in ("no", "falso", "false", "0"):
            return False
        raise CellError(f"atteso sì o no, trovato «{text}»")
    if column.kind == "hours":
        text = _text(value)
        slots = []
        for part in filter(None, (p.strip() for p in (text or "").split(";"))):
            match = HOURS.match(part.casefold())
            if not match:
                raise CellError(f"orario non leggibile: «{part}» (es. «lunedi, mercoledi 09:00-12:30»)")
            days = [d.strip() for d in re.split(r"[,\s]+", match.group(1)) if d.strip()]
            slots.append({"giorni": days, "dalle": match.group(2).replace(".", ":").zfill(5),
                          "alle": match.group(3).replace(".", ":").zfill(5)})
        return slots or None
    if column.kind == "pairs":
        text = _text(value)
        pairs = []
        for part in filter(None, (p.strip() for p in (text or "").split(";"))):
            ente, _, ruolo = part.partition(":")
            pairs.append({"ente": ente.strip(), "ruolo": ruolo.strip()})
        return pairs
    if column.kind == "triples":
        text = _text(value)
        triples = []
        for part in filter(None, (p.strip() for p in (text or "").split(";"))):
            bits = [b.strip() for b in part.split(":", 2)]
            item = {"schema": bits[0], "codice": bits[1] if len(bits) > 1 else ""}
            if len(bits) > 2 and bits[2]:
                item["etichetta"] = bits[2]
            triples.append(item)
        return triples
    return _text(value)


def _set(record: dict, path: str, value) -> None:
    parts = [int(p) if p.isdigit() else p for p in path.split(".")]
    node = record
    for part, following in zip(parts, parts[1:]):
        if isinstance(part, int):
            while len(node) <= part:
                node.append({})
            node = node[part]
        else:
            node = node.setdefault(part, [] if isinstance(following, int) else {})
    last = parts[-1]
    node[last] = value


def _prune(value):
    """Drop empty values so optional groups (a sede, contacts) vanish when their cells are blank."""
    if isinstance(value, dict):
        cleaned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, {}, [])}
    if isinstance(value, list):
        cleaned = [_prune(v) for v in value]
        return [v for v in cleaned if v not in (None, {}, [])]
    return value


@dataclass(slots=True)
class _Row:
    """One record as a sheet describes it: the cells it sets (a blank cell clears its field)."""

    kind: str
    sheet: str
    number: int
    assignments: list[tuple[str, object]]
    cells: dict[str, tuple[str, int, int, str]]
    """data path («sedi[1].cap») → (sheet, row, column index, header): where to point an error."""
    sedi: list[dict] | None = None
    """The service's sedi from the «Sedi» sheet, when the workbook has one."""


def _path(dotted: str) -> str:
    return format_path(tuple(int(p) if p.isdigit() else p for p in dotted.split(".")))


def _read_row(sheet: Sheet, number: int, values: list[object], mapped: dict[int, Column | None], label: str,
              problems: list[Problem]) -> tuple[list[tuple[str, object]], dict[str, tuple[str, int, int, str]]]:
    assignments, cells = [], {}
    for index, value in enumerate(values):
        column = mapped.get(index)
        if column is None:
            continue
        try:
            converted = convert(column, value, sheet.text_only)
        except CellError as exc:
            problems.append(Problem(label, number, index + 1, column.header,
                                    f"foglio «{sheet.name}», riga {number}, colonna {_column_letter(index)} "
                                    f"(«{column.header}»): {exc}", "importa.cella", found=_text(value)))
            continue
        assignments.append((column.path, converted))
        cells[_path(column.path)] = (sheet.name, number, index, column.header)
    return assignments, cells


def _assign(record: dict, path: str, value) -> None:
    """Set the field at a dotted path, or remove it when the cell is blank."""
    if value not in (None, [], ""):
        _set(record, path, value)
        return
    parts = [int(p) if p.isdigit() else p for p in path.split(".")]
    node = record
    for part in parts[:-1]:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and part < len(node) else None
        else:
            node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            return
    if isinstance(node, dict):
        node.pop(parts[-1], None)


def _locate(problem: Problem, row: _Row, source: Path) -> Problem:
    """The problem of a record, pointed at the sheet, row and column its field came from."""
    field_path = problem.field
    while field_path and field_path not in row.cells:
        field_path = re.sub(r"(\.[^.\[\]]+|\[\d+\])$", "", field_path) if re.search(r"[.\[]", field_path) else ""
    sheet, number, index, header = row.cells.get(field_path, (row.sheet, row.number, None, ""))
    where = f"foglio «{sheet}», riga {number}"
    if index is not None:
        where += f", colonna {_column_letter(index)}" + (f" («{header}»)" if header else "")
    return Problem(f"{source.name} [{sheet}]", number, None if index is None else index + 1, problem.field,
                   f"{where}: {problem.message}", problem.rule, problem.severity, problem.found, problem.expected)


def _dump(model) -> dict:
    return _plain(model.model_dump(mode="python", by_alias=True, exclude_none=True, exclude_defaults=True))


def _sede_rows(sheet: Sheet, label: str, mapping, problems: list[Problem]) -> dict[str, list]:
    """The «Sedi» sheet: each service's sedi, in the order of «Sede n.» (then of the rows)."""
    mapped = {index: _columns(SEDE, mapping).get(normalise(h)) for index, h in enumerate(sheet.header)}
    by_service: dict[str, list] = {}
    for number, values in sheet.rows:
        if all(c in (None, "") for c in values):
            continue
        assignments, cells = _read_row(sheet, number, values, mapped, label, problems)
        values_by_path = dict(assignments)
        owner, order = values_by_path.pop("servizio", None), values_by_path.pop("numero", None)
        if not owner:
            problems.append(Problem(label, number, 1, "servizio", f"foglio «{sheet.name}», riga {number}: manca "
                                    "l'ID del servizio a cui appartiene la sede", "importa.sede-senza-servizio"))
            continue
        sede: dict = {}
        for path, value in values_by_path.items():
            _assign(sede, path, value)
        by_service.setdefault(owner, []).append((order if isinstance(order, int) else 10**6, number, sede, cells))
    return {owner: sorted(items, key=lambda item: item[:2]) for owner, items in by_service.items()}


def _rows(source: Path, kind: str | None, mapping, catalogue, result: ImportResult) -> list[_Row]:
    rows: list[_Row] = []
    sheets = read_sheets(source, kind)
    sedi: dict[str, list] | None = None
    for sheet in sheets:
        label = f"{source.name} [{sheet.name}]"
        columns = _columns(sheet.kind, mapping)
        mapped = {index: columns.get(normalise(h)) for index, h in enumerate(sheet.header)}
        for index, header in enumerate(sheet.header):
            if header and mapped[index] is None:
                result.problems.append(Problem(label, 1, index + 1, header,
                                               f"colonna «{header}» non riconosciuta: viene ignorata",
                                               "importa.colonna", "avviso"))
        if sheet.kind == SEDE:
            sedi = _sede_rows(sheet, label, mapping, result.problems)
            continue
        for number, values in sheet.rows:
            if all(c in (None, "") for c in values):
                continue
            result.rows += 1
            assignments, cells = _read_row(sheet, number, values, mapped, label, result.problems)
            rows.append(_Row(sheet.kind, sheet.name, number, assignments, cells))
    if sedi is None:
        return rows
    services = {dict(r.assignments).get("id"): r for r in rows if r.kind == "servizio"}
    for owner, items in sedi.items():
        if owner not in services:
            if owner not in catalogue.of("servizio"):
                _, number, _, cells = items[0]
                result.problems.append(Problem(f"{source.name} [{SEDI_TITLE}]", number, 1, "servizio",
                                               f"foglio «{SEDI_TITLE}», riga {number}: il servizio «{owner}» non "
                                               "esiste nel catalogo né nel foglio «Servizi»",
                                               "importa.sede-senza-servizio", found=owner))
                continue
            services[owner] = _Row("servizio", SEDI_TITLE, items[0][1], [("id", owner)], {})
            rows.append(services[owner])
    for owner, row in services.items():
        row.sedi = []
        for position, (_, number, sede, cells) in enumerate(sedi.get(owner, [])):
            row.sedi.append(sede)
            row.cells[f"sedi[{position}]"] = (SEDI_TITLE, number, None, "")
            row.cells.update({f"sedi[{position}].{path}": where for path, where in cells.items()})
    return rows


def import_spreadsheet(root: Path, source: Path, kind: str | None = None, mapping: dict[str, str] | None = None,
                       today: dt.date | None = None, apply: bool = False,
                       progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Plan what a workbook changes in the catalogue (adds and field-by-field updates); write it only
    with apply=True and only if no row has an error. A record the sheet leaves unchanged is not touched."""
    from reti_adi.maintain.yaml_update import update_fields
    from reti_adi.maintain.yaml_writer import record_text

    root, source = Path(root), Path(source)
    today = today or clock.today()
    result = ImportResult()
    catalogue, _ = load_and_check(root, today)
    rows = _rows(source, kind, mapping, catalogue, result)
    imported: dict[str, tuple[_Row, LoadedRecord]] = {}
    seen: dict[tuple[str, str], int] = {}
    for done, row in enumerate(rows, start=1):
        if progress is not None:
            progress(done, len(rows))
        file_kind = KIND_BY_NAME[row.kind]
        record_id = dict(row.assignments).get("id")
        existing = catalogue.of(row.kind).get(record_id) if isinstance(record_id, str) else None
        if isinstance(record_id, str) and record_id in catalogue.partial.get(row.kind, {}):
            broken = catalogue.partial[row.kind][record_id].file
            result.problems.append(_locate(Problem("", None, None, "id", f"il file {broken} ha errori: correggilo "
                                                   "(reti-adi check) prima di importare questa scheda",
                                                   "importa.file-con-errori", found=record_id), row, source))
            continue
        data = _dump(existing.model) if existing is not None else {}
        for path, value in row.assignments:
            _assign(data, path, value)
        if row.sedi is not None:
            data["sedi"] = row.sedi
        data = _prune(data)
        try:
            validated = file_kind.model.model_validate(data)
        except ValidationError as exc:
            result.problems += [_locate(p, row, source) for p in translate(exc, file_kind.model, "", Positions())]
            continue
        key = (row.kind, validated.id)
        if key in seen:
            result.problems.append(_locate(Problem("", None, None, "id", f"la scheda «{validated.id}» è già nella "
                                                   f"riga {seen[key]}: ogni scheda una riga sola",
                                                   "importa.ripetuta", found=validated.id), row, source))
            continue
        seen[key] = row.number
        before, after = (_dump(existing.model) if existing is not None else {}), _dump(validated)
        if existing is not None:
            target = root / existing.file
            changes = field_changes(before, after)
            if not changes:
                result.unchanged += 1
                continue
            changed = {k: after[k] for k in after if before.get(k) != after[k]}
            removed = {k for k in before if k not in after}
            text = update_fields(target.read_text(encoding="utf-8"), changed, removed,
                                 [f.alias or n for n, f in file_kind.model.model_fields.items()])
        else:
            target = root / file_kind.folder / f"{validated.id}.yaml"
            if target.exists():
                result.problems.append(_locate(Problem("", None, None, "id", f"{target.relative_to(root)} esiste "
                                                       "già ma non contiene una scheda valida con questo id",
                                                       "importa.esistente", found=validated.id), row, source))
                continue
            changes, text = [], record_text(file_kind, target, root, {"id": after.pop("id"), **after})
        unique = f"{source.name}#{row.sheet}#{row.number}"
        loaded = LoadedRecord(row.kind, validated.id, unique, validated, Positions())
        imported[unique] = (row, loaded)
        result.planned.append(PlannedRecord(row.kind, validated.id, target, f"{row.sheet}, riga {row.number}",
                                            getattr(validated, "denominazione", None), text, changes,
                                            added=existing is None))
    for row, loaded in imported.values():
        catalogue.of(loaded.kind)[loaded.id] = loaded
    for problem in check_catalogue(catalogue, today):
        if problem.file in imported and problem.is_error:
            result.problems.append(_locate(problem, imported[problem.file][0], source))
    if result.ok and apply:
        _write(result)
    return result


def _write(result: ImportResult) -> None:
    """New files are created exclusively (never overwrite); changed ones are replaced atomically."""
    import os
    import tempfile

    for planned in sorted(result.planned, key=lambda p: str(p.target)):
        planned.target.parent.mkdir(parents=True, exist_ok=True)
        if planned.added:
            with planned.target.open("x", encoding="utf-8") as handle:
                handle.write(planned.text)
        else:
            handle, temporary = tempfile.mkstemp(dir=planned.target.parent, prefix=".importa-", suffix=".yaml")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(planned.text)
            os.replace(temporary, planned.target)
        result.written.append(planned.target)


def _plain(value):
    """Pydantic dumps to YAML-friendly plain types, keeping dates as dates."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _cell(column: Column, value) -> object:
    if value is None:
        return None
    if column.kind in ("list", "istat_list"):
        return "; ".join(value) or None
    if column.kind == "hours":
        return "; ".join(f"{', '.join(s['giorni'])} {s['dalle']}-{s['alle']}" for s in value) or None
    if column.kind == "pairs":
        return "; ".join(f"{p['ente']}: {p['ruolo']}" for p in value) or None
    if column.kind == "triples":
        return "; ".join(":".join(filter(None, (t["schema"], t["codice"], t.get("etichetta")))) for t in value) or None
    if column.kind == "bool":
        return "sì" if value else "no"
    return value


def _get(record: dict, path: str):
    node = record
    for part in path.split("."):
        if isinstance(node, list):
            index = int(part)
            node = node[index] if index < len(node) else None
        elif isinstance(node, dict):
            node = node.get(part)
        else:
            return None
        if node is None:
            return None
    return node


def export_workbook(root: Path, target: Path, today: dt.date | None = None) -> dict[str, int]:
    """Every field of every service, sede, ente and fonte, in the layout importa reads back."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    catalogue, _ = load_and_check(root, today)
    workbook = Workbook()
    workbook.remove(workbook.active)
    counts = {}

    def sheet_for(title: str, columns: list[Column], rows: list[list]) -> None:
        sheet = workbook.create_sheet(title)
        sheet.append([c.header for c in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "B2"
        for row in rows:
            sheet.append(row)
        for index, column in enumerate(columns, start=1):
            sheet.column_dimensions[_column_letter(index - 1)].width = min(max(len(column.header) + 2, 12), 40)
            if column.kind in ("cap", "istat", "istat_list"):
                for cells in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cells[0].number_format = "@"  # text: keep leading zeros
        counts[title] = len(rows)

    for kind, (title, columns) in SHEETS.items():
        records = sorted(catalogue.of(kind).values(), key=lambda r: r.id)
        dumps = [record.model.model_dump(mode="python", by_alias=True) for record in records]
        sheet_for(title, columns, [[_cell(c, _get(data, c.path)) for c in columns] for data in dumps])
        if kind == "servizio":
            sedi = [[data["id"], number, *(_cell(c, _get(sede, c.path)) for c in SEDI[2:])]
                    for data in dumps for number, sede in enumerate(data.get("sedi") or [], start=1)]
            sheet_for(SEDI_TITLE, SEDI, sedi)
    workbook.save(target)
    return counts


def load_mapping(path: Path | None) -> dict[str, str] | None:
    if path is None:
        return None
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise SpreadsheetError(f"{path}: la mappa deve essere «Intestazione colonna: campo.percorso»")
    return data
