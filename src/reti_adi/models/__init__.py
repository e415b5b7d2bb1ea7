"""pydantic models, one per file kind."""

from .catalogo import Ambito, Catalogo, Ente, Fonte, Servizio

__all__ = ["Ambito", "Catalogo", "Ente", "Fonte", "Servizio"]
