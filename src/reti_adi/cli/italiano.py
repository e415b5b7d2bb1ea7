"""The CLI library's own words in Italian: help headings, usage lines, usage errors.

click marks its strings with gettext (`_()` and `ngettext()` bound in each of its modules), so
the translation is a catalogue looked up by the English text, installed in those modules: no
locale files, no dependence on the user's LANG. Placeholders stay as click formats them.
Metavars (`[OPTIONS]`, `TEXT`, `PATH`) are not gettext strings: the help formatter renames them.
"""

from __future__ import annotations

import re
import sys

import click

MESSAGES = {
    "Usage:": "Uso:",
    "Options": "Opzioni",
    "Commands": "Comandi",
    "Positional arguments": "Argomenti",
    "Show this message and exit.": "Mostra questo aiuto ed esce.",
    "Show the version and exit.": "Mostra la versione ed esce.",
    "Error: {message}": "Errore: {message}",
    "Try '{command} {option}' for help.": "Per l'aiuto: «{command} {option}».",
    "No such command {name!r}.": "Il comando {name!r} non esiste.",
    "No such option {name!r}.": "L'opzione {name!r} non esiste.",
    "Missing command.": "Manca il comando.",
    "Missing argument": "Manca l'argomento",
    "Missing option": "Manca l'opzione",
    "Missing parameter": "Manca un parametro",
    "Missing parameter: {param_name}": "Manca il parametro: {param_name}",
    "Missing {param_type}": "Manca {param_type}",
    "argument": "l'argomento",
    "option": "l'opzione",
    "parameter": "il parametro",
    "Invalid value for {param_hint}: {message}": "Valore non valido per {param_hint}: {message}",
    "Invalid value: {message}": "Valore non valido: {message}",
    "Option {name!r} does not take a value.": "L'opzione {name!r} non accetta un valore.",
    "Argument {name!r} takes {nargs} values.": "L'argomento {name!r} vuole {nargs} valori.",
    "Invalid start character for option ({option})": "Carattere iniziale non valido per un'opzione ({option})",
    "Aborted!": "Interrotto.",
    "Error: invalid input": "Errore: valore non valido",
    "Error: The two entered values do not match.": "Errore: i due valori inseriti non coincidono.",
    "Repeat for confirmation": "Ripeti per conferma",
    "Do you want to continue?": "Vuoi continuare?",
    "Press any key to continue...": "Premi un tasto per continuare…",
    "Confirm the action without prompting.": "Conferma senza chiedere.",
    "Choose from:\n\t{choices}": "Scegli tra:\n\t{choices}",
    "default: {default}": "predefinito: {default}",
    "env var: {var}": "variabile d'ambiente: {var}",
    "required": "obbligatorio",
    "deprecated": "deprecato",
    "(dynamic)": "(dinamico)",
    "file": "file",
    "directory": "cartella",
    "path": "percorso",
    "{name} {filename!r} does not exist.": "{name} {filename!r} non esiste.",
    "{name} {filename!r} is a file.": "{name} {filename!r} è un file, non una cartella.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} è una cartella, non un file.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} non è leggibile.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} non è scrivibile.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} non è eseguibile.",
    "Could not open file {filename!r}: {message}": "Impossibile aprire il file {filename!r}: {message}",
    "{value!r} is not a valid {number_type}.": "{value!r} non è un {number_type} valido.",
    "integer": "numero intero",
    "float": "numero",
    "{value} is not in the range {range}.": "{value} non è nell'intervallo {range}.",
    "{value!r} is not a valid UUID.": "{value!r} non è un UUID valido.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "{value!r} non è un valore sì/no. Valori ammessi: {states}",
    "unknown error": "errore sconosciuto",
}

PLURAL_MESSAGES = {
    "Got unexpected extra argument ({args})": ("Argomento in più non previsto ({args})",
                                               "Argomenti in più non previsti ({args})"),
    "Did you mean {possibility}?": ("Forse intendevi {possibility}?",
                                    "(Forse intendevi uno tra: {possibilities}?)"),
    "Option {name!r} requires an argument.": ("L'opzione {name!r} vuole un valore.",
                                              "L'opzione {name!r} vuole {nargs} valori."),
    "{value!r} is not {choice}.": ("{value!r} non è ammesso: l'unico valore è {choice}.",
                                   "{value!r} non è ammesso: scegli tra {choices}."),
    "{value!r} does not match the format {format}.": ("{value!r} non rispetta il formato {format}.",
                                                      "{value!r} non rispetta nessuno dei formati {formats}."),
    "Takes {nargs} values but 1 was given.": ("Vuole {nargs} valori, ne è stato dato 1.",
                                              "Vuole {nargs} valori, ne sono stati dati {len}."),
    "{len_type} values are required, but {len_value} was given.": (
        "Servono {len_type} valori, ne è stato dato {len_value}.",
        "Servono {len_type} valori, ne sono stati dati {len_value}."),
}

METAVARS = {"[OPTIONS]": "[OPZIONI]", "COMMAND [ARGS]...": "COMANDO [ARGOMENTI]…", "TEXT": "TESTO",
            "INTEGER": "NUMERO", "FLOAT": "NUMERO", "PATH": "PERCORSO", "DIRECTORY": "CARTELLA",
            "FILENAME": "FILE", "BOOLEAN": "SÌ/NO", "INTEGER RANGE": "NUMERO"}
_METAVAR = re.compile("|".join(re.escape(k) for k in sorted(METAVARS, key=len, reverse=True)))


def gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    one, many = PLURAL_MESSAGES.get(singular, (singular, plural))
    return one if n == 1 else many


def install() -> None:
    """Put the Italian catalogue in every click module that translates its strings."""
    for name, module in list(sys.modules.items()):
        if name == "click" or name.startswith("click."):
            if getattr(module, "_", None) is not None and callable(module._):
                module._ = gettext
            if hasattr(module, "ngettext"):
                module.ngettext = ngettext


def italian_metavars(text: str) -> str:
    return _METAVAR.sub(lambda m: METAVARS[m.group(0)], text)


class ItalianHelpFormatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, italian_metavars(args), prefix)

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(italian_metavars(first), second) for first, second in rows], col_max, col_spacing)


class ItalianContext(click.Context):
    formatter_class = ItalianHelpFormatter


def italianise(command: click.Command) -> None:
    """Every context of this command and of its subcommands formats help the Italian way."""
    command.context_class = ItalianContext
    for sub in getattr(command, "commands", {}).values():
        italianise(sub)


install()
