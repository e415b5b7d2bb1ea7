"""Where each kind of record lives in a catalogue repository, and which model validates it."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from reti_adi.catalogue.models import Ambito, Catalogo, Ente, Fonte, Servizio
from reti_adi.catalogue.models.protocolli import Protocollo, Rete


@dataclass(frozen=True, slots=True)
class FileKind:
    name: str
    """Schema name and key of the records collection, e.g. «servizio»."""
    folder: str
    """Folder relative to the root; for single-file kinds, the file itself."""
    model: type[BaseModel]
    label: str
    single_file: bool = False


KINDS: tuple[FileKind, ...] = (
    FileKind("catalogo", "catalogo/catalogo.yaml", Catalogo, "metadati del catalogo", single_file=True),
    FileKind("ambito", "catalogo/ambiti", Ambito, "ambito"),
    FileKind("ente", "catalogo/enti", Ente, "ente"),
    FileKind("fonte", "catalogo/fonti", Fonte, "fonte di finanziamento"),
    FileKind("servizio", "catalogo/servizi", Servizio, "servizio"),
    FileKind("rete", "protocolli/reti", Rete, "rete"),
    FileKind("protocollo", "protocolli/protocolli", Protocollo, "protocollo"),
)
KIND_BY_NAME = {kind.name: kind for kind in KINDS}


def register(kind: FileKind) -> None:
    """Add a kind (the protocols module registers its own) keeping one registry for loader and schemas."""
    global KINDS
    if kind.name not in KIND_BY_NAME:
        KINDS = KINDS + (kind,)
        KIND_BY_NAME[kind.name] = kind
