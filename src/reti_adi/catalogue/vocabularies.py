"""Controlled vocabularies, kept as versioned data files so they can be corrected without code changes."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from pathlib import Path

import yaml


def schemas_dir() -> Path:
    """The `schemas/` folder: the source checkout's, or the copy shipped inside the wheel."""
    source = Path(__file__).resolve().parents[3] / "schemas"
    if (source / "vocabolari").is_dir():
        return source
    return Path(__file__).resolve().parents[1] / "_schemas"


def vocabularies_dir() -> Path:
    return schemas_dir() / "vocabolari"


@dataclass(frozen=True, slots=True)
class Vocabulary:
    name: str
    title: str
    version: str
    source: str
    verified: bool
    entries: dict[str, dict]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self.entries)

    def label(self, code: str) -> str:
        entry = self.entries.get(code)
        return entry.get("etichetta", code) if entry else code


@cache
def vocabulary(name: str) -> Vocabulary:
    raw = yaml.load((vocabularies_dir() / f"{name}.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    entries = {str(item["codice"]): item for item in raw["voci"]}
    return Vocabulary(raw["nome"], raw["titolo"], str(raw["versione"]), raw["fonte"], bool(raw["verificato"]),
                      entries)


@dataclass(frozen=True, slots=True)
class Comune:
    codice_istat: str
    denominazione: str
    sigla_provincia: str
    regione: str
    codice_catastale: str


class _Comuni(Mapping):
    """The ISTAT list by code. A Comune is built when first asked for: a re-check asks for a handful of
    the 7,896, and building them all costs more than the rest of its rules."""

    __slots__ = ("_rows", "_built")

    def __init__(self, rows: dict[str, tuple[str, ...]]):
        self._rows = rows
        self._built: dict[str, Comune] = {}

    def __getitem__(self, code: str) -> Comune:
        found = self._built.get(code)
        if found is None:
            found = self._built[code] = Comune(*self._rows[code])
        return found

    def __contains__(self, code) -> bool:
        return code in self._rows

    def __iter__(self):
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


@cache
def comuni() -> Mapping[str, Comune]:
    """The official ISTAT list of comuni, by 6-digit code (vendored: works offline)."""
    with (vocabularies_dir() / "comuni_istat.csv").open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        header = next(rows)
        at = [header.index(name) for name in ("codice_istat", "denominazione", "sigla_provincia", "regione",
                                                "codice_catastale")]
        fields = itemgetter(*at)
        return _Comuni({row[at[0]]: fields(row) for row in rows})


@cache
def regioni() -> tuple[str, ...]:
    return tuple(sorted({c.regione for c in comuni().values()}))
