"""The `reti-adi` command: a thin layer over the library; every command lives in its own module."""

from __future__ import annotations

import os
import sys

import click

from reti_adi import __version__
from reti_adi.cli.build import build_command
from reti_adi.cli.check import check_command
from reti_adi.cli.diff import diff_command
from reti_adi.cli.init import init_command
from reti_adi.cli.italiano import italianise
from reti_adi.cli.options import root_option
from reti_adi.cli.nuovo import nuovo_command
from reti_adi.cli.raccogli import raccogli_command
from reti_adi.cli.schemas import schemas_command
from reti_adi.cli.serve import serve_command
from reti_adi.cli.spreadsheet import esporta_command, importa_command
from reti_adi.clock import ClockError

ROOTED = ("build", "check", "diff", "esporta", "importa", "nuovo", "serve")
"""Commands that work on a catalogue repository: they take --root after their name too."""
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", message="reti-adi %(version)s")
@click.option("--root", type=click.Path(file_okay=False), default=None, metavar="CARTELLA",
              help="Cartella del repository del catalogo (con catalogo/ e protocolli/); predefinita: quella corrente.")
def app(root: str | None) -> None:
    """reti-adi: catalogo dei sostegni e reti di servizi per l'Assegno di Inclusione."""


app.add_command(check_command)
app.add_command(build_command)
app.add_command(diff_command)
app.add_command(init_command)
app.add_command(nuovo_command)
app.add_command(raccogli_command)
app.add_command(schemas_command)
app.add_command(serve_command)
app.add_command(importa_command)
app.add_command(esporta_command)
for _command in app.commands.values():
    if _command.name in ROOTED:
        _command.params.append(root_option())
italianise(app)


def main() -> None:
    try:
        app.main(prog_name="reti-adi", standalone_mode=True)
    except SystemExit as exit_:
        # a national catalogue is millions of objects: skip freeing them one by one at exit
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
        if isinstance(exit_.code, str):
            click.echo(exit_.code, err=True)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    except ClockError as exc:
        click.echo(f"Errore: {exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("Interrotto.", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - last resort: never a traceback for the user
        click.echo(f"reti-adi: errore interno: {type(exc).__name__}: {exc}", err=True)
        click.echo("Segnala il problema agli sviluppatori allegando il comando usato.", err=True)
        sys.exit(2)
