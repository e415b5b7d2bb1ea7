"""What reading a catalogue produces: a file's parse outcome, the records, and the catalogue that holds them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from reti_adi.catalogue.yaml_source import PackedPositions, Positions
from reti_adi.rules.problems import Problem


class LoadedRecord:
    """One record: its kind, id, file and validated model with the positions of its values.

    A record served by the check cache is deferred: its id, file and validity come from the cache,
    and the model and positions are read from the file only when a rule or a publisher asks for them
    (a re-check touches a handful of the 10,000 records, see loader.py). A build gives a deferred
    record its model from the cache (`give_model`): the positions are still read from the file, and
    only if a problem has to say where it is."""

    __slots__ = ("kind", "id", "file", "partial", "digest", "_model", "_positions", "_source")

    def __init__(self, kind: str, id: str, file: str, model: BaseModel, positions: Positions | PackedPositions,
                 partial: bool = False):
        # file: relative to the root with forward slashes (what messages and links show); partial: the
        # file failed validation and `model` holds only the fields valid on their own (see partial.py)
        self.kind, self.id, self.file, self.partial = kind, id, file, partial
        self.digest: bytes | None = None
        """Digest of the file's bytes when the loader read it with the cache on: keys rule results."""
        self._model, self._positions, self._source = model, positions, None

    @classmethod
    def deferred(cls, kind: str, id: str, file: str, partial: bool, digest: bytes,
                 source: Callable[[], tuple[BaseModel, Positions | PackedPositions]]) -> LoadedRecord:
        """A record whose model and positions `source` reads when first needed."""
        record = cls.__new__(cls)
        record.kind, record.id, record.file, record.partial, record.digest = kind, id, file, partial, digest
        record._model, record._positions, record._source = None, None, source
        return record

    @property
    def source(self) -> Callable[[], tuple[BaseModel, Positions | PackedPositions]] | None:
        """What reads the model of a deferred record; None once read (or for a record built whole)."""
        return self._source

    def fill(self, model: BaseModel, positions: Positions | PackedPositions) -> None:
        """Give a deferred record its model and positions (read by the loader for many records at once).
        A model it already has is kept: the same bytes give an equal one, and callers may hold it."""
        if self._model is None:
            self._model = model
        self._positions, self._source = positions, None

    def give_model(self, model: BaseModel) -> None:
        """Give a deferred record its model alone (from the cache's JSON): positions stay deferred."""
        self._model = model

    @property
    def has_model(self) -> bool:
        """Is the model at hand (asking for it reads no file)?"""
        return self._model is not None or self._source is None

    def _materialise(self) -> None:
        self.fill(*self._source())

    @property
    def model(self) -> BaseModel:
        if self._model is None and self._source is not None:
            self._materialise()
        return self._model

    @property
    def positions(self) -> Positions | PackedPositions:
        if self._source is not None:
            self._materialise()
        return self._positions

    def __eq__(self, other) -> bool:
        if not isinstance(other, LoadedRecord):
            return NotImplemented
        return ((self.kind, self.id, self.file, self.partial, self.model, _plain(self.positions))
                == (other.kind, other.id, other.file, other.partial, other.model, _plain(other.positions)))

    __hash__ = None

    def __repr__(self) -> str:
        return f"LoadedRecord(kind={self.kind!r}, id={self.id!r}, file={self.file!r}, partial={self.partial!r})"


def _plain(positions: Positions | PackedPositions) -> Positions:
    return positions.unpack() if isinstance(positions, PackedPositions) else positions


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

    def is_valid(self, kind: str, record_id: str) -> bool:
        """Does a file of this kind that passed validation declare this id?"""
        return record_id in self.of(kind)

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
