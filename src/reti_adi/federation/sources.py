"""The sources file (sorgenti.yaml): which publications the portal harvests, in priority order.

Read with the catalogue's YAML reader, so a mistake gets the same Italian message with file,
line and field as a mistake in the catalogue. The order matters: when two sources conflict,
the one listed first wins (see federation/aggregate.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, model_validator

from reti_adi.catalogue.models.common import Id, Record, TestoBreve, Url
from reti_adi.catalogue.yaml_source import decode, parse
from reti_adi.rules.problems import Problem
from reti_adi.rules.schema_messages import translate

MAX_SOURCES_BYTES = 5_000_000

Cartella = Annotated[str, Field(min_length=1, max_length=500, description="cartella di una pubblicazione")]


class Sorgente(Record):
    """Una pubblicazione di reti-adi da raccogliere: il sito pubblicato oppure una cartella locale."""

    id: Id
    """Identificativo della sorgente nel portale (di solito l'ambito), es. «pianura-est»."""
    denominazione: TestoBreve | None = None
    url: Url | None = None
    """Indirizzo del sito pubblicato (quello che contiene api/v1/)."""
    cartella: Cartella | None = None
    """Cartella locale di una pubblicazione (la build/), relativa al file delle sorgenti."""

    @model_validator(mode="after")
    def _one_location(self) -> "Sorgente":
        if (self.url is None) == (self.cartella is None):
            raise ValueError("indica esattamente uno tra «url» e «cartella»")
        return self


class Sorgenti(Record):
    """File delle sorgenti del portale regionale (sorgenti.yaml)."""

    titolo: TestoBreve = "Portale regionale dei sostegni"
    versione: str = Field("1.0.0", pattern=r"^[0-9]+\.[0-9]+\.[0-9]+$", description="versione del portale")
    licenza: Literal["CC-BY-4.0", "CC0-1.0", "IODL-2.0"] = "CC-BY-4.0"
    """Licenza dei dati aggregati: compatibile con quelle delle sorgenti (CC-BY-4.0 lo è con tutte e tre)."""
    url_sito: Url | None = None
    """Indirizzo pubblico del portale aggregato."""
    sorgenti: list[Sorgente] = Field(min_length=1)


class SourcesError(Exception):
    """The sources file cannot be used: every problem has file, line and field."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(f"{p.file}:{p.line or '?'}: {p.field + ': ' if p.field else ''}{p.message}"
                                   for p in problems))
        self.problems = problems


def load_sources(path: Path) -> Sorgenti:
    """The validated sources file, or SourcesError naming each problem's line."""
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourcesError([Problem(name, None, None, "", f"impossibile leggere il file: {exc.strerror}",
                                    "sorgenti.lettura")]) from exc
    if len(raw) > MAX_SOURCES_BYTES:
        raise SourcesError([Problem(name, None, None, "", f"file troppo grande ({len(raw)} byte, al massimo "
                                    f"{MAX_SOURCES_BYTES})", "sorgenti.dimensione")])
    text, problem = decode(raw, name)
    if problem:
        raise SourcesError([problem])
    parsed = parse(text, name)
    if parsed.problems and parsed.data is None:
        raise SourcesError(parsed.problems)
    try:
        sources = Sorgenti.model_validate(parsed.data)
    except ValidationError as exc:
        raise SourcesError(translate(exc, Sorgenti, name, parsed.positions)) from exc
    problems = list(parsed.problems)
    seen: dict[str, int] = {}
    for index, source in enumerate(sources.sorgenti):
        if source.id in seen:
            line, column = parsed.positions.locate(("sorgenti", index, "id"))
            problems.append(Problem(name, line, column, f"sorgenti[{index}].id",
                                    f"la sorgente «{source.id}» è già elencata (sorgenti[{seen[source.id]}]): "
                                    "ogni sorgente compare una volta sola", "sorgenti.id-duplicato",
                                    found=source.id, expected="un id non ancora usato"))
        seen.setdefault(source.id, index)
    errors = [p for p in problems if p.is_error]
    if errors:
        raise SourcesError(errors)
    return sources


def source_location(source: Sorgente, sources_file: Path) -> str:
    """Where to read the source: its URL, or its folder resolved against the sources file."""
    if source.url is not None:
        return source.url
    return str((sources_file.parent / source.cartella).resolve())
