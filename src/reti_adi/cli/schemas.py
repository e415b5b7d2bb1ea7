from __future__ import annotations

import sys
from pathlib import Path

import click

from reti_adi.catalogue.schema_export import stale_schemas, write_schemas
from reti_adi.catalogue.vocabularies import schemas_dir
from reti_adi.cli.options import aliased
from reti_adi.reporters.text import plural


@click.command("schemas")
@aliased("--cartella", "directory", hidden=("--dir",), metavar="CARTELLA", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Cartella di destinazione (predefinita: schemas/ del progetto).")
@click.option("--verifica", is_flag=True, help="Non scrive nulla: esce con 1 se gli schemi non sono aggiornati.")
def schemas_command(directory: Path | None, verifica: bool) -> None:
    """Scrive gli JSON Schema (Draft 2020-12) di ogni tipo di file, generati dai modelli."""
    directory = directory or schemas_dir()
    if verifica:
        stale = stale_schemas(directory)
        for name in stale:
            click.echo(f"schema non aggiornato: {directory / name}")
        if stale:
            click.echo("Esegui «reti-adi schemas» e committa il risultato.")
            sys.exit(1)
        click.echo("Gli schemi sono aggiornati.")
        return
    written = write_schemas(directory)
    click.echo(f"{plural(len(written), 'schema aggiornato', 'schemi aggiornati')} in {directory}." if written
               else "Gli schemi erano già aggiornati.")
