"""Building blocks shared by every file kind: identifiers, contacts, addresses, opening hours.

Formats are checked with plain regular expressions (microseconds each) rather than
heavier validators: the check has to stay fast at national scale.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class Record(BaseModel):
    """Base of every model: unknown fields are errors, so typos never pass silently."""

    model_config = ConfigDict(extra="forbid", validate_default=False, use_attribute_docstrings=True, defer_build=True)


# pattern -> Italian description of what is expected, used by the error translator
PATTERNS: dict[str, str] = {}


def _pattern(regex: str, description: str, **kwargs) -> object:
    PATTERNS[regex] = description
    return Field(pattern=regex, description=description, **kwargs)


ID_RE = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Id = Annotated[str, _pattern(ID_RE, "identificativo: minuscole, cifre e trattini (es. «centro-famiglie-nord»)",
                             min_length=2, max_length=80)]
CodiceIstat = Annotated[str, _pattern(r"^[0-9]{6}$", "codice ISTAT del comune: 6 cifre tra virgolette (es. \"037006\")")]
Cap = Annotated[str, _pattern(r"^[0-9]{5}$", "CAP: 5 cifre tra virgolette (es. \"40054\")")]
CodiceFiscaleEnte = Annotated[str, _pattern(
    r"^[0-9]{11}$", "codice fiscale di un ente: 11 cifre tra virgolette (mai quello di una persona)")]
CodiceIpa = Annotated[str, _pattern(r"^[A-Za-z0-9_]{2,20}$", "codice IPA dell'ente (IndicePA), es. «c_a944»")]
Cup = Annotated[str, _pattern(r"^[A-Z][0-9]{2}[A-Z0-9]{12}$", "codice CUP: 15 caratteri, es. «J31H22000120006»")]
Email = Annotated[str, _pattern(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$", "indirizzo email, es. «servizi@comune.it»")]
Telefono = Annotated[str, _pattern(r"^\+?[0-9][0-9 ./-]{5,20}$", "numero di telefono, es. \"051 123456\"")]
Url = Annotated[str, _pattern(r"^https?://[^\s/$.?#][^\s]*$", "indirizzo web che inizia con https://")]
Ora = Annotated[str, _pattern(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", "orario HH:MM tra virgolette (es. \"09:30\")")]
Testo = Annotated[str, Field(min_length=1, max_length=5000)]
TestoBreve = Annotated[str, Field(min_length=1, max_length=200)]

Giorno = Literal["lunedi", "martedi", "mercoledi", "giovedi", "venerdi", "sabato", "domenica"]
GIORNI: tuple[str, ...] = Giorno.__args__


class Contatti(Record):
    """Recapiti di un ufficio o servizio: mai nomi o recapiti personali."""

    telefono: Telefono | None = None
    email: Email | None = None
    pec: Email | None = None
    sito_web: Url | None = None
    ufficio: TestoBreve | None = None
    """Nome dell'ufficio o della funzione (es. «Sportello sociale»), non di una persona."""


class Indirizzo(Record):
    indirizzo: TestoBreve
    comune: CodiceIstat
    cap: Cap


class Coordinate(Record):
    lat: float = Field(ge=35.0, le=47.5, description="latitudine WGS84 (Italia)")
    lon: float = Field(ge=6.0, le=19.0, description="longitudine WGS84 (Italia)")


class FasciaOraria(Record):
    giorni: list[Giorno] = Field(min_length=1)
    dalle: Ora
    alle: Ora


class Sede(Record):
    denominazione: TestoBreve | None = None
    indirizzo: TestoBreve
    comune: CodiceIstat
    cap: Cap
    orari: list[FasciaOraria] = Field(default_factory=list)
    note_orari: TestoBreve | None = None
    coordinate: Coordinate | None = None
    accessibile: bool | None = None
    contatti: Contatti | None = None
    """Recapiti della sede, se diversi da quelli del servizio: il sito li mostra prima di quelli dell'ente."""
    """Sede accessibile a persone con disabilità motoria."""


class Periodo(Record):
    inizio: date
    fine: date | None = None


class CodiceEsterno(Record):
    sistema: TestoBreve
    """Chi assegna il codice (es. «Regione Emilia-Romagna», «SIOSS»)."""
    codice: TestoBreve
