"""Find and load every record of a catalogue repository: one parse and one validation per file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from . import kinds as kinds_module
from .kinds import FileKind
from .personal_data import find_personal_data
from .placeholders import find_placeholders
from .problems import Problem
from .validation_messages import translate
from .yaml_source import Positions, decode, parse

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(slots=True)
class LoadedRecord:
    kind: str
    id: str
    file: str
    """Path relative to the root, with forward slashes: what messages and links show."""
    model: BaseModel
    positions: Positions


@dataclass(slots=True)
class Catalogue:
    root: Path
    meta: LoadedRecord | None = None
    records: dict[str, dict[str, LoadedRecord]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0

    def of(self, kind: str) -> dict[str, LoadedRecord]:
        return self.records.setdefault(kind, {})

    def get(self, kind: str, record_id: str) -> BaseModel | None:
        found = self.records.get(kind, {}).get(record_id)
        return found.model if found else None


def discover(root: Path) -> list[tuple[FileKind, Path]]:
    """Every YAML file of every kind, in a stable order."""
    found: list[tuple[FileKind, Path]] = []
    for kind in kinds_module.KINDS:
        target = root / kind.folder
        if kind.single_file:
            if target.is_file():
                found.append((kind, target))
            continue
        if target.is_dir():
            files = sorted(p for p in target.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file())
            found.extend((kind, p) for p in files)
    return found


def load_file(kind: FileKind, path: Path, relative: str) -> tuple[LoadedRecord | None, list[Problem]]:
    """Decode, parse and validate one file. Pure function of the file's bytes: cacheable, parallelisable."""
    text, problem = decode(path.read_bytes(), relative)
    if problem:
        return None, [problem]
    parsed = parse(text, relative)
    problems = list(parsed.problems)
    if parsed.data is None:
        return None, problems
    data = parsed.data
    problems.extend(find_personal_data(data, relative, parsed.positions))
    problems.extend(find_placeholders(data, relative, parsed.positions))
    record_id = path.stem
    if not kind.single_file:
        declared = data.get("id")
        if declared is not None and declared != path.stem:
            line, column = parsed.positions.locate(("id",))
            problems.append(Problem(relative, line, column, "id",
                                    f"l'id «{declared}» non corrisponde al nome del file «{path.name}»",
                                    "file.id-nome", found=str(declared), expected=path.stem))
    try:
        model = kind.model.model_validate(data)
    except ValidationError as exc:
        problems.extend(translate(exc, kind.model, relative, parsed.positions))
        return None, problems
    if not kind.single_file:
        record_id = getattr(model, "id")
    return LoadedRecord(kind.name, record_id, relative, model, parsed.positions), problems


def load_catalogue(root: Path) -> Catalogue:
    root = Path(root)
    catalogue = Catalogue(root=root)
    for kind in kinds_module.KINDS:
        catalogue.of(kind.name)
    holders: dict[tuple[str, str], list[LoadedRecord]] = {}
    for kind, path in discover(root):
        relative = path.relative_to(root).as_posix()
        record, problems = load_file(kind, path, relative)
        catalogue.files += 1
        catalogue.problems.extend(problems)
        if record is None:
            continue
        if kind.single_file:
            catalogue.meta = record
            continue
        holders.setdefault((kind.name, record.id), []).append(record)
        catalogue.of(kind.name).setdefault(record.id, record)
    for (kind_name, record_id), records in holders.items():
        if len(records) > 1:
            catalogue.problems.extend(_duplicate_id_problems(kinds_module.KIND_BY_NAME[kind_name], records))
    return catalogue


def _duplicate_id_problems(kind: FileKind, records: list[LoadedRecord]) -> list[Problem]:
    """Every file sharing an id is told where the others are: none of them is "the" right one."""
    problems = []
    for record in records:
        others = ", ".join(r.file for r in records if r is not record)
        line, column = record.positions.locate(("id",))
        problems.append(Problem(record.file, line, column, "id",
                                f"id «{record.id}» già usato da un altro {kind.label} in {others}",
                                "riferimenti.id-duplicato", found=record.id, expected="un id unico per ogni scheda"))
    return problems
