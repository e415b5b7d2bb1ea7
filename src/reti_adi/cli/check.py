from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from reti_adi.check import NotACatalogue, check
from reti_adi.cli.errors import UsageError
from reti_adi.cli.options import aliased, reference_date, resolve_root
from reti_adi.cli.progress import phases
from reti_adi.reporters import REPORTERS


@click.command("check")
@click.argument("path", metavar="[PERCORSO]", type=click.Path(file_okay=False, path_type=Path), required=False)
@aliased("--formato", "-f", "output_format", hidden=("--format",), type=click.Choice(sorted(REPORTERS)), default=None,
              help="Formato del rapporto: testo (predefinito), json, github (annotazioni per le pull request; "
                   "predefinito quando GITHUB_ACTIONS=true).")
@reference_date
@click.option("--cache/--no-cache", "use_cache", default=True, show_default=True,
              help="Riusa i risultati dei file non cambiati (cache dell'utente, fuori dal repository; "
                   "cartella scelta con RETI_ADI_CACHE).")
@aliased("--processi", "-j", "jobs", hidden=("--jobs",), type=click.IntRange(1), default=None, metavar="N",
              help="Processi per leggere e validare i file (predefinito: i core disponibili).")
def check_command(path: Path, output_format: str | None, today, use_cache: bool, jobs: int | None) -> None:
    """Controlla il catalogo in PERCORSO (predefinito: la cartella corrente) e segnala tutti i problemi.

    Esce con 0 se il catalogo è valido (anche con avvisi), 1 se ci sono errori, 2 per errori d'uso.
    """
    if output_format is None:
        output_format = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "testo"
    path = resolve_root(path)
    try:
        with phases("Controllo del catalogo"):
            result = check(path, today, use_cache, jobs)
    except NotACatalogue as exc:
        raise UsageError(str(exc)) from exc
    color = output_format == "testo" and sys.stdout.isatty()
    click.echo(REPORTERS[output_format](result, color=color))
    sys.exit(result.exit_code)
