"""pydantic models, one per file kind."""

from reti_adi.catalogue.models.catalogo import Ambito, Catalogo, Ente, Fonte, Servizio

__all__ = ["Ambito", "Catalogo", "Ente", "Fonte", "Servizio"]
