"""What every rule shares: the registry that check_catalogue runs, and the helpers that locate a
problem in its file and say the same thing the same way (a missing reference, an unknown comune)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date

from reti_adi.catalogue.records import Catalogue, LoadedRecord
from reti_adi.catalogue.vocabularies import comuni
from reti_adi.rules.placeholders import PLACEHOLDER_ID
from reti_adi.rules.problems import Problem, Severity, format_path

Rule = Callable[[Catalogue, date], Iterator[Problem]]
RULES: list[Rule] = []


def rule(function: Rule) -> Rule:
    """A rule over the whole catalogue: it runs on every check."""
    RULES.append(function)
    return function


class RecordRule:
    """A rule that looks at one record of a kind at a time (and at whatever else it needs through the
    catalogue): on a re-check its result for an unchanged record is reused while nothing it read in the
    catalogue changed. It must read the catalogue only through `of`, `all_of`, `known`, `is_valid`,
    `get`, `meta` and `root` (rules/checker.py writes each look-up down); anything else makes the
    result of that record not reusable."""

    def __init__(self, kind: str, function, include_partial: bool):
        self.kind, self.function, self.include_partial = kind, function, include_partial
        self.name = f"{function.__module__}.{function.__qualname__}"
        self.__name__ = function.__name__

    def records(self, catalogue: Catalogue) -> list[LoadedRecord]:
        return catalogue.all_of(self.kind) if self.include_partial else list(catalogue.of(self.kind).values())

    def __call__(self, catalogue: Catalogue, today: date) -> Iterator[Problem]:
        for record in self.records(catalogue):
            yield from self.function(catalogue, record, today)


def record_rule(kind: str, include_partial: bool = False):
    """Register `function(catalogue, record, today)` for every valid record of `kind` (and the partial
    ones, those that failed validation, with include_partial)."""
    def register(function):
        RULES.append(RecordRule(kind, function, include_partial))
        return function
    return register


def problem(record: LoadedRecord, path: tuple, message: str, rule_name: str, *, found=None, expected=None,
            severity: Severity = "errore", at_key: bool = False) -> Problem:
    line, column = record.positions.locate(path, prefer_key=at_key)
    return Problem(record.file, line, column, format_path(path), message, rule_name, severity,
                   None if found is None else str(found), expected)


def reference(catalogue: Catalogue, record: LoadedRecord, path: tuple, kind: str, value: str | None,
               label: str) -> Iterator[Problem]:
    if value == PLACEHOLDER_ID:  # a skeleton of `reti-adi nuovo`: say what to fill, not that it is missing
        yield problem(record, path, f"campo ancora da compilare: scrivi l'id di un file in {folder(kind)}/",
                      "valori.segnaposto", found=value, expected=f"l'id di un file in {folder(kind)}/")
        return
    if value is not None and not catalogue.known(kind, value):
        known = sorted(catalogue.of(kind))
        import difflib

        close = difflib.get_close_matches(value, known, n=1)
        hint = f" (forse «{close[0]}»?)" if close else ""
        yield problem(record, path, f"{label} «{value}» non esiste nel catalogo{hint}", f"riferimenti.{kind}",
                      found=value, expected=f"l'id di un file in {folder(kind)}/")


def folder(kind: str) -> str:
    return {"ente": "catalogo/enti", "fonte": "catalogo/fonti", "ambito": "catalogo/ambiti",
            "servizio": "catalogo/servizi", "rete": "protocolli/reti"}.get(kind, kind)


def comune_exists(record: LoadedRecord, path: tuple, code: str | None) -> Iterator[Problem]:
    if code is not None and code not in comuni():
        yield problem(record, path, f"il codice ISTAT «{code}» non corrisponde a nessun comune italiano",
                      "riferimenti.comune", found=code, expected="un codice dell'elenco ISTAT dei comuni")


def duplicates(record: LoadedRecord, path: tuple, values: Iterable) -> Iterator[Problem]:
    seen = set()
    for index, value in enumerate(values):
        if value is None:  # an element that failed validation: the schema problem names it
            continue
        if value in seen:
            yield problem(record, path + (index,), f"«{value}» è ripetuto nell'elenco", "valori.duplicato",
                          found=value, expected="ogni valore una sola volta")
        seen.add(value)
