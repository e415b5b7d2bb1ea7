from __future__ import annotations

import sys
from pathlib import Path

import click

from reti_adi.check import NotACatalogue
from reti_adi.cli.errors import CommandError, UsageError
from reti_adi.cli.options import reference_date, resolve_root
from reti_adi.maintain.spreadsheet_columns import SHEETS
from reti_adi.reporters.text import format_problem


@click.command("importa")
@click.argument("source", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--tipo", "kind", type=click.Choice(sorted(SHEETS)), default=None,
              help="Tipo di schede nel file (predefinito: dal nome del foglio o del file).")
@click.option("--mappa", "mapping", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="File YAML «Intestazione colonna: campo» che sostituisce la mappa predefinita.")
@reference_date
def importa_command(source: Path, kind: str | None, mapping: Path | None, today) -> None:
    """Crea un file YAML per ogni riga di un foglio .xlsx o .csv; non scrive nulla se una riga ha errori."""
    from reti_adi.maintain.spreadsheet import SpreadsheetError, import_spreadsheet, load_mapping
    try:
        result = import_spreadsheet(resolve_root(None), source, kind, load_mapping(mapping), today)
    except NotACatalogue as exc:
        raise UsageError(str(exc)) from exc
    except SpreadsheetError as exc:
        raise CommandError(str(exc)) from exc
    for problem in sorted(result.problems, key=lambda p: (p.file, p.line or 0, p.column or 0)):
        click.echo(format_problem(problem, color=sys.stdout.isatty()))
    if not result.ok:
        click.echo(f"Importazione annullata: {sum(p.is_error for p in result.problems)} errori in "
                   f"{result.rows} righe. Nessun file scritto.")
        sys.exit(1)
    click.echo(f"Importate {len(result.written)} schede da {source.name}.")


@click.command("esporta")
@click.option("--xlsx", "target", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Cartella di lavoro da scrivere (un foglio per servizi, enti e fonti).")
@reference_date
def esporta_command(target: Path, today) -> None:
    """Scrive il catalogo in una cartella di lavoro Excel, per chi rivede i dati in un foglio di calcolo."""
    from reti_adi.maintain.spreadsheet import export_workbook
    try:
        counts = export_workbook(resolve_root(None), target, today)
    except NotACatalogue as exc:
        raise UsageError(str(exc)) from exc
    click.echo(f"Scritto {target}: " + ", ".join(f"{n} {name.lower()}" for name, n in counts.items()) + ".")
