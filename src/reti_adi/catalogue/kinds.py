"""Where each kind of record lives in a catalogue repository, and which model validates it."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from pydantic import BaseModel

from reti_adi.catalogue.models import Ambito, Catalogo, Ente, Fonte, Servizio

PROTOCOL_MODELS_DIR = "protocolli/modelli"
"""Where a repository may override the shipped protocol models (see protocol_templates)."""


@dataclass(frozen=True, slots=True)
class FileKind:
    name: str
    """Schema name and key of the records collection, e.g. «servizio»."""
    folder: str
    """Folder relative to the root; for single-file kinds, the file itself."""
    model_source: type[BaseModel] | str
    """The pydantic model, or «module:Name» to import it when first needed (see model)."""
    label: str
    single_file: bool = False

    @property
    def model(self) -> type[BaseModel]:
        """The model that validates this kind. The protocol models are imported only when a file of theirs is
        validated: a re-check after a service edit never builds their thirteen pydantic classes."""
        source = self.model_source
        if isinstance(source, str):
            module, _, name = source.partition(":")
            return getattr(importlib.import_module(module), name)
        return source


KINDS: tuple[FileKind, ...] = (
    FileKind("catalogo", "catalogo/catalogo.yaml", Catalogo, "metadati del catalogo", single_file=True),
    FileKind("ambito", "catalogo/ambiti", Ambito, "ambito"),
    FileKind("ente", "catalogo/enti", Ente, "ente"),
    FileKind("fonte", "catalogo/fonti", Fonte, "fonte di finanziamento"),
    FileKind("servizio", "catalogo/servizi", Servizio, "servizio"),
    FileKind("rete", "protocolli/reti", "reti_adi.catalogue.models.protocolli:Rete", "rete"),
    FileKind("protocollo", "protocolli/protocolli", "reti_adi.catalogue.models.protocolli:Protocollo", "protocollo"),
)
KIND_BY_NAME = {kind.name: kind for kind in KINDS}


def register(kind: FileKind) -> None:
    """Add a kind (the protocols module registers its own) keeping one registry for loader and schemas."""
    global KINDS
    if kind.name not in KIND_BY_NAME:
        KINDS = KINDS + (kind,)
        KIND_BY_NAME[kind.name] = kind
