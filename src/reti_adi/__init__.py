"""reti-adi: catalogo dei sostegni e reti di servizi per l'Assegno di Inclusione."""

__version__ = "0.1.0"
