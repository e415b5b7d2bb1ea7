from __future__ import annotations

import sys
from pathlib import Path

import click

from reti_adi.check import NotACatalogue
from reti_adi.cli.errors import CommandError, UsageError
from reti_adi.cli.options import reference_date, resolve_root
from reti_adi.maintain.spreadsheet_columns import SHEETS
from reti_adi.cli.progress import progress_bar
from reti_adi.reporters.text import format_problem, plural


@click.command("importa")
@click.argument("source", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--applica", "apply", is_flag=True,
              help="Scrive le modifiche mostrate; senza, l'importazione è solo un'anteprima e non scrive nulla.")
@click.option("--tipo", "kind", type=click.Choice(sorted(SHEETS)), default=None,
              help="Tipo di schede nel file (predefinito: dal nome del foglio o del file).")
@click.option("--mappa", "mapping", metavar="FILE",
              type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="File YAML «Intestazione colonna: campo» che sostituisce la mappa predefinita.")
@reference_date
def importa_command(source: Path, apply: bool, kind: str | None, mapping: Path | None, today) -> None:
    """Aggiorna e aggiunge schede da un foglio .xlsx (quello di «reti-adi esporta») o .csv.

    Mostra scheda per scheda cosa cambierebbe; scrive solo con --applica, e mai se una riga ha errori.
    """
    from reti_adi.maintain.spreadsheet import SpreadsheetError, import_spreadsheet, load_mapping
    try:
        with progress_bar("Importazione") as advance:
            result = import_spreadsheet(resolve_root(None), source, kind, load_mapping(mapping), today, apply,
                                        progress=advance)
    except NotACatalogue as exc:
        raise UsageError(str(exc)) from exc
    except SpreadsheetError as exc:
        raise CommandError(str(exc)) from exc
    color = sys.stdout.isatty()
    for problem in sorted(result.problems, key=lambda p: (p.file, p.line or 0, p.column or 0)):
        click.echo(format_problem(problem, color=color))
    if not result.ok:
        errors = sum(p.is_error for p in result.problems)
        click.echo(f"Importazione annullata: {plural(errors, 'errore', 'errori')} in "
                   f"{plural(result.rows, 'riga', 'righe')}. Nessun file scritto.")
        sys.exit(1)
    click.echo(describe_plan(result))
    if not result.planned:
        return
    if apply:
        click.echo(f"{plural(len(result.written), 'file scritto', 'file scritti')}: "
                   f"{plural(len(result.added), 'scheda aggiunta', 'schede aggiunte')}, "
                   f"{plural(len(result.modified), 'scheda modificata', 'schede modificate')}.")
    else:
        click.echo(f"Anteprima: nessun file scritto. Per applicare: reti-adi importa {source} --applica")


def describe_plan(result) -> str:
    from reti_adi.maintain.field_labels import value_text

    if not result.planned:
        same = "la scheda del foglio è già uguale" if result.unchanged == 1 else \
            f"le {result.unchanged} schede del foglio sono già uguali"
        return f"Nessuna modifica: {same} al catalogo."
    lines = []
    for planned in result.added:
        name = f" ({planned.denominazione})" if planned.denominazione else ""
        lines.append(f"+ aggiunta «{planned.id}»{name} → {planned.target} [{planned.where}]")
    for planned in result.modified:
        lines.append(f"~ modificata «{planned.id}» in {planned.target} [{planned.where}]")
        lines += [f"    {c.label}: {value_text(c.before)} → {value_text(c.after)}" for c in planned.changes]
    lines.append(f"{plural(len(result.added), 'scheda da aggiungere', 'schede da aggiungere')}, "
                 f"{plural(len(result.modified), 'da modificare', 'da modificare')}, "
                 f"{plural(result.unchanged, 'già uguale', 'già uguali')} al foglio.")
    return "\n".join(lines)


@click.command("esporta")
@click.option("--xlsx", "target", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Cartella di lavoro da scrivere (fogli Servizi, Sedi, Enti, Fonti).")
@reference_date
def esporta_command(target: Path, today) -> None:
    """Scrive il catalogo in una cartella di lavoro Excel, per chi rivede i dati in un foglio di calcolo."""
    from reti_adi.maintain.spreadsheet import export_workbook
    try:
        counts = export_workbook(resolve_root(None), target, today)
    except NotACatalogue as exc:
        raise UsageError(str(exc)) from exc
    singular = {"Servizi": "servizio", "Sedi": "sede", "Enti": "ente", "Fonti": "fonte"}
    click.echo(f"Scritto {target}: " + ", ".join(plural(n, singular.get(name, name.lower()), name.lower())
                                                 for name, n in counts.items()) + ".")
    click.echo("Modificalo (anche aggiungendo righe) e rileggilo con «reti-adi importa»: vedrai cosa cambia "
               "prima di scrivere.")
