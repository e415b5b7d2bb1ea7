from __future__ import annotations

from pathlib import Path

import click

from reti_adi.cli.errors import CommandError


@click.command("init")
@click.argument("directory", metavar="CARTELLA", type=click.Path(file_okay=False, path_type=Path))
@click.option("--titolo", default=None, metavar="TESTO", help="Titolo del catalogo e del sito.")
def init_command(directory: Path, titolo: str | None) -> None:
    """Crea un nuovo repository di catalogo: ambito di esempio da sostituire, sito, CI, impostazioni editor."""
    from reti_adi.maintain.init_repo import InitError, init_repository
    try:
        written = init_repository(directory, titolo)
    except InitError as exc:
        raise CommandError(str(exc)) from exc
    click.echo(f"Creato il catalogo in {directory} ({len(written)} file).")
    click.echo(f"Prossimi passi: cd {directory} && reti-adi check && reti-adi serve")
