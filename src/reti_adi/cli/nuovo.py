from __future__ import annotations

import sys

import click

from reti_adi.cli.errors import CommandError, UsageError
from reti_adi.cli.options import resolve_root
from reti_adi.maintain.scaffold import ESSENTIALS, ScaffoldError, write_skeleton


def _options(function):
    names = sorted({e.name for essentials in ESSENTIALS.values() for e in essentials})
    for name in reversed(names):
        function = click.option(f"--{name.replace('_', '-')}", name, default=None,
                                help=f"Valore di «{name}» (dove il tipo di scheda lo prevede).")(function)
    return function


@click.command("nuovo")
@click.argument("kind", metavar="TIPO", type=click.Choice(sorted(ESSENTIALS)))
@click.argument("record_id", metavar="ID", required=False)
@_options
def nuovo_command(kind: str, record_id: str | None, **values) -> None:
    """Crea lo scheletro di una nuova scheda (servizio, ente, fonte, ambito, rete, protocollo).

    Su un terminale chiede i dati essenziali; altrimenti li prende dalle opzioni e scrive
    «DA COMPILARE» dove mancano. Non sovrascrive mai un file esistente.
    """
    interactive = sys.stdin.isatty()
    if record_id is None:
        if not interactive:
            raise UsageError("indica l'ID della nuova scheda (diventa il nome del file)")
        record_id = click.prompt("Id (minuscole e trattini, diventa il nome del file)")
    if interactive:
        for essential in ESSENTIALS[kind]:
            if not values.get(essential.name):
                values[essential.name] = click.prompt(essential.prompt, default=essential.default or "",
                                                      show_default=bool(essential.default)) or None
    try:
        path = write_skeleton(resolve_root(None), kind, record_id, values)
    except ScaffoldError as exc:
        raise CommandError(str(exc)) from exc
    click.echo(f"Creato {path}. Completa i campi «DA COMPILARE» e quelli commentati, poi esegui «reti-adi check».")
