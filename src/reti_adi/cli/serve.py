from __future__ import annotations

import signal
import sys
from pathlib import Path

import click

from reti_adi.check import NotACatalogue
from reti_adi.cli.errors import CommandError, UsageError
from reti_adi.cli.options import resolve_root
from reti_adi.reporters import REPORTERS
from reti_adi.reporters.text import plural


class _Stop(BaseException):
    """Raised in the main thread by SIGTERM/SIGHUP: unwinds like Ctrl+C, so a build in progress
    removes its staging folder and build/ stays the last good one."""


def _stop(signum, frame) -> None:
    raise _Stop(signum)


@click.command("serve")
@click.argument("path", metavar="[PERCORSO]", type=click.Path(file_okay=False, path_type=Path), required=False)
@click.option("--porta", "port", type=click.IntRange(0, 65535), metavar="NUMERO", default=8000, show_default=True,
              help="Porta su cui servire il sito.")
@click.option("--indirizzo", "host", default="127.0.0.1", show_default=True, help="Indirizzo di ascolto.")
def serve_command(path: Path, port: int, host: str) -> None:
    """Pubblica il catalogo in build/, lo serve in locale e lo ricostruisce a ogni modifica."""
    from reti_adi.build import BuildRefused, build
    from reti_adi.site.serve import PortBusy, bind_server, serve_in_background, watch
    root = resolve_root(path).resolve()
    out = root / "build"
    try:
        server = bind_server(out, host, port)  # before building: a busy port is said at once
    except PortBusy as exc:
        raise CommandError(str(exc)) from exc
    for signum in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if signum is not None:
            signal.signal(signum, _stop)

    def rebuild() -> None:
        click.echo("Ricostruzione in corso…")
        try:
            report = build(root, out)
        except NotACatalogue as exc:
            raise UsageError(str(exc)) from exc
        except BuildRefused as exc:
            click.echo(REPORTERS["testo"](exc.result, color=sys.stdout.isatty()))
            click.echo("Errori nel catalogo: resta servita la versione precedente.")
            return
        except Exception as exc:  # noqa: BLE001 - keep serving the last good build
            click.echo(f"Build non riuscita: {exc}. Resta servita la versione precedente.")
            return
        click.echo(f"Sito aggiornato ({plural(len(report.api.details), 'servizio', 'servizi')}).")

    serving = False
    try:
        rebuild()
        if not out.exists():
            raise CommandError("nessuna build disponibile da servire: correggi gli errori e riprova")
        serve_in_background(server)
        serving = True
        click.echo(f"Sito disponibile su http://{host}:{server.server_address[1]}/ (Ctrl+C per fermare).")
        watch(root, rebuild)
    except (KeyboardInterrupt, _Stop):
        click.echo("Fermato.")
    finally:
        if serving:
            server.shutdown()
        server.server_close()
