"""Controlled vocabularies, kept as versioned data files so they can be corrected without code changes."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
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


@cache
def comuni() -> dict[str, Comune]:
    """The official ISTAT list of comuni, by 6-digit code (vendored: works offline)."""
    with (vocabularies_dir() / "comuni_istat.csv").open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        header = next(rows)
        at = [header.index(name) for name in ("codice_istat", "denominazione", "sigla_provincia", "regione",
                                                "codice_catastale")]
        return {row[at[0]]: Comune(*(row[i] for i in at)) for row in rows}


@cache
def regioni() -> tuple[str, ...]:
    return tuple(sorted({c.regione for c in comuni().values()}))
