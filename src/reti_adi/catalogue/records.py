"""What reading a catalogue produces: a file's parse outcome, the records, and the catalogue that holds them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from reti_adi.catalogue.yaml_source import PackedPositions, Positions
from reti_adi.rules.problems import Problem


@dataclass(slots=True)
class LoadedRecord:
    kind: str
    id: str
    file: str
    """Path relative to the root, with forward slashes: what messages and links show."""
    model: BaseModel
    positions: Positions | PackedPositions
    partial: bool = False
    """True when the file failed validation: `model` holds only the fields valid on their own (see partial.py)."""


@dataclass(slots=True)
class Catalogue:
    root: Path
    meta: LoadedRecord | None = None
    records: dict[str, dict[str, LoadedRecord]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    partial: dict[str, dict[str, LoadedRecord]] = field(default_factory=dict)
    """Records that failed validation, by kind and id: rules still check what they could read."""
    demand: list = field(default_factory=list)
    """Rows of the aggregated demand files (domanda/), see catalogue/demand.py."""

    def of(self, kind: str) -> dict[str, LoadedRecord]:
        return self.records.setdefault(kind, {})

    def all_of(self, kind: str) -> list[LoadedRecord]:
        """Valid records, then the partial ones: what reference rules walk."""
        return [*self.of(kind).values(), *self.partial.get(kind, {}).values()]

    def known(self, kind: str, record_id: str) -> bool:
        """Does a file of this kind declare this id, valid or not? (a broken file is not a missing one)"""
        return record_id in self.of(kind) or record_id in self.partial.get(kind, {})

    def get(self, kind: str, record_id: str) -> BaseModel | None:
        found = self.records.get(kind, {}).get(record_id)
        return found.model if found else None


@dataclass(slots=True)
class ParseOutcome:
    """What one file's bytes say before validation: plain data, cheap to send between processes and to cache."""

    data: dict | None
    positions: PackedPositions
    problems: list[Problem]
