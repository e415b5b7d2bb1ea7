"""The sections each protocol model expects, kept as data (one file per modello) so they can be
aligned with the official annex texts without code changes.

A repository may override a shipped model with protocolli/modelli/{modello}.yaml. That file comes
from a pull request like any record: it is read with the same bounds (size, no links, no aliases,
depth) and validated; an invalid one is a problem at its line and the shipped model is used.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from reti_adi.catalogue import yaml_guard
from reti_adi.catalogue.kinds import PROTOCOL_MODELS_DIR
from reti_adi.catalogue.models.protocolli import TIPI_ARTICOLO
from reti_adi.catalogue.vocabularies import schemas_dir
from reti_adi.rules.problems import Problem, format_path

OVERRIDE_DIR = PROTOCOL_MODELS_DIR


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


class _SectionFile(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)  # built when a file is validated, not on import
    tipo: Literal[tuple(TIPI_ARTICOLO)]  # type: ignore[valid-type]
    obbligatoria: bool = True


class _TemplateFile(BaseModel):
    """The shape of a model file: what an override must hold."""

    model_config = ConfigDict(extra="forbid", defer_build=True)  # built when a file is validated, not on import
    modello: Literal["allegato_1", "allegato_2"]
    titolo: str = Field(max_length=500)
    fonte: str = Field(max_length=500)
    verificato: bool
    tipi_rete: list[Literal["indirizzo", "intervento"]] = ["indirizzo", "intervento"]
    premesse_obbligatorie: bool = False
    sezioni: list[_SectionFile] = Field(max_length=100)


def _from_data(data: dict, path: Path) -> ProtocolTemplate:
    raw = _TemplateFile.model_validate(data)
    return ProtocolTemplate(
        model=raw.modello, title=raw.titolo, source=raw.fonte, verified=raw.verificato,
        network_types=tuple(raw.tipi_rete), premises_required=raw.premesse_obbligatorie,
        sections=tuple(Section(s.tipo, s.obbligatoria) for s in raw.sezioni), file=path)


@cache
def _load(path: Path) -> ProtocolTemplate:
    """A shipped model: part of the package, trusted."""
    return _from_data(yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader), path)


def load_override(path: Path, relative: str, model: str | None = None) -> tuple[ProtocolTemplate | None, Problem | None]:
    """A repository's model file, read like a record: (template, None) or (None, the problem)."""
    from reti_adi.catalogue.yaml_source import decode, parse

    def refused(message: str, rule: str, line: int | None = None, column: int | None = None, field: str = ""):
        return None, Problem(relative, line, column, field, message, rule)

    if os.path.islink(path) or not path.is_file():
        return refused("il modello di protocollo non è un file normale (collegamento simbolico o altro): "
                       "non è stato letto, si usa quello distribuito con reti-adi", "file.collegamento")
    raw = yaml_guard.read_bounded(path)
    problem = yaml_guard.size_problem(len(raw), relative)
    text = None
    if problem is None:
        text, problem = decode(raw, relative)
    if problem is None:
        parsed = parse(text, relative)
        problem = parsed.problems[0] if parsed.problems else None
    if problem is not None:
        return None, problem
    try:
        loaded = _from_data(parsed.data, path)
    except ValidationError as exc:
        first = exc.errors()[0]
        line, column = parsed.positions.locate(tuple(first["loc"]))
        return refused(f"modello di protocollo non valido nel campo «{format_path(tuple(first['loc']))}»: "
                       "si usa quello distribuito con reti-adi", "protocolli.modello-file", line, column,
                       format_path(tuple(first["loc"])))
    if model is not None and loaded.model != model:
        line, column = parsed.positions.locate(("modello",))
        return refused(f"il file {relative} descrive il modello «{loaded.model}», non «{model}»",
                       "protocolli.modello-file", line, column, "modello")
    return loaded, None


def template(root: Path, model: str) -> ProtocolTemplate:
    """The catalogue repository's protocolli/modelli/{model}.yaml if present and valid, else the shipped one."""
    own = Path(root) / OVERRIDE_DIR / f"{model}.yaml"
    if os.path.lexists(own):
        loaded, _ = load_override(own, f"{OVERRIDE_DIR}/{model}.yaml", model)
        if loaded is not None:
            return loaded
    return _load(schemas_dir() / "modelli" / f"{model}.yaml")


def override_problems(root: Path) -> list[Problem]:
    """A problem for each model file of the repository that cannot be used (its model is replaced by
    the shipped one, so the protocol is still checked)."""
    folder = Path(root) / OVERRIDE_DIR
    if os.path.islink(folder):
        return [Problem(OVERRIDE_DIR, None, None, "", "la cartella dei modelli è un collegamento simbolico: "
                        "non è stata letta", "file.collegamento")]
    if not folder.is_dir():
        return []
    problems = []
    for name in sorted(os.listdir(folder)):
        if name.lower().endswith((".yaml", ".yml")):
            _, problem = load_override(folder / name, f"{OVERRIDE_DIR}/{name}", os.path.splitext(name)[0])
            if problem is not None:
                problems.append(problem)
    return problems
