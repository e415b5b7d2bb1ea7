"""`reti-adi importa` / `esporta`: spreadsheets in and out, for people who work in Excel or Calc.

Import is all or nothing: every row is validated alone and against the catalogue it joins,
errors are reported by sheet, row and column, and no file is written unless all rows are valid.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from reti_adi import clock
from reti_adi.catalogue.kinds import KIND_BY_NAME
from reti_adi.catalogue.records import LoadedRecord
from reti_adi.catalogue.yaml_source import Positions
from reti_adi.check import load_and_check
from reti_adi.maintain.spreadsheet_columns import SHEETS, Column, kind_for_sheet, normalise
from reti_adi.rules.checker import check_catalogue
from reti_adi.rules.problems import Problem
from reti_adi.rules.schema_messages import translate

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


@dataclass(slots=True)
class ImportResult:
    written: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


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
            sheet_kind = kind or kind_for_sheet(worksheet.title)
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
        return [Sheet(path.name, sheet_kind, rows[0], [(n, list(r)) for n, r in enumerate(rows[1:], start=2)])]
    raise SpreadsheetError(f"formato non supportato: {path.suffix} (usa .xlsx o .csv)")


def _columns(kind: str, mapping: dict[str, str] | None) -> dict[str, Column]:
    by_header: dict[str, Column] = {}
    columns = SHEETS[kind][1]
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


def _code(value: object, digits: int, label: str) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # spreadsheets drop leading zeros from fixed-length codes: put them back
        value = f"{int(value):0{digits}d}"
    text = _text(value)
    if text is not None and not re.fullmatch(rf"[0-9]{{{digits}}}", text):
        raise CellError(f"{label} non valido: «{text}» (attese {digits} cifre)")
    return text


def convert(column: Column, value: object):
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
        return _code(value, 5, "CAP")
    if column.kind == "istat":
        return _code(value, 6, "codice ISTAT")
    if column.kind in ("list", "istat_list"):
        text = _text(value)
        items = [item.strip() for item in re.split(r"[;\n]", text)] if text else []
        items = [item for item in items if item]
        if column.kind == "istat_list":
            return [_code(item, 6, "codice ISTAT") for item in items] or None
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


def import_spreadsheet(root: Path, source: Path, kind: str | None = None, mapping: dict[str, str] | None = None,
                       today: dt.date | None = None) -> ImportResult:
    root, source = Path(root), Path(source)
    result = ImportResult()
    catalogue, _ = load_and_check(root, today)
    imported: list[LoadedRecord] = []
    pending: dict[Path, str] = {}
    for sheet in read_sheets(source, kind):
        columns = _columns(sheet.kind, mapping)
        label = f"{source.name} [{sheet.name}]"
        model = KIND_BY_NAME[sheet.kind].model
        mapped = {index: columns.get(normalise(h)) for index, h in enumerate(sheet.header)}
        for index, header in enumerate(sheet.header):
            if header and mapped[index] is None:
                result.problems.append(Problem(label, 1, index + 1, header,
                                               f"colonna «{header}» non riconosciuta: viene ignorata",
                                               "importa.colonna", "avviso"))
        for row_number, cells in sheet.rows:
            if all(c in (None, "") for c in cells):
                continue
            result.rows += 1
            record: dict = {}
            positions = Positions()
            for index, value in enumerate(cells):
                column = mapped.get(index)
                if column is None:
                    continue
                try:
                    converted = convert(column, value)
                except CellError as exc:
                    result.problems.append(Problem(label, row_number, index + 1, column.header,
                                                   f"foglio «{sheet.name}», riga {row_number}, colonna "
                                                   f"{_column_letter(index)} («{column.header}»): {exc}",
                                                   "importa.cella", found=_text(value)))
                    continue
                if converted in (None, [], ""):
                    continue
                _set(record, column.path, converted)
                path = tuple(int(p) if p.isdigit() else p for p in column.path.split("."))
                for depth in range(1, len(path) + 1):
                    positions.values.setdefault(path[:depth], (row_number, index + 1))
            record = _prune(record)
            positions.values[()] = (row_number, 1)
            try:
                validated = model.model_validate(record)
            except ValidationError as exc:
                for problem in translate(exc, model, label, positions):
                    column_index = problem.column or 1
                    header = sheet.header[column_index - 1] if column_index - 1 < len(sheet.header) else ""
                    where = f"foglio «{sheet.name}», riga {problem.line}, colonna {_column_letter(column_index - 1)}"
                    where += f" («{header}»)" if header else ""
                    result.problems.append(Problem(label, problem.line, problem.column, problem.field,
                                                   f"{where}: {problem.message}", problem.rule,
                                                   found=problem.found, expected=problem.expected))
                continue
            target = root / KIND_BY_NAME[sheet.kind].folder / f"{validated.id}.yaml"
            if target.exists() or validated.id in catalogue.of(sheet.kind) or target in pending:
                result.problems.append(Problem(label, row_number, 1, "id",
                                               f"foglio «{sheet.name}», riga {row_number}: la scheda "
                                               f"«{validated.id}» esiste già; l'importazione non sovrascrive",
                                               "importa.esistente", found=validated.id))
                continue
            loaded = LoadedRecord(sheet.kind, validated.id, label, validated, positions)
            imported.append(loaded)
            from reti_adi.maintain.yaml_writer import record_text

            data = validated.model_dump(mode="python", by_alias=True, exclude_none=True, exclude_defaults=True)
            data = {"id": data.pop("id"), **data} if "id" in data else data
            pending[target] = record_text(KIND_BY_NAME[sheet.kind], target, root, _plain(data))
    for record in imported:
        catalogue.of(record.kind)[record.id] = record
    labels = {r.file for r in imported}
    cross = [p for p in check_catalogue(catalogue, today or clock.today()) if p.file in labels and p.is_error]
    result.problems.extend(cross)
    if not result.ok:
        return result
    for target, text in sorted(pending.items()):
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8") as handle:
            handle.write(text)
        result.written.append(target)
    return result


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
    from openpyxl import Workbook
    from openpyxl.styles import Font

    catalogue, _ = load_and_check(root, today)
    workbook = Workbook()
    workbook.remove(workbook.active)
    counts = {}
    for kind, (title, columns) in SHEETS.items():
        sheet = workbook.create_sheet(title)
        sheet.append([c.header for c in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "B2"
        records = sorted(catalogue.of(kind).values(), key=lambda r: r.id)
        for record in records:
            data = record.model.model_dump(mode="python", by_alias=True)
            sheet.append([_cell(c, _get(data, c.path)) for c in columns])
        for index, column in enumerate(columns, start=1):
            sheet.column_dimensions[_column_letter(index - 1)].width = min(max(len(column.header) + 2, 12), 40)
            if column.kind in ("cap", "istat", "istat_list"):
                for row in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    row[0].number_format = "@"  # text: keep leading zeros
        counts[title] = len(records)
    workbook.save(target)
    return counts


def load_mapping(path: Path | None) -> dict[str, str] | None:
    if path is None:
        return None
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise SpreadsheetError(f"{path}: la mappa deve essere «Intestazione colonna: campo.percorso»")
    return data
