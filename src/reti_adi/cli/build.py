from __future__ import annotations

import sys
from pathlib import Path

import click

from reti_adi.check import NotACatalogue
from reti_adi.cli.errors import CommandError, UsageError
from reti_adi.cli.options import aliased, reference_date, resolve_root
from reti_adi.cli.progress import phases
from reti_adi.reporters import REPORTERS
from reti_adi.reporters.text import plural

CANCELLED = "Build annullata: nessun file pubblicato, la build precedente è intatta."
FIRST_PUBLICATION_EXIT = 3
"""The declared site has no publication yet: CI templates retry with --prima-pubblicazione on this code only."""


@click.command("build")
@click.argument("path", metavar="[PERCORSO]", type=click.Path(file_okay=False, path_type=Path), required=False)
@aliased("--uscita", "-o", "out", hidden=("--out",), type=click.Path(file_okay=False, path_type=Path), default=None,
         metavar="CARTELLA", help="Cartella di destinazione (predefinita: PERCORSO/build).")
@aliased("--precedente", "previous", hidden=("--previous",), default=None, metavar="CARTELLA|URL",
         help="Pubblicazione precedente (cartella o URL del sito) da cui continuare lapidi e registro delle "
              "modifiche; predefinita: la build/ esistente, altrimenti il sito dichiarato in url_sito.")
@click.option("--prima-pubblicazione", "first_publication", is_flag=True, default=False,
              help="Questa è la prima pubblicazione del catalogo: non cercare quella precedente.")
@click.option("--completa", "full", is_flag=True, default=False,
              help="Ricostruisci ogni pagina e ogni indice di ricerca, senza riusare quelli della build precedente, "
                   "e rileggi ogni file del catalogo senza la cache del controllo.")
@reference_date
@aliased("--verboso", "-v", "verbose", hidden=("--verbose",), is_flag=True,
         help="Mostra anche i tempi di ogni fase (per chi sviluppa).")
def build_command(path: Path, out: Path | None, previous: str | None, first_publication: bool, full: bool, today,
                  verbose: bool = False) -> None:
    """Controlla il catalogo e pubblica API JSON, pacchetto di dati e sito in build/.

    Con errori nel catalogo non pubblica nulla e la build/ precedente resta intatta. Se il catalogo
    dichiara url_sito serve la pubblicazione precedente (esce con 3 se il sito non ne ha ancora una).
    """
    from reti_adi.build import BuildLocked, BuildRefused, FirstPublicationRequired, PreviousNotFound, build
    from reti_adi.site.errors import SiteBuildError
    path = resolve_root(path)
    try:
        with phases("Pubblicazione") as phase:
            report = build(path, out, previous, today, first_publication=first_publication, on_phase=phase,
                           reuse=not full, detach_cleanup=True)  # the old build is deleted after we return
    except NotACatalogue as exc:
        raise UsageError(str(exc)) from exc
    except BuildLocked as exc:
        raise CommandError(str(exc)) from exc
    except FirstPublicationRequired as exc:
        click.echo(f"Errore: {exc}", err=True)
        click.echo(CANCELLED, err=True)
        sys.exit(FIRST_PUBLICATION_EXIT)
    except PreviousNotFound as exc:
        raise UsageError(str(exc)) from exc
    except BuildRefused as exc:
        click.echo(REPORTERS["testo"](exc.result, color=sys.stdout.isatty()))
        click.echo(CANCELLED, err=True)
        sys.exit(1)
    except SiteBuildError as exc:
        click.echo(f"Errore nella costruzione del sito: {exc}", err=True)
        click.echo(CANCELLED, err=True)
        sys.exit(1)
    changes = report.api.variations["servizi"]
    click.echo(f"Pubblicato in {report.out}: {plural(len(report.api.details), 'servizio', 'servizi')}, versione catalogo "
               f"{report.context.catalogue_version}, generato il {report.context.generated_at}.")
    click.echo(f"Variazioni dei servizi: {plural(len(changes.aggiunti), 'aggiunto', 'aggiunti')}, "
               f"{plural(len(changes.modificati), 'modificato', 'modificati')}, "
               f"{plural(len(changes.rimossi), 'rimosso', 'rimossi')}.")
    feed = report.api.feed
    click.echo(f"Registro delle modifiche: sequenza {feed.sequence}"
               + (" (nuova)." if feed.added else " (nessuna modifica da registrare)."))
    for notice in report.notices:
        click.echo(f"Avviso: {notice}", err=True)
    if report.result.warnings:
        click.echo(f"{plural(len(report.result.warnings), 'avviso', 'avvisi')}: esegui «reti-adi check» per i dettagli.")
    if verbose:
        if report.reuse is not None:
            click.echo(reuse_line(report.reuse))
        if report.documents is not None:
            click.echo(f"Documenti Word dalla build precedente: "
                       f"{plural(report.documents.reused, 'riusato', 'riusati')}, "
                       f"{plural(report.documents.written, 'scritto', 'scritti')}.")
        click.echo(timing_lines(report.timings))


def reuse_line(counts) -> str:
    return (f"Dalla build precedente: {plural(counts.pages_reused, 'pagina riusata', 'pagine riusate')}, "
            f"{plural(counts.pages_rendered, 'pagina ricostruita', 'pagine ricostruite')} (pagine di dettaglio); "
            f"{plural(counts.bundles_reused, 'indice di ricerca riusato', 'indici di ricerca riusati')}, "
            f"{plural(counts.bundles_indexed, 'ricostruito', 'ricostruiti')}.")


def timing_lines(timings: dict[str, float]) -> str:
    """The phase times as a tree, each sub-phase under its phase; «insieme» marks phases that ran at once."""
    from reti_adi.stopwatch import BACKGROUND, children, is_concurrent

    total = sum(children(timings, "").values())
    lines = [f"Tempi: {total:.1f} s in tutto."]

    def add(parent: str, depth: int) -> None:
        for name, seconds in children(timings, parent).items():
            label = name.rsplit(".", 1)[-1].replace("_", " ")
            lines.append(f"{'  ' * depth}- {label}: {seconds:.1f} s" + (" (insieme)" if is_concurrent(name) else ""))
            add(name, depth + 1)

    add("", 0)
    background = {name.removeprefix(f"{BACKGROUND}."): seconds for name, seconds in timings.items()
                  if name.startswith(f"{BACKGROUND}.")}
    if background:
        lines.append("Nel frattempo, in processi a parte: " + ", ".join(
            f"{name.replace('.', ' ').replace('_', ' ')} {seconds:.1f} s" for name, seconds in background.items()) + ".")
    return "\n".join(lines)
