from __future__ import annotations

from pathlib import Path

import click

from reti_adi.cli.errors import CommandError


@click.command("init")
@click.argument("directory", metavar="CARTELLA", type=click.Path(file_okay=False, path_type=Path))
@click.option("--titolo", default=None, metavar="TESTO", help="Titolo del catalogo e del sito.")
@click.option("--pacchetto", default=None, metavar="SPECIFICA",
              help="Da dove la CI installa reti-adi (specifica pip, es. «reti-adi==0.1.0» o "
                   "«reti-adi @ git+https://…@v0.1.0»); finisce in RETI_ADI_PACCHETTO dei modelli di CI.")
def init_command(directory: Path, titolo: str | None, pacchetto: str | None) -> None:
    """Crea un nuovo repository di catalogo: ambito di esempio da sostituire, sito, CI, impostazioni editor."""
    from reti_adi.maintain.init_repo import InitError, init_repository
    try:
        written = init_repository(directory, titolo, pacchetto)
    except InitError as exc:
        raise CommandError(str(exc)) from exc
    click.echo(f"Creato il catalogo in {directory} ({len(written)} file).")
    click.echo(f"Prossimi passi: cd {directory} && reti-adi check && reti-adi serve")
