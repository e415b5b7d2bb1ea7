"""`reti-adi raccogli`: harvest the ambiti's publications listed in a sources file and publish one portal."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reti_adi.cli.errors import UsageError
from reti_adi.cli.options import aliased, reference_date

CANCELLED = "Portale non pubblicato: la pubblicazione precedente è intatta."


@click.command("raccogli")
@click.argument("sorgenti", metavar="[SORGENTI]", type=click.Path(dir_okay=False, path_type=Path),
                default="sorgenti.yaml")
@click.option("--raccolta", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="CARTELLA",
              help="Cartella delle copie raccolte e dello stato della raccolta (predefinita: raccolta/ accanto "
                   "al file delle sorgenti).")
@aliased("--uscita", "-o", "out", hidden=("--out",), type=click.Path(file_okay=False, path_type=Path),
         default=None, metavar="CARTELLA", help="Cartella del portale pubblicato (predefinita: build/ accanto al file delle sorgenti).")
@click.option("--precedente", "previous", default=None, metavar="CARTELLA|URL",
              help="Pubblicazione precedente del portale (cartella o URL) da cui prosegue il suo registro delle "
                   "modifiche; predefinita: la cartella di uscita.")
@click.option("--paralleli", type=click.IntRange(1, 64), default=8, show_default=True, metavar="N",
              help="Sorgenti raccolte contemporaneamente.")
@click.option("--timeout", type=click.FloatRange(0.1, 600), default=20.0, show_default=True, metavar="SECONDI",
              help="Secondi di attesa massima per ogni richiesta.")
@click.option("--limite-mb", type=click.FloatRange(0.01, 1000), default=20.0, show_default=True, metavar="MB",
              help="Dimensione massima di un file raccolto, in MB.")
@click.option("--solo-raccolta", is_flag=True, help="Raccoglie le sorgenti senza pubblicare il portale.")
@click.option("--ripubblica", is_flag=True,
              help="Ripubblica il portale anche se nessuna sorgente è cambiata dall'ultima pubblicazione.")
@click.option("--rigoroso", is_flag=True, help="Termina con codice 1 se anche una sola sorgente ha errori.")
@reference_date
def raccogli_command(sorgenti: Path, raccolta: Path | None, out: Path | None, previous: str | None, paralleli: int, timeout: float,
                     limite_mb: float, solo_raccolta: bool, ripubblica: bool, rigoroso: bool, today) -> None:
    """Raccoglie le pubblicazioni degli ambiti elencate in SORGENTI (predefinito: sorgenti.yaml) e pubblica
    un unico portale: sito con una ricerca su tutti gli ambiti, API con il proprio registro delle modifiche,
    pacchetto di dati.

    Legge solo ciò che è cambiato dall'ultima raccolta. Una sorgente irraggiungibile o non valida non
    ferma il portale: resta in uso la sua ultima copia valida e l'errore è segnalato.
    """
    from reti_adi.federation.pipeline import NothingToPublish, raccogli
    from reti_adi.federation.sources import SourcesError
    from reti_adi.federation.transport import Limits
    from reti_adi.publish.previous import PreviousError
    from reti_adi.site.errors import SiteBuildError

    if not sorgenti.is_file():
        raise UsageError(f"file delle sorgenti non trovato: {sorgenti}")
    limits = Limits(max_bytes=int(limite_mb * 1_000_000), timeout=timeout)
    try:
        report = raccogli(sorgenti, raccolta, out, limits, paralleli, publish=not solo_raccolta, previous=previous,
                          force=ripubblica, today=today)
    except SourcesError as exc:
        click.echo(f"Errori nel file delle sorgenti:\n{exc}", err=True)
        sys.exit(2)
    except NothingToPublish as exc:
        click.echo(f"Errore: {exc}", err=True)
        sys.exit(1)
    except PreviousError as exc:
        click.echo(f"Errore: la pubblicazione precedente del portale non si può usare: {exc}\n{CANCELLED}", err=True)
        sys.exit(2)
    except SiteBuildError as exc:
        click.echo(f"Errore nella costruzione del sito: {exc}\n{CANCELLED}", err=True)
        sys.exit(1)
    harvest = report.harvest
    for source in harvest.sources:
        click.echo(source.describe())
    click.echo(harvest.summary())
    for conflict in report.conflicts:
        click.echo(f"Conflitto – {conflict}")
    if report.unchanged:
        click.echo("Nessuna sorgente è cambiata dall'ultima pubblicazione: il portale resta quello pubblicato "
                   "(--ripubblica per ricostruirlo).")
    if report.portal is not None:
        click.echo(report.published())
    if harvest.failed and rigoroso:
        sys.exit(1)
