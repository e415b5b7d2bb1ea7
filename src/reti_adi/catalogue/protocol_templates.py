"""The sections each protocol model expects, kept as data (one file per modello) so they can be
aligned with the official annex texts without code changes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from reti_adi.catalogue.vocabularies import schemas_dir


@dataclass(frozen=True, slots=True)
class Section:
    kind: str
    required: bool


@dataclass(frozen=True, slots=True)
class ProtocolTemplate:
    model: str
    title: str
    source: str
    verified: bool
    network_types: tuple[str, ...]
    premises_required: bool
    sections: tuple[Section, ...]
    file: Path


@cache
def _load(path: Path) -> ProtocolTemplate:
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return ProtocolTemplate(
        model=raw["modello"], title=raw["titolo"], source=raw["fonte"], verified=bool(raw["verificato"]),
        network_types=tuple(raw.get("tipi_rete", ("indirizzo", "intervento"))),
        premises_required=bool(raw.get("premesse_obbligatorie", False)),
        sections=tuple(Section(s["tipo"], bool(s.get("obbligatoria", True))) for s in raw["sezioni"]),
        file=path)


def template(root: Path, model: str) -> ProtocolTemplate:
    """The catalogue repository's protocolli/modelli/{model}.yaml if present, else the shipped one."""
    own = Path(root) / "protocolli" / "modelli" / f"{model}.yaml"
    return _load(own if own.is_file() else schemas_dir() / "modelli" / f"{model}.yaml")
