from __future__ import annotations

import difflib
import sys

import click

from reti_adi.cli.errors import CommandError, UsageError
from reti_adi.cli.options import resolve_root
from reti_adi.maintain.scaffold import ESSENTIALS, ScaffoldError, allowed_values, write_skeleton

LISTED = 40
"""Up to this many choices are listed with numbers; beyond, the prompt takes an id (or «?» to list)."""


def _options(function):
    names = sorted({e.name for essentials in ESSENTIALS.values() for e in essentials})
    for name in reversed(names):
        function = click.option(f"--{name.replace('_', '-')}", name, default=None, metavar="VALORE",
                                help=f"Valore di «{name}» (dove il tipo di scheda lo prevede).")(function)
    return function


def _unknown(value: str, choices: dict[str, str]) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1)
    hint = f" (forse «{close[0]}»?)" if close else ""
    return f"«{value}» non è tra i valori ammessi{hint}"


class CatalogueChoice(click.ParamType):
    """A value from a numbered list: its number or the value itself; empty leaves it to fill later."""

    name = "scelta"

    def __init__(self, choices: dict[str, str]):
        self.choices = choices
        self.ordered = list(choices)

    def convert(self, value, param, ctx):
        text = str(value).strip()
        if not text:
            return None
        if text == "?":
            _list(self.choices)
            self.fail("scegli un numero o un valore dell'elenco", param, ctx)
        if text.isdigit() and 1 <= int(text) <= len(self.ordered):
            return self.ordered[int(text) - 1]
        if text in self.choices:
            return text
        self.fail(_unknown(text, self.choices) + "; scrivi «?» per l'elenco", param, ctx)


def _list(choices: dict[str, str]) -> None:
    for number, (value, label) in enumerate(choices.items(), start=1):
        click.echo(f"  {number:>3}) {value}" + (f" – {label}" if label != value else ""))


def _ask(prompt: str, choices: dict[str, str] | None) -> str | None:
    later = " (Invio: da compilare dopo)"
    if choices is None:
        return click.prompt(prompt + later, default="", show_default=False).strip() or None
    if not choices:
        click.echo(f"{prompt}: nel catalogo non ce n'è ancora nessuno; resta da compilare.")
        return None
    if len(choices) <= LISTED:
        click.echo(f"{prompt}:")
        _list(choices)
    return click.prompt(f"{prompt}, numero o valore{later}", default="", show_default=False,
                        type=CatalogueChoice(choices))


@click.command("nuovo")
@click.argument("kind", metavar="TIPO", type=click.Choice(sorted(ESSENTIALS)))
@click.argument("record_id", metavar="ID", required=False)
@_options
def nuovo_command(kind: str, record_id: str | None, **values) -> None:
    """Crea lo scheletro di una nuova scheda (servizio, ente, fonte, ambito, rete, protocollo).

    Su un terminale chiede i dati essenziali, scegliendo enti, ambiti, reti, tipologie e tipi da
    un elenco numerato; altrimenti li prende dalle opzioni. Quello che non è dato resta «DA
    COMPILARE» e il controllo non passa finché non è compilato. Non sovrascrive mai un file.
    """
    interactive = sys.stdin.isatty()
    root = resolve_root(None)
    allowed = allowed_values(root, kind)
    for name, value in values.items():
        if value is not None and name in allowed and value not in allowed[name]:
            raise UsageError(f"--{name.replace('_', '-')}: {_unknown(value, allowed[name])}")
    if record_id is None:
        if not interactive:
            raise UsageError("indica l'ID della nuova scheda (diventa il nome del file)")
        record_id = click.prompt("Id (minuscole e trattini, diventa il nome del file)")
    if interactive:
        for essential in ESSENTIALS[kind]:
            if not values.get(essential.name):
                values[essential.name] = _ask(essential.prompt, allowed.get(essential.name))
    try:
        path = write_skeleton(root, kind, record_id, values)
    except ScaffoldError as exc:
        raise CommandError(str(exc)) from exc
    click.echo(f"Creato {path}. Completa i campi «DA COMPILARE» e quelli commentati, poi esegui «reti-adi check».")
